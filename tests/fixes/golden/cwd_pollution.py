import os
import pytest
from os import chdir


def test_chdir(tmp_path):
    os.chdir(tmp_path)  # into the temporary directory
    chdir(tmp_path / "sub")


@pytest.fixture
def in_tmp(tmp_path):
    os.chdir(str(tmp_path))
    yield tmp_path


def test_fchdir(tmp_path):
    fd = os.open(tmp_path, os.O_RDONLY)
    os.fchdir(fd)  # stays: fchdir


def test_py_path(tmpdir):
    tmpdir.chdir()  # stays: py.path
