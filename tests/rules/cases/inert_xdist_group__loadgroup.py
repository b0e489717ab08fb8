# settings: {"pytest": {"dist_mode": "loadgroup", "dist_source": "pytest.ini [pytest] addopts"}}
# no findings expected: under --dist loadgroup the markers work.
import pytest

pytestmark = pytest.mark.xdist_group(name="module")


@pytest.mark.xdist_group(name="orders")
class TestOrders:
    def test_create(self):
        pass
