"""Is the scan of one file linear in its size? (issue 16, item 10)

Generates test modules of about 1k, 10k and 100k lines full of state changes, in two shapes:

* ``functions``: test functions and test classes of ~10 lines each, every one changing state
  (``os.environ``, ``os.chdir``, ``sys.path``, ``sys.modules``, a started ``patch``), some
  inside ``try/finally``, some restored by a teardown method, an autouse fixture and a module
  teardown function in the file;
* ``one-function``: one test function whose body is nothing but environment writes (the
  100k-line file that did not finish in 30 minutes before).

Then runs ``isolint check --no-cache -j 1 FILE`` on each, the sizes interleaved and repeated
(the machine is shared and noisy), and prints the median CPU time (user + system of the child,
from ``os.wait4``) per size and the ratios 10k/1k and 100k/10k: linear time gives about 10.

    python3 benchmarks/linear_time.py [--repeats 3] [--isolint .venv/bin/isolint]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (1_000, 10_000, 100_000)

HEADER = '''\
import os
import sys
from unittest.mock import patch

import pytest


@pytest.fixture(autouse=True)
def _restore_env():
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def teardown_module():
    sys.path[:] = [p for p in sys.path if not p.startswith("/gen")]

'''

BLOCKS = (
    '''
def test_env_{i}():
    os.environ["KEY_{i}"] = "1"
    os.environ.setdefault("OTHER_{i}", "2")
    del os.environ["KEY_{i}"]
    assert True

''',
    '''
def test_cwd_{i}(tmp_path):
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        sys.path.insert(0, "/gen/{i}")
    finally:
        os.chdir(old)

''',
    '''
class TestState{i}:
    def setup_method(self):
        self.saved = dict(sys.modules)

    def teardown_method(self):
        os.environ.pop("CLS_{i}", None)

    def test_a(self):
        os.environ["CLS_{i}"] = "x"
        sys.modules["fake_{i}"] = object()
        patch("os.getcwd").start()

''',
    '''
def test_monkeypatched_{i}(monkeypatch):
    monkeypatch.setenv("MP_{i}", "1")
    os.environ["AFTER_{i}"] = "2"
    sys.path.append("/gen/mp/{i}")

''',
)


def functions_module(lines: int) -> str:
    out, count, index = [HEADER], HEADER.count("\n"), 0
    while count < lines:
        block = BLOCKS[index % len(BLOCKS)].format(i=index)
        out.append(block)
        count += block.count("\n")
        index += 1
    return "".join(out)


def one_function_module(lines: int) -> str:
    body = "".join(f'    os.environ["K{i}"] = "v"\n' for i in range(lines - 4))
    return "import os\n\n\ndef test_many():\n" + body


SHAPES = {"functions": functions_module, "one-function": one_function_module}


def cpu_seconds(command: list[str]) -> tuple[float, int]:
    """CPU time (user + system) of ``command`` and its exit status."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--isolint", default=str(Path(sys.executable).with_name("isolint")))
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="isolint-linear-") as tmp:
        files = {}
        for shape, make in SHAPES.items():
            for size in args.sizes:
                path = Path(tmp) / f"test_{shape.replace('-', '_')}_{size}.py"
                path.write_text(make(size), encoding="utf-8")
                files[shape, size] = path
        times: dict[tuple[str, int], list[float]] = {key: [] for key in files}
        for _ in range(args.repeats):  # interleaved: a noisy moment hits every size alike
            for key, path in files.items():
                seconds, code = cpu_seconds([args.isolint, "check", "--no-cache", "-j", "1",
                                             str(path)])
                if code not in (0, 1):
                    raise SystemExit(f"isolint failed on {path} (exit {code})")
                times[key].append(seconds)
    print(f"isolint: {args.isolint}; load: {os.getloadavg()[0]:.2f}; {time.strftime('%Y-%m-%d')}")
    print("| shape | lines | CPU s (median) | x previous size |")
    print("|---|---:|---:|---:|")
    for shape in SHAPES:
        previous = None
        for size in args.sizes:
            median = statistics.median(times[shape, size])
            ratio = f"{median / previous:.1f}" if previous else ""
            print(f"| {shape} | {size:,} | {median:.2f} | {ratio} |")
            previous = median
    return 0


if __name__ == "__main__":
    sys.exit(main())
