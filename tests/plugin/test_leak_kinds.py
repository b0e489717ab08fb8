"""Each kind of leak is recorded, named by its rule, and blamed on the test that caused it only."""

from __future__ import annotations

import textwrap

import pytest

# rule -> body of a test that leaks exactly that kind of state (and its expected key)
LEAKS = {
    "env_var_pollution": ("os.environ['ISOLINT_LEAK'] = 'secret-value'", "ISOLINT_LEAK"),
    "patch_without_context": ("mock.patch('os.getcwd', return_value='/x').start()", "os.getcwd"),
    "sys_modules_pollution": ("sys.modules['json'] = mock.MagicMock()", "json"),
    "sys_path_pollution": ("sys.path.insert(0, '/isolint/leak')", "/isolint/leak"),
    "cwd_pollution": ("os.chdir(str(tmp_path))", None),
    "thread_leak": (
        "threading.Thread(target=STOP.wait, args=(30,), name='leaky-thread').start()",
        "leaky-thread",
    ),
    "signal_handler_leak": ("signal.signal(signal.SIGUSR1, lambda *a: None)", "SIGUSR1"),
    "logging_state_leak": ("logging.getLogger().addHandler(logging.NullHandler())", "handler:NullHandler"),
    "socket_timeout_leak": ("socket.setdefaulttimeout(7)", "socket.defaulttimeout"),
    "missing_teardown_method": (None, "self.client"),
}

HEADER = """
import logging, os, signal, socket, sys, threading
from unittest import mock

STOP = threading.Event()
"""

FOOTER = """
def test_zz_clean_afterwards():
    STOP.set()  # let a leaked thread end; nothing else here touches global state
"""


def _suite(rule: str, body: str | None) -> str:
    if body is None:  # the mock kept on self by setup_method and never dropped
        test = """
class TestKeepsMock:
    def setup_method(self):
        self.client = mock.MagicMock()

    def test_leaky(self):
        self.client.get("x")
"""
    else:
        test = f"\ndef test_leaky(tmp_path):\n    {body}\n"
    return HEADER + test + FOOTER


@pytest.mark.parametrize("rule", sorted(LEAKS))
def test_each_leak_kind_is_recorded_on_the_leaking_test(pytester, run_isolint, rule):
    body, key = LEAKS[rule]
    pytester.makepyfile(test_suite=_suite(rule, body))
    run = run_isolint()
    run.result.assert_outcomes(passed=2)
    leaky = run.record("test_leaky")
    assert [leak.rule for leak in leaky.leaks] == [rule]
    if key is not None:
        assert leaky.leaks[0].key == key
    assert run.record("test_zz_clean_afterwards").leaks == ()
    assert rule in run.result.stdout.str()


def test_environment_values_are_never_recorded(pytester, run_isolint):
    pytester.makepyfile(
        """
        import os
        def test_a():
            os.environ["ISOLINT_TOKEN"] = "hunter2-secret"
        def test_b():
            os.environ["HOME"] = "hunter3-secret"
        """
    )
    run = run_isolint()
    assert run.rules("test_a") == ["env_var_pollution"]
    assert run.rules("test_b") == ["env_var_pollution"]
    everything = (pytester.path / "isolint.json").read_text() + run.result.stdout.str()
    assert "secret" not in everything


def test_warnings_filters_leak_only_when_pytest_does_not_restore_them(pytester, run_isolint):
    pytester.makepyfile(
        """
        import warnings
        def test_leaky():
            warnings.simplefilter("ignore")
        def test_after():
            pass
        """
    )
    # pytest's warnings plugin restores warnings.filters after every test: nothing can leak.
    default = run_isolint()
    assert default.leaking == {}
    assert "warnings" not in default.report.probes
    # Without it, the change reaches the next test, and the probe is on.
    bare = run_isolint("-p", "no:warnings")
    assert bare.leaking == {"test_leaky": ["warnings_filter_leak"]}


def test_mocks_alive_counts_retained_mocks(pytester, run_isolint):
    pytester.makepyfile(
        textwrap.dedent(
            """
            import gc
            from unittest import mock
            KEEP = []
            def test_1_keeps_mocks():
                KEEP.extend(mock.Mock() for _ in range(50))
            def test_2_drops_them():
                KEEP.clear()
                gc.collect()
            """
        )
    )
    run = run_isolint()
    kept, dropped = run.record("test_1_keeps_mocks"), run.record("test_2_drops_them")
    assert kept.mocks_alive >= 50
    assert dropped.mocks_alive < 50
    assert kept.memory is not None and kept.memory.rss_after > 0 and kept.memory.vms_after > 0
    (worker,) = run.report.workers
    assert worker.worker == "main" and worker.tests == 2 and worker.max_mocks_alive >= 50
    assert worker.peak_rss >= kept.memory.rss_after
