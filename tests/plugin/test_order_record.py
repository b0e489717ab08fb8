"""The order record: per worker, the tests in the order they ran, with their outcomes."""

from __future__ import annotations

import json

import pytest

SUITE = {
    "test_b": """
        import os, pytest
        def test_leaks():
            os.environ["ISOLINT_ORDER"] = "1"
        def test_fails():
            assert False
        @pytest.fixture
        def broken():
            raise RuntimeError("set-up fails")
        def test_setup_error(broken):
            pass
        def test_skipped():
            pytest.skip("no")
        @pytest.mark.xfail
        def test_xfail():
            assert False
        """,
    "test_a": """
        def test_first():
            pass
        """,
}


def test_outcomes_and_order_in_one_process(pytester, run_isolint):
    pytester.makepyfile(**SUITE)
    run = run_isolint("test_b.py", "test_a.py")  # files in the order given
    run.result.assert_outcomes(passed=2, failed=1, errors=1, skipped=1, xfailed=1)
    order = run.report.order()
    assert list(order) == ["main"]
    assert [(r.nodeid, r.outcome, r.index) for r in order["main"]] == [
        ("test_b.py::test_leaks", "passed", 0),
        ("test_b.py::test_fails", "failed", 1),
        ("test_b.py::test_setup_error", "error", 2),
        ("test_b.py::test_skipped", "skipped", 3),
        ("test_b.py::test_xfail", "xfailed", 4),
        ("test_a.py::test_first", "passed", 5),
    ]
    assert [leak.key for leak in order["main"][0].leaks] == ["ISOLINT_ORDER"]
    data = json.loads((pytester.path / "isolint.json").read_text())
    assert data["order"] == {"main": [r.nodeid for r in order["main"]]}


def test_each_worker_has_its_own_sequence_under_xdist(pytester, run_isolint):
    pytest.importorskip("xdist")
    pytester.makepyfile(**{f"test_{n}": "\n".join(f"def test_{i}(): pass" for i in range(6)) for n in "abcd"})
    run = run_isolint("-n", "2")
    run.result.assert_outcomes(passed=24)
    order = run.report.order()
    assert sorted(order) == ["gw0", "gw1"]
    for tests in order.values():
        assert [r.index for r in tests] == list(range(len(tests)))
        # within a file, a worker runs the tests in collection order
        for name in "abcd":
            mine = [r.nodeid for r in tests if r.nodeid.startswith(f"test_{name}.py")]
            assert mine == sorted(mine, key=lambda n: int(n.rsplit("_", 1)[1]))
    assert sorted(r.nodeid for tests in order.values() for r in tests) == sorted(
        r.nodeid for r in run.report.records if r.kind == "test"
    )


def test_memory_chart_has_a_line_per_worker_and_labels_the_largest_growth(pytester, run_isolint):
    pytest.importorskip("xdist")
    pytester.makepyfile(
        test_mem="""
        import pytest
        KEEP = []
        @pytest.mark.parametrize("n", range(12))
        def test_m(n):
            if n == 5:
                KEEP.append(bytearray(40 * 2**20))  # 40 MiB kept: the worker's memory climbs here
        """,
        test_odd="""
        import pytest
        @pytest.mark.parametrize("x", [1], ids=["<a&b>"])
        def test_markup_in_id(x):
            KEEP = bytearray(60 * 2**20)  # noqa: F841 - grows the peak: a labelled point
        """,
    )
    run = run_isolint("-n", "2", "--isolint-memory-chart=charts/mem.svg")
    run.result.assert_outcomes(passed=13)
    run.result.stdout.fnmatch_lines(["isolint: memory chart written to charts/mem.svg"])
    svg = (pytester.path / "charts" / "mem.svg").read_text()
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)  # well-formed (node ids escaped)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f"{ns}polyline")) == len(run.report.order()) == 2
    labels = [t.text for t in root.iter(f"{ns}text") if t.text]
    assert any(label.startswith("test_mem.py::test_m[5] (+4") for label in labels), labels
    assert any(label.startswith(("gw0:", "gw1:")) for label in labels)
