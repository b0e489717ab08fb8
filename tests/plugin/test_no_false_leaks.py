"""Well-behaved tests and fixtures that restore what they change are never reported."""

from __future__ import annotations


def test_well_behaved_tests_leak_nothing(pytester, run_isolint):
    pytester.makepyfile(
        """
        import gc, logging, os, signal, socket, sys, threading, warnings
        from unittest import mock
        import pytest

        def test_monkeypatch(monkeypatch, tmp_path):
            monkeypatch.setenv("ISOLINT_X", "1")
            monkeypatch.delenv("HOME", raising=False)
            monkeypatch.syspath_prepend(str(tmp_path))
            monkeypatch.chdir(tmp_path)
            monkeypatch.setitem(sys.modules, "json", mock.MagicMock())

        @mock.patch("os.getcwd", return_value="/x")
        def test_patch_decorator(getcwd):
            with mock.patch.dict(os.environ, {"ISOLINT_Y": "1"}):
                assert os.getcwd() == "/x"

        def test_patch_start_stop():
            patcher = mock.patch.object(os.path, "exists", return_value=True)
            patcher.start()
            patcher.stop()

        def test_first_import_is_not_a_leak():
            import colorsys, this_module_is_new  # noqa: F401

        def test_joined_and_daemon_threads():
            t = threading.Thread(target=lambda: None)
            t.start()
            t.join()
            threading.Thread(target=threading.Event().wait, args=(30,), daemon=True).start()

        def test_signal_restored():
            old = signal.signal(signal.SIGUSR1, lambda *a: None)
            signal.signal(signal.SIGUSR1, old)

        def test_caplog(caplog):
            caplog.set_level(logging.DEBUG)
            logging.getLogger().info("hello")

        def test_warnings_catch():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")

        def test_socket_restored():
            old = socket.getdefaulttimeout()
            socket.setdefaulttimeout(3)
            socket.setdefaulttimeout(old)

        class TestDropsMock:
            def setup_method(self):
                self.client = mock.MagicMock()
            def teardown_method(self):
                del self.client
            def test_uses_it(self):
                self.client.get()

        @pytest.mark.parametrize("n", [1, 2])
        def test_mock_in_a_local(n):
            m = mock.Mock()
            m(n)
        """
    )
    pytester.makepyfile(this_module_is_new="VALUE = 1\n")
    run = run_isolint("-p", "no:warnings")  # with the warnings probe on as well
    run.result.assert_outcomes(passed=12)
    assert run.leaking == {}
    assert "0 of 12 tests leaked state" in run.result.stdout.str()


def test_fixtures_that_restore_are_not_blamed_on_first_or_last_test(pytester, run_isolint):
    pytester.makeconftest(
        """
        import os, sys, threading, pytest

        @pytest.fixture(scope="session", autouse=True)
        def session_env():
            os.environ["ISOLINT_SESSION"] = "1"
            stop = threading.Event()
            worker = threading.Thread(target=stop.wait, name="session-worker")
            worker.start()
            yield
            stop.set()
            worker.join()
            del os.environ["ISOLINT_SESSION"]
        """
    )
    pytester.makepyfile(
        test_a="""
        import logging, os, sys, pytest

        @pytest.fixture(scope="module")
        def module_state(tmp_path_factory):
            old = os.getcwd()
            os.chdir(tmp_path_factory.mktemp("m"))
            sys.path.append("/isolint/module")
            handler = logging.NullHandler()
            logging.getLogger().addHandler(handler)
            yield
            logging.getLogger().removeHandler(handler)
            sys.path.remove("/isolint/module")
            os.chdir(old)

        def setup_module():
            os.environ["ISOLINT_XUNIT"] = "1"

        def teardown_module():
            del os.environ["ISOLINT_XUNIT"]

        def test_first(module_state):
            pass

        def test_middle(module_state):
            sys.path.append("/isolint/test-leak")

        def test_last(module_state):
            pass
        """,
        test_b="""
        import os, pytest

        class TestClassScope:
            @pytest.fixture(scope="class", autouse=True)
            @classmethod
            def class_env(cls):
                os.environ["ISOLINT_CLASS"] = "1"
                yield
                os.environ.pop("ISOLINT_CLASS")

            @classmethod
            def setup_class(cls):
                os.environ["ISOLINT_SETUP_CLASS"] = "1"

            @classmethod
            def teardown_class(cls):
                del os.environ["ISOLINT_SETUP_CLASS"]

            def test_one(self):
                assert os.environ["ISOLINT_CLASS"] == "1"

            def test_two(self):
                pass

        @pytest.fixture(scope="module", params=["p1", "p2"])
        def param_env(request):
            os.environ["ISOLINT_PARAM"] = request.param
            yield request.param
            del os.environ["ISOLINT_PARAM"]

        def test_param(param_env):
            assert os.environ["ISOLINT_PARAM"] == param_env
        """,
    )
    run = run_isolint()
    run.result.assert_outcomes(passed=7)
    # Only the one real leak, on the test that made it; the fixtures balanced their changes.
    assert run.leaking == {"test_middle": ["sys_path_pollution"]}
    fixtures = {r.nodeid: r for r in run.report.records if r.kind == "fixture"}
    assert {
        "conftest.py::session_env",
        "test_a.py::module_state",
        "test_a.py::setup_module",
        "test_b.py::TestClassScope::class_env",
        "test_b.py::TestClassScope::setup_class",
        "test_b.py::param_env[p1]",  # one record per parameter, each with its own id
        "test_b.py::param_env[p2]",
    } <= set(fixtures)
    assert all(not r.leaks for r in fixtures.values())
    assert fixtures["conftest.py::session_env"].scope == "session"


