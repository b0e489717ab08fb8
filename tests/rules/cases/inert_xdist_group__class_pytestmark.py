# settings: {"pytest": {"dist_mode": "worksteal", "dist_source": "[tool.isolint] dist"}}
import pytest


class TestPlain:
    def test_a(self):
        pass


class TestGrouped:
    pytestmark = pytest.mark.xdist_group("g")  # expect: inert_xdist_group

    def test_a(self):
        pass


@pytest.mark.parametrize("x", [pytest.param(1, marks=pytest.mark.xdist_group("p"))])
def test_param(x):
    pass
