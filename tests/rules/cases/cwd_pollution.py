import contextlib
import os
import os as operating_system
from contextlib import chdir as chdir_context
from os import chdir

import pytest
import unittest

os.chdir("/tmp")  # expect: cwd_pollution


def test_chdir(tmp_path):
    os.chdir(tmp_path)  # expect: cwd_pollution


def test_aliases(tmp_path):
    chdir(tmp_path)  # expect: cwd_pollution
    operating_system.chdir(tmp_path)  # expect: cwd_pollution


def test_fchdir(tmp_path):
    fd = os.open(tmp_path, os.O_RDONLY)
    os.fchdir(fd)  # expect: cwd_pollution


def test_py_path_chdir(tmpdir):
    tmpdir.chdir()  # expect: cwd_pollution


@pytest.fixture
def in_tmp(tmp_path):
    os.chdir(tmp_path)  # expect: cwd_pollution
    return tmp_path


def test_chdir_back_in_body_is_not_cleanup(tmp_path):
    old = os.getcwd()
    os.chdir(tmp_path)  # expect: cwd_pollution
    assert True
    os.chdir(old)  # a put-back (not guaranteed to run): reported once, at the change above


def test_monkeypatch_chdir_after_the_change(tmp_path, monkeypatch):
    os.chdir(tmp_path)  # expect: cwd_pollution
    monkeypatch.chdir(tmp_path)


class TestSetupWithoutTeardown:
    def setup_method(self):
        os.chdir("/tmp")  # expect: cwd_pollution

    def test_it(self):
        pass


# ---- safe idioms: none of these may be reported ----------------------------------------


def test_monkeypatch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_direct_change_after_monkeypatch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.chdir(tmp_path / "sub")


def test_contextlib_chdir(tmp_path):
    with contextlib.chdir(tmp_path):
        os.chdir("sub")


def test_contextlib_chdir_imported(tmp_path):
    with chdir_context(tmp_path):
        pass


def test_as_cwd(tmpdir):
    with tmpdir.as_cwd():
        os.chdir("sub")


def test_finally_chdir_back(tmp_path):
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert True
    finally:
        os.chdir(old)


def test_inside_try_finally(tmp_path):
    old = os.getcwd()
    try:
        os.chdir(tmp_path)
    finally:
        os.chdir(old)


@pytest.fixture
def in_tmp_restored(tmp_path):
    old = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(old)


class TestUnittestStyle:
    def setUp(self):
        self.addCleanup(os.chdir, os.getcwd())
        os.chdir("/tmp")

    def test_it(self):
        pass


class TestRestoredInTeardown:
    def setup_method(self):
        self.old = os.getcwd()
        os.chdir("/tmp")

    def teardown_method(self):
        os.chdir(self.old)

    def test_it(self):
        pass


def test_reads():
    assert os.getcwd()
    assert os.path.abspath(".")


class TestExpectedToRaise(unittest.TestCase):
    def test_chdir_into_a_missing_directory_fails_the_test_unless_it_raises(self):
        try:
            os.chdir("/no/such/directory")
        except OSError as e:
            error = e
        else:
            self.fail("chdir succeeded")
        try:
            os.chdir("/no/such/directory")
            pytest.fail("chdir succeeded")
        except OSError:
            pass
        try:
            os.chdir("/no/such/directory")
        except OSError:
            pass
        else:
            raise AssertionError("chdir succeeded")

    def test_handled_but_not_failing(self):
        try:
            os.chdir("/maybe/there")  # expect: cwd_pollution
        except OSError:
            pass
        try:
            os.chdir("/maybe/there")  # expect: cwd_pollution
            print("changed")
        except OSError:
            pass
        else:
            self.fail("unreached")
