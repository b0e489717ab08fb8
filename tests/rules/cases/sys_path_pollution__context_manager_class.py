"""Pattern 7: what `__exit__` does to undo `__enter__` is a restore, not a change of its own;
`__enter__`'s change is restored by the class's `__exit__`."""
import contextlib
import sys


class ImportBlocker:
    def __enter__(self):
        sys.meta_path.insert(0, self)
        return self

    def __exit__(self, *exc_info):
        sys.meta_path.remove(self)


class LeakyBlocker:
    def __enter__(self):
        sys.meta_path.insert(0, self)  # expect: sys_path_pollution
        return self

    def __exit__(self, *exc_info):
        return False


@contextlib.contextmanager
def extra_path(path):
    sys.path.insert(0, path)  # expect: sys_path_pollution
    yield
    sys.path.remove(path)  # after the yield: the helper's restore


@contextlib.contextmanager
def guarded_path(path):
    sys.path.insert(0, path)
    try:
        yield
    finally:
        sys.path.remove(path)


def test_uses_blocker():
    with ImportBlocker():
        pass
