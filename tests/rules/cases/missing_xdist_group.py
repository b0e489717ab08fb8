# settings: {"xdist_group_policy": "all"}
import unittest

import pytest
import pytest as pt
from pytest import mark
from somewhere import ProjectBase

group = pytest.mark.xdist_group(name="named")


class TestNoMarker:  # expect: missing_xdist_group
    def test_a(self):
        pass


class TestOtherMarkerOnly:  # expect: missing_xdist_group
    pytestmark = pytest.mark.slow

    def test_a(self):
        pass


@pytest.mark.parametrize("x", [1])
class TestParametrizeOnly:  # expect: missing_xdist_group
    def test_a(self, x):
        pass


class TestUnittest(unittest.TestCase):  # expect: missing_xdist_group
    def test_a(self):
        pass


class TestOuter:  # expect: missing_xdist_group
    def test_a(self):
        pass

    class TestInner:  # expect: missing_xdist_group
        def test_b(self):
            pass


class TestInheritsTestFromUnmarkedBase(TestNoMarker):  # expect: missing_xdist_group
    pass


# ---- safe idioms ------------------------------------------------------------------------


@pytest.mark.xdist_group(name="a")
class TestDecorated:
    def test_a(self):
        pass


@pytest.mark.xdist_group("a")
class TestDecoratedPositional:
    def test_a(self):
        pass


@mark.xdist_group(name="b")
class TestFromImport:
    def test_a(self):
        pass


@pt.mark.xdist_group(name="c")
class TestAliasedPytest:
    def test_a(self):
        pass


@group
class TestNamedMark:
    def test_a(self):
        pass


class TestClassPytestmark:
    pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(name="d")]

    def test_a(self):
        pass


class TestInherits(TestDecorated):
    def test_b(self):
        pass


@pytest.mark.xdist_group(name="outer")
class TestMarkedOuter:
    def test_a(self):
        pass

    class TestNested:
        def test_b(self):
            pass


class TestProjectBase(ProjectBase):
    def test_a(self):
        pass


class TestWithoutTests:
    def helper(self):
        pass


class TestHasInit:
    def __init__(self):
        self.x = 1

    def test_a(self):
        pass


class Helper:
    def test_looks_like_a_test(self):
        pass
