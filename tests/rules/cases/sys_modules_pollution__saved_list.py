"""Entries popped into a list of (key, module) pairs that a `finally:` walks to put each back
(sqlalchemy's `test/base/test_utils.py` `TestModuleRegistry`): restored. Without the
`finally`, or putting back something else, they are not."""
import sys


def test_put_back_in_finally():
    to_restore = []
    for m in ("xml.dom", "wsgiref.simple_server"):
        to_restore.append((m, sys.modules.pop(m, None)))
    try:
        import xml.dom  # noqa: F401
    finally:
        for name, mod in to_restore:
            if mod is not None:
                sys.modules[name] = mod


def test_saved_but_never_put_back():
    to_restore = []
    for m in ("xml.dom",):
        to_restore.append((m, sys.modules.pop(m, None)))  # expect: sys_modules_pollution
    try:
        import xml.dom  # noqa: F401
    finally:
        to_restore.clear()


def test_other_list_walked():
    to_restore, other = [], []
    for m in ("xml.dom",):
        to_restore.append((m, sys.modules.pop(m, None)))  # expect: sys_modules_pollution
    try:
        pass
    finally:
        for name, mod in other:
            sys.modules[name] = mod


def test_something_else_put_back():
    to_restore = []
    for m in ("xml.dom",):
        to_restore.append((m, sys.modules.pop(m, None)))  # expect: sys_modules_pollution
    try:
        pass
    finally:
        for name, mod in to_restore:
            sys.modules[name] = None
