# settings: {"report_session_configuration": true}
# kind: conftest
import os

import pytest

os.chdir(os.path.dirname(__file__))  # expect: cwd_pollution


def pytest_sessionstart(session):
    os.chdir("/")  # expect: cwd_pollution


@pytest.fixture(scope="session", autouse=True)
def in_tmp(tmp_path_factory):
    os.chdir(tmp_path_factory.mktemp("cwd"))  # expect: cwd_pollution
    yield
