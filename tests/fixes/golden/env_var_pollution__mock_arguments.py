# runs with pytest
"""`mock.patch` decorators pass their mocks to the first parameters: a new `monkeypatch` must
come after them, and cannot when they have defaults (it would receive a mock)."""
import os
from unittest import mock


@mock.patch("os.getpid")
def test_mock_argument_with_default(mock_getpid=None):
    mock_getpid.return_value = 42
    os.environ["ISOLINT_GOLDEN_PID"] = str(os.getpid())  # stays
    assert os.environ["ISOLINT_GOLDEN_PID"] == "42"
    del os.environ["ISOLINT_GOLDEN_PID"]


@mock.patch("os.getpid")
def test_mock_argument_then_fixture(mock_getpid, tmp_path):
    mock_getpid.return_value = 7
    os.environ["ISOLINT_GOLDEN_PID2"] = str(os.getpid())
    assert os.environ["ISOLINT_GOLDEN_PID2"] == "7"


@mock.patch("os.getcwd", return_value="/nowhere")
def test_patch_with_a_new_value_passes_nothing(tmp_path):
    os.environ["ISOLINT_GOLDEN_CWD"] = os.getcwd()
    assert os.environ["ISOLINT_GOLDEN_CWD"] == "/nowhere"
