# settings: {"pytest": {"dist_mode": "loadscope", "dist_source": "pytest.ini [pytest] addopts"}}
import pytest

pytestmark = pytest.mark.xdist_group(name="module")  # expect: inert_xdist_group


@pytest.mark.xdist_group(name="later")
class TestA:
    def test_a(self):
        pass
