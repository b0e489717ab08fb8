import os
import sys
import sys as system
from sys import path as import_path
from unittest import mock
from unittest.mock import patch

import pytest

sys.path.insert(0, os.path.dirname(__file__))  # expect: sys_path_pollution


def test_insert():
    sys.path.insert(0, "/plugins")  # expect: sys_path_pollution


def test_list_methods():
    sys.path.append("/a")  # expect: sys_path_pollution
    sys.path.extend(["/b"])  # expect: sys_path_pollution
    sys.path.clear()  # expect: sys_path_pollution


def test_remove():
    sys.path.remove("/a")  # expect: sys_path_pollution


def test_pop():
    sys.path.pop()  # expect: sys_path_pollution


def test_removing_what_the_test_added_is_its_restore():
    sys.path.append("/a")  # expect: sys_path_pollution
    sys.path.remove("/a")
    sys.path.insert(0, "/b")  # expect: sys_path_pollution
    sys.path.pop(0)
    sys.path.remove("/c")  # expect: sys_path_pollution


def test_item_and_slice_assignment():
    sys.path[0] = "/a"  # expect: sys_path_pollution
    sys.path[:0] = ["/b"]  # expect: sys_path_pollution
    del sys.path[0]  # expect: sys_path_pollution


def test_augmented_and_rebinding():
    sys.path += ["/a"]  # expect: sys_path_pollution
    sys.path = ["/only"]  # expect: sys_path_pollution


def test_aliases():
    import_path.append("/a")  # expect: sys_path_pollution
    system.path.insert(0, "/b")  # expect: sys_path_pollution


def test_meta_path_and_hooks():
    sys.meta_path.insert(0, object())  # expect: sys_path_pollution
    sys.path_hooks.append(lambda p: None)  # expect: sys_path_pollution


@pytest.fixture
def plugin_dir(tmp_path):
    sys.path.insert(0, str(tmp_path))  # expect: sys_path_pollution
    return tmp_path


def test_remove_in_body_is_not_cleanup():
    sys.path.insert(0, "/a")  # expect: sys_path_pollution
    assert True
    sys.path.remove("/a")  # the restore (not guaranteed): reported at the change above


def test_restoring_other_list_does_not_count():
    sys.meta_path.insert(0, object())  # expect: sys_path_pollution
    try:
        pass
    finally:
        sys.path.pop(0)


class TestSetupWithoutTeardown:
    def setup_method(self):
        sys.path.append("/a")  # expect: sys_path_pollution

    def test_it(self):
        pass


# ---- safe idioms: none of these may be reported ----------------------------------------


def test_monkeypatch(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(tmp_path))


def test_direct_change_after_syspath_prepend(monkeypatch):
    monkeypatch.syspath_prepend("/a")
    sys.path.append("/b")


def test_reads_and_copies():
    copy = sys.path[:]
    copy.append("/a")
    other = list(sys.path)
    other.insert(0, "/b")
    assert "/x" not in sys.path
    assert sys.path.index(sys.path[0]) == 0


def test_try_finally_remove():
    sys.path.insert(0, "/a")
    try:
        assert True
    finally:
        sys.path.remove("/a")


def test_saved_copy_put_back_by_slice():
    saved = sys.path[:]
    try:
        sys.path.insert(0, "/a")
        sys.path.append("/b")
    finally:
        sys.path[:] = saved


def test_saved_copy_rebound():
    saved = list(sys.path)
    sys.path.insert(0, "/a")
    try:
        pass
    finally:
        sys.path = saved


def test_with_patch_object():
    with patch.object(sys, "path", ["/only"]):
        sys.path.append("/a")


def test_with_patch_string_target():
    with mock.patch("sys.path", []):
        sys.path.insert(0, "/a")


@patch.object(sys, "path", [])
def test_under_decorator():
    sys.path.append("/a")


def test_mocker_patch_object(mocker):
    mocker.patch.object(sys, "path", [])
    sys.path.append("/a")


def test_monkeypatch_setattr(monkeypatch):
    monkeypatch.setattr(sys, "path", ["/only"])
    sys.path.append("/a")


def test_add_cleanup_with_callable(request):
    sys.path.insert(0, "/a")
    request.addfinalizer(lambda: sys.path.remove("/a"))


@pytest.fixture
def restores_after_yield(tmp_path):
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))


class TestRestoredInTeardown:
    def setup_method(self):
        sys.path.insert(0, "/a")

    def teardown_method(self):
        sys.path.remove("/a")

    def test_it(self):
        pass


class TestUnittestCleanup:
    def setUp(self):
        sys.path.append("/a")
        self.addCleanup(sys.path.remove, "/a")

    def test_it(self):
        pass


def test_string_mentions_are_not_code():
    text = 'sys.path.insert(0, "/a")'
    assert text


def test_put_back_in_the_body_is_reported_once():
    saved = list(sys.path)
    sys.path.insert(0, "/opt/plugins")  # expect: sys_path_pollution
    assert True
    sys.path[:] = saved
