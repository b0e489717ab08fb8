"""Pattern 11: writes into a mock the test installed itself are reported once, at the install."""
from unittest.mock import MagicMock

from app import client


def test_installs_one_mock():
    client.Session.http = MagicMock()  # expect: module_state_pollution
    client.Session.http.request = MagicMock()
    client.Session.http.request.return_value.status = 200
    client.Session.timeout = 1  # expect: module_state_pollution


def test_sub_attribute_alone_is_a_change():
    client.Session.http.request = MagicMock()  # expect: module_state_pollution
