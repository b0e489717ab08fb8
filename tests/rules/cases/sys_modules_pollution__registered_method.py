"""A method the class registers as a cleanup (twisted's `FDDetectorTests`:
`self.addCleanup(self.replaceResourceModule, sys.modules.get("resource"))` in `setUp`): what
the tests and helper methods change in that entry is put back by it, and the method itself is
the restore, not a change. Registered for another key, or never registered, it restores nothing."""
import sys
import unittest


class RegistersItsRestore(unittest.TestCase):
    def replace_module(self, value):
        if value is None:
            try:
                del sys.modules["resource"]
            except KeyError:
                pass
        else:
            sys.modules["resource"] = value

    def hide_module(self):
        sys.modules["resource"] = None

    def setUp(self):
        self.addCleanup(self.replace_module, sys.modules.get("resource"))

    def test_hidden(self):
        self.hide_module()
        sys.modules["resource"] = object()
        sys.modules["fcntl"] = None  # expect: sys_modules_pollution


class RegisteredInTheTest(unittest.TestCase):
    def put_back(self, value):
        sys.modules["resource"] = value

    def test_hidden(self):
        sys.modules["resource"] = None
        self.addCleanup(self.put_back, sys.modules.get("resource"))


class NeverRegistered(unittest.TestCase):
    def replace_module(self, value):
        sys.modules["resource"] = value  # expect: sys_modules_pollution

    def test_hidden(self):
        sys.modules["resource"] = None  # expect: sys_modules_pollution


class RegisteredCleanupChangingOtherState(unittest.TestCase):
    def close_modules(self):
        sys.modules["fake_driver"] = None  # expect: sys_modules_pollution

    def test_opens(self):
        self.addCleanup(self.close_modules)
