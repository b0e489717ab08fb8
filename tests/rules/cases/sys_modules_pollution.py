import sys
import types
from sys import modules
from unittest import mock
from unittest.mock import MagicMock, patch

import pytest

sys.modules["fake_at_import"] = MagicMock()  # expect: sys_modules_pollution


def test_set_entry():
    sys.modules["requests"] = MagicMock()  # expect: sys_modules_pollution


def test_delete_entry():
    del sys.modules["app.config"]  # expect: sys_modules_pollution


def test_methods():
    sys.modules.pop("app", None)  # expect: sys_modules_pollution
    sys.modules.update({"a": types.ModuleType("a")})  # expect: sys_modules_pollution
    sys.modules.setdefault("b", types.ModuleType("b"))  # expect: sys_modules_pollution
    sys.modules.popitem()  # expect: sys_modules_pollution
    sys.modules.clear()  # expect: sys_modules_pollution


def test_alias():
    modules["c"] = MagicMock()  # expect: sys_modules_pollution


def test_restores_other_key():
    sys.modules["a"] = MagicMock()  # expect: sys_modules_pollution
    try:
        pass
    finally:
        sys.modules.pop("b", None)


def test_monkeypatch_setitem_covers_only_its_key(monkeypatch):
    monkeypatch.setitem(sys.modules, "a", MagicMock())
    sys.modules["b"] = MagicMock()  # expect: sys_modules_pollution


def test_mocker_patch_dict_after_the_change(mocker):
    sys.modules["a"] = MagicMock()  # expect: sys_modules_pollution
    mocker.patch.dict(sys.modules)


@pytest.fixture
def fake_module():
    sys.modules["fake"] = MagicMock()  # expect: sys_modules_pollution
    return sys.modules["fake"]


# ---- safe idioms: none of these may be reported ----------------------------------------


def test_monkeypatch(monkeypatch):
    monkeypatch.setitem(sys.modules, "requests", MagicMock())
    monkeypatch.delitem(sys.modules, "app", raising=False)


def test_reads():
    assert "os" in sys.modules
    module = sys.modules.get("os")
    copy = dict(sys.modules)
    copy["x"] = module


def test_with_patch_dict():
    with patch.dict(sys.modules, {"requests": MagicMock()}):
        sys.modules["other"] = MagicMock()
        del sys.modules["other"]


def test_with_patch_dict_string_target():
    with mock.patch.dict("sys.modules", clear=False):
        sys.modules["x"] = MagicMock()


@patch.dict(sys.modules, {"requests": MagicMock()})
def test_under_decorator():
    sys.modules["x"] = MagicMock()


def test_mocker_patch_dict(mocker):
    mocker.patch.dict(sys.modules, {"requests": MagicMock()})
    sys.modules["x"] = MagicMock()


def test_try_finally_same_key():
    sys.modules["x"] = MagicMock()
    try:
        pass
    finally:
        del sys.modules["x"]


def test_whole_cache_restored():
    saved = sys.modules.copy()
    try:
        sys.modules["x"] = MagicMock()
        del sys.modules["os"]
    finally:
        sys.modules.clear()
        sys.modules.update(saved)


@pytest.fixture
def fake_module_restored():
    sys.modules["fake"] = MagicMock()
    yield sys.modules["fake"]
    sys.modules.pop("fake", None)


class TestRestoredInTeardown:
    def setup_method(self):
        sys.modules["fake"] = MagicMock()

    def teardown_method(self):
        del sys.modules["fake"]

    def test_it(self):
        pass


def test_add_cleanup(request):
    sys.modules["x"] = MagicMock()
    request.addfinalizer(lambda: sys.modules.pop("x", None))


def test_monkeypatch_saved_the_same_key_first(monkeypatch):
    monkeypatch.setitem(sys.modules, "app.plugin", MagicMock())
    del sys.modules["app.plugin"]
    sys.modules["app.plugin"] = MagicMock()
    sys.modules["app.other"] = MagicMock()  # expect: sys_modules_pollution
