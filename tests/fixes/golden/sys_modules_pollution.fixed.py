import sys
from unittest.mock import MagicMock


def test_fake_module(monkeypatch):
    monkeypatch.setitem(sys.modules, "requests", MagicMock())


def test_fresh_import(monkeypatch):
    monkeypatch.delitem(sys.modules, "app.config")
    monkeypatch.delitem(sys.modules, "app.settings", raising=False)
    monkeypatch.setitem(sys.modules, "a", MagicMock())


def test_used_value():
    old = sys.modules.pop("app")  # stays: the value is used
    assert old
