# settings: {"xdist_group_policy": "shared-state"}
import collections
import unittest

import pytest
from pytest import fixture


@pytest.fixture(scope="module")
def database():
    return {}


@pytest.fixture(scope="class")
def per_class_client():
    return object()


@pytest.fixture
def session(database):
    return database


@fixture(scope="module", name="renamed")
def _renamed_fixture():
    return []


@pytest.fixture
def plain():
    return 1


class TestSetupClass:  # expect: missing_xdist_group
    def setup_class(cls):
        cls.data = []

    def test_a(self):
        pass


class TestUnittestSetUpClass(unittest.TestCase):  # expect: missing_xdist_group
    @classmethod
    def setUpClass(cls):
        cls.conn = object()

    def test_a(self):
        pass


class TestClassScopedFixtureInside:  # expect: missing_xdist_group
    @pytest.fixture(scope="class")
    def resource(self):
        return []

    def test_a(self, resource):
        pass


class TestRequestsModuleFixture:  # expect: missing_xdist_group
    def test_a(self, database):
        pass

    def test_b(self, database):
        pass


class TestRequestsClassFixture:  # expect: missing_xdist_group
    def test_a(self, per_class_client):
        pass

    def test_b(self, per_class_client):
        pass


class TestModuleFixtureThroughAnother:  # expect: missing_xdist_group
    def test_a(self, session):
        pass

    def test_b(self, session):
        pass


class TestRenamedModuleFixture:  # expect: missing_xdist_group
    def test_a(self, renamed):
        pass

    def test_b(self, renamed):
        pass


@pytest.mark.usefixtures("database")
class TestUsefixtures:  # expect: missing_xdist_group
    def test_a(self):
        pass

    def test_b(self):
        pass


class TestDunderClassAssignment:  # expect: missing_xdist_group
    def test_a(self):
        self.__class__.counter = 1

    def test_b(self):
        pass


class TestTypeSelfAssignment:  # expect: missing_xdist_group
    def test_a(self):
        type(self).seen = True


class TestClassNameAssignment:  # expect: missing_xdist_group
    counter = 0

    def test_a(self):
        TestClassNameAssignment.counter += 1


class TestClassmethodAssignment:  # expect: missing_xdist_group
    @classmethod
    def remember(cls, value):
        cls.value = value

    def test_a(self):
        self.remember(1)


class TestMutableClassListAppend:  # expect: missing_xdist_group
    items = []

    def test_a(self):
        self.items.append(1)

    def test_b(self):
        assert self.items == [1]


class TestMutableClassDictItem:  # expect: missing_xdist_group
    cache: dict = {}

    def test_a(self):
        self.cache["k"] = 1


class TestMutableDefaultdict:  # expect: missing_xdist_group
    seen = collections.defaultdict(list)

    def test_a(self):
        self.seen["k"].append(1)


class TestMutableInPlaceAdd:  # expect: missing_xdist_group
    log = []

    def test_a(self):
        self.log += ["a"]


class TestInheritsSharedState(TestSetupClass):  # expect: missing_xdist_group
    def test_b(self):
        pass


# ---- classes that share no state: not reported under this policy ------------------------


class TestNothingShared:
    def test_a(self, plain, tmp_path):
        self.value = 1
        assert self.value == 1


class TestSetupMethodOnly:
    def setup_method(self):
        self.items = []

    def test_a(self):
        self.items.append(1)


class TestMutableRebindInSetup:
    items = []

    def setup_method(self):
        self.items = []

    def test_a(self):
        self.items.append(1)


class TestImmutableClassAttribute:
    name = "x"
    limits = (1, 2)

    def test_a(self):
        assert self.name.upper() == "X"
        assert self.limits.count(1) == 1


class TestFunctionScopedFixtureInside:
    @pytest.fixture
    def resource(self):
        return []

    def test_a(self, resource):
        resource.append(1)


class TestUnusedModuleFixture:
    def test_a(self, plain):
        pass


@pytest.mark.xdist_group(name="grouped")
class TestSharedButGrouped:
    def setup_class(cls):
        cls.data = []

    def test_a(self):
        pass
