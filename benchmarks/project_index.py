#!/usr/bin/env python3
"""What the project index costs: a cold one-job scan against the ``ast.parse`` floor, and a
warm run against the cold one, measured in turns (one run of each at a time).

    python3 benchmarks/project_index.py [--runs N] [--suite DIR ...]

Two corpora:

* ``run.py``'s corpus (the test modules and conftests of sympy, Django and networkx; made by
  ``benchmarks/run.py``, whose virtual environment this script reuses: it installs isolint from
  this repository into it first);
* real suites *with their packages* (default: prefect, sentry-python and celery as extracted
  under ``/work/suites`` by ``benchmarks/accuracy.py``), where the index has project modules to
  read: base classes, helpers, conftest fixtures, the package's initial values. Each suite is
  scanned from its own root (its own rootdir); one row runs all of them.

The floor parses exactly the files isolint scans (listed by isolint's own discovery); what the
index parses on top (non-scanned project modules) is part of isolint's time. Cold runs start
with no cache directory; warm runs follow a cold one over unchanged files. CPU time (user +
system of the process and its children) is the steadier measure on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as bench  # noqa: E402  (benchmarks/run.py: its venv and corpus)

DEFAULT_SUITES = ("/work/suites/prefect-ce79dd3d", "/work/suites/sentry-python-064542dd",
                  "/work/suites/celery-5.4.0")
#: The files ``isolint check .`` scans from ``root`` (the path the checks below are given: not
#: pytest's ``testpaths``, which on celery name a quarter fewer files).
LIST_FILES = """\
import sys
from pathlib import Path
from isolint.config import load_settings
from isolint.discovery import discover
root = Path(sys.argv[1]).resolve()
settings = load_settings([root], root)
files, _ = discover([root], settings, root)
print("\\n".join(f.path for f in files))
"""


def scanned_files(python: str, root: Path) -> list[str]:
    out = subprocess.run([python, "-c", LIST_FILES, str(root)], check=True, capture_output=True,
                         text=True).stdout
    return [line for line in out.splitlines() if line]


def run_once(cmds: list[tuple[list[str], Path]], cache: Path | None, cold: bool) -> tuple[float, float]:
    """Wall and CPU seconds of running ``cmds`` one after the other."""
    if cold and cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
    wall = cpu = 0.0
    for cmd, cwd in cmds:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall += time.perf_counter() - start
        cpu += usage.ru_utime + usage.ru_stime
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)}: exit code {os.waitstatus_to_exitcode(status)}")
    return wall, cpu


def measure(label: str, roots: list[Path], python: str, isolint: str, runs: int, work: Path,
            baseline: str = "") -> dict:
    """Floor, cold ``-j 1 --no-cache``, cold ``-j 1`` (cache writes), and warm runs over
    ``roots``, in turns, ``runs`` rounds (and a cold ``-j 1 --no-cache`` run of the isolint
    whose sources are in ``baseline``, when given). The warm runs use the cache the latest
    cold ``-j 1`` run wrote."""
    lists = []
    for number, root in enumerate(roots):
        listing = work / f"{label}-{number}.txt"
        listing.write_text("\n".join(scanned_files(python, root)), encoding="utf-8")
        lists.append(listing)
    floor_py = work / "floor.py"
    floor_py.write_text(bench.FLOOR, encoding="utf-8")
    cache = work / f"{label}-cache"
    floor = [([python, str(floor_py), str(listing)], root) for root, listing in zip(roots, lists)]
    check = [isolint, "check", "--exit-zero", "--cache-dir", str(cache)]
    cold = [([*check, "-j", "1", "."], root) for root in roots]
    warm = [([*check, "."], root) for root in roots]
    base = [(["env", f"PYTHONPATH={baseline}", python, "-m", "isolint", "check", "--exit-zero",
              "--no-cache", "-j", "1", "."], root) for root in roots]
    nocache = [([*check[:-2], "--no-cache", "-j", "1", "."], root) for root in roots]
    plan = {"floor": (floor, None, False), "cold_1": (cold, cache, True),
            "cold_1_nocache": (nocache, None, False), "warm": (warm, cache, False)}
    if baseline:
        plan["baseline"] = (base, None, False)
    samples: dict[str, list[tuple[float, float]]] = {key: [] for key in plan}
    run_once(floor, None, False)  # warm the file system cache
    run_once(cold, cache, True)  # ... and the cache directory for the first warm run
    load_before = bench._load()
    for number in range(runs):
        # The order turns from round to round: a run is systematically faster or slower after
        # a given other one (the CPU's caches, the other work on the machine).
        keys = list(plan)
        keys = keys[number % len(keys):] + keys[:number % len(keys)]
        for key in keys:
            samples[key].append(run_once(*plan[key]))
    files = sum(len(p.read_text(encoding="utf-8").split("\n")) for p in lists)
    out: dict = {"label": label, "files": files, "load": f"{load_before} -> {bench._load()}"}
    for key, values in samples.items():
        walls, cpus = zip(*values)
        out[key] = (statistics.median(walls), statistics.median(cpus))
    # Ratios per round (the runs of a round follow each other): their median and spread.
    floors = [cpu for _, cpu in samples["floor"]]
    for key in ("cold_1", "cold_1_nocache", "baseline"):
        if key in samples:
            ratios = [cpu / f for (_, cpu), f in zip(samples[key], floors)]
            out[key + "_ratio"] = (statistics.median(ratios), min(ratios), max(ratios))
    warm = [w / c for (_, w), (_, c) in zip(samples["warm"], samples["cold_1"])]
    out["warm_ratio"] = (statistics.median(warm), min(warm), max(warm))
    # The fastest run of each: the least slowed by the other work on the machine.
    fastest = {key: min(cpu for _, cpu in values) for key, values in samples.items()}
    out["fastest"] = {key: cpu / fastest["floor"] for key, cpu in fastest.items()}
    out["fastest"]["warm"] = fastest["warm"] / fastest["cold_1"]
    return out


def _spread(value: tuple[float, float, float], percent: bool = False) -> str:
    if percent:
        return f"{100 * value[0]:.1f} % ({100 * value[1]:.1f}-{100 * value[2]:.1f})"
    return f"{value[0]:.2f}x ({value[1]:.2f}-{value[2]:.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suite", action="append", default=[],
                        help="a real suite's root directory (default: prefect, sentry-python, celery)")
    parser.add_argument("--skip-install", action="store_true")
    parser.add_argument("--skip-corpus", action="store_true", help="measure only the real suites")
    parser.add_argument("--baseline", default="",
                        help="the src/ directory of another isolint (e.g. main's) to measure in turns")
    args = parser.parse_args()
    if not (bench.VENV / "bin" / "python").exists():
        bench.make_venv(refresh=False)
    python, isolint = bench.bin_("python"), bench.bin_("isolint")
    if not args.skip_install:
        bench.log(f"installing isolint from {bench.ROOT}")
        bench.run([python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(bench.ROOT)])
    bench.make_corpus()
    suites = [Path(s) for s in (args.suite or [s for s in DEFAULT_SUITES if Path(s).is_dir()])]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.skip_corpus:
            rows.append(measure("run.py corpus", [bench.CORPUS], python, isolint, args.runs, work,
                                args.baseline))
        if suites:
            rows.append(measure("suites with packages (" + ", ".join(s.name for s in suites) + ")",
                                suites, python, isolint, args.runs, work, args.baseline))
    print(f"{args.runs} rounds; per round the CPU time (user + system) of each run divided by "
          "the same round's floor; median (min-max)")
    print()
    print("| corpus | files | floor CPU (s) | cold `-j 1 --no-cache` / floor | cold `-j 1` / floor | "
          "warm / cold | baseline cold / floor | load (1/5/15 min) before -> after |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        base = _spread(row["baseline_ratio"]) if "baseline_ratio" in row else "-"
        print(f"| {row['label']} | {row['files']} | {row['floor'][1]:.2f} | "
              f"{_spread(row['cold_1_nocache_ratio'])} | {_spread(row['cold_1_ratio'])} | "
              f"{_spread(row['warm_ratio'], percent=True)} | {base} | {row['load']} |")
    print()
    print("The fastest run of each against the fastest floor (warm: against the fastest cold):")
    print()
    print("| corpus | cold `-j 1 --no-cache` / floor | cold `-j 1` / floor | warm / cold | "
          "baseline cold / floor |")
    print("|---|---|---|---|---|")
    for row in rows:
        fast = row["fastest"]
        base = f"{fast['baseline']:.2f}x" if "baseline" in fast else "-"
        print(f"| {row['label']} | {fast['cold_1_nocache']:.2f}x | {fast['cold_1']:.2f}x | "
              f"{100 * fast['warm']:.1f} % | {base} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
