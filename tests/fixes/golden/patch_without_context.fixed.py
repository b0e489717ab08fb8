"""Golden input for the patch_without_context fixer."""
import unittest
from unittest import mock
from unittest.mock import patch

import pytest


def test_named(request):
    patcher = patch("app.fetch")
    fetch = patcher.start()
    request.addfinalizer(patcher.stop)
    assert fetch
    patcher.stop()


def test_chained(request):
    patcher = mock.patch.object(unittest, "main")
    fetch = patcher.start()
    request.addfinalizer(patcher.stop)
    assert fetch


def test_already_has_request(request, tmp_path):
    patcher = patch("app.fetch")
    patcher.start()
    request.addfinalizer(patcher.stop)


@pytest.fixture
def fetch(request):
    patcher = patch("app.fetch")
    request.addfinalizer(patcher.stop)
    return patcher.start()


class TestSetupMethod:
    def setup_method(self):
        self.patcher = patch("app.fetch")
        self.fetch = self.patcher.start()

    def teardown_method(self):
        self.patcher.stop()

    def test_it(self):
        assert self.fetch


class TestExistingTeardown:
    def setup_method(self):
        self.patcher = patch("app.fetch")
        self.patcher.start()

    def teardown_method(self):
        self.done = True
        self.patcher.stop()

    def test_it(self):
        pass


class TestUnittest(unittest.TestCase):
    def setUp(self):
        self.patcher = mock.patch("app.fetch")
        self.patcher.start()
        self.addCleanup(self.patcher.stop)

    def test_chained(self):
        patcher = patch("app.store")
        patcher.start()
        self.addCleanup(patcher.stop)

    @classmethod
    def setUpClass(cls):
        cls.patcher = patch("app.load")
        cls.patcher.start()
        cls.addClassCleanup(cls.patcher.stop)


def helper():
    patcher = patch("app.fetch")
    patcher.start()  # stays: not a test


if True: patch("app.fetch").start()  # stays: module level
