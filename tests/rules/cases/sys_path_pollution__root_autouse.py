# kind: conftest
"""An autouse fixture of the root conftest (scanned from the rootdir here) runs before every
test: a change that leaves the same state each time it runs is the same for every test; one
that grows the state each time is not."""
import os
import sys

import pytest


@pytest.fixture(autouse=True)
def no_dot_on_path():
    if "." in sys.path:
        sys.path.remove(".")
    os.environ.pop("PYTHONSTARTUP", None)
    yield


@pytest.fixture(autouse=True)
def grows_every_test():
    sys.path.insert(0, "/opt/plugins")  # expect: sys_path_pollution
    sys.path += ["/opt/more"]  # expect: sys_path_pollution
    yield


@pytest.fixture
def not_autouse():
    sys.path.remove("/opt/plugins")  # expect: sys_path_pollution


@pytest.fixture(autouse=True)
def registers_a_callback(request):
    def later():
        sys.path.remove("/opt/late")  # expect: sys_path_pollution
    request.node.user_properties.append(later)
    yield
