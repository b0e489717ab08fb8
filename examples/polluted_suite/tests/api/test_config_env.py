import os
from os import environ
from unittest import mock

import pytest

import inventory

pytestmark = pytest.mark.xdist_group(name="api_config")  # expect: inert_xdist_group


def test_debug_leaks():
    os.environ["INVENTORY_DEBUG"] = "1"  # expect: env_var_pollution
    assert inventory.debug_enabled()


def test_url_leaks():
    environ.update({"INVENTORY_API_URL": "http://localhost"})  # expect: env_var_pollution
    assert inventory.api_url() == "http://localhost"


def test_timeout_leaks():  # the misspelled suppression silences nothing
    os.environ["INVENTORY_TIMEOUT"] = "5"  # isolint: ignore[env_var_polution]  # expect: env_var_pollution, invalid_suppression
    assert os.environ["INVENTORY_TIMEOUT"] == "5"


def test_region_leaks_on_purpose():  # suppressed: a reviewed leak, in flake8's and ruff's spelling
    os.environ["INVENTORY_REGION"] = "eu"  # noqa: ISO003
    assert os.environ["INVENTORY_REGION"] == "eu"


def test_debug_with_monkeypatch(monkeypatch):  # safe: monkeypatch undoes it
    monkeypatch.setenv("INVENTORY_DEBUG", "1")
    assert inventory.debug_enabled()


def test_debug_with_patch_dict():  # safe: patch.dict restores the environment
    with mock.patch.dict(os.environ, {"INVENTORY_DEBUG": "1"}):
        os.environ["INVENTORY_API_URL"] = "http://inside"
        assert inventory.debug_enabled()


@mock.patch.dict(os.environ, {"INVENTORY_DEBUG": "1"})
def test_debug_with_decorator():  # safe
    assert inventory.debug_enabled()


def test_debug_with_finally():  # safe: the finally block restores the key
    saved = os.environ.get("INVENTORY_DEBUG")
    os.environ["INVENTORY_DEBUG"] = "1"
    try:
        assert inventory.debug_enabled()
    finally:
        if saved is None:
            del os.environ["INVENTORY_DEBUG"]
        else:
            os.environ["INVENTORY_DEBUG"] = saved


def test_copy_is_not_the_environment():  # safe: a copy is not the process environment
    env = os.environ.copy()
    env["INVENTORY_DEBUG"] = "1"
    assert env["INVENTORY_DEBUG"] == "1"


@pytest.fixture
def debug_env():  # safe: restored after the yield
    os.environ["INVENTORY_DEBUG"] = "1"
    yield
    os.environ.pop("INVENTORY_DEBUG", None)


def test_debug_with_fixture(debug_env):
    assert inventory.debug_enabled()


class TestSetupTeardown:
    def setup_method(self):
        self.saved = os.environ.copy()
        os.environ["INVENTORY_DEBUG"] = "1"  # safe: teardown restores the whole environment

    def teardown_method(self):
        os.environ.clear()
        os.environ.update(self.saved)

    def test_debug(self):
        assert inventory.debug_enabled()
