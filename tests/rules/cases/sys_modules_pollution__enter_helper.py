"""A helper method only `__enter__` and `__exit__` call (twisted's `SetAsideModule._unimport`,
which `__enter__` uses to take modules out and `__exit__` to clear them before putting the saved
ones back): what it changes, `__exit__` undoes. A helper that other code calls too, or a class
without an `__exit__` that restores, is still reported."""
import sys


class SetAside:
    def __init__(self, name):
        self.name = name

    def _unimport(self, name):
        modules = {k: v for k, v in list(sys.modules.items()) if k == name}
        for key in modules:
            del sys.modules[key]
        return modules

    def install(self, value):
        sys.modules[self.name] = value  # expect: sys_modules_pollution

    def __enter__(self):
        self.modules = self._unimport(self.name)

    def __exit__(self, *exc):
        self._unimport(self.name)
        sys.modules.update(self.modules)

    def reinstall(self):
        self.install(None)


class NoExit:
    def _helper(self):
        sys.modules["y"] = None  # expect: sys_modules_pollution

    def __enter__(self):
        self._helper()
