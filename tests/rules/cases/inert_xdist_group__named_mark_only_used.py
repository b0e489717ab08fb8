# settings: {"pytest": {"dist_mode": "each", "dist_source": "--dist option"}}
# The definition of a named mark is not an application: the first use is reported.
import pytest

group = pytest.mark.xdist_group(name="named")
unused = pytest.mark.xdist_group(name="unused")


def test_before():
    pass


@group  # expect: inert_xdist_group
def test_marked():
    pass
