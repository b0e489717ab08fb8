"""Miss: `os.sys` is the `sys` module."""
import os


def test_through_os():
    os.sys.modules["fake"] = object()  # expect: sys_modules_pollution


def test_through_os_restored():
    os.sys.modules["fake"] = object()
    try:
        pass
    finally:
        del os.sys.modules["fake"]
