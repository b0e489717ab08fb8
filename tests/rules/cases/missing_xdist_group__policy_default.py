# The default policy is shared-state: a class whose tests share nothing needs no marker.
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
