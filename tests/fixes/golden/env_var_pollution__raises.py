# runs with pytest
"""A change inside `pytest.raises` may be the statement expected to raise: `monkeypatch.setenv`
converts a non-string value with a warning instead of raising `TypeError`."""
import os

import pytest


def test_rejects_a_non_string_value():
    with pytest.raises(TypeError):
        os.environ["ISOLINT_GOLDEN_RAISES"] = 1  # stays
        print("not reached")


def test_outside_the_block_is_rewritten():
    os.environ["ISOLINT_GOLDEN_OUTSIDE"] = "1"
    with pytest.raises(KeyError):
        os.environ["ISOLINT_GOLDEN_MISSING_KEY"]
