# unsafe-fixes
import os


class TestSetup:
    """Set-up moves into an autouse fixture."""

    def setup_method(self):
        # the reason for A
        os.environ["A"] = "1"
        self.value = 2

    def test_it(self):
        assert os.environ["A"] == "1"


class TestOnlyEnvironment:
    def setup_method(self, method):
        os.environ["A"] = "1"
        del os.environ["B"]

    def test_it(self):
        assert os.environ["A"] == "1"


class TestCallAfterwards:
    def setup_method(self):
        os.environ["A"] = "1"  # stays: a call follows that may read it
        self.client = dict(os.environ)

    def test_it(self):
        assert self.client


class TestLocalValue:
    def setup_method(self):
        value = "1"
        os.environ["A"] = value  # stays: uses a local variable

    def test_it(self):
        pass
