"""How much memory does the plugin's per-test work touch? Deterministic, unlike any timing here.

    python3 benchmarks/plugin_footprint.py [--src DIR ...] [--without KIND] [--tests N]

In a real run the plugin's work between two tests finds its code and data cold: pytest's own
work and the other processes on a shared machine have evicted them from the caches since the
last test. Timed in a loop (everything hot) that work takes ~6 µs on packaging; inside a run
27-29 µs (``plugin_per_test.py --self-time``), and the same calls after 32 MiB were written
between two of them 28-42 µs. Its cost is therefore mostly the cache lines it touches, and
those can be counted exactly: this script runs a small harness under valgrind's cachegrind
(packaging 24.1 imported, as its suite runs) that brackets ``N`` "tests" with the plugin's own
``pytest_runtest_protocol`` wrapper, each after writing 4 MiB (the simulated last-level cache
is 2 MiB: everything is evicted), once with the wrapper and once without, and prints the
difference per test: instructions, data reads and writes, last-level misses for data and for
instructions. The system calls (the memory sample) run natively and are not counted.

``--src DIR`` measures the isolint package in DIR instead of this checkout's (give it several
times to compare trees, e.g. main's ``src/``); ``--without KIND`` leaves out one probe (or
``memory``, or ``probes`` for all), which gives that part's share. Needs valgrind and the
virtualenv ``plugin_overhead.py`` builds.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
from pathlib import Path

from plugin_overhead import SUITE_PACKAGES, suites
from plugin_workenv import REPO, ensure_venv, log

HARNESS = r'''
import gc, os, sys
from pathlib import Path
mode, count, without = sys.argv[1], int(sys.argv[2]), sys.argv[3]
import packaging, packaging.version, packaging.specifiers, packaging.tags, packaging.markers, packaging.requirements, packaging.utils  # noqa
from isolint.plugin.hooks import IsolintPlugin
from isolint.plugin.probes.base import compile_check

class PluginManager:
    def has_plugin(self, name): return name == "warnings"
class Config:
    rootpath = Path(os.getcwd())
    pluginmanager = PluginManager()
    def getoption(self, name): return {"isolint_strict": False, "isolint_report": None, "isolint_top": 5}[name]
    def getini(self, name): return ["test_*.py"]
class Item:
    nodeid = "tests/test_x.py::test_y"

plugin = IsolintPlugin(Config())
plugin.runs_tests = True
recorder = plugin.recorder
if without == "memory":
    recorder.sample_memory = lambda: b"1 1 1"
elif without:
    recorder.probes = tuple(p for p in recorder.probes if p.kind != without and without != "probes")
    recorder._unchanged = compile_check(recorder.probes)
item = Item()
buffer, zeros = bytearray(4 << 20), bytes((4 << 20) // 64)

def test():
    protocol = plugin.pytest_runtest_protocol(item, None)
    next(protocol)
    try:
        protocol.send(True)
    except StopIteration:
        pass

for _ in range(100):
    test()
gc.collect()
gc.disable()  # collections would land in one run and not the other
for _ in range(count):
    buffer[::64] = zeros  # evict
    if mode == "test":
        test()
    if len(recorder.rows) > 1000:
        recorder.rows.clear()
'''

EVENTS = {"I refs": "instructions", "D refs": "data refs", "LLd misses": "LL data misses", "LLi misses": "LL instr. misses"}


def cachegrind(python: Path, harness: Path, cwd: Path, src: str, mode: str, count: int, without: str) -> dict[str, int]:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": os.pathsep.join(filter(None, [src, "src"]))}
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run(
            ["valgrind", "--tool=cachegrind", "--cache-sim=yes", "--LL=2097152,16,64",
             f"--cachegrind-out-file={scratch}/out", str(python), str(harness), mode, str(count), without],
            cwd=cwd, env=env, capture_output=True, text=True, check=True,
        )
    totals = {}
    for line in done.stderr.splitlines():
        match = re.search(r"== ([A-Za-z0-9 ]+?):\s+([\d,]+)", line)
        if match and re.sub(" +", " ", match.group(1)) in EVENTS:
            totals[re.sub(" +", " ", match.group(1))] = int(match.group(2).replace(",", ""))
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", default=[], metavar="DIR", help="the isolint package in DIR (repeatable)")
    parser.add_argument("--without", default="", metavar="KIND", help="leave out one probe, 'memory' or 'probes'")
    parser.add_argument("--tests", type=int, default=200, help="tests per run (default 200)")
    options = parser.parse_args()
    python = ensure_venv(extra=SUITE_PACKAGES)
    packaging = next(s for s in suites() if s["name"] == "packaging 24.1")
    with tempfile.TemporaryDirectory() as scratch:
        harness = Path(scratch) / "harness.py"
        harness.write_text(HARNESS)
        print(f"| isolint | {' | '.join(EVENTS.values())} |")
        print("|---" * (len(EVENTS) + 1) + "|")
        for src in options.src or [str(REPO / "src")]:
            runs = {mode: cachegrind(python, harness, packaging["cwd"], src, mode, options.tests, options.without) for mode in ("evict", "test")}
            per_test = {key: (runs["test"][key] - runs["evict"][key]) / options.tests for key in EVENTS}
            log(f"{src}: " + ", ".join(f"{EVENTS[k]} {v:,.0f}" for k, v in per_test.items()))
            print(f"| {src} | " + " | ".join(f"{per_test[key]:,.0f}" for key in EVENTS) + " |")


if __name__ == "__main__":
    main()
