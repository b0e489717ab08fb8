"""What does ``pytest --isolint`` cost per test? An A/B inside one run, immune to machine load.

    python3 benchmarks/plugin_per_test.py [--repeats N] [--block B] [--only NAME]

Whole-run comparisons (``plugin_overhead.py``) on a shared machine move by a few percent from
run to run, as much as the effect measured on a suite of sub-millisecond tests. Here a helper
plugin (``benchmarks/helpers/isolint_alternating.py``) runs the suite with ``--isolint`` but does
the plugin's per-test work only in every other block of ``B`` tests, timing each test's whole
protocol; a second run swaps the blocks, so every test is timed both ways and load hits both
alike. Each test's difference (with minus without) is one sample of the plugin's cost, including
what its work costs the tests that follow in its block (caches). The cost per test is the mean
of those differences with the 1 % most extreme at each end left out: a garbage collection of the
whole heap (80 ms on packaging) lands in a random test and would swamp a plain mean. The fixed
costs (start-up, the report at the end) are not in it: ``plugin_overhead.py`` measures whole runs.

Prints a Markdown table; results also go to ``benchmarks/.work/plugin_per_test.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform

from plugin_overhead import SUITE_PACKAGES, suites
from plugin_workenv import BENCHMARKS, WORK, ensure_venv, log, median, timed_pytest


def alternating_run(suite: dict, offset: int, block: int, probe: str = "") -> dict[str, tuple[int, bool]]:
    """``{nodeid: (nanoseconds, plugin on)}`` of one run (``probe``: "off" is the plugin without it)."""
    times = WORK / f"alternating-{offset}.jsonl"
    env = {
        "ISOLINT_WITHOUT": probe,
        **suite["env"],
        "PYTHONPATH": os.pathsep.join(filter(None, [suite["env"].get("PYTHONPATH"), str(BENCHMARKS / "helpers")])),
        "ISOLINT_BLOCK": str(block),
        "ISOLINT_BLOCK_OFFSET": str(offset),
        "ISOLINT_TIMES_FILE": str(times),
        "PYTHONHASHSEED": "0",  # the same tests in the same order in both runs
    }
    timed_pytest(["--isolint", "-p", "isolint_alternating", *suite["args"]], suite["cwd"], env)
    rows = [json.loads(line) for line in times.read_text(encoding="utf-8").splitlines()]
    return {nodeid: (ns, on) for nodeid, ns, on in rows}


def trimmed_mean(values: list[float], cut: float = 0.01) -> float:
    values = sorted(values)
    drop = int(len(values) * cut)
    kept = values[drop : len(values) - drop] if drop else values
    return sum(kept) / len(kept)


def paired_cost(a: dict[str, tuple[int, bool]], b: dict[str, tuple[int, bool]]) -> tuple[float, float, int]:
    """(cost per test, mean test time without the plugin, tests paired), in microseconds."""
    differences, without = [], []
    for nodeid, (ns_a, on_a) in a.items():
        if nodeid not in b or b[nodeid][1] == on_a:
            continue
        ns_on, ns_off = (ns_a, b[nodeid][0]) if on_a else (b[nodeid][0], ns_a)
        differences.append((ns_on - ns_off) / 1000)
        without.append(ns_off / 1000)
    return trimmed_mean(differences), trimmed_mean(without), len(differences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="pairs of runs per suite (default 3)")
    parser.add_argument("--block", type=int, default=50, help="tests per block (default 50)")
    parser.add_argument("--only", metavar="NAME", help="run only the suites whose name contains NAME")
    parser.add_argument("--probe", metavar="KIND", default="",
                        help="measure one probe's cost: the other blocks run the plugin without it")
    options = parser.parse_args()
    ensure_venv(extra=SUITE_PACKAGES)
    results = []
    for suite in suites():
        if "-n" in suite["args"] or (options.only and options.only not in suite["name"]):
            continue  # blocks are counted per process: one process per run
        timed_pytest(["--isolint", *suite["args"]], suite["cwd"], suite["env"])  # warm-up
        costs, means = [], []
        for round_ in range(options.repeats):
            cost, off, paired = paired_cost(
                alternating_run(suite, 0, options.block, options.probe), alternating_run(suite, 1, options.block, options.probe)
            )
            costs.append(cost)
            means.append(off)
            log(f"{suite['name']:24} pair {round_ + 1}: {paired} tests, {off:7.1f} µs per test without, {cost:+5.1f} µs with")
        cost, mean = median(costs), median(means)
        results.append(
            {"suite": suite["name"], "tests": paired, "mean_test_us": mean, "cost_us": cost, "cost_pct": 100 * cost / mean, "all_costs_us": costs}
        )
    WORK.mkdir(exist_ok=True)
    (WORK / "plugin_per_test.json").write_text(
        json.dumps({"machine": platform.platform(), "python": platform.python_version(), "results": results}, indent=2)
    )
    print("| suite | tests paired | test (trimmed mean) | plugin's cost per test | share | all pairs |")
    print("|---|---|---|---|---|---|")
    for r in results:
        pairs = ", ".join(f"{c:+.1f}" for c in r["all_costs_us"])
        print(f"| {r['suite']} | {r['tests']:,} | {r['mean_test_us']:.0f} µs | {r['cost_us']:+.1f} µs | {r['cost_pct']:+.1f} % | {pairs} |")


if __name__ == "__main__":
    main()
