"""xdist (-n 2), --isolint-strict, the JSON report, and the plugin staying inert when off."""

from __future__ import annotations

import json
import os

import pytest

from isolint.runtime import SCHEMA_VERSION

XDIST_SUITE = """
import os, sys, pytest

@pytest.fixture(scope="session")
def session_env():
    os.environ["ISOLINT_SESSION"] = "1"
    yield
    del os.environ["ISOLINT_SESSION"]

@pytest.mark.xdist_group("db")
@pytest.mark.parametrize("i", range(8))
def test_grouped(i, session_env):
    if i == 5:
        os.environ["ISOLINT_FROM_5"] = "1"

@pytest.mark.parametrize("i", range(8))
def test_other(i):
    if i == 2:
        sys.path.append("/isolint/from-2")
"""


def test_xdist_records_reach_the_controller_with_their_worker(pytester, run_isolint):
    pytester.makepyfile(test_x=XDIST_SUITE)
    run = run_isolint("-n", "2", "--dist", "load")
    run.result.assert_outcomes(passed=16)
    assert run.leaking == {"test_grouped[5]": ["env_var_pollution"], "test_other[2]": ["sys_path_pollution"]}
    tests = [r for r in run.report.records if r.kind == "test"]
    assert len(tests) == 16
    assert {r.worker for r in tests} == {"gw0", "gw1"}
    assert [w.worker for w in run.report.workers] == ["gw0", "gw1"]
    assert all(w.finished and w.tests > 0 and w.peak_rss > 0 and w.peak_vms > 0 for w in run.report.workers)
    assert sum(w.tests for w in run.report.workers) == 16
    # Each worker set up (and restored) its own session fixture.
    session = [r for r in run.report.records if r.nodeid == "test_x.py::session_env"]
    assert sorted(r.worker for r in session) == ["gw0", "gw1"] and not any(r.leaks for r in session)
    # --dist load ignores xdist_group: the plugin says so.
    (split,) = run.report.split_groups
    assert split.group == "db" and split.workers == ("gw0", "gw1") and split.tests == 8
    assert "xdist_group 'db': 8 tests ran on 2 workers" in run.result.stdout.str()


def test_xdist_loadgroup_split_is_reported_exactly_when_it_happens(pytester, run_isolint):
    # With pytest 9.2 and pytest-xdist 3.8, --dist loadgroup does not group at all
    # (pytest-dev/pytest-xdist#1386: xdist still rewrites the legacy `_nodeid`); with a working
    # pair it does. Either way the report must say what really happened.
    pytester.makepyfile(test_x=XDIST_SUITE)
    run = run_isolint("-n", "2", "--dist", "loadgroup")
    run.result.assert_outcomes(passed=16)
    grouped = [r for r in run.report.records if r.xdist_group == "db"]
    assert len(grouped) == 8
    assert all(r.nodeid.startswith("test_x.py::test_grouped[") and r.nodeid.endswith("]") for r in grouped)
    workers = sorted({r.worker for r in grouped})
    if len(workers) == 1:
        assert run.report.split_groups == ()
    else:
        assert [g.group for g in run.report.split_groups] == ["db"]


def test_strict_mode_fails_the_leaking_test_at_teardown(pytester, run_isolint):
    pytester.makepyfile(
        """
        import os, sys, pytest

        @pytest.fixture(scope="module")
        def leaky_fixture():
            sys.path.append("/from/fixture")
            yield

        def test_clean(leaky_fixture):
            pass

        def test_leaky():
            os.environ["ISOLINT_STRICT"] = "1"

        def test_last_of_module(leaky_fixture):
            pass
        """
    )
    run = run_isolint("--isolint-strict")
    run.result.assert_outcomes(passed=3, errors=2)
    run.result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaky*",
            "isolint --isolint-strict: state leaked past this test's teardown:",
            "  this test: env_var_pollution: environment variable `ISOLINT_STRICT` set and not removed",
            "*ERROR at teardown of test_last_of_module*",
            "  fixture *::leaky_fixture (module scope): sys_path_pollution: `/from/fixture` added to `sys.path`*",
        ]
    )
    assert "ERROR at teardown of test_clean" not in run.result.stdout.str()


