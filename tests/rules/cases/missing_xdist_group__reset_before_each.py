# changed-state: a class attribute reset by a per-test setup shares nothing a split could break
# (twisted's test_keyboard.py, gevent's copy of CPython's TimeoutTest); a class nested in a
# TestCase is not collected (twisted's FailAfter).
import contextlib
import socket
import unittest

import pytest

SHARED = []


class InterruptTests(unittest.TestCase):  # quiet: setUp resets both before every test
    testsRun = 0
    test_02_run = None

    class InterruptedTest(unittest.TestCase):  # the suite the tests run
        def test_02(self):
            InterruptTests.testsRun += 1
            InterruptTests.test_02_run = True

    def setUp(self):
        InterruptTests.testsRun = 0
        InterruptTests.test_02_run: bool = False

    def test_setup_ok(self):
        assert InterruptTests.testsRun == 0

    def test_interrupt(self):
        unittest.TestSuite([InterruptTests.InterruptedTest("test_02")]).run(unittest.TestResult())
        assert InterruptTests.test_02_run


class TestResetByAutouseFixture:  # quiet: a function-scoped autouse fixture resets it
    seen = None

    @pytest.fixture(autouse=True)
    def _reset(self):
        TestResetByAutouseFixture.seen = []
        yield

    def test_a(self):
        assert TestResetByAutouseFixture.seen == []

    def test_b(self):
        assert TestResetByAutouseFixture.seen == []


class TimeoutTest(unittest.TestCase):  # quiet: setUp binds a fresh port before each test
    PORT = None

    def setUp(self):
        self.serv = socket.socket()
        self.addCleanup(self.serv.close)
        self.serv.bind(("127.0.0.1", 0))
        TimeoutTest.PORT = self.serv.getsockname()[1]

    def test_timeout_attribute(self):
        assert TimeoutTest.PORT

    def test_other(self):
        assert TimeoutTest.PORT


class UntilFailureTests(unittest.TestCase):
    class FailAfter(unittest.TestCase):  # quiet: pytest does not collect a class in a TestCase
        count = []

        def test_foo(self):
            self.count.append(None)

        def test_bar(self):
            assert len(self.count) < 3

    def test_run(self):
        pass


class TestOuter:
    class TestInner:  # expect: missing_xdist_group
        count = []

        def test_foo(self):
            self.count.append(None)

        def test_bar(self):
            assert len(self.count) < 3


class CountsInSetUp(unittest.TestCase):  # expect: missing_xdist_group
    runs = 0

    def setUp(self):
        CountsInSetUp.runs += 1  # depends on the tests that ran before

    def test_a(self):
        assert CountsInSetUp.runs

    def test_b(self):
        assert CountsInSetUp.runs


class ReadsItselfInSetUp(unittest.TestCase):  # expect: missing_xdist_group
    runs = 0

    def setUp(self):
        ReadsItselfInSetUp.runs = ReadsItselfInSetUp.runs + 1

    def test_a(self):
        pass

    def test_b(self):
        pass


class FillsInSetUp(unittest.TestCase):  # expect: missing_xdist_group
    items = {}

    def setUp(self):
        FillsInSetUp.items["k"] = len(FillsInSetUp.items)

    def test_a(self):
        pass

    def test_b(self):
        pass


class TestRebindsAResetAttribute:  # quiet: setup_method binds it again before every test
    state = None

    def setup_method(self):
        TestRebindsAResetAttribute.state = 0

    def test_a(self):
        TestRebindsAResetAttribute.state = 1
        TestRebindsAResetAttribute.state += 1

    def test_b(self):
        assert TestRebindsAResetAttribute.state == 0


class TestChangesAnotherAttribute:  # expect: missing_xdist_group
    state = None
    seen = None

    def setup_method(self):
        TestChangesAnotherAttribute.state = 0

    def test_a(self):
        TestChangesAnotherAttribute.seen = 1  # not reset: test_b sees it after test_a

    def test_b(self):
        assert TestChangesAnotherAttribute.seen in (None, 1)


class TestMutatesAResetAttribute:  # expect: missing_xdist_group
    items = None

    def setup_method(self):
        TestMutatesAResetAttribute.items = SHARED  # a module object: the same list each time

    def test_a(self):
        TestMutatesAResetAttribute.items.append(1)

    def test_b(self):
        assert TestMutatesAResetAttribute.items is SHARED


class WebSocketAppTest(unittest.TestCase):  # quiet: setUp resets, tearDown resets again
    class NotSetYet:
        pass

    def setUp(self):
        WebSocketAppTest.keep_running_open = WebSocketAppTest.NotSetYet()

    def tearDown(self):
        WebSocketAppTest.keep_running_open = WebSocketAppTest.NotSetYet()

    def test_a(self):
        assert isinstance(WebSocketAppTest.keep_running_open, WebSocketAppTest.NotSetYet)

    def test_b(self):
        assert isinstance(WebSocketAppTest.keep_running_open, WebSocketAppTest.NotSetYet)


class ResetInTearDownOnly(unittest.TestCase):  # expect: missing_xdist_group
    state = "initial"

    def tearDown(self):
        ResetInTearDownOnly.state = "after"  # the first test sees "initial", later ones "after"

    def test_a(self):
        assert ResetInTearDownOnly.state

    def test_b(self):
        assert ResetInTearDownOnly.state


class Engine:
    dirs = ()


class FileSystemLoaderTests(unittest.TestCase):  # quiet: set_dirs puts it back in `finally`
    @classmethod
    def setUpClass(cls):
        cls.engine = Engine()

    @contextlib.contextmanager
    def set_dirs(self, dirs):
        original_dirs = self.engine.dirs
        self.engine.dirs = dirs
        try:
            yield
        finally:
            self.engine.dirs = original_dirs

    def test_a(self):
        with self.set_dirs(["a"]):
            assert self.engine.dirs == ["a"]

    def test_b(self):
        assert self.engine.dirs == ()


class NotPutBack(unittest.TestCase):  # expect: missing_xdist_group
    @classmethod
    def setUpClass(cls):
        cls.engine = Engine()

    @contextlib.contextmanager
    def set_dirs(self, dirs):
        original_dirs = self.engine.dirs
        try:
            yield
        finally:
            self.engine.dirs = dirs  # the change is in the finally, nothing after it undoes it
        del original_dirs

    def test_a(self):
        with self.set_dirs(["a"]):
            pass

    def test_b(self):
        assert self.engine.dirs in ((), ["a"])
