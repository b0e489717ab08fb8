# runs with pytest
"""A parameter named `monkeypatch` that parametrize fills, and one with a default: neither is
the fixture, so nothing is rewritten in those tests."""
import os

import pytest


class Recorder:
    def __init__(self):
        self.calls = []

    def setenv(self, name, value):
        self.calls.append((name, value))


@pytest.mark.parametrize("monkeypatch", [Recorder()])
def test_parametrized(monkeypatch):
    os.environ["ISOLINT_GOLDEN_PARAM"] = "1"  # stays
    assert monkeypatch.calls == []
    del os.environ["ISOLINT_GOLDEN_PARAM"]


def test_defaulted(monkeypatch=None):
    os.environ["ISOLINT_GOLDEN_DEFAULT"] = "1"  # stays
    assert monkeypatch is None
    del os.environ["ISOLINT_GOLDEN_DEFAULT"]


@pytest.mark.parametrize("value", ["1"])
def test_other_parameters_are_parametrized(value, monkeypatch):
    monkeypatch.setenv("ISOLINT_GOLDEN_VALUE", value)
    assert os.environ["ISOLINT_GOLDEN_VALUE"] == "1"
