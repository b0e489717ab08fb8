# runs with pytest
"""A function that binds `monkeypatch` itself (pytest's own test_setenv_deleted_meanwhile): a
fixture parameter of that name would be rebound by the local, so nothing is rewritten."""
import os

import pytest


@pytest.mark.parametrize("before", [True, False])
def test_setenv_deleted_meanwhile(before: bool) -> None:
    key = "ISOLINT_GOLDEN_DELETED"
    if before:
        os.environ[key] = "world"  # stays
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv(key, "hello")
    del os.environ[key]
    monkeypatch.undo()
    if before:
        assert os.environ[key] == "world"
        del os.environ[key]
    else:
        assert key not in os.environ


def test_reads_a_global_of_that_name():
    os.environ["ISOLINT_GOLDEN_GLOBAL"] = "1"  # stays
    assert monkeypatch == "module-level"
    del os.environ["ISOLINT_GOLDEN_GLOBAL"]


def test_existing_fixture_parameter_is_used(monkeypatch):
    os.environ["ISOLINT_GOLDEN_FIXTURE"] = "1"
    assert os.environ["ISOLINT_GOLDEN_FIXTURE"] == "1"


monkeypatch = "module-level"
