# settings: {"xdist_group_policy": "shared-state"}
# What looks like shared state but is not the test class's (celery, pytest's own suite).


class TestSetupClassWithAList:  # expect: missing_xdist_group
    def setup_class(cls):
        cls.source = "x = 1"
        cls.seen = []

    def test_a(self):
        assert self.source


class TestSetupClassWithACall:  # expect: missing_xdist_group
    @classmethod
    def setup_class(cls):
        cls.source = str("x = 1")

    def test_a(self):
        assert self.source


class TestConstantsChangedByATest:  # expect: missing_xdist_group
    def setup_class(self):
        self.count = 0

    def test_a(self):
        type(self).count += 1


class TestDunderClassOfTheTestInANestedFunction:  # expect: missing_xdist_group
    def test_a(self):
        def bump():
            self.__class__.evals = 1

        bump()


class TestTestClassByNameInANestedClass:  # expect: missing_xdist_group
    def test_a(self):
        class X:
            def __init__(self):
                TestTestClassByNameInANestedClass.evals = 1

        X()


# ---- safe idioms ------------------------------------------------------------------------


class TestSetupClassBindsOnlyLiterals:
    def setup_class(self) -> None:
        """pytest's testing/code/test_source.py: a source text the tests only read."""
        self.source = """\
try:
    raise ValueError
finally:
    raise IndexError(1)
"""
        self.lines: tuple = (1, ("a", None), -2.5, b"x")

    def test_a(self):
        assert self.source

    def test_b(self):
        assert self.lines


class TestDunderClassOfANestedClass:
    def test_only_evaluated_once(self):
        # celery t/unit/utils/test_local.py: `self` is X's instance here, not the test's
        class X:
            evals = 0

            def __init__(self):
                self.__class__.evals += 1
                type(self).evals += 1

        X()
        assert X.evals == 2

    def test_b(self):
        pass


class TestNestedFunctionWithItsOwnSelf:
    def test_a(self):
        def fake_init(self, value):
            self.__class__.value = value
            self.items = []

        assert fake_init

    def test_b(self):
        pass
