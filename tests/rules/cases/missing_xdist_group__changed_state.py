# The default policy (changed-state): a class is reported only when a test, a per-test setup or
# teardown, or a helper of the class changes state the class's tests share.
import collections
import unittest

import pytest


@pytest.fixture(scope="module")
def database():
    return {}


@pytest.fixture(scope="class")
def per_class_client():
    return object()


@pytest.fixture(scope="module", name="renamed")
def _renamed_fixture():
    return []


@pytest.fixture(scope="module")
def read_only_config():
    return {"a": 1}


@pytest.fixture
def plain():
    return []


# ---- an attribute bound by setup_class / setUpClass, changed by a test ---------------------


class TestSetupClassAppend:  # expect: missing_xdist_group
    @classmethod
    def setup_class(cls):
        cls.items = []

    def test_a(self):
        self.items.append(1)

    def test_b(self):
        assert self.items == [1]


class TestSetupClassItemWrite:  # expect: missing_xdist_group
    @classmethod
    def setup_class(cls):
        cls.cache = {}

    def test_a(self):
        self.cache["k"] = 1


class TestSetupClassAttributeSet:  # expect: missing_xdist_group
    @classmethod
    def setup_class(cls):
        cls.conn = object()

    def test_a(self):
        self.conn.autocommit = True


class TestSetupClassNestedMutation:  # expect: missing_xdist_group
    @classmethod
    def setup_class(cls):
        cls.state = collections.defaultdict(list)

    def test_a(self):
        self.state["k"].append(1)


class TestSetupClassDunderSetitem:  # expect: missing_xdist_group
    @classmethod
    def setup_class(cls):
        cls.registry = {}

    def test_a(self):
        self.registry.__setitem__("k", 1)


class TestSetupClassChangedInSetupMethod:  # expect: missing_xdist_group
    @classmethod
    def setup_class(cls):
        cls.calls = []

    def setup_method(self):
        self.calls.clear()

    def test_a(self):
        pass


class TestSetupClassThroughType:  # expect: missing_xdist_group
    @classmethod
    def setup_class(cls):
        cls.seen = set()

    def test_a(self):
        type(self).seen.add(1)


class TestSetUpClassUnittest(unittest.TestCase):  # expect: missing_xdist_group
    @classmethod
    def setUpClass(cls):
        cls.rows = []

    def test_a(self):
        self.rows.extend([1, 2])


class TestSetupClassRebindInTest:  # expect: missing_xdist_group
    @classmethod
    def setup_class(cls):
        cls.conn = object()

    def test_a(self):
        self.__class__.conn = None


# ---- a class- or module-scoped fixture's value, changed by a test --------------------------


class TestClassFixtureInsideAppend:  # expect: missing_xdist_group
    @pytest.fixture(scope="class")
    def resource(self):
        return []

    def test_a(self, resource):
        resource.append(1)


class TestModuleFixtureItemWrite:  # expect: missing_xdist_group
    def test_a(self, database):
        database["k"] = 1

    def test_b(self, database):
        assert database


class TestClassFixtureAttributeSet:  # expect: missing_xdist_group
    def test_a(self, per_class_client):
        per_class_client.timeout = 1

    def test_b(self, per_class_client):
        pass


class TestRenamedFixtureInPlaceAdd:  # expect: missing_xdist_group
    def test_a(self, renamed):
        renamed += [1]

    def test_b(self, renamed):
        pass


class TestFixtureChangedByFunctionFixture:  # expect: missing_xdist_group
    @pytest.fixture
    def fresh(self, database):
        database.clear()
        return database

    def test_a(self, fresh):
        pass

    def test_b(self, database):
        pass


# ---- a class attribute changed by a test ----------------------------------------------------


class TestMutableClassListAppend:  # expect: missing_xdist_group
    items = []

    def test_a(self):
        self.items.append(1)


class TestDunderClassAssignment:  # expect: missing_xdist_group
    def test_a(self):
        self.__class__.counter = 1


class TestClassmethodHelper:  # expect: missing_xdist_group
    @classmethod
    def remember(cls, value):
        cls.value = value

    def test_a(self):
        self.remember(1)


# ---- shared state only read: quiet -----------------------------------------------------------


class TestReadOnlySetupClass:
    @classmethod
    def setup_class(cls):
        cls.items = [1, 2]
        cls.conn = object()

    @classmethod
    def teardown_class(cls):
        cls.items.clear()

    def test_a(self):
        assert self.items[0] == 1
        assert self.conn is not None

    def test_b(self):
        assert len(self.items) == 2


class TestReadOnlyClassFixture:
    @pytest.fixture(scope="class")
    def resource(self):
        value = []
        value.append(1)
        yield value
        value.clear()

    def test_a(self, resource):
        assert resource == [1]

    def test_b(self, resource):
        assert resource.count(1) == 1


class TestReadOnlyModuleFixture:
    def test_a(self, read_only_config):
        assert read_only_config["a"] == 1

    def test_b(self, read_only_config):
        local = read_only_config
        local = {}
        assert local == {}


class TestLiteralClassAttributesRead:
    name = "x"
    limits = (1, 2)
    items = [1, 2]

    def test_a(self):
        assert self.name.upper() == "X"
        assert self.items[0] == 1


class TestSetupClassRebindOnInstance:
    @classmethod
    def setup_class(cls):
        cls.items = []

    def test_a(self):
        self.items = [1]
        self.items.append(2)


class TestSetupClassRebindPerTest:
    @classmethod
    def setup_class(cls):
        cls.items = []

    def setup_method(self):
        self.items = []

    def test_a(self):
        self.items.append(1)


class TestFunctionFixtureChanged:
    def test_a(self, plain):
        plain.append(1)

    def test_b(self, plain):
        plain.append(2)


class TestModuleFixtureOneTest:
    def test_a(self, database):
        database["k"] = 1


class TestOtherObjectChanged:
    @classmethod
    def setup_class(cls):
        cls.items = []

    def test_a(self):
        other = []
        other.append(self.items)
        local = {}
        local["items"] = self.items


@pytest.mark.xdist_group(name="grouped")
class TestChangedButGrouped:
    @classmethod
    def setup_class(cls):
        cls.items = []

    def test_a(self):
        self.items.append(1)
