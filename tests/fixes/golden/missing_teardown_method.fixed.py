"""Golden input for the missing_teardown_method fixer."""
import gc
import unittest
from unittest.mock import MagicMock


class TestNoTeardown:
    """Docstring first."""

    value = 1

    def setup_method(self):
        self.client = MagicMock()

    def teardown_method(self):
        gc.collect()

    def test_a(self):
        assert self.client


class TestOwnTeardown:
    def teardown_method(self, method):
        self.client = None
        gc.collect()
        return None

    def test_a(self):
        self.client = MagicMock()


class TestFirstMethod:
    def teardown_method(self):
        gc.collect()

    # a comment above the first method stays with it
    def test_a(self):
        MagicMock()


class Base:
    def teardown_method(self, method):
        pass


class TestInheritsTeardown(Base):
    def teardown_method(self, method):
        super().teardown_method(method)
        gc.collect()

    def test_a(self):
        MagicMock()


class TestUnittest(unittest.TestCase):
    def setUp(self):
        self.client = MagicMock()

    def tearDown(self):
        super().tearDown()
        gc.collect()

    def test_a(self):
        pass


class TestUnittestOwnTearDown(unittest.TestCase):
    def tearDown(self):
        gc.collect()

    def test_a(self):
        MagicMock()
