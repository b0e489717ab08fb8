# settings: {"xdist_group_policy": "shared-state"}
# The shared-state policy searches a method's lines for the words that may name its class
# before walking it: every spelling of a class reference below must still be found.
import pytest


class TestTypeCallWithSpace:  # expect: missing_xdist_group
    def test_a(self):
        type (self).seen = True


class TestTypeCallAcrossCommentedLines:  # expect: missing_xdist_group
    def test_a(self):
        (type  # the test's class
         (self)).seen = True


class TestTypeCallAfterBackslash:  # expect: missing_xdist_group
    def test_a(self):
        type \
            (self).seen = True


class TestClassNameAfterBackslash:  # expect: missing_xdist_group
    counter = 0

    def test_a(self):
        assert TestClassNameAfterBackslashes is None  # a longer name first
        TestClassNameAfterBackslash \
            .counter = 1


TestClassNameAfterBackslashes = None


class TestWideSpelling:  # expect: missing_xdist_group
    def test_a(self):
        ＴestWideSpelling.counter = 1  # NFKC: the same name as the class


class TestMutableWideSpelling:  # expect: missing_xdist_group
    ｉtems = []

    def test_a(self):
        self.items.append(1)


class Registry:
    items = []


class TestChangeInDecorator(Registry):  # expect: missing_xdist_group
    @pytest.mark.parametrize("value", [Registry.items.append(1)])
    def test_a(self, value):
        pass


class TestNameOnlyInStrings:
    def test_a(self):
        assert "TestNameOnlyInStrings.counter = 1"
        assert type is not None


class TestOtherTypeCall:
    def test_a(self):
        assert type(1) is int
