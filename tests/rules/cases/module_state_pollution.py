import importlib
import logging
import sys
from collections import defaultdict
from unittest import mock
from unittest.mock import patch

import pytest
from app import REGISTRY as APP_REGISTRY
from app import SomeImportedClass, app, helpers
from app.config import settings
from django.test import override_settings

_CACHE = []
REGISTRY = {}
SEEN = set()
COUNTS = defaultdict(int)
CALLS = [x for x in range(3)]
LIMIT = 10
NAME = "fixed"

# Building the module's own constants at import time is fine.
_CACHE.append("built at import")
REGISTRY["default"] = 1
SEEN.update({1, 2})

# An imported module changed at import time of the test module is a finding.
logging.raiseExceptions = False  # expect: module_state_pollution


class TestAtClassBody:
    settings.CLASS_LEVEL = 1  # expect: module_state_pollution


def test_attribute_of_imported_object():
    settings.DEBUG = True  # expect: module_state_pollution


def test_attribute_of_imported_module():
    logging.raiseExceptions = False  # expect: module_state_pollution
    helpers.TIMEOUT = 1  # expect: module_state_pollution


def test_attribute_of_imported_class():
    SomeImportedClass.attr = 1  # expect: module_state_pollution
    SomeImportedClass.counter += 1  # expect: module_state_pollution


def test_setattr_delattr_and_del():
    setattr(helpers, "x", 1)  # expect: module_state_pollution
    delattr(helpers, "y")  # expect: module_state_pollution
    del helpers.z  # expect: module_state_pollution


def test_item_of_imported_object():
    app.config["TESTING"] = True  # expect: module_state_pollution
    del app.config["SECRET"]  # the same object again in the same function: reported once


def test_item_deleted():
    del app.config["SECRET"]  # expect: module_state_pollution


def test_imported_containers_changed_in_place():
    APP_REGISTRY.append("x")  # expect: module_state_pollution
    sys.argv.extend(["--flag"])  # expect: module_state_pollution
    sys.warnoptions.append("ignore")  # expect: module_state_pollution
    # (`warnings.filters`: pytest puts it back, see module_state_pollution__caught_warnings.py)


def test_own_containers_changed_in_place():
    _CACHE.append(1)  # expect: module_state_pollution
    _CACHE.extend([1, 2])  # the same container again: reported once


def test_own_container_0():
    REGISTRY["k"] = "v"  # expect: module_state_pollution


def test_own_container_1():
    del REGISTRY["default"]  # expect: module_state_pollution


def test_own_container_2():
    REGISTRY.update(a=1)  # expect: module_state_pollution


def test_own_container_3():
    SEEN.add(3)  # expect: module_state_pollution


def test_own_container_4():
    COUNTS["x"] += 1  # expect: module_state_pollution


def test_own_container_5():
    CALLS.clear()  # expect: module_state_pollution


def test_own_container_6():
    REGISTRY.setdefault("b", 2)  # expect: module_state_pollution


def test_own_container_7():
    _CACHE.extend([1, 2])  # expect: module_state_pollution


def test_own_container_8():
    _CACHE.insert(0, 1)  # expect: module_state_pollution


def test_own_container_9():
    _CACHE.remove(1)  # expect: module_state_pollution


def test_own_container_10():
    REGISTRY.pop("a")  # expect: module_state_pollution


def test_global_rebinding():
    global LIMIT, NAME
    LIMIT = 20  # expect: module_state_pollution
    NAME += "-changed"  # expect: module_state_pollution


def helper_records(value):
    _CACHE.append(value)  # expect: module_state_pollution


@pytest.fixture
def registered():
    REGISTRY["fixture"] = 1  # expect: module_state_pollution
    return REGISTRY


@pytest.fixture
def restores_another_attribute():
    settings.A = 1  # expect: module_state_pollution
    yield
    settings.B = None


class TestSetupWithoutTeardown:
    def setup_method(self):
        settings.FEATURE = True  # expect: module_state_pollution

    def test_it(self):
        assert settings.FEATURE


