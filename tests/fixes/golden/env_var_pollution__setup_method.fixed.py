# unsafe-fixes
import os

import pytest


class TestSetup:
    """Set-up moves into an autouse fixture."""

    @pytest.fixture(autouse=True)
    def _set_up_environment(self, monkeypatch):
        # the reason for A
        monkeypatch.setenv("A", "1")

    def setup_method(self):
        self.value = 2

    def test_it(self):
        assert os.environ["A"] == "1"


class TestOnlyEnvironment:
    @pytest.fixture(autouse=True)
    def _set_up_environment(self, monkeypatch):
        monkeypatch.setenv("A", "1")
        monkeypatch.delenv("B")

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
