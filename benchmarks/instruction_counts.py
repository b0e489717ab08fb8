#!/usr/bin/env python3
"""A cold one-job scan against the ``ast.parse`` floor in *instructions executed*, counted by
valgrind's callgrind: a deterministic measure where timing on a shared or virtual machine is not
(identical runs here differ by up to 30 % in CPU time; instruction counts do not move).

    python3 benchmarks/instruction_counts.py [--isolint-python PY] [SUITE_ROOT[:PATH] ...]

For each suite root (default: prefect, sentry-python and celery under ``/work/suites``) it
lists the files ``isolint check PATH`` scans (isolint's own discovery; PATH defaults to ``.``),
then runs under callgrind, from the suite's root:

* the floor: one process that reads and ``ast.parse``s exactly those files;
* ``isolint check --exit-zero --no-cache -j 1 PATH``.

Both counts include the interpreter's start-up; isolint's also its imports, discovery, the
project modules its index parses on top, the analysis and the report. Instructions are not
time (cache misses, branch mispredictions), so the CPU-time benchmark
(``benchmarks/project_index.py``) stays the measure of the goal; this one shows what a change
saves without noise. Needs ``valgrind`` on the PATH; about 25x slower than the scan itself.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_SUITES = ("/work/suites/prefect-ce79dd3d", "/work/suites/sentry-python-064542dd",
                  "/work/suites/celery-5.4.0")
LIST_FILES = """\
import sys
from pathlib import Path
from isolint.config import load_settings
from isolint.discovery import discover
root = Path.cwd().resolve()
paths = [Path(sys.argv[1]).resolve()]
settings = load_settings(paths, root)
files, _ = discover(paths, settings, root)
print("\\n".join(f.path for f in files))
"""
FLOOR = """\
import ast, sys
for path in open(sys.argv[1], encoding="utf-8").read().split("\\n"):
    if path:
        with open(path, "rb") as handle:
            ast.parse(handle.read(), path)
"""
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions(cmd: list[str], cwd: Path) -> int:
    """The instructions ``cmd`` executes (all of its own process), by callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", "--", *cmd],
            cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    match = _REFS.search(out.stderr)
    if match is None:
        raise SystemExit(f"no instruction count from {' '.join(cmd)}:\n{out.stderr[-2000:]}")
    return int(match.group(1).replace(",", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suites", nargs="*", help="ROOT or ROOT:PATH (default: prefect, "
                        "sentry-python, celery under /work/suites)")
    parser.add_argument("--isolint-python", default=sys.executable,
                        help="the Python whose isolint is measured (default: this one)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    python = args.isolint_python
    isolint = [python, "-m", "isolint", "check", "--exit-zero", "--no-cache", "-j", "1"]
    targets = args.suites or [s for s in DEFAULT_SUITES if Path(s).is_dir()]
    # Byte-compile isolint first: an editable install under PYTHONDONTWRITEBYTECODE would
    # otherwise compile its ~60 modules in every run (0.6 G instructions), which no installed
    # copy does.
    package = subprocess.run([python, "-c", "import isolint, os; print(os.path.dirname(isolint.__file__))"],
                             check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", package], check=True, stdout=subprocess.DEVNULL)
    print("| suite | path | files | floor (G instr.) | isolint (G instr.) | isolint / floor |")
    print("|---|---|---:|---:|---:|---:|")
    total_floor = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        floor_py = Path(tmp) / "floor.py"
        floor_py.write_text(FLOOR, encoding="utf-8")
        for number, target in enumerate(targets):
            root_text, _, path = target.partition(":")
            root, path = Path(root_text), path or "."
            listing = Path(tmp) / f"files-{number}.txt"
            files = subprocess.run([python, "-c", LIST_FILES, path], cwd=root, check=True,
                                   capture_output=True, text=True).stdout
            listing.write_text(files, encoding="utf-8")
            floor = instructions([python, str(floor_py), str(listing)], root)
            scan = instructions([*isolint, path], root)
            total_floor, total = total_floor + floor, total + scan
            count = sum(1 for line in files.splitlines() if line)
            print(f"| {root.name} | `{path}` | {count} | {floor / 1e9:.3f} | {scan / 1e9:.3f} | "
                  f"{scan / floor:.3f}x |", flush=True)
    if len(targets) > 1:
        print(f"| all | | | {total_floor / 1e9:.3f} | {total / 1e9:.3f} | {total / total_floor:.3f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
