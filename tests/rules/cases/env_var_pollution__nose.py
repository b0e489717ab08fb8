"""Nose-style module set-up: pytest >= 8 never calls `setup` / `teardown` / `setup_package`
functions of a module (only `setup_module` / `setUpModule` and their teardowns), so what they
change never reaches a test."""
import os

import pytest


def setup():
    os.environ["NOSE_SETUP"] = "1"


def teardown():
    del os.environ["NOSE_SETUP"]


def setUp():
    os.environ["NOSE_SETUP_CAMEL"] = "1"


def setup_package():
    os.environ["NOSE_PACKAGE"] = "1"


def setup_module():
    os.environ["PYTEST_CALLS_THIS"] = "1"  # expect: env_var_pollution


def tearDown():
    os.environ["CALLED_BELOW"] = "1"  # expect: env_var_pollution


teardown_module = tearDown  # an alias pytest calls: the function runs


def teardown_package():
    os.environ["CALLED_BY_A_TEST"] = "1"  # expect: env_var_pollution


@pytest.fixture
def setUpPackage():
    os.environ["A_FIXTURE"] = "1"  # expect: env_var_pollution


def test_uses_helper(setUpPackage):
    teardown_package()


class TestNoseMethods:
    def setup_method(self):
        os.environ["IN_A_CLASS"] = "1"  # expect: env_var_pollution
