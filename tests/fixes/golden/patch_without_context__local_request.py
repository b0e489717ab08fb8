# runs with pytest
"""A local named `request`: `request.addfinalizer` would call the local, so the patch is left
as it is; with the `request` fixture already a parameter, it is used."""
import os
from unittest import mock


def test_local_request():
    request = {"path": "/nowhere"}
    p = mock.patch("os.getcwd", return_value=request["path"])
    p.start()  # stays
    assert os.getcwd() == "/nowhere"
    p.stop()


def test_fixture_request(request):
    p = mock.patch("os.getcwd", return_value="/elsewhere")
    p.start()
    assert os.getcwd() == "/elsewhere"
    assert request.node.name == "test_fixture_request"
