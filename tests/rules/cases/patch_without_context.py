import re
import threading
import unittest
from unittest import mock
from unittest.mock import patch
from unittest.mock import patch as p

import mock as mock_backport
import pytest


def test_started_never_stopped():
    patcher = patch("app.fetch")
    patcher.start()  # expect: patch_without_context


def test_stop_in_body_only():
    patcher = patch.object(threading, "Thread")
    patcher.start()  # expect: patch_without_context
    assert True
    patcher.stop()


def test_chained_start():
    fetch = mock.patch("app.fetch").start()  # expect: patch_without_context
    assert fetch


def test_aliases():
    first = p.dict("os.environ", {"A": "1"})
    first.start()  # expect: patch_without_context
    second = mock_backport.patch.multiple("app", fetch=mock.DEFAULT)
    second.start()  # expect: patch_without_context


class TestSetupStartsWithoutStop:
    def setup_method(self):
        self.patcher = patch("app.fetch")
        self.fetch = self.patcher.start()  # expect: patch_without_context

    def test_it(self):
        assert self.fetch


class TestUnittestWithoutCleanup(unittest.TestCase):
    def setUp(self):
        self.patcher = mock.patch("app.fetch")
        self.patcher.start()  # expect: patch_without_context

    def test_it(self):
        pass


@pytest.fixture
def fixture_returns_started():
    patcher = patch("app.fetch")
    return patcher.start()  # expect: patch_without_context


# ---- safe idioms ------------------------------------------------------------------------


def test_context_manager():
    with patch("app.fetch") as fetch:
        assert fetch


@patch("app.fetch")
def test_decorator(fetch):
    assert fetch


def test_finally():
    patcher = patch("app.fetch")
    patcher.start()
    try:
        assert True
    finally:
        patcher.stop()


def test_stopall_in_finally():
    patch("app.fetch").start()
    try:
        assert True
    finally:
        patch.stopall()


@pytest.fixture
def fixture_stops_after_yield():
    patcher = patch("app.fetch")
    yield patcher.start()
    patcher.stop()


def test_addfinalizer(request):
    patcher = patch("app.fetch")
    patcher.start()
    request.addfinalizer(patcher.stop)


class TestTeardownStops:
    def setup_method(self):
        self.patcher = patch("app.fetch")
        self.patcher.start()

    def teardown_method(self):
        self.patcher.stop()

    def test_it(self):
        pass


class TestAddCleanup(unittest.TestCase):
    def setUp(self):
        patcher = patch("app.fetch")
        self.fetch = patcher.start()
        self.addCleanup(patcher.stop)

    def test_it(self):
        pass


class TestStopAllInTeardown(unittest.TestCase):
    def setUp(self):
        mock.patch("app.fetch").start()
        mock.patch("app.store").start()

    def tearDown(self):
        mock.patch.stopall()

    def test_it(self):
        pass


class TestStopAllCleanup(unittest.TestCase):
    def setUp(self):
        self.addCleanup(patch.stopall)
        patch("app.fetch").start()

    def test_it(self):
        pass


def test_other_start_methods():
    thread = threading.Thread(target=print)
    thread.start()
    thread.join()
    match = re.match(r"a", "a")
    assert match.start() == 0


def test_mocker_is_undone_by_pytest_mock(mocker):
    mocker.patch("app.fetch")


def test_start_expected_to_fail():
    with pytest.raises(AttributeError):
        patch.object(threading, "no_such_attribute").start()
