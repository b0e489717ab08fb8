"""One cause, one entry: a base class's set-up that leaks in every test is reported once, named."""

from __future__ import annotations


def test_a_base_class_setup_leaking_in_many_tests_is_one_cause_naming_the_setup(pytester, run_isolint):
    pytester.makepyfile(
        helpers="""
        import logging, unittest

        class Base(unittest.TestCase):
            def setUp(self):
                logging.getLogger().addHandler(logging.NullHandler())  # one more in every test
        """,
        test_many="""
        from helpers import Base

        class TestA(Base):
            def test_1(self): pass
            def test_2(self): pass

        class TestB(Base):
            def test_3(self): pass
        """,
        test_module_setup="""
        import os

        def setUpModule():
            os.environ["ISOLINT_MODULE"] = "1"

        def test_x(): pass
        """,
    )
    run = run_isolint("-p", "no:logging")
    run.result.assert_outcomes(passed=4)
    (cause,) = [c for c in run.report.causes if c.rule == "logging_state_leak"]
    assert cause.detail == "NullHandler added to the root logger and not removed"
    assert len(cause.nodeids) == 3 and cause.shared_setup == ("helpers.py::Base::setUp",)
    run.result.stdout.fnmatch_lines(["logging_state_leak: NullHandler added*[3 tests; all set up by `helpers.py::Base::setUp`*"])
    # setUpModule is named as written (pytest runs it as a module fixture)
    assert run.record("setUpModule").leaks[0].key == "ISOLINT_MODULE"
