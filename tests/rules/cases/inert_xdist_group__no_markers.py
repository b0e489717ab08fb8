# settings: {"pytest": {"dist_mode": "loadscope", "dist_source": "pytest.ini [pytest] addopts"}}
# no findings expected: a module without xdist_group markers has nothing inert.
import pytest

xdist_group = "a string, not a mark"


@pytest.mark.slow
class TestOrders:
    def test_create(self):
        assert "xdist_group" in "pytest.mark.xdist_group"
