"""How much does ``pytest --isolint`` slow a real test suite down? (goal: under 5 % wall time)

    python3 benchmarks/plugin_overhead.py [--repeats N] [--only NAME]

Runs the test suites of three pinned PyPI sdists in a scratch virtualenv (``benchmarks/.work``):

* packaging 24.1: ~27,000 tests of well under a millisecond each, the worst case for a per-test
  cost (single process, and under ``-n 2``);
* more-itertools 10.5.0: ~660 unittest-style tests with subtests;
* Jinja2 3.1.4: ~850 tests of a few milliseconds each, a typical suite.

Each configuration runs ``--repeats`` times, interleaved (off, installed-but-not-enabled, on,
then the next round in a rotated order) so that load from other processes and the order of runs
hit every configuration alike; the table shows medians. "off" is ``-p no:isolint``, "inert" the plugin installed but without ``--isolint``,
"on" ``--isolint``. Wall time is the whole ``python -m pytest`` process; "session" is the time
pytest itself reports; CPU is user + system time of pytest and its workers, the steadier figure
on a machine shared with other work. Results also go to ``benchmarks/.work/plugin_overhead.json``.
"""

from __future__ import annotations

import argparse
import json
import platform

from plugin_workenv import WORK, ensure_venv, fetch_sdist, log, median, timed_pytest

MODES = {"off": ["-p", "no:isolint"], "inert": [], "on": ["--isolint"]}
KINDS = ("wall", "session", "cpu")


#: What the suites' own tests need besides pytest.
SUITE_PACKAGES = ("pretend==1.0.9", "MarkupSafe==2.1.5")


def suites() -> list[dict]:
    packaging = fetch_sdist("packaging", "24.1")
    more = fetch_sdist("more-itertools", "10.5.0")
    jinja = fetch_sdist("Jinja2", "3.1.4")
    # packaging's own tests run against its source tree; more-itertools' against its package dir.
    return [
        {"name": "packaging 24.1", "cwd": packaging, "args": ["-q", "tests"], "env": {"PYTHONPATH": "src"}},
        # A fixed hash seed: otherwise packaging's set-ordered parametrizations differ between the
        # two workers and xdist refuses to run ("Different tests were collected").
        {
            "name": "packaging 24.1, -n 2",
            "cwd": packaging,
            "args": ["-q", "-n", "2", "tests"],
            "env": {"PYTHONPATH": "src", "PYTHONHASHSEED": "0"},
        },
        {"name": "more-itertools 10.5.0", "cwd": more, "args": ["-q", "tests"], "env": {"PYTHONPATH": "."}},
        {"name": "Jinja2 3.1.4", "cwd": jinja, "args": ["-q", "tests"], "env": {"PYTHONPATH": "src"}},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--only", metavar="NAME", help="run only the suites whose name contains NAME (the saved results of the others are kept)"
    )
    options = parser.parse_args()
    ensure_venv(extra=SUITE_PACKAGES)
    results = []
    for suite in suites():
        if options.only and options.only not in suite["name"]:
            continue
        times: dict[str, dict[str, list[float]]] = {m: {k: [] for k in KINDS} for m in MODES}
        timed_pytest(["--isolint", *suite["args"]], suite["cwd"], suite["env"])  # warm-up: bytecode caches
        for round_ in range(options.repeats):
            # The order rotates from round to round: on this machine the run that follows
            # another is systematically slower or faster, which would otherwise favour one mode.
            order = list(MODES)[round_ % len(MODES):] + list(MODES)[:round_ % len(MODES)]
            for mode in order:
                flags = MODES[mode]
                timing = timed_pytest([*flags, *suite["args"]], suite["cwd"], suite["env"])
                for kind in KINDS:
                    times[mode][kind].append(getattr(timing, kind))
                log(
                    f"{suite['name']:24} {mode:5} round {round_ + 1}: {timing.wall:6.2f}s wall, "
                    f"{timing.session:6.2f}s session, {timing.cpu:6.2f}s CPU"
                )
                if mode == "on" and round_ == 0:
                    log("\n".join(line for line in timing.output.splitlines() if line.startswith("worker ")))
        row = {"suite": suite["name"], "repeats": options.repeats}
        for mode in MODES:
            row[mode] = {kind: median(values) for kind, values in times[mode].items()}
            row[mode + "_all"] = times[mode]
        for kind in KINDS:
            row[f"overhead_{kind}_pct"] = 100 * (row["on"][kind] / row["off"][kind] - 1)
            row[f"inert_{kind}_pct"] = 100 * (row["inert"][kind] / row["off"][kind] - 1)
        results.append(row)
    WORK.mkdir(exist_ok=True)
    saved = WORK / "plugin_overhead.json"
    if options.only and saved.exists():
        measured = {r["suite"] for r in results}
        kept = [r for r in json.loads(saved.read_text())["results"] if r["suite"] not in measured]
        order = [s["name"] for s in suites()]
        results = sorted(kept + results, key=lambda r: order.index(r["suite"]) if r["suite"] in order else len(order))
    saved.write_text(
        json.dumps({"machine": platform.platform(), "python": platform.python_version(), "results": results}, indent=2)
    )
    print("| suite | off: wall / CPU | inert: wall / CPU | --isolint: wall / CPU | overhead wall | overhead CPU | inert CPU |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        cells = " | ".join(f"{r[m]['wall']:.2f} s / {r[m]['cpu']:.2f} s" for m in MODES)
        print(
            f"| {r['suite']} | {cells} | {r['overhead_wall_pct']:+.1f} % | {r['overhead_cpu_pct']:+.1f} % "
            f"| {r['inert_cpu_pct']:+.1f} % |"
        )


if __name__ == "__main__":
    main()
