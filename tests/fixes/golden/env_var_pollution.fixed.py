"""Golden input for the env_var_pollution fixer; marked lines keep their finding."""
import os
from unittest import TestCase, mock

import pytest

os.environ["AT_IMPORT"] = "1"  # stays: module level


def test_set(monkeypatch):
    monkeypatch.setenv("A", "1")  # the comment stays
    # a comment line above stays too
    monkeypatch.setenv("B", "2")


def test_augmented(monkeypatch):
    monkeypatch.setenv("PATH", os.environ["PATH"] + (os.pathsep + "/opt/bin"))


def test_delete_and_pop(monkeypatch):
    monkeypatch.delenv("A")
    monkeypatch.delenv("B")
    monkeypatch.delenv("C", raising=False)


def test_setdefault_and_update(monkeypatch):
    monkeypatch.setenv("D", os.environ.get("D", "4"))
    monkeypatch.setenv("E", "5")
    monkeypatch.setenv("F", "6")
    monkeypatch.setenv("G", "7")


def test_already_has_monkeypatch(tmp_path, monkeypatch):
    monkeypatch.setenv("A", str(tmp_path))


def test_parameter_before_defaults(value, monkeypatch, flag=True):
    monkeypatch.setenv("A", value)


def test_trailing_comma(
    tmp_path,
    capsys,
    monkeypatch,
):
    monkeypatch.setenv("A", "1")


@mock.patch("os.getcwd")
def test_mock_decorated(getcwd, monkeypatch):
    monkeypatch.setenv("A", "1")


def test_return_value_used():
    old = os.environ.pop("A", None)  # stays: the value is used
    assert old is None or old


def test_comment_inside():
    os.environ.update(  # stays: a comment inside the call
        {
            "A": "1",  # why A
        }
    )


def test_nested_function():
    def helper():
        os.environ["A"] = "1"  # stays: a nested function

    helper()


def helper_function():
    os.environ["A"] = "1"  # stays: not a test


@pytest.fixture
def configured(monkeypatch):
    monkeypatch.setenv("A", "1")
    return "A"


@pytest.fixture(scope="module")
def module_configured():
    os.environ["A"] = "1"  # stays: a module-scoped fixture
    return "A"


class TestMethods:
    def test_method(self, monkeypatch):
        monkeypatch.setenv("A", "1")

    def setup_method(self):
        os.environ["B"] = "2"  # stays: setup_method moves only with --unsafe-fixes


class TestUnittest(TestCase):
    def test_method(self):
        os.environ["A"] = "1"  # stays: unittest methods cannot take fixtures
