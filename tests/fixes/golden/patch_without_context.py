"""Golden input for the patch_without_context fixer."""
import unittest
from unittest import mock
from unittest.mock import patch

import pytest


def test_named():
    patcher = patch("app.fetch")
    fetch = patcher.start()
    assert fetch
    patcher.stop()


def test_chained():
    fetch = mock.patch.object(unittest, "main").start()
    assert fetch


def test_already_has_request(request, tmp_path):
    patcher = patch("app.fetch")
    patcher.start()


@pytest.fixture
def fetch():
    patcher = patch("app.fetch")
    return patcher.start()


class TestSetupMethod:
    def setup_method(self):
        self.patcher = patch("app.fetch")
        self.fetch = self.patcher.start()

    def test_it(self):
        assert self.fetch


class TestExistingTeardown:
    def setup_method(self):
        self.patcher = patch("app.fetch")
        self.patcher.start()

    def teardown_method(self):
        self.done = True

    def test_it(self):
        pass


class TestUnittest(unittest.TestCase):
    def setUp(self):
        self.patcher = mock.patch("app.fetch")
        self.patcher.start()

    def test_chained(self):
        patch("app.store").start()

    @classmethod
    def setUpClass(cls):
        cls.patcher = patch("app.load")
        cls.patcher.start()


def helper():
    patcher = patch("app.fetch")
    patcher.start()  # stays: not a test


if True: patch("app.fetch").start()  # stays: module level
