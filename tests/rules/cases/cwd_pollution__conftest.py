# kind: conftest
import os

import pytest


def pytest_sessionstart(session):
    os.chdir(session.config.rootpath)


@pytest.fixture
def in_tmp(tmp_path):
    os.chdir(tmp_path)  # expect: cwd_pollution
    return tmp_path


@pytest.fixture
def in_tmp_restored(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path
