# settings: {"report_session_configuration": true}
# kind: conftest
"""`report-session-configuration = true`: the session configuration that
env_var_pollution__session_configuration.py shows quiet is reported again."""
import os

import pytest

os.environ["AT_COLLECTION"] = "1"  # expect: env_var_pollution
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myapp.settings")  # expect: env_var_pollution


def pytest_configure(config):
    os.environ["FROM_A_HOOK"] = "1"  # expect: env_var_pollution


@pytest.fixture(scope="session", autouse=True)
def session_environment():
    os.environ["SESSION_WIDE"] = "1"  # expect: env_var_pollution
    yield


@pytest.fixture(autouse=True)
def per_test():
    os.environ["PER_TEST"] = "1"  # expect: env_var_pollution
    yield
    os.environ.pop("RESTORED", None)


@pytest.fixture(autouse=True)
def restores():
    os.environ["RESTORED"] = "1"  # a restore is still a restore
    yield
    del os.environ["RESTORED"]
