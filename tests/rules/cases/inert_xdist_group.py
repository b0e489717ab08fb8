# settings: {"pytest": {"dist_mode": "loadscope", "dist_source": "pytest.ini [pytest] addopts"}}
# Reported once, at the module's first marker, whatever form the later ones take.
import pytest
from pytest import mark

db_group = pytest.mark.xdist_group(name="db")


def helper():
    return 1


@mark.xdist_group(name="orders")  # expect: inert_xdist_group
class TestOrders:
    def test_create(self):
        pass


@pytest.mark.xdist_group("other")
class TestOther:
    pytestmark = [pytest.mark.xdist_group(name="x")]

    def test_a(self):
        pass


@db_group
def test_function_marker():
    pass