def test_monkeypatch_after_the_write_saves_the_polluted_value(monkeypatch):
    settings.LATE = 1  # expect: module_state_pollution
    monkeypatch.setattr(settings, "LATE", 2)


def test_with_patch_of_another_attribute():
    with patch.object(settings, "OTHER", 1):
        settings.MINE = 2  # expect: module_state_pollution


# ---- safe idioms: none of these may be reported ----------------------------------------


def test_monkeypatch(monkeypatch):
    monkeypatch.setattr(settings, "DEBUG", True)
    monkeypatch.setattr("app.config.settings.DEBUG", True)
    monkeypatch.setitem(app.config, "TESTING", True)
    monkeypatch.delattr(helpers, "x")


def test_monkeypatch_then_direct_write(monkeypatch):
    monkeypatch.setattr(settings, "DEBUG", True)
    settings.DEBUG = False


def test_mocker_then_direct_write(mocker):
    mocker.patch.object(logging, "raiseExceptions", True)
    logging.raiseExceptions = False


def test_with_patch_object():
    with patch.object(settings, "DEBUG", False):
        settings.DEBUG = True
    with mock.patch("app.config.settings.TIMEOUT", 1):
        settings.TIMEOUT = 2
    with patch.dict(app.config, {"A": 1}):
        app.config["TESTING"] = True
    with patch.multiple(helpers, a=1):
        helpers.b = 2


@patch.object(settings, "DEBUG", False)
def test_under_patch_decorator():
    settings.DEBUG = True


def test_override_settings():
    with override_settings(DEBUG=True):
        settings.DEBUG = False


def test_locals_self_and_parameters(settings):
    settings.DEBUG = True  # pytest-django's `settings` fixture restores itself
    obj = SomeImportedClass()
    obj.attr = 1
    cache = []
    cache.append(1)
    local = {}
    local["k"] = 1


def test_shadowed_module_level_name():
    _CACHE = []
    _CACHE.append(1)
    REGISTRY = {}
    REGISTRY["k"] = 1


def test_reads():
    assert settings.DEBUG in (True, False)
    assert _CACHE[0] == "built at import"
    assert REGISTRY.get("k") is None
    assert LIMIT == 10


def test_calls_on_modules_are_not_container_changes(tmp_path):
    import os

    os.remove(tmp_path / "missing") if False else None
    logging.getLogger("x").handlers.clear()


def test_restored_in_finally():
    old = settings.DEBUG
    settings.DEBUG = True
    try:
        assert True
    finally:
        settings.DEBUG = old


def test_own_container_restored_in_finally():
    try:
        _CACHE.append(1)
        REGISTRY["k"] = 1
    finally:
        _CACHE.clear()
        REGISTRY.pop("k", None)


def test_restored_by_callback(request):
    helpers.TIMEOUT = 1
    request.addfinalizer(lambda: setattr(helpers, "TIMEOUT", 10))


def test_reload_restores_everything(request):
    helpers.TIMEOUT = 1
    request.addfinalizer(lambda: importlib.reload(helpers))


@pytest.fixture
def fixture_restores_after_yield():
    old = settings.DEBUG
    settings.DEBUG = True
    _CACHE.append("fixture")
    yield
    settings.DEBUG = old
    _CACHE.remove("fixture")


class TestRestoredInTeardown:
    def setup_method(self):
        settings.FEATURE = True
        global LIMIT
        LIMIT = 5

    def teardown_method(self):
        del settings.FEATURE
        global LIMIT
        LIMIT = 10


def test_environ_and_sys_path_belong_to_other_rules():
    import os

    os.environ["A"] = "1"
    sys.path.insert(0, "/x")
    sys.modules["fake"] = None
    sys.path = []
    os.environ = {}


def test_with_helper_given_object_and_attribute():
    with ensure_removed(logging.Logger, "fake"):
        setattr(logging.Logger, "fake", 123)


def test_helper_given_another_attribute_does_not_count():
    with ensure_removed(logging.Logger, "other"):
        setattr(logging.Logger, "fake", 123)  # expect: module_state_pollution


def test_reads_the_counts():
    # A second test reads them: the changes above are seen (one test alone would not see them).
    assert COUNTS["x"] == 0 and not CALLS
