#!/usr/bin/env python3
"""Compare the files isolint scans with the modules ``pytest --collect-only`` imports.

    python3 benchmarks/discovery_vs_pytest.py SUITE_ROOT TEST_DIR --python VENV/bin/python

``VENV/bin/python`` must have pytest and whatever the suite needs to be collected; isolint is
imported from this checkout (``src/``). The script runs ``python -m pytest --collect-only -q
TEST_DIR`` from ``SUITE_ROOT`` with a small plugin that writes down, after collection, every
module in ``sys.modules`` with a file, then lists the Python files under ``TEST_DIR`` that pytest
imported and isolint does not scan, and the other way round (with isolint's kind for each:
test, conftest or support).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = '''
import os, sys

def pytest_collection_finish(session):
    files = sorted({os.path.normpath(os.path.abspath(m.__file__))
                    for m in list(sys.modules.values())
                    if isinstance(getattr(m, "__file__", None), str)})
    with open(os.environ["ISOLINT_DUMP_MODULES"], "w", encoding="utf-8") as handle:
        handle.write("\\n".join(files))
'''


def pytest_imports(python: str, suite: Path, test_dir: str) -> set[str]:
    with tempfile.TemporaryDirectory() as work:
        Path(work, "isolint_dump_modules.py").write_text(PLUGIN, encoding="utf-8")
        out = Path(work, "modules.txt")
        env = dict(os.environ, ISOLINT_DUMP_MODULES=str(out),
                   PYTHONPATH=os.pathsep.join(filter(None, [work, os.environ.get("PYTHONPATH")])))
        result = subprocess.run(
            [python, "-m", "pytest", "-p", "isolint_dump_modules", "-p", "no:cacheprovider",
             "--collect-only", "-q", test_dir],
            cwd=suite, env=env, capture_output=True, text=True,
        )
        if not out.exists():
            raise SystemExit(f"pytest collected nothing (exit {result.returncode}):\n"
                             f"{result.stdout[-2000:]}{result.stderr[-2000:]}")
        tree = str(suite / test_dir) + os.sep
        return {p for p in out.read_text(encoding="utf-8").split("\n")
                if p.startswith(tree) and p.endswith(".py")}


def isolint_files(suite: Path, test_dir: str) -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "src"))
    from isolint.config import load_settings
    from isolint.discovery import discover

    paths = [suite / test_dir]
    files, _ = discover(paths, load_settings(paths, suite), suite)
    return {os.path.normpath(f.path): f.kind for f in files}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", type=Path)
    parser.add_argument("test_dir")
    parser.add_argument("--python", required=True, help="a Python that can collect the suite")
    args = parser.parse_args()
    suite = args.suite.resolve()
    imported = pytest_imports(args.python, suite, args.test_dir)
    scanned = isolint_files(suite, args.test_dir)
    kinds = Counter(scanned.values())
    counts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    print(f"{suite.name}: pytest imports {len(imported)} modules under {args.test_dir}/, "
          f"isolint scans {len(scanned)} ({counts}), "
          f"in both {len(imported & set(scanned))}")
    for title, paths in (("imported by pytest, not scanned", sorted(imported - set(scanned))),
                         ("scanned, not imported at collection", sorted(set(scanned) - imported))):
        print(f"{title}: {len(paths)}")
        for path in paths:
            print(f"  {scanned.get(path, '-')} {os.path.relpath(path, suite)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
