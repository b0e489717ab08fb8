#!/usr/bin/env python3
"""CPU time of discovery against the ``ast.parse`` floor of the files it finds.

    python benchmarks/discovery_cost.py SUITE_ROOT TEST_DIR[,TEST_DIR...] [--runs N]

Run it with the Python of an environment where isolint is installed. Each run discovers the
files (``discovery.discover``, in a fresh process state only for the first run: later runs
reuse the memo of import statements) and then parses every file found once; the minimum CPU
time of each over the runs is printed, with their ratio.
"""

from __future__ import annotations

import argparse
import ast
import time
from pathlib import Path

from isolint.config import load_settings
from isolint.discovery import discover


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("dirs")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    paths = [args.root / part for part in args.dirs.split(",")]
    settings = load_settings(paths, args.root)
    found, floor = [], []
    for _ in range(args.runs):
        start = time.process_time()
        files, _errors = discover(paths, settings, args.root)
        found.append(time.process_time() - start)
        start = time.process_time()
        for source in files:
            with open(source.path, "rb") as handle:
                ast.parse(handle.read())
        floor.append(time.process_time() - start)
    print(f"{args.root.name}: {len(files)} files, discovery {min(found) * 1000:.0f} ms CPU, "
          f"parse floor {min(floor) * 1000:.0f} ms CPU, ratio {min(found) / min(floor):.3f}")


if __name__ == "__main__":
    main()
