# settings: {"xdist_group_policy": "all"}
# no findings expected: a module-level pytestmark (a list) groups every class.
import pytest

pytestmark = [pytest.mark.xdist_group(name="module"), pytest.mark.slow]


class TestCoveredByModuleMark:
    def test_a(self):
        pass


class TestAlsoCovered:
    def test_b(self):
        pass
