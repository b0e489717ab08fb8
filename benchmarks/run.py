#!/usr/bin/env python3
"""Measure isolint's static scan against the ``ast.parse`` floor, ruff and flake8.

One command, from a fresh clone (needs Python 3.10+ and network access to PyPI; Linux or
macOS, for ``os.wait4``):

    python3 benchmarks/run.py

It creates ``benchmarks/.work/`` (git-ignored) with

* ``venv/``: ruff, flake8 and flake8-pytest-style at pinned versions, and isolint from this
  repository (a regular, non-editable install);
* ``sdists/``: pinned source distributions from PyPI that ship large test suites;
* ``corpus/``: their test modules and conftest files (``test_*.py``, ``*_test.py``,
  ``conftest.py``), with an empty ``pytest.ini`` so that the corpus is its own project, and
  ``corpus-x4/``: four copies of it, to see whether memory grows with the number of files;

then measures wall time, CPU time (user + system) and peak memory (the largest process's
maximum resident set size) of each command and writes the table into ``docs/benchmarks.md``
under ``## Static scan speed`` (``--no-docs`` to only print it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
VENV = WORK / "venv"
SDISTS = WORK / "sdists"
CORPUS = WORK / "corpus"
CORPUS_X4 = WORK / "corpus-x4"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Static scan speed"

#: The tools compared, pinned.
TOOLS = ("ruff==0.17.6", "flake8==7.5.0", "flake8-pytest-style==2.2.0")
#: Source distributions with large test suites whose metadata builds without compiling
#: anything (pandas' meson build would compile the whole library just to download it).
SDIST_PINS = ("sympy==1.13.3", "Django==5.1.4", "networkx==3.4.2")
TEST_FILE = re.compile(r"(^|/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$")

FLOOR = """\
import ast, sys
paths = open(sys.argv[1], encoding="utf-8").read().split("\\n")
for path in paths:
    with open(path, "rb") as handle:
        ast.parse(handle.read(), path)
"""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kwargs)


def bin_(name: str) -> str:
    return str(VENV / "bin" / name)


# ----------------------------------------------------------------------------------- set-up
def make_venv(refresh: bool) -> None:
    if refresh and VENV.exists():
        shutil.rmtree(VENV)
    if not (VENV / "bin" / "python").exists():
        log("creating the tools' virtual environment")
        run([sys.executable, "-m", "venv", str(VENV)])
    log(f"installing {', '.join(TOOLS)} and isolint from {ROOT}")
    run([bin_("python"), "-m", "pip", "install", "-q", "--upgrade", *TOOLS, str(ROOT)])


def make_corpus() -> list[str]:
    SDISTS.mkdir(parents=True, exist_ok=True)
    missing = [pin for pin in SDIST_PINS if not _sdist(pin)]
    if missing:
        log(f"downloading {', '.join(missing)}")
        run([bin_("python"), "-m", "pip", "download", "-q", "--no-deps",
             "--no-binary", ",".join(p.split("==")[0] for p in missing),
             "-d", str(SDISTS), *missing])
    if not (CORPUS / "files.txt").exists():
        if CORPUS.exists():
            shutil.rmtree(CORPUS)
        for pin in SDIST_PINS:
            archive = _sdist(pin)
            assert archive is not None, f"{pin} was not downloaded"
            _extract_tests(archive, CORPUS / pin.split("==")[0].lower())
        (CORPUS / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        files = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.py"))
        (CORPUS / "files.txt").write_text("\n".join(files), encoding="utf-8")
    if not (CORPUS_X4 / "files.txt").exists():
        if CORPUS_X4.exists():
            shutil.rmtree(CORPUS_X4)
        CORPUS_X4.mkdir(parents=True)
        for copy in range(4):
            for name in SDIST_PINS:
                project = name.split("==")[0].lower()
                shutil.copytree(CORPUS / project, CORPUS_X4 / f"copy{copy}" / project)
        (CORPUS_X4 / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        files = sorted(p.relative_to(CORPUS_X4).as_posix() for p in CORPUS_X4.rglob("*.py"))
        (CORPUS_X4 / "files.txt").write_text("\n".join(files), encoding="utf-8")
    return (CORPUS / "files.txt").read_text(encoding="utf-8").split("\n")


def _sdist(pin: str) -> Path | None:
    name, version = pin.split("==")
    for path in SDISTS.glob("*.tar.gz"):
        if path.name.lower() == f"{name}-{version}.tar.gz".lower():
            return path
    return None


def _extract_tests(archive: Path, target: Path) -> None:
    """The test modules and conftests of ``archive``, without its top directory."""
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            inner = member.name.split("/", 1)[-1]
            if not member.isfile() or not TEST_FILE.search(inner):
                continue
            handle = tar.extractfile(member)
            assert handle is not None
            destination = target / inner
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(handle.read())


# ------------------------------------------------------------------------------- measuring
@dataclass
class Measure:
    label: str
    wall: float  # seconds, median
    wall_sd: float
    cpu: float  # user + system seconds of the process and its children, median
    rss_mb: float  # peak resident set size of the largest process, median
    runs: int
    commit: str = ""  # of the repository when measured ("" in results saved before it was kept)


#: A row of the table: (label, command, directory, runs, options: ``cold``, ``warmup``).
Row = tuple[str, list[str], Path, int, dict]
#: Rows that are compared with each other: measured in turns.
IN_TURNS = ("floor", "cold_1", "cold_1_nocache")


def run_once(label: str, cmd: list[str], cwd: Path, cold: bool) -> tuple[float, float, float]:
    """Run ``cmd`` once (``cold``: without ``.isolint_cache``): its wall time from a monotonic
    clock, its CPU time (user + system) and its peak memory in MB from ``wait4``."""
    if cold:
        shutil.rmtree(cwd / ".isolint_cache", ignore_errors=True)
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{label}: exit code {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # KiB on Linux


def measure_in_turns(rows: dict[str, Row]) -> dict[str, Measure]:
    """Measure ``rows`` one run of each at a time, so that a change in the machine's load
    (other work shares it) hits them alike; each row's first ``warmup`` runs are not counted."""
    left = {key: runs + options.get("warmup", 0) for key, (_, _, _, runs, options) in rows.items()}
    samples: dict[str, list[tuple[float, float, float]]] = {key: [] for key in rows}
    for label, cmd, _, runs, _ in rows.values():
        log(f"{label}: {' '.join(cmd)} ({runs} runs)")
    while any(left.values()):
        for key, (label, cmd, cwd, runs, options) in rows.items():
            if left[key]:
                sample = run_once(label, cmd, cwd, options.get("cold", False))
                left[key] -= 1
                if left[key] < runs:
                    samples[key].append(sample)
    return {key: _summarise(rows[key][0], samples[key]) for key in rows}


