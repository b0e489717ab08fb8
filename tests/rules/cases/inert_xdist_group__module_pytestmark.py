# settings: {"pytest": {"dist_mode": "load", "dist_source": "tox.ini [pytest] addopts"}}
import pytest as pt

pytestmark = [pt.mark.slow, pt.mark.xdist_group(name="module")]  # expect: inert_xdist_group


class TestA:
    def test_a(self):
        pass
