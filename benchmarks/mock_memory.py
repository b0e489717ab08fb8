"""Do mocks accumulate in xdist workers until memory explodes? An experiment.

    python3 benchmarks/mock_memory.py [--tests N] [--mocks M]

The reference report behind isolint claimed that mocks accumulate in pytest-xdist workers until
memory explodes (217 GB virtual, 42 GB resident), and prescribed ``gc.collect()`` in every
teardown. This generates the same mock-heavy suite (N tests, each exercising M ``MagicMock``s
with child mocks) in several variants, runs each under ``pytest -n 2 --isolint`` in the scratch
virtualenv of ``plugin_workenv``, and reads per-worker peak memory and live-mock counts from the
plugin's JSON report:

* ``local``: mocks are local variables of the test function;
* ``local + gc``: the same, with an autouse fixture calling ``gc.collect()`` after each test;
* ``self, kept``: ``setup_method`` stores the mocks on ``self``; no teardown;
* ``self, kept + gc``: the same, with ``teardown_method`` calling ``gc.collect()`` only;
* ``self, released``: ``teardown_method`` drops the attributes (``self.mock_0 = None`` ...);
* ``self, released + gc``: drops them and calls ``gc.collect()``;
* ``patch never stopped``: each test starts M ``patch.object`` patchers and never stops them.

pytest keeps every test-class instance alive until the end of the session (its ``Function``
items hold the instance; pytest-dev/pytest#11374), which is what the ``self`` variants probe.
Results also go to ``benchmarks/.work/mock_memory.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import textwrap

from plugin_workenv import WORK, ensure_venv, log, timed_pytest

HEADER = '''
import gc
from unittest import mock
import pytest

MOCKS = {mocks}
TESTS = {tests}


def exercise(m, i):
    m.client.get("item", i)
    m.client.post.return_value = {{"id": i}}
    m(i)
    return m


class Target:
    pass


for _k in range(MOCKS):
    setattr(Target, f"attr_{{_k}}", None)
'''

GC_FIXTURE = '''
@pytest.fixture(autouse=True)
def collect_garbage():
    yield
    gc.collect()
'''

LOCAL = '''
@pytest.mark.parametrize("i", range(TESTS))
def test_local(i):
    mocks = [exercise(mock.MagicMock(), i) for _ in range(MOCKS)]
    assert mocks[0].call_count == 1
'''

ON_SELF = '''
class TestMocksOnSelf:
    def setup_method(self):
        for k in range(MOCKS):
            setattr(self, f"mock_{{k}}", mock.MagicMock())
{teardown}
    @pytest.mark.parametrize("i", range(TESTS))
    def test_on_self(self, i):
        for k in range(MOCKS):
            exercise(getattr(self, f"mock_{{k}}"), i)
'''

RELEASE = '''
        for k in range(MOCKS):
            setattr(self, f"mock_{k}", None)'''

PATCHES = '''
@pytest.mark.parametrize("i", range(TESTS))
def test_patch_never_stopped(i):
    for k in range(MOCKS):
        exercise(mock.patch.object(Target, f"attr_{k}").start(), i)
'''


def _teardown(release: bool, collect: bool) -> str:
    if not (release or collect):
        return ""
    body = (RELEASE if release else "") + ("\n        gc.collect()" if collect else "")
    return "\n    def teardown_method(self):" + body + "\n"


VARIANTS = {
    "local": LOCAL,
    "local + gc": GC_FIXTURE + LOCAL,
    "self, kept": ON_SELF.format(teardown=_teardown(False, False)),
    "self, kept + gc": ON_SELF.format(teardown=_teardown(False, True)),
    "self, released": ON_SELF.format(teardown=_teardown(True, False)),
    "self, released + gc": ON_SELF.format(teardown=_teardown(True, True)),
    "patch never stopped": PATCHES,
}


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def run_variant(name: str, body: str, tests: int, mocks: int) -> dict:
    directory = WORK / "mock_memory" / name.replace(", ", "_").replace(" + ", "_").replace(" ", "_")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pytest.ini").write_text("[pytest]\n")
    source = HEADER.format(mocks=mocks, tests=tests) + textwrap.dedent(body)
    (directory / "test_mocks.py").write_text(source)
    timing = timed_pytest(["-q", "-n", "2", "--isolint", "--isolint-report", "report.json"], directory)
    report = json.loads((directory / "report.json").read_text())
    tests_records = [r for r in report["records"] if r["kind"] == "test"]
    last = {}
    for record in tests_records:  # records are sorted by node id; keep each worker's largest count
        last[record["worker"]] = max(last.get(record["worker"], 0), record["mocks_alive"])
    growth = sorted((r["memory"]["rss_after"] - r["memory"]["rss_before"] for r in tests_records), reverse=True)
    result = {
        "variant": name,
        "wall": timing.wall,
        "cpu": timing.cpu,
        "workers": report["workers"],
        "leaks_by_rule": report["summary"]["leaks_by_rule"],
        "median_rss_growth_per_test": growth[len(growth) // 2],
    }
    log(
        f"{name:22} {timing.wall:6.1f}s wall  "
        + "  ".join(f"{w['worker']}: peak RSS {_mib(w['peak_rss'])}, VMS {_mib(w['peak_vms'])}, "
                    f"mocks alive max {w['max_mocks_alive']}" for w in report["workers"])
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=1000, help="tests per variant (default 1000)")
    parser.add_argument("--mocks", type=int, default=10, help="MagicMocks per test (default 10)")
    options = parser.parse_args()
    ensure_venv(extra=("pretend==1.0.9",))
    results = [run_variant(name, body, options.tests, options.mocks) for name, body in VARIANTS.items()]
    WORK.mkdir(exist_ok=True)
    (WORK / "mock_memory.json").write_text(
        json.dumps(
            {"machine": platform.platform(), "python": platform.python_version(), "tests": options.tests,
             "mocks_per_test": options.mocks, "results": results},
            indent=2,
        )
    )
    print(f"{options.tests} tests x {options.mocks} MagicMocks each, pytest -n 2 --isolint\n")
    print("| variant | peak RSS per worker | peak VMS per worker | live mocks, max per worker | wall | runtime leaks |")
    print("|---|---|---|---|---|---|")
    for r in results:
        workers = r["workers"]
        rss = " / ".join(_mib(w["peak_rss"]) for w in workers)
        vms = " / ".join(_mib(w["peak_vms"]) for w in workers)
        alive = " / ".join(f"{w['max_mocks_alive']:,}" for w in workers)
        leaks = ", ".join(f"{k} x{v}" for k, v in r["leaks_by_rule"].items()) or "none"
        print(f"| {r['variant']} | {rss} | {vms} | {alive} | {r['wall']:.1f} s | {leaks} |")


if __name__ == "__main__":
    main()
