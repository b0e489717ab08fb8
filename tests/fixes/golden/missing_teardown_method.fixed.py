"""Golden input for the missing_teardown_method fixer."""
import unittest
from unittest.mock import MagicMock

_SEEN = []


class TestNoTeardown:
    """Docstring first."""

    value = 1

    def setup_method(self):
        self.client = MagicMock()
        self.session = MagicMock()

    def teardown_method(self):
        self.client = None
        self.session = None

    def test_a(self):
        assert self.client


class TestOwnTeardown:
    def teardown_method(me, method):
        me.other = None
        me.client = None
        return None

    def test_a(self):
        self.client = MagicMock()


class TestFirstMethod:
    def teardown_method(self):
        self.client = None
        _SEEN.clear()

    # a comment above the first method stays with it
    def test_a(self):
        self.client = MagicMock()
        _SEEN.append(MagicMock())


class Base:
    def teardown_method(self, method):
        pass


class TestInheritsTeardown(Base):
    def teardown_method(self, method):
        super().teardown_method(method)
        self.client = None

    def test_a(self):
        self.client = MagicMock()


class TestUnittest(unittest.TestCase):
    def setUp(self):
        _SEEN.append(MagicMock())

    def tearDown(self):
        _SEEN.clear()

    def test_a(self):
        pass


class UnittestBase(unittest.TestCase):
    def tearDown(self):
        super().tearDown()


class TestUnittestInheritsTearDown(UnittestBase):
    def setUp(self):
        _SEEN.append(MagicMock())

    def tearDown(self):
        super().tearDown()
        _SEEN.clear()

    def test_a(self):
        pass


class TestUnittestOwnTearDown(unittest.TestCase):
    def tearDown(self):
        _SEEN.clear()

    def test_a(self):
        _SEEN.append(MagicMock())


class TestClassLevelStays:  # stays
    @classmethod
    def setup_class(cls):
        cls.client = MagicMock()

    def test_a(self):
        pass
