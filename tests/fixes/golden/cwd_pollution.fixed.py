import os
import pytest


def test_chdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # into the temporary directory
    monkeypatch.chdir(tmp_path / "sub")


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(str(tmp_path))
    yield tmp_path


def test_fchdir(tmp_path):
    fd = os.open(tmp_path, os.O_RDONLY)
    os.fchdir(fd)  # stays: fchdir


def test_py_path(tmpdir):
    tmpdir.chdir()  # stays: py.path
