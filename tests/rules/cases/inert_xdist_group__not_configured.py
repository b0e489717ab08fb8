# no findings expected: no dist mode configured (CI may pass --dist loadgroup itself).
import pytest


@pytest.mark.xdist_group(name="orders")
class TestOrders:
    def test_create(self):
        pass
