"""Miss: a restore under `if prev:` skips the usual case (no module there before)."""
import sys
from unittest.mock import MagicMock


def test_conditional_restore():
    prev = sys.modules.get("requests")
    sys.modules["requests"] = MagicMock()  # expect: sys_modules_pollution
    try:
        pass
    finally:
        if prev:
            sys.modules["requests"] = prev


def test_conditional_restore_is_not_none():
    prev = sys.modules.get("requests")
    sys.modules["requests"] = MagicMock()  # expect: sys_modules_pollution
    try:
        pass
    finally:
        if prev is not None:
            sys.modules["requests"] = prev


def test_both_branches_restore():
    prev = sys.modules.get("requests")
    sys.modules["requests"] = MagicMock()
    try:
        pass
    finally:
        if prev is not None:
            sys.modules["requests"] = prev
        else:
            del sys.modules["requests"]


def test_unconditional_pop():
    sys.modules["fake"] = MagicMock()
    try:
        pass
    finally:
        sys.modules.pop("fake", None)