def _summarise(label: str, samples: list[tuple[float, float, float]]) -> Measure:
    walls, cpus, peaks = zip(*samples)
    sd = statistics.stdev(walls) if len(walls) > 1 else 0.0
    return Measure(label, statistics.median(walls), sd, statistics.median(cpus),
                   statistics.median(peaks), len(samples))


# ---------------------------------------------------------------------------------- report
def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    version = subprocess.run([bin_("python"), "-c", "import sys; print(sys.version.split()[0])"],
                             capture_output=True, text=True).stdout.strip()
    tools = subprocess.run([bin_("python"), "-m", "pip", "freeze"], capture_output=True,
                           text=True).stdout
    pins = [line for line in tools.splitlines()
            if line.split("==")[0].lower() in ("ruff", "flake8", "flake8-pytest-style")]
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": version,
        "tools": ", ".join(pins),
    }


def _load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def render(results: dict[str, Measure], info: dict[str, str], files: int, size_mb: float,
           files_x4: int, load_before: str, load_after: str, commit: str, jobs: int) -> str:
    floor, floor_cpu = results["floor"].wall, results["floor"].cpu
    ruff_warm = results["ruff_warm"].wall
    flake8 = results["flake8"].wall
    lines = [
        SECTION,
        "",
        f"Measured by `python3 benchmarks/run.py` at commit `{commit}` on {time.strftime('%Y-%m-%d')}"
        + _earlier_rows(results, commit) + ".",
        "",
        f"**Corpus:** the test modules and conftest files ({files} files, {size_mb:.1f} MB) of "
        + ", ".join(f"`{p}`" for p in SDIST_PINS)
        + f" (sdists from PyPI); the memory-scaling row uses four copies ({files_x4} files) "
        "and is compared with four times the floor.",
        "",
        f"**Machine:** {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, {info['os']}, "
        f"Python {info['python']}; {info['tools']}. "
        f"Load average (1/5/15 min) {load_before} before and {load_after} after the runs "
        "(other work shares this machine).",
        "",
        "Wall time is the median of the runs (± standard deviation); CPU is the median user + "
        "system time of all processes; memory is the peak resident set size of the largest "
        "process. On a shared machine CPU time is the steadier measure of work done; the "
        "floor and the two one-job cold rows are measured in turns (one run of each at a "
        "time), so that a change in the machine's load hits them alike. "
        "*Cold* starts with no `.isolint_cache`; *warm* runs again over the same, unchanged files. "
        "ruff and flake8 run with their defaults for parallelism (ruff: threads; flake8: "
        "`--jobs auto` processes).",
        "",
        "| command | wall (s) | CPU (s) | peak memory (MB) | wall / floor | CPU / floor | runs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, m in results.items():
        scale = 4 if key == "cold_1_x4" else 1  # against the floor of as many files
        lines.append(
            f"| {m.label} | {m.wall:.3f} ± {m.wall_sd:.3f} | {m.cpu:.2f} | {m.rss_mb:.0f} | "
            f"{m.wall / (scale * floor):.2f}x | {m.cpu / (scale * floor_cpu):.2f}x | {m.runs} |"
        )
    one, every, warm = results["cold_1"], results["cold_n"], results["warm"]
    five = results["five"]
    targets = [
        ("cold, 1 job, within 1.5x the parse floor", one.wall <= 1.5 * floor,
         f"{one.wall / floor:.2f}x wall, {one.cpu / floor_cpu:.2f}x CPU"
         + (f" ({results['cold_1_nocache'].wall / floor:.2f}x wall without cache writes)"
            if "cold_1_nocache" in results else "")),
        ("cold, all jobs, below the one-process floor", every.wall < floor,
         f"{every.wall / floor:.2f}x"),
        ("warm under 10 % of cold (1 job)", warm.wall < 0.1 * one.wall,
         f"{100 * warm.wall / one.wall:.1f} %"),
        ("warm faster than ruff's warm run", warm.wall < ruff_warm,
         f"{warm.wall:.3f} s vs {ruff_warm:.3f} s"),
        ("5 files under 0.3 s wall", five.wall < 0.3, f"{five.wall:.3f} s"),
        ("peak memory does not grow with the number of files (x4 files, 1 job)",
         results["cold_1_x4"].rss_mb <= 1.25 * one.rss_mb,
         f"{one.rss_mb:.0f} MB -> {results['cold_1_x4'].rss_mb:.0f} MB"),
    ]
    lines += [
        "",
        "Against the other tools: isolint cold with all jobs takes "
        f"{every.wall / results['ruff_cold'].wall:.1f}x ruff's cold time and "
        f"{every.wall / flake8:.2f}x flake8's; warm, {warm.wall / ruff_warm:.2f}x ruff's warm time.",
        "",
        "| target | met | measured |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {'yes' if ok else '**no**'} | {value} |" for name, ok, value in targets]
    lines += ["", _where_the_time_goes(one, results.get("cold_1_nocache"), floor_cpu, files)]
    lines += [
        "",
        f"**Parallelism.** `-j {jobs}` used {every.cpu / every.wall:.1f} CPUs' worth of the "
        f"{jobs} on average (CPU time / wall time)"
        + (": the workers kept the CPUs busy. "
           if every.cpu / every.wall >= 0.8 * jobs else
           ": this machine is shared with other work (load averages above), so the workers "
           "waited for a CPU. ")
        + "Chunks go out largest files first, so that the workers finish together. "
        + f"Workers repeat the conftest parsing and return results through pipes "
        f"({every.cpu - one.cpu:+.1f} s CPU against one job); the spread of the `-j {jobs}` "
        "runs comes from the other work on the machine. Below the one-process floor needs the "
        f"per-file work under about {jobs}x the parse. The output is the same for every `-j` "
        "(tested).",
        "",
        "**Warm runs and pre-commit.** A warm run reads and hashes every file and loads the "
        "cache's packs once (after one cold run, a single file; a run merges them when there are "
        "more than 8), without parsing; a few files on the command line are scanned "
        "in-process, without starting workers, and `isolint check` imports neither LibCST, the "
        "pytest plugin, multiprocessing nor any reporter but the chosen one (tested).",
    ]
    return "\n".join(lines) + "\n"


#: In-process profile of a one-job cold scan of the corpus (CPU seconds), updated by hand
#: when the scan changes: (what, seconds).
PROFILE = (("parse", 3.2), ("freeing the syntax trees", 0.37), ("file contexts", 0.17),
           ("bare walk", 0.65), ("rules and their dispatch", 0.77))
PROFILE_COMMIT = "a78a003"
#: The cache's own CPU seconds in a cold one-job scan of the corpus, timed in-process.
CACHE_WORK = 0.08


def _earlier_rows(results: dict[str, Measure], commit: str) -> str:
    """Which rows a partial run (``--only``) took from an earlier run, and at which commits."""
    earlier = [m for m in results.values() if m.commit != commit]
    if not earlier:
        return ""
    commits = sorted({m.commit or "?" for m in earlier})
    return ("; the rows " + ", ".join(f"“{m.label}”" for m in earlier) + " are from an earlier run at "
            + ", ".join(f"`{c}`" for c in commits) + " (`--only` measured the others again)")


def _where_the_time_goes(one: Measure, bare: Measure | None, floor_cpu: float, files: int) -> str:
    parts = [(
        "**Where the time goes.** A cold scan reads and parses each file once (the floor), then "
        "walks its tree once, dispatching each node to the rules that can fire on that file; "
        "at the end the parent process writes all the run's results as one cache pack "
        "(`.isolint_cache/<version>/packs/<hash>.json`, a temporary file and a rename)."
    )]
    if bare is not None:
        parts.append(
            f"Without the cache (`--no-cache`) a one-job scan took {bare.cpu:.2f} s CPU, "
            f"{bare.cpu / floor_cpu:.2f}x the floor; with it {one.cpu:.2f} s, a difference of "
            f"{one.cpu - bare.cpu:+.2f} s. Timed in-process, the cache's own work "
            f"(hashing each file and its conftests, the keys, serialising the {files} results, "
            f"writing one pack) takes {CACHE_WORK:.2f} s; "
            + ("the rest of the difference is " if one.cpu - bare.cpu > CACHE_WORK + 0.05
               else "the difference is within ")
            + "the shared machine's noise (the two rows take turns, yet each run of them varies "
            f"by about ±{max(one.wall_sd, bare.wall_sd):.1f} s), as was most of the 0.5 s an "
            "earlier table showed."
        )
    parse = PROFILE[0][1]
    python = sum(seconds for _, seconds in PROFILE[2:])
    parts.append(
        f"Profiled in-process at commit `{PROFILE_COMMIT}`: "
        + ", ".join(f"{what} {seconds:.2f} s" for what, seconds in PROFILE)
        + f"; the analysis (contexts, walk and rules) takes {python / parse:.2f}x the parse's "
        "time, and the floor frees its trees too."
    )
    parts.append(
        "The parse itself runs with the cyclic garbage collector paused (a syntax tree has "
        "no cycles and is freed by reference counting as soon as its file is done; a test "
        "checks that a scan leaves no cycle behind), which makes isolint's parse cheaper than "
        "the floor's, where the collector keeps traversing the growing tree."
    )
    parts.append(
        "What was done (each step left the findings on this corpus identical, compared as "
        "JSON; `tests/test_gating.py` checks every gate on every rule case file and on alias "
        "edge cases): rules declare a necessary condition per file (`Rule.may_fire`) and are "
        "not dispatched where it fails: the environment, `sys.path`, `sys.modules` and cwd "
        "rules need an import that can reach their state and its name in the source, the "
        "three mock rules a `unittest.mock`/`mock` import or `mocker`; rules declare the last "
        "name parts of the callees they look at (`Rule.call_words`), and the engine calls "
        "their `visit_Call` only for a call whose callee's last part (through the import table "
        "for bare names) is one of them: one lookup per call instead of a method call per "
        "rule; a function's single-assignment names, classes, imports and `global` statements "
        "are found once per function or file, among statements only, and statement searches "
        "and the import table skip by class the statements that nest no block or bind "
        "nothing (the file contexts went from 0.40 s to 0.17 s); `missing_teardown_method` "
        "gathers a class's teardown code only when the file can call `gc.collect` at all; "
        "whether an import can reach a module is two set lookups; the walk takes one lookup "
        "per node class and one set test per child."
    )
    return " ".join(parts)


def write_docs(section: str) -> None:
    """Replace (or append) our section of docs/benchmarks.md; other sections are left alone."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    start = text.find(SECTION + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start + len(SECTION))
        end = len(text) if following < 0 else following + 1
        text = text[:start] + section + ("\n" + text[end:] if following >= 0 else "")
    DOCS.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10,
                        help="runs of each fast command (default 10)")
    parser.add_argument("--slow-runs", type=int, default=3,
                        help="runs of each cold isolint scan and of flake8 (default 3)")
    parser.add_argument("--skip-install", action="store_true",
                        help="reuse the tools' venv as it is (do not reinstall isolint)")
    parser.add_argument("--no-docs", action="store_true", help="print the table only")
    parser.add_argument("--only", default="",
                        help="measure only these comma-separated rows (e.g. cold_1,cold_n) and "
                             "take the others from the last run's .work/results.json")
    parser.add_argument("--from-results", action="store_true",
                        help="do not measure: render the last run's .work/results.json again")
    args = parser.parse_args()
    saved = WORK / "results.json"
    if args.from_results:
        data = json.loads(saved.read_text(encoding="utf-8"))
        results = {k: Measure(**v) for k, v in data.pop("results").items()}
        return _publish(render(results, **data), args.no_docs)

    if not (args.skip_install and (VENV / "bin" / "isolint").exists()):
        make_venv(refresh=False)
    files = make_corpus()
    size_mb = sum((CORPUS / f).stat().st_size for f in files) / 1e6
    files_x4 = len((CORPUS_X4 / "files.txt").read_text(encoding="utf-8").split("\n"))
    (WORK / "floor.py").write_text(FLOOR, encoding="utf-8")
    five = files[len(files) // 2 : len(files) // 2 + 5]
    jobs = os.cpu_count() or 1
    isolint, python = bin_("isolint"), bin_("python")
    check = [isolint, "check", "--exit-zero"]
    load_before = _load()
    r, s = args.runs, args.slow_runs
    plan: dict[str, Row] = {  # in table order
        "floor": ("`ast.parse` floor (1 process)", [python, str(WORK / "floor.py"), "files.txt"],
                  CORPUS, r, {"warmup": 1}),
        "cold_1": ("isolint cold, `-j 1`", [*check, "-j", "1", "."], CORPUS, s, {"cold": True}),
        "cold_n": (f"isolint cold, `-j {jobs}`", [*check, "-j", str(jobs), "."], CORPUS, s,
                   {"cold": True}),
        "cold_1_nocache": ("isolint, `-j 1 --no-cache` (no cache writes)",
                           [*check, "-j", "1", "--no-cache", "."], CORPUS, s, {"cold": True}),
        "warm": ("isolint warm cache", [*check, "."], CORPUS, r, {"warmup": 1}),
        "five": ("isolint, 5 files (pre-commit, cold)", [*check, *five], CORPUS, r,
                 {"cold": True, "warmup": 1}),
        "cold_1_x4": (f"isolint cold, `-j 1`, x4 files ({files_x4})",
                      [*check, "-j", "1", "."], CORPUS_X4, 1, {"cold": True}),
        "ruff_cold": ("ruff `--select PT`, no cache",
                      [bin_("ruff"), "check", "--isolated", "--select", "PT", "--exit-zero",
                       "--no-cache", "."], CORPUS, r, {"warmup": 1}),
        "ruff_warm": ("ruff `--select PT`, warm cache",
                      [bin_("ruff"), "check", "--isolated", "--select", "PT", "--exit-zero",
                       "."], CORPUS, r, {"warmup": 1}),
        "flake8": ("flake8 + flake8-pytest-style `--select PT`",
                   [bin_("flake8"), "--select", "PT", "--exit-zero", "."], CORPUS, s, {}),
    }
    only = {k for k in args.only.split(",") if k}
    unknown = only - plan.keys()
    if unknown:
        parser.error(f"unknown rows: {', '.join(sorted(unknown))} (rows: {', '.join(plan)})")
    previous = {}
    if only:
        previous = {k: Measure(**v) for k, v in
                    json.loads(saved.read_text(encoding="utf-8"))["results"].items()}
    chosen = {key: row for key, row in plan.items() if not only or key in only}
    measured = measure_in_turns({key: chosen[key] for key in IN_TURNS if key in chosen})
    for key, row in chosen.items():
        if key not in measured:
            measured.update(measure_in_turns({key: row}))
    load_after = _load()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip() or "?"
    for measure in measured.values():
        measure.commit = commit
    results = {key: measured.get(key) or previous[key] for key in plan
               if key in measured or key in previous}
    context = {"info": machine(), "files": len(files), "size_mb": size_mb, "files_x4": files_x4,
               "load_before": load_before, "load_after": load_after, "commit": commit,
               "jobs": jobs}
    saved.write_text(json.dumps({"results": {k: asdict(m) for k, m in results.items()},
                                 **context}, indent=1), encoding="utf-8")
    return _publish(render(results, **context), args.no_docs)


def _publish(section: str, print_only: bool) -> int:
    print(section)
    if not print_only:
        write_docs(section)
        log(f"wrote {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
