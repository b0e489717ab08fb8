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


#: A test's row from the helper: ``(wall ns, plugin on, CPU ns, gen0, gen1, gen2 collections, ns in
#: collections, ns inside the plugin's own calls)``.
Row = tuple


def alternating_run(
    suite: dict, offset: int, block: int, probe: str = "", self_time: bool = False, tag: str = "", src: str = ""
) -> dict[str, Row]:
    """``{nodeid: row}`` of one run (``probe``: "off" is the plugin without it; ``src``: a directory
    holding the ``isolint`` package to measure instead of this checkout's); the rows stay in
    ``benchmarks/.work/alternating-<offset><tag>.jsonl``."""
    times = WORK / f"alternating-{offset}{tag}.jsonl"
    env = {
        "ISOLINT_WITHOUT": probe,
        "ISOLINT_SELF_TIME": "1" if self_time else "",
        **suite["env"],
        "PYTHONPATH": os.pathsep.join(filter(None, [src, suite["env"].get("PYTHONPATH"), str(BENCHMARKS / "helpers")])),
        "ISOLINT_BLOCK": str(block),
        "ISOLINT_BLOCK_OFFSET": str(offset),
        "ISOLINT_TIMES_FILE": str(times),
        "PYTHONHASHSEED": "0",  # the same tests in the same order in both runs
    }
    timed_pytest(["--isolint", "-p", "isolint_alternating", *suite["args"]], suite["cwd"], env)
    rows = [json.loads(line) for line in times.read_text(encoding="utf-8").splitlines()]
    return {row[0]: tuple(row[1:]) for row in rows}


def trimmed_mean(values: list[float], cut: float = 0.01) -> float:
    values = sorted(values)
    drop = int(len(values) * cut)
    kept = values[drop : len(values) - drop] if drop else values
    return sum(kept) / len(kept)


def paired_cost(a: dict[str, Row], b: dict[str, Row]) -> dict[str, float]:
    """Per test, in microseconds: ``cost`` (wall, with minus without), ``cpu_cost`` (the test's
    thread CPU time, which machine load moves far less), ``test`` and ``cpu_test`` (without the
    plugin), all trimmed means of the paired tests; per 1,000 tests in each arm the garbage
    collections of each generation, and the time spent in them (µs per test); ``self``: the
    plugin's own calls per test (with ``--self-time``); ``paired``: how many tests."""
    pairs = []
    for nodeid, row_a in a.items():
        row_b = b.get(nodeid)
        if row_b is None or row_b[1] == row_a[1]:
            continue
        pairs.append((row_a, row_b) if row_a[1] else (row_b, row_a))
    n = len(pairs)
    result: dict[str, float] = {
        "paired": n,
        "cost": trimmed_mean([(on[0] - off[0]) / 1000 for on, off in pairs]),
        "test": trimmed_mean([off[0] / 1000 for _, off in pairs]),
        "cpu_cost": trimmed_mean([(on[2] - off[2]) / 1000 for on, off in pairs]),
        "cpu_test": trimmed_mean([off[2] / 1000 for _, off in pairs]),
        "self": sum(on[7] for on, _ in pairs) / n / 1000,
    }
    for arm, index in (("on", 0), ("off", 1)):
        for generation in range(3):
            result[f"gc{generation}_{arm}"] = 1000 * sum(p[index][3 + generation] for p in pairs) / n
        result[f"gc_us_{arm}"] = sum(p[index][6] for p in pairs) / n / 1000
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="pairs of runs per suite (default 3)")
    parser.add_argument("--block", type=int, default=50, help="tests per block (default 50)")
    parser.add_argument("--only", metavar="NAME", help="run only the suites whose name contains NAME")
    parser.add_argument("--probe", metavar="KIND", default="",
                        help="measure one probe's cost: the other blocks run the plugin without it")
    parser.add_argument("--src", action="append", default=[], metavar="DIR",
                        help="measure the isolint package in DIR (a copy of another commit's src/) instead of this "
                        "checkout's; given several times, the pairs of runs alternate between them, round by round")
    parser.add_argument("--self-time", action="store_true",
                        help="also time the plugin's own calls in the 'on' blocks (diagnostics: the timers cost time)")
    options = parser.parse_args()
    ensure_venv(extra=SUITE_PACKAGES)
    results: list[dict] = []
    for suite in suites():
        if "-n" in suite["args"] or (options.only and options.only not in suite["name"]):
            continue  # blocks are counted per process: one process per run
        timed_pytest(["--isolint", *suite["args"]], suite["cwd"], suite["env"])  # warm-up
        for src in options.src or [""]:
            results.append({"suite": suite["name"], "src": src, "pairs": []})
        for round_ in range(options.repeats):
            order = results[-len(options.src or [""]):]
            for result in order if round_ % 2 == 0 else order[::-1]:  # the order alternates by round
                src, tag = result["src"], f"-r{round_ + 1}"
                pair = paired_cost(
                    alternating_run(suite, 0, options.block, options.probe, options.self_time, tag, src),
                    alternating_run(suite, 1, options.block, options.probe, options.self_time, tag, src),
                )
                pair["load"] = os.getloadavg()[0]
                result["pairs"].append(pair)
                log(
                    f"{suite['name']}{' ' + src if src else ''} pair {round_ + 1}: {pair['paired']} tests, {pair['test']:7.1f} µs per test "
                    f"without, {pair['cost']:+5.1f} µs with (CPU {pair['cpu_test']:.1f}, {pair['cpu_cost']:+5.1f}); "
                    f"collections per 1,000 tests on/off: gen0 {pair['gc0_on']:.0f}/{pair['gc0_off']:.0f}, "
                    f"gen1 {pair['gc1_on']:.1f}/{pair['gc1_off']:.1f}, gen2 {pair['gc2_on']:.2f}/{pair['gc2_off']:.2f}; "
                    f"in them {pair['gc_us_on']:.1f}/{pair['gc_us_off']:.1f} µs per test; "
                    f"plugin's own calls {pair['self']:.1f} µs; load {pair['load']:.1f}"
                )
    for result in results:
        pairs = result["pairs"]
        result["tests"] = pairs[0]["paired"]
        for key in ("cost", "test", "cpu_cost", "cpu_test"):
            result[key] = median([p[key] for p in pairs])
        result["cost_pct"] = median([100 * p["cost"] / p["test"] for p in pairs])
        result["cpu_cost_pct"] = median([100 * p["cpu_cost"] / p["cpu_test"] for p in pairs])
    WORK.mkdir(exist_ok=True)
    (WORK / "plugin_per_test.json").write_text(
        json.dumps({"machine": platform.platform(), "python": platform.python_version(), "results": results}, indent=2)
    )
    print("| suite | tests paired | test: wall / CPU (trimmed mean) | plugin's cost per test: wall / CPU | share: wall / CPU | all pairs (wall / CPU, µs) |")
    print("|---|---|---|---|---|---|")
    for r in results:
        pairs = ", ".join(f"{p['cost']:+.1f} / {p['cpu_cost']:+.1f}" for p in r["pairs"])
        print(
            f"| {r['suite']}{' (' + r['src'] + ')' if r['src'] else ''} | {r['tests']:,} | {r['test']:.0f} / {r['cpu_test']:.0f} µs | {r['cost']:+.1f} / "
            f"{r['cpu_cost']:+.1f} µs | {r['cost_pct']:+.1f} % / {r['cpu_cost_pct']:+.1f} % | {pairs} |"
        )


if __name__ == "__main__":
    main()
