"""Miss: a write through a local alias of an imported attribute."""
import pkg.mod
from unittest import mock


def test_alias_write():
    cls = pkg.mod.C
    cls.execute = lambda self: None  # expect: module_state_pollution


def test_alias_write_restored():
    cls = pkg.mod.C
    saved = cls.execute
    cls.execute = lambda self: None
    try:
        pass
    finally:
        cls.execute = saved


def test_alias_patched():
    cls = pkg.mod.C
    with mock.patch.object(pkg.mod.C, "execute"):
        cls.execute = None


def test_local_object_is_no_module_state():
    obj = pkg.mod.C()
    obj.execute = None
