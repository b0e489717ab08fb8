"""A context manager from a library isolint cannot read, named for isolating or saving the
state (CPython's `import_helper.isolated_modules()`), manages it."""
import sys

from test.support import import_helper
from helpers import fresh_import, preserve_environ


def test_isolated():
    with import_helper.isolated_modules():
        sys.modules["ssl"] = None


def test_other_helper():
    with fresh_import("ssl"):
        sys.modules["ssl"] = None  # expect: sys_modules_pollution


def test_helper_for_other_state():
    with preserve_environ():
        sys.modules["ssl"] = None  # expect: sys_modules_pollution


def test_called_not_entered():
    import_helper.isolated_modules()
    sys.modules["ssl"] = None  # expect: sys_modules_pollution


def isolated_modules_here():
    yield


def test_local_helper_is_read_not_named():
    with isolated_modules_here():
        sys.modules["ssl"] = None  # expect: sys_modules_pollution
