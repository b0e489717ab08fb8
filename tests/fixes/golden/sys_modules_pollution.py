import sys
from unittest.mock import MagicMock


def test_fake_module():
    sys.modules["requests"] = MagicMock()


def test_fresh_import():
    del sys.modules["app.config"]
    sys.modules.pop("app.settings", None)
    sys.modules.update({"a": MagicMock()})


def test_used_value():
    old = sys.modules.pop("app")  # stays: the value is used
    assert old
