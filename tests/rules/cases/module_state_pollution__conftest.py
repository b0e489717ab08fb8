# kind: conftest
import logging

import matplotlib
import pytest
from app.config import settings

# A conftest configures the whole session on purpose at import time and in its hooks.
logging.raiseExceptions = False
matplotlib.rcParams["backend"] = "Agg"

_SEEN = []


def pytest_configure(config):
    settings.CONFIGURED = True


@pytest.fixture
def enable_feature():
    settings.FEATURE = True  # expect: module_state_pollution
    _SEEN.append("feature")  # expect: module_state_pollution
    return settings


@pytest.fixture
def enable_feature_restored():
    settings.OTHER = True
    yield
    del settings.OTHER


PROFILE = None


def pytest_sessionstart(session):
    global PROFILE
    PROFILE = object()  # a hook configures the session on purpose
