# settings: {"xdist_group_policy": "shared-state"}
# A module- or class-scoped fixture that only one run of one test of the class gets is not
# shared between the class's tests (pip's tests/unit/test_network_session.py).
import pytest


@pytest.fixture(scope="module")
def delayed_server():
    return object()


@pytest.fixture(scope="module")
def closing_server():
    return object()


@pytest.fixture(scope="module", params=["a", "b"])
def parametrized_server():
    return object()


@pytest.fixture
def client(delayed_server):
    return delayed_server


class TestTwoTestsOneServer:  # expect: missing_xdist_group
    def test_a(self, delayed_server):
        pass

    def test_b(self, delayed_server):
        pass


class TestOneDirectlyOneThroughAFixture:  # expect: missing_xdist_group
    def test_a(self, delayed_server):
        pass

    def test_b(self, client):
        pass


class TestParametrizedTest:  # expect: missing_xdist_group
    @pytest.mark.parametrize("n", [1, 2])
    def test_a(self, n, delayed_server):
        pass

    def test_b(self):
        pass


class TestParametrizedFixture:  # expect: missing_xdist_group
    def test_a(self, parametrized_server):
        pass

    def test_b(self):
        pass


@pytest.mark.usefixtures("delayed_server")
class TestClassWideRequest:  # expect: missing_xdist_group
    def test_a(self):
        pass

    def test_b(self):
        pass


class TestInheritedHere:  # expect: missing_xdist_group
    def test_a(self, closing_server):
        pass

    def test_b(self):
        pass


class TestSubclass(TestInheritedHere):  # its own copy of test_a is its only user
    pass


# ---- safe idioms ------------------------------------------------------------------------


class TestEachServerHasOneTest:
    def test_timeout(self, delayed_server):
        pass

    def test_closed(self, closing_server):
        pass

    def test_nothing(self):
        pass


class TestOnlyTest:
    def test_a(self, client):
        pass


@pytest.mark.usefixtures("delayed_server")
class TestClassWideRequestOneTest:
    def test_a(self):
        pass
