from pytest import mark as m


@m.xdist_group(name="api_versioning")
class TestWithMarkImported:
    def test_a(self):
        pass
