# whole scan: a fixed port only one test binds (run once) cannot collide within one xdist run
import socket

import pytest

SHARED = 12400


def test_only_user_of_its_port():  # quiet: no other test binds 12345
    sock = socket.socket()
    sock.bind(("127.0.0.1", 12345))


def test_nested_helper_of_one_test():  # quiet: the nested function runs in this test only
    def serve():
        socket.create_server(("", 12346))

    serve()


def test_shares_a_port():
    socket.socket().bind(("", SHARED))  # expect: hardcoded_port


def test_shares_a_port_too():
    socket.socket().bind(("", 12400))  # expect: hardcoded_port


def test_suppressed_use_still_counts():
    socket.socket().bind(("", 12403))  # isolint: ignore[hardcoded_port]


def test_other_user_of_a_suppressed_port():
    socket.socket().bind(("", 12403))  # expect: hardcoded_port


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_parametrized(host):  # every case binds it, on any worker
    socket.socket().bind((host, 12401))  # expect: hardcoded_port


@pytest.fixture(params=["a", "b"])
def flavour(request):
    return request.param


def test_requests_a_parametrized_fixture(flavour):
    socket.socket().bind(("", 12404))  # expect: hardcoded_port


@pytest.fixture
def server():  # a fixture serves any number of tests
    sock = socket.socket()
    sock.bind(("", 12402))  # expect: hardcoded_port
    yield sock


def test_uses_server(server):
    pass


def start():  # a helper: any test may call it
    socket.create_server(("", 12405))  # expect: hardcoded_port


def test_calls_helper():
    start()


class TestBase:
    def test_inherited(self):  # runs again in TestDerived
        socket.socket().bind(("", 12406))  # expect: hardcoded_port


class TestDerived(TestBase):
    pass


class TestOnce:
    def test_method(self):  # quiet: one test method of a class nothing inherits
        socket.socket().bind(("", 12407))


@pytest.mark.parametrize("n", [1, 2])
class TestParametrized:
    def test_method(self, n):
        socket.socket().bind(("", 12408))  # expect: hardcoded_port


socket.create_server(("", 12409))  # expect: hardcoded_port
