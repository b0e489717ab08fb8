# runs with pytest
"""A change with a manual restore that stays a plain statement (in `finally` of a later try, or
after the assertions) is converted together with it or not at all."""
import os


def test_manual_restore_at_the_end():
    original = os.environ.get("ISOLINT_GOLDEN_HALF")
    os.environ["ISOLINT_GOLDEN_HALF"] = "1"  # stays
    assert os.environ["ISOLINT_GOLDEN_HALF"] == "1"
    if original is None:
        del os.environ["ISOLINT_GOLDEN_HALF"]
    else:
        os.environ["ISOLINT_GOLDEN_HALF"] = original


def test_other_keys_are_converted(monkeypatch):
    monkeypatch.setenv("ISOLINT_GOLDEN_OTHER", "1")
    saved = os.environ.get("ISOLINT_GOLDEN_KEPT")
    os.environ["ISOLINT_GOLDEN_KEPT"] = "2"  # stays
    os.environ.pop("ISOLINT_GOLDEN_KEPT")
    if saved is not None:
        os.environ["ISOLINT_GOLDEN_KEPT"] = saved