def test_a_leaking_fixture_is_blamed_itself_not_its_tests(pytester, run_isolint):
    pytester.makepyfile(
        """
        import os, sys, pytest

        @pytest.fixture(scope="module")
        def leaky_module():
            os.environ["ISOLINT_FROM_FIXTURE"] = "1"
            yield
            sys.path.append("/added/at/teardown")

        def test_first(leaky_module):
            pass

        def test_last(leaky_module):
            pass
        """
    )
    run = run_isolint()
    assert run.leaking == {"leaky_module": ["env_var_pollution", "sys_path_pollution"]}
    fixture = run.record("leaky_module")
    assert fixture.kind == "fixture" and fixture.scope == "module"
    assert "(module scope)" in run.result.stdout.str()


def test_a_unittest_setupclass_that_leaks_is_blamed_by_its_name(pytester, run_isolint):
    pytester.makepyfile(
        """
        import os, unittest

        class TestCase(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                os.environ["ISOLINT_SETUPCLASS"] = "1"

            def test_one(self):
                pass

            def test_two(self):
                pass
        """
    )
    run = run_isolint()
    run.result.assert_outcomes(passed=2)
    assert run.leaking == {"TestCase::setUpClass": ["env_var_pollution"]}
    assert run.record("setUpClass").scope == "class"


def test_plugins_that_wrap_each_test_are_not_blamed_on_it(pytester, run_isolint):
    # pytest-timeout style: a plugin installs a fresh handler around each whole test protocol
    # and restores the old one afterwards; between two tests the state differs from the end of
    # the last one. isolint brackets the protocol from outside, so neither test is blamed.
    pytester.makeconftest(
        """
        import os, signal
        import pytest

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_protocol(item):
            old = signal.signal(signal.SIGUSR1, lambda *a: None)  # a new function each time
            os.environ["ISOLINT_AROUND"] = item.name
            try:
                return (yield)
            finally:
                signal.signal(signal.SIGUSR1, old)
                del os.environ["ISOLINT_AROUND"]
        """
    )
    pytester.makepyfile("def test_one(): pass\ndef test_two(): pass\ndef test_three(): pass\n")
    for strict in ((), ("--isolint-strict",)):
        run = run_isolint(*strict)
        run.result.assert_outcomes(passed=3)
        assert run.leaking == {}, strict


_LIST_ISOLINT_PLUGINS = """
def pytest_terminal_summary(terminalreporter, config):
    names = sorted(n for n, _ in config.pluginmanager.list_name_plugin() if n and n.startswith("isolint"))
    terminalreporter.write_line("plugins: " + " ".join(names))
"""


def test_a_suite_without_wider_fixtures_is_recorded_without_watching_fixtures(pytester, run_isolint):
    # Fixture hooks are registered only when a test uses a module/class/session fixture; the
    # records are the same either way.
    pytester.makepyfile(
        """
        import os
        import pytest

        @pytest.fixture
        def env():
            os.environ["ISOLINT_FN"] = "1"
            yield
            del os.environ["ISOLINT_FN"]

        def test_clean(env): pass

        def test_leaks():
            os.environ["ISOLINT_LEAK"] = "1"

        def test_after(): pass
        """
    )
    pytester.makeconftest(_LIST_ISOLINT_PLUGINS)
    run = run_isolint()
    assert run.leaking == {"test_leaks": ["env_var_pollution"]}
    run.result.stdout.fnmatch_lines(["plugins: isolint isolint-runtime"])


def test_fixture_watcher_is_registered_for_wider_fixtures(pytester, run_isolint):
    pytester.makepyfile(
        """
        import os
        import pytest

        @pytest.fixture(scope="module")
        def env():
            os.environ["ISOLINT_MOD"] = "1"
            yield
            del os.environ["ISOLINT_MOD"]

        def test_first(env): pass
        def test_second(env): pass
        """
    )
    pytester.makeconftest(_LIST_ISOLINT_PLUGINS)
    run = run_isolint()
    assert run.leaking == {}
    run.result.stdout.fnmatch_lines(["plugins: isolint isolint-runtime isolint-runtime-fixtures"])


def test_memory_before_a_test_is_the_sample_after_the_previous_one(pytester, run_isolint):
    # One sample between two tests (nothing runs in between): growth adds up without gaps.
    pytester.makepyfile("KEEP = []\ndef test_a(): KEEP.append(bytearray(8 * 2**20))\ndef test_b(): pass\n")
    run = run_isolint("-p", "no:randomly")
    first, second = run.record("test_a").memory, run.record("test_b").memory
    assert second.rss_before == first.rss_after and second.vms_before == first.vms_after
    assert first.rss_growth >= 8 * 2**20 - 2**20
