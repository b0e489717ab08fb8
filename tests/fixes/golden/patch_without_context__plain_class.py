# runs with pytest
"""Plain classes whose names end in `TestCase` (celery's `ConsumerTestCase`): pytest runs
`teardown_method` on them, never `tearDown`, and they have no `addCleanup`. A `super()` call
only where a base defines the method."""
import os
from unittest import mock


class ConsumerTestCase:
    def helper(self):
        return os.getcwd()


class test_Consumer(ConsumerTestCase):
    def setup_method(self):
        self.patcher = mock.patch("os.getcwd", return_value="/consumer")
        self.patcher.start()

    def test_helper(self):
        assert self.helper() == "/consumer"


class BaseWithTeardown:
    def teardown_method(self):
        self.torn_down = True


class test_WithBase(BaseWithTeardown):
    def setup_method(self):
        self.patcher = mock.patch("os.getcwd", return_value="/base")
        self.patcher.start()

    def test_helper(self):
        assert os.getcwd() == "/base"


def test_getcwd_is_real_again():
    assert os.getcwd() not in ("/consumer", "/base")
