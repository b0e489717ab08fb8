# runs with pytest
"""`os` bound to a local object: its `environ` is not the process environment (no finding, no
rewrite); the real one in the next test is."""
import os


class FakeOs:
    def __init__(self):
        self.environ = {}


def test_shadowed_os():
    os = FakeOs()
    os.environ["ISOLINT_GOLDEN_FAKE"] = "1"
    assert os.environ == {"ISOLINT_GOLDEN_FAKE": "1"}


def test_real_os(monkeypatch):
    monkeypatch.setenv("ISOLINT_GOLDEN_REAL", "1")
    assert os.environ["ISOLINT_GOLDEN_REAL"] == "1"


def test_fake_was_never_real():
    assert "ISOLINT_GOLDEN_FAKE" not in os.environ