def test_strict_mode_under_xdist(pytester, run_isolint):
    pytester.makepyfile(
        """
        import os
        def test_a():
            os.environ["ISOLINT_A"] = "1"
        def test_b():
            pass
        def test_c():
            pass
        """
    )
    run = run_isolint("-n", "2", "--isolint-strict")
    run.result.assert_outcomes(passed=3, errors=1)
    run.result.stdout.fnmatch_lines(["*ERROR at teardown of test_a*", "*environment variable `ISOLINT_A`*"])


def test_json_report_holds_every_record(pytester, run_isolint):
    pytester.makepyfile(
        """
        import os, pytest
        @pytest.fixture(scope="module")
        def fx():
            yield
        def test_a(fx):
            os.environ["ISOLINT_A"] = "1"
        @pytest.mark.parametrize("n", [1, 2])
        def test_b(n):
            pass
        """
    )
    run = run_isolint()
    data = json.loads((pytester.path / "isolint.json").read_text())
    assert data["isolint_runtime_report"] == SCHEMA_VERSION
    assert data["rootdir"] == str(pytester.path)
    assert data["summary"] == {
        "tests": 3,
        "tests_with_leaks": 1,
        "fixtures_with_leaks": 0,
        "leaks_by_rule": {"env_var_pollution": 1},
    }
    assert [r["nodeid"].split("::", 1)[1] for r in data["records"]] == ["test_a", "test_b[1]", "test_b[2]", "fx"]
    first = data["records"][0]
    assert set(first) == {
        "nodeid", "kind", "scope", "worker", "xdist_group", "leaks", "memory", "mocks_alive", "outcome", "index",
        "setup",
    }
    assert [(r["outcome"], r["index"]) for r in data["records"]] == [("passed", 0), ("passed", 1), ("passed", 2), (None, 2)]
    assert data["order"] == {"main": [r["nodeid"] for r in data["records"][:3]]}
    assert first["leaks"] == [
        {
            "kind": "environment",
            "rule": "env_var_pollution",
            "key": "ISOLINT_A",
            "detail": "environment variable `ISOLINT_A` set and not removed",
        }
    ]
    assert set(first["memory"]) == {"rss_before", "rss_after", "vms_before", "vms_after", "peak_rss"}
    assert data["records"][-1]["kind"] == "fixture" and data["records"][-1]["memory"] is None
    assert [w["worker"] for w in data["workers"]] == ["main"]
    # The file round-trips through the reader the CLI uses.
    assert run.report.to_dict() == data


def test_plugin_is_inert_without_the_flag(pytester):
    pytester.makepyfile(
        """
        import os, sys
        def test_leaks_but_nobody_watches():
            os.environ["ISOLINT_UNWATCHED"] = "1"
            assert "isolint.plugin" in sys.modules  # loaded through the pytest11 entry point
            assert "isolint.plugin.hooks" not in sys.modules
            assert "isolint.plugin.probes" not in sys.modules
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "isolint" not in result.stdout.str().split("collected", 1)[1]


def test_p_isolint_loads_the_plugin_when_autoload_is_off(pytester, monkeypatch):
    pytester.makepyfile("import os\ndef test_a():\n    os.environ['ISOLINT_P'] = '1'\n")
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    off = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--isolint")
    assert off.ret == pytest.ExitCode.USAGE_ERROR  # the option does not exist without the plugin
    on = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "isolint", "--isolint")
    on.assert_outcomes(passed=1)
    on.stdout.fnmatch_lines(["*isolint runtime report*", "*env_var_pollution*ISOLINT_P*"])


def test_report_path_is_relative_to_the_invocation_directory(pytester, run_isolint):
    pytester.makepyfile("def test_a():\n    pass\n")
    result = pytester.runpytest_subprocess("--isolint", "--isolint-report", "out/sub/r.json")
    result.assert_outcomes(passed=1)
    assert os.path.exists(pytester.path / "out" / "sub" / "r.json")


def test_a_leak_reaches_the_controller_before_its_worker_dies(pytester, run_isolint):
    # Leak-free records travel in batches (at most a second late); a record with leaks is sent
    # with the next report, the next test's setup report, so a worker that dies in that test
    # does not take it along.
    pytester.makepyfile(
        """
        import os
        def test_a_leaks():
            os.environ["ISOLINT_BEFORE_CRASH"] = "1"
        def test_b_kills_the_worker():
            os._exit(1)
        """
    )
    run = run_isolint("-n", "1", "-p", "no:randomly", "--max-worker-restart", "0")
    assert run.leaking["test_a_leaks"] == ["env_var_pollution"]
    assert not any(w.finished for w in run.report.workers if w.worker == "gw0")
