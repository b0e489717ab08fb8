import os
import os as operating_system
import unittest
from os import environ, environb, putenv, unsetenv
from os import environ as ENV
from unittest import mock
from unittest.mock import patch

import pytest

env_alias = os.environ

os.environ["AT_IMPORT"] = "1"  # expect: env_var_pollution


def test_item_assignment():
    os.environ["A"] = "1"  # expect: env_var_pollution


def test_augmented_assignment():
    os.environ["PATH"] += ":/opt/bin"  # expect: env_var_pollution


def test_delete():
    del os.environ["A"]  # expect: env_var_pollution


def test_methods():
    os.environ.update({"A": "1"})  # expect: env_var_pollution
    os.environ.setdefault("B", "2")  # expect: env_var_pollution
    os.environ.update(C="3")  # expect: env_var_pollution


def test_pop():
    os.environ.pop("A")  # expect: env_var_pollution


def test_popitem():
    os.environ.popitem()  # expect: env_var_pollution


def test_clear():
    os.environ.clear()  # expect: env_var_pollution


def test_removal_after_a_change_of_the_same_key_is_its_restore():
    os.environ.update({"A": "1"})  # expect: env_var_pollution
    os.environ.pop("A")
    os.environ["B"] = "1"  # expect: env_var_pollution
    os.environ.pop("C")  # expect: env_var_pollution


def test_functions():
    os.putenv("A", "1")  # expect: env_var_pollution
    os.unsetenv("A")  # expect: env_var_pollution
    putenv("B", "2")  # expect: env_var_pollution
    unsetenv("B")  # expect: env_var_pollution


def test_bytes_environment():
    os.environb[b"A"] = b"1"  # expect: env_var_pollution
    environb.pop(b"B")  # expect: env_var_pollution


def test_aliases():
    environ["A"] = "1"  # expect: env_var_pollution
    ENV["B"] = "2"  # expect: env_var_pollution
    operating_system.environ["C"] = "3"  # expect: env_var_pollution
    env_alias["D"] = "4"  # expect: env_var_pollution


def test_in_place_union():
    os.environ |= {"A": "1"}  # expect: env_var_pollution


def helper_sets_env():
    os.environ["FROM_HELPER"] = "1"  # expect: env_var_pollution


@pytest.fixture
def fixture_without_restore():
    os.environ["A"] = "1"  # expect: env_var_pollution
    return "A"


@pytest.fixture
def fixture_restores_other_key():
    os.environ["A"] = "1"  # expect: env_var_pollution
    yield
    os.environ.pop("B", None)


def test_stop_in_body_is_not_cleanup():
    os.environ["A"] = "1"  # expect: env_var_pollution
    assert True
    del os.environ["A"]  # the restore (not guaranteed): reported at the change above


class TestSetupWithoutTeardown:
    def setup_method(self):
        os.environ["A"] = "1"  # expect: env_var_pollution

    def test_it(self):
        assert os.environ["A"] == "1"


# ---- safe idioms: none of these may be reported ----------------------------------------


def test_monkeypatch(monkeypatch):
    monkeypatch.setenv("A", "1")
    monkeypatch.delenv("B", raising=False)


def test_reads():
    assert os.environ.get("HOME") is not None or True
    value = os.environ["PATH"]
    assert "A" not in os.environ
    assert value


def test_copies():
    env = os.environ.copy()
    env["A"] = "1"
    other = dict(os.environ)
    other.pop("PATH", None)
    other.update({"B": "2"})


def test_with_patch_dict():
    with patch.dict(os.environ, {"A": "1"}):
        os.environ["B"] = "2"
        os.environ.update({"C": "3"})


def test_with_patch_dict_string_target():
    with mock.patch.dict("os.environ", clear=True):
        os.environ["A"] = "1"


@patch.dict(os.environ, {"A": "1"})
def test_under_decorator():
    os.environ["B"] = "2"


@patch.dict(os.environ, {})
class TestUnderClassDecorator:
    def test_it(self):
        os.environ["A"] = "1"


def test_mocker_patch_dict(mocker):
    mocker.patch.dict(os.environ, {"A": "1"})
    os.environ["B"] = "2"


def test_try_finally_same_key():
    os.environ["A"] = "1"
    try:
        assert True
    finally:
        del os.environ["A"]


def test_inside_try_finally_restores_saved():
    saved = os.environ.get("A")
    try:
        os.environ["A"] = "1"
    finally:
        if saved is None:
            os.environ.pop("A", None)
        else:
            os.environ["A"] = saved


def test_whole_environment_restored():
    saved = dict(os.environ)
    try:
        os.environ.update({"A": "1", "B": "2"})
        os.environ.clear()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_add_cleanup_with_callable(request):
    os.environ["A"] = "1"
    request.addfinalizer(lambda: os.environ.pop("A", None))


def test_add_cleanup_with_local_function(request):
    os.environ["A"] = "1"

    def restore():
        del os.environ["A"]

    request.addfinalizer(restore)


@pytest.fixture
def fixture_restores_after_yield():
    old = os.environ.get("A")
    os.environ["A"] = "1"
    yield
    if old is None:
        del os.environ["A"]
    else:
        os.environ["A"] = old


class TestRestoredInTeardown:
    def setup_method(self):
        os.environ["A"] = "1"

    def teardown_method(self):
        os.environ.pop("A", None)

    def test_it(self):
        assert os.environ["A"] == "1"


class TestUnittestStyle:
    def setUp(self):
        self.addCleanup(os.environ.pop, "A", None)
        os.environ["A"] = "1"

    def test_it(self):
        os.environ["A"] = "2"


def teardown_module():
    os.environ.pop("AT_IMPORT_RESTORED", None)


os.environ["AT_IMPORT_RESTORED"] = "1"


def test_string_mentions_are_not_code():
    text = 'os.environ["A"] = "1"'
    """del os.environ["B"]"""
    assert text


class TestExpectedToRaise(unittest.TestCase):
    def test_assert_raises(self):
        with self.assertRaises(TypeError):
            os.environ["A"] = 1


def test_pytest_raises_last_statement():
    with pytest.raises(TypeError):
        os.environ["A"] = 1


def test_pytest_raises_earlier_statement_counts():
    with pytest.raises(TypeError):
        os.environ["B"] = "1"  # expect: env_var_pollution
        os.environ["A"] = 1


def test_put_back_in_the_body_is_reported_once():
    saved = os.environ.get("A")
    os.environ["A"] = "1"  # expect: env_var_pollution
    assert True
    os.environ["A"] = saved


def test_a_computed_value_is_no_put_back():
    extended = os.environ["PATH"] + ":/opt/bin"
    os.environ["PATH"] = extended  # expect: env_var_pollution


class _FakeOs:
    environ: dict = {}


def test_os_shadowed_by_a_local_object():
    os = _FakeOs()
    os.environ["A"] = "1"


def test_os_shadowed_by_a_parameter(os=_FakeOs()):
    os.environ["A"] = "1"


def test_os_global_declaration_is_no_shadow():
    global os
    os.environ["A"] = "1"  # expect: env_var_pollution
