# whole scan: `pytest_generate_tests` may run every test of the module several times
import socket


def pytest_generate_tests(metafunc):
    if "n" in metafunc.fixturenames:
        metafunc.parametrize("n", [1, 2])


def test_only_user_of_its_port():
    socket.socket().bind(("127.0.0.1", 12345))  # expect: hardcoded_port
