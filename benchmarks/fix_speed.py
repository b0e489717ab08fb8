#!/usr/bin/env python3
"""Measure ``isolint check --diff`` against a cold ``isolint check`` of the same suite.

    python3 benchmarks/fix_speed.py SUITE_DIR [TEST_PATH ...] [--rounds 5] [--isolint PATH]
        [--option=ARG ...] [--docs]

``SUITE_DIR`` is a project (its ``pyproject.toml`` / ``tox.ini`` / ``pytest.ini`` are used as
isolint finds them); ``TEST_PATH`` what to scan inside it (default: ``.``). Both commands run
with ``--no-cache`` (cold), the same ``-j`` (the CPUs available), in the suite's directory,
alternating ``check`` and ``--diff`` in each round so that a noisy, shared machine slows both
alike. It reports per round the wall time and the CPU time (user + system of isolint and its
worker processes, from ``os.wait4``) of each, and the ratios, and with ``--docs`` writes the
table into ``docs/benchmarks.md`` under ``## Fix speed (--diff against check)``.
``--diff`` writes nothing, so the suite is not changed.

The target (issue 15): ``--diff`` within 3x of a cold ``check``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Fix speed (--diff against check)"


def measure(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process tree, exit code)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", type=Path)
    parser.add_argument("paths", nargs="*", default=["."])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--isolint", type=lambda p: str(Path(p).resolve()) if os.sep in p else p,
                        default=shutil.which("isolint") or "isolint")
    parser.add_argument("--option", action="append", default=[], metavar="ARG",
                        help="an extra argument for both commands (repeatable), e.g. "
                             "--option=--xdist-group-policy=all")
    parser.add_argument("--docs", action="store_true", help="write the table into docs/benchmarks.md")
    args = parser.parse_args()
    suite = args.suite.resolve()
    base = [args.isolint, "check", *args.paths, "--no-cache", *args.option]
    commands = {"check": base, "--diff": [*base, "--diff"]}
    files = sum(1 for p in args.paths for _ in (suite / p).rglob("*.py"))
    rows = []
    for number in range(1, args.rounds + 1):
        got = {}
        for name, command in commands.items():
            wall, cpu, code = measure(command, suite)
            if code not in (0, 1):
                print(f"{name} failed with exit code {code}", file=sys.stderr)
                return 2
            got[name] = (wall, cpu)
        rows.append(got)
        c, d = got["check"], got["--diff"]
        print(f"round {number}: check {c[0]:.2f} s wall / {c[1]:.2f} s CPU, --diff {d[0]:.2f} s "
              f"wall / {d[1]:.2f} s CPU; ratio {d[0] / c[0]:.2f} wall, {d[1] / c[1]:.2f} CPU",
              flush=True)
    wall_ratios = [r["--diff"][0] / r["check"][0] for r in rows]
    cpu_ratios = [r["--diff"][1] / r["check"][1] for r in rows]
    summary = (f"median ratio --diff / check: {statistics.median(wall_ratios):.2f} wall, "
               f"{statistics.median(cpu_ratios):.2f} CPU ({len(rows)} rounds)")
    print(summary)
    if args.docs:
        write_docs(suite, [*args.paths, *args.option], files, rows, summary)
    return 0


def write_docs(suite: Path, paths: list[str], files: int, rows: list[dict], summary: str) -> None:
    lines = [
        SECTION, "",
        f"`python3 benchmarks/fix_speed.py {suite.name} {' '.join(paths)}` on {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{files} Python files; both cold (`--no-cache`), same `-j`, alternating.", "",
        "| round | check wall | check CPU | --diff wall | --diff CPU | wall ratio | CPU ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for number, row in enumerate(rows, 1):
        c, d = row["check"], row["--diff"]
        lines.append(f"| {number} | {c[0]:.2f} s | {c[1]:.2f} s | {d[0]:.2f} s | {d[1]:.2f} s | "
                     f"{d[0] / c[0]:.2f} | {d[1] / c[1]:.2f} |")
    lines += ["", summary + ".", ""]
    text = DOCS.read_text(encoding="utf-8")
    block = "\n".join(lines)
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: block + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
