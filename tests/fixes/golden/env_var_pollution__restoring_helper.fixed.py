# runs with pytest
"""Inside a `with` that changes and restores the same state (a helper's `finally`),
`monkeypatch` would restore the variable at teardown to the value the helper had set: the
test would leak. Nothing inside it is rewritten."""
import contextlib
import os

from golden_helpers import clear_env_var


@contextlib.contextmanager
def set_env(name, value):
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            del os.environ[name]
        else:
            os.environ[name] = old


def test_inside_an_imported_helper():
    with clear_env_var("HOME"):
        os.environ["HOME"] = "/tmp/isolint-golden"  # stays
        assert os.environ["HOME"] == "/tmp/isolint-golden"


def test_inside_a_local_helper():
    with set_env("ISOLINT_GOLDEN_HELPER", "a"):
        os.environ["ISOLINT_GOLDEN_HELPER"] = "b"  # stays
        assert os.environ["ISOLINT_GOLDEN_HELPER"] == "b"


def test_harmless_with_is_no_obstacle(tmp_path, monkeypatch):
    with open(tmp_path / "f", "w") as handle:
        monkeypatch.setenv("ISOLINT_GOLDEN_OPEN", handle.name)


def test_home_is_back():
    assert os.environ.get("HOME") != "/tmp/isolint-golden"
