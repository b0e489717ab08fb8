# kind: conftest
# A conftest's module level and pytest_* hooks configure the session on purpose; its fixtures
# and helpers are test code.
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


def pytest_configure(config):
    sys.path.append("/plugins")


@pytest.fixture
def plugin_dir(tmp_path):
    sys.path.insert(0, str(tmp_path))  # expect: sys_path_pollution
    return tmp_path
