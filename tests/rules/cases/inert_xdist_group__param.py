# settings: {"pytest": {"dist_mode": "loadfile", "dist_source": "setup.cfg [tool:pytest] addopts"}}
import pytest

CASES = [pytest.param(1, marks=pytest.mark.xdist_group("p"))]  # expect: inert_xdist_group


@pytest.mark.parametrize("x", CASES)
def test_param(x):
    pass
