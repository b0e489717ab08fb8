"""Golden input for the missing_xdist_group fixer."""

import pytest


def keep(cls):
    return cls


@pytest.mark.xdist_group(name="api_versioning")
class TestPlain:
    def test_a(self):
        pass


# a comment above the decorators stays above
@pytest.mark.xdist_group(name="api_versioning")
@keep
class TestDecorated:
    def test_a(self):
        pass


@pytest.mark.xdist_group(name="api_versioning")
class TestOuter:
    class TestInner:
        def test_a(self):
            pass

    def test_b(self):
        pass
