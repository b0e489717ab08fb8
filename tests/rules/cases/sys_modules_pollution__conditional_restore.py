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


def test_saved_by_tuple_assignment():
    prev, sys.modules["memcache"] = sys.modules.get("memcache"), MagicMock()  # expect: sys_modules_pollution
    try:
        pass
    finally:
        if prev is not None:
            sys.modules["memcache"] = prev


def test_removal_guarded_by_what_was_there():
    # With nothing there, nothing was removed: the guard skips no change.
    prev = sys.modules.get("json")
    sys.modules.pop("json", None)
    try:
        pass
    finally:
        if prev is not None:
            sys.modules["json"] = prev
