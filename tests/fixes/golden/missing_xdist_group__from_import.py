from pytest import mark as m


class TestWithMarkImported:
    def test_a(self):
        pass
