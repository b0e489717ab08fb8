import unittest
from unittest.mock import patch

import pytest

import inventory

pytestmark = [pytest.mark.xdist_group(name="core_patching")]  # expect: inert_xdist_group


def test_patch_started_never_stopped():
    patcher = patch("inventory.api_url", return_value="http://fake")
    patcher.start()  # expect: patch_without_context (still active if the assert fails)
    assert inventory.api_url() == "http://fake"
    patcher.stop()


def test_patch_in_with():  # safe
    with patch("inventory.api_url", return_value="http://fake"):
        assert inventory.api_url() == "http://fake"


def test_patch_stopped_in_finally():  # safe
    patcher = patch("inventory.api_url", return_value="http://fake")
    patcher.start()
    try:
        assert inventory.api_url() == "http://fake"
    finally:
        patcher.stop()


@pytest.fixture
def fake_url():  # safe: stopped after the yield
    patcher = patch("inventory.api_url", return_value="http://fixture")
    yield patcher.start()
    patcher.stop()


def test_patch_in_fixture(fake_url):
    assert inventory.api_url() == "http://fixture"


class TestWithCleanup(unittest.TestCase):  # safe: addCleanup registers the stop
    def setUp(self):
        patcher = patch("inventory.api_url", return_value="http://cleanup")
        self.url = patcher.start()
        self.addCleanup(patcher.stop)

    def tearDown(self):
        import gc

        gc.collect()

    def test_url(self):
        self.assertEqual(inventory.api_url(), "http://cleanup")
