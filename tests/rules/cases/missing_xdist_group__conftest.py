# settings: {"xdist_group_policy": "all"}
# kind: conftest
# no findings expected: classes in a conftest are never collected as tests.
class TestHelperInConftest:
    def test_a(self):
        pass
