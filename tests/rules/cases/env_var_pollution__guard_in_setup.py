"""CPython's test_httpservers: `os.environ` replaced by a guard in `setUp`, whose `__exit__` in
`tearDown` puts the environment back; a subclass's `tearDown` calls the base's."""
import os
import unittest

from test.support import os_helper


class BaseTestCase(unittest.TestCase):
    def setUp(self):
        os.environ = os_helper.EnvironmentVarGuard()

    def tearDown(self):
        os.environ.__exit__()


class CGITestCase(BaseTestCase):
    def tearDown(self):
        try:
            os.remove("cgi.py")
        finally:
            BaseTestCase.tearDown(self)

    def test_sets_through_the_guard(self):
        os.environ["SERVER_SOFTWARE"] = "test"


class SuperTestCase(BaseTestCase):
    def tearDown(self):
        super().tearDown()

    def test_sets_through_the_guard(self):
        os.environ["SERVER_SOFTWARE"] = "test"


class OverridingTestCase(BaseTestCase):
    def tearDown(self):
        os.remove("cgi.py")

    def test_the_guard_is_never_exited(self):
        os.environ["SERVER_SOFTWARE"] = "test"  # expect: env_var_pollution


class OtherExitTestCase(unittest.TestCase):
    def tearDown(self):
        self.guard.__exit__()

    def test_exit_of_something_else(self):
        os.environ["A"] = "1"  # expect: env_var_pollution
