# kind: conftest
"""A conftest configuring the whole session on purpose: its module level (imported at
collection, before any test), its `pytest_*` hooks and its session-scoped autouse fixtures set
the same state before every test, and so do repeatable changes in the autouse fixtures of the
root conftest (this case is scanned as one: see tests/test_session_configuration.py for one
below the root). Other fixtures and helpers are reported."""
import os

import pytest

os.environ["AT_COLLECTION"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myapp.settings")


def pytest_configure(config):
    os.environ["FROM_A_HOOK"] = "1"


@pytest.fixture(scope="session", autouse=True)
def session_environment():
    os.environ["SESSION_WIDE"] = "1"
    yield


@pytest.fixture(scope="session")
def on_first_use():
    os.environ["SET_BY_ITS_FIRST_USER"] = "1"  # expect: env_var_pollution


@pytest.fixture(scope="module", autouse=True)
def per_module():
    os.environ["PER_MODULE"] = "1"  # root conftest (this case): the same before every module


@pytest.fixture(autouse=True)
def per_test():
    os.environ["PER_TEST"] = "1"  # root conftest (this case): the same before every test
    os.environ["PATH"] += ":/opt/bin"  # expect: env_var_pollution


def helper():
    os.environ["FROM_A_HELPER"] = "1"  # expect: env_var_pollution


@pytest.fixture(scope="session", autouse=True)
def session_helper_caller():
    def nested():
        os.environ["NESTED_IN_SESSION"] = "1"
    nested()
    yield
