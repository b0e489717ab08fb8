# settings: {"pytest": {"dist_mode": "each"}}
# whole scan: under `--dist each` every worker runs every test, so even one test collides
import socket


def test_only_user_of_its_port():
    socket.socket().bind(("127.0.0.1", 12345))  # expect: hardcoded_port
