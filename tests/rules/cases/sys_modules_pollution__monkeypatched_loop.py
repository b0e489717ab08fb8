"""`monkeypatch.setitem(sys.modules, k, m)` for every item of a sequence (pytest's
`test_pytester.py`): monkeypatch saved each entry first and puts it back at teardown, so later
direct writes to those items are undone too. Items the loop may skip, or other keys, are not."""
import sys
from types import ModuleType


def test_every_item_saved_first(monkeypatch):
    key = ["my-test-module", "other-module", "third"]
    for i, k in enumerate(key):
        monkeypatch.setitem(sys.modules, k, ModuleType("something" + str(i)))
    sys.modules[key[0]] = ModuleType("something else0")
    sys.modules[key[2]] = ModuleType("something else2")


def test_plain_loop(monkeypatch):
    names = ("a", "b")
    for name in names:
        monkeypatch.setitem(sys.modules, name, ModuleType(name))
    sys.modules[names[1]] = ModuleType("b2")


def test_another_key(monkeypatch):
    key = ["a", "b"]
    for k in key:
        monkeypatch.setitem(sys.modules, k, ModuleType(k))
    sys.modules["c"] = ModuleType("c")  # expect: sys_modules_pollution
    sys.modules[key] = ModuleType("whole")  # expect: sys_modules_pollution


def test_loop_may_skip_items(monkeypatch):
    key = ["a", "b"]
    for k in key:
        if k == "a":
            continue
        monkeypatch.setitem(sys.modules, k, ModuleType(k))
    sys.modules[key[0]] = ModuleType("a2")  # expect: sys_modules_pollution


def test_conditional_setitem(monkeypatch):
    key = ["a", "b"]
    for k in key:
        if k == "b":
            monkeypatch.setitem(sys.modules, k, ModuleType(k))
    sys.modules[key[0]] = ModuleType("a2")  # expect: sys_modules_pollution


def test_write_before_the_loop(monkeypatch):
    key = ["a", "b"]
    sys.modules[key[0]] = ModuleType("a0")  # expect: sys_modules_pollution
    for k in key:
        monkeypatch.setitem(sys.modules, k, ModuleType(k))
