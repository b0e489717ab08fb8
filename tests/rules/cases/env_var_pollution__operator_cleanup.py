"""`self.addCleanup(operator.delitem, os.environ, key)` / `operator.setitem(os.environ, key,
old)` (twisted's Win32 environment tests, Django's `override_db_setting`): the registered
function deletes or puts back that key at cleanup. Another key is not restored."""
import operator
import os
import unittest


class RegistersOperatorCleanups(unittest.TestCase):
    def test_delitem_after(self):
        os.environ["KEY_ASCII"] = "VALUE_ASCII"
        self.addCleanup(operator.delitem, os.environ, "KEY_ASCII")

    def test_setitem_before(self):
        self.addCleanup(operator.setitem, os.environ, "HOME", os.environ["HOME"])
        os.environ["HOME"] = "/tmp"

    def test_dunder(self):
        os.environ["KEY_B"] = "1"
        self.addCleanup(operator.__delitem__, os.environ, "KEY_B")

    def test_other_key(self):
        os.environ["KEY_C"] = "1"  # expect: env_var_pollution
        self.addCleanup(operator.delitem, os.environ, "KEY_D")

    def test_not_an_item_function(self):
        os.environ["KEY_E"] = "1"  # expect: env_var_pollution
        self.addCleanup(operator.getitem, os.environ, "KEY_E")
