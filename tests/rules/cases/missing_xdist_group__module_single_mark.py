# settings: {"xdist_group_policy": "all"}
# no findings expected: a module-level pytestmark that is a single mark groups every class.
import pytest

pytestmark = pytest.mark.xdist_group(name="module")


class TestCovered:
    def test_a(self):
        pass
