# The default policy is changed-state: a class whose tests share nothing needs no marker, nor
# one whose tests only read what they share; a class where a test changes it does.
import pytest


class TestMath:
    def test_add(self):
        assert 1 + 1 == 2


class TestShared:  # expect: missing_xdist_group
    @classmethod
    def setup_class(cls):
        cls.items = []

    def test_a(self):
        self.items.append(1)


class TestSharedReadOnly:
    @classmethod
    def setup_class(cls):
        cls.items = [1, 2]

    def test_a(self):
        assert self.items == [1, 2]
