"""Golden input for the missing_xdist_group fixer."""


def keep(cls):
    return cls


class TestPlain:
    def test_a(self):
        pass


# a comment above the decorators stays above
@keep
class TestDecorated:
    def test_a(self):
        pass


class TestOuter:
    class TestInner:
        def test_a(self):
            pass

    def test_b(self):
        pass
