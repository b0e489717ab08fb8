import asyncio
import http.server
import os
import socket
import socketserver
from http.server import HTTPServer, ThreadingHTTPServer
from wsgiref.simple_server import make_server

import pytest
import uvicorn
from aiohttp import web
from app import app
from werkzeug.serving import run_simple

PORT = 8080
ADDRESS = ("127.0.0.1", 9090)
FREE = 0
BASE_PORT = 8000


def test_socket_bind():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 8080))  # expect: hardcoded_port
    sock.bind(("", PORT))  # expect: hardcoded_port
    sock.bind(ADDRESS)  # expect: hardcoded_port
    sock.bind(("::1", 8080, 0, 0))  # expect: hardcoded_port


def test_create_server():
    socket.create_server(("", 8000))  # expect: hardcoded_port
    socket.create_server(address=("localhost", 8001))  # expect: hardcoded_port


def test_http_servers():
    http.server.HTTPServer(("", 8000), http.server.SimpleHTTPRequestHandler)  # expect: hardcoded_port
    HTTPServer(("", 8000), None)  # expect: hardcoded_port
    ThreadingHTTPServer(("localhost", PORT), None)  # expect: hardcoded_port
    socketserver.TCPServer(("", 9999), None)  # expect: hardcoded_port
    socketserver.ThreadingUDPServer(("", 9999), None)  # expect: hardcoded_port
    make_server("", 8000, None)  # expect: hardcoded_port


def test_frameworks():
    app.run(port=5000)  # expect: hardcoded_port
    app.run(host="0.0.0.0", port=PORT)  # expect: hardcoded_port
    app.run("0.0.0.0", 5000)  # expect: hardcoded_port
    uvicorn.run(app, port=8000)  # expect: hardcoded_port
    uvicorn.run(app, host="127.0.0.1", port=8000)  # expect: hardcoded_port
    web.run_app(app, port=8080)  # expect: hardcoded_port
    run_simple("localhost", 5000, app)  # expect: hardcoded_port


async def test_asyncio_servers():
    await asyncio.start_server(None, "127.0.0.1", 8888)  # expect: hardcoded_port
    await asyncio.start_server(None, host="127.0.0.1", port=8888)  # expect: hardcoded_port
    loop = asyncio.get_running_loop()
    await loop.create_server(None, "127.0.0.1", 8888)  # expect: hardcoded_port
    await loop.create_server(None, port=8888)  # expect: hardcoded_port
    await loop.create_datagram_endpoint(None, local_addr=("127.0.0.1", 9999))  # expect: hardcoded_port


@pytest.fixture(scope="session")
def live_server():
    server = HTTPServer(("127.0.0.1", 8765), None)  # expect: hardcoded_port
    yield server
    server.server_close()


# ---- safe idioms: none of these may be reported ----------------------------------------


def test_port_zero():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.bind(("", FREE))
    socket.create_server(("", 0))
    HTTPServer(("", 0), None)
    app.run(port=0)
    port = sock.getsockname()[1]
    assert port


def test_port_tried_in_a_loop():
    for port in range(8000, 8100):
        socket.socket().bind(("", port))
        break


def test_worker_derived_ports(worker_id):
    number = int(worker_id.lstrip("gw") or 0)
    sock = socket.socket()
    sock.bind(("", BASE_PORT + number))
    app.run(port=8000 + os.getpid() % 1000)
    port = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:]) + 9000
    uvicorn.run(app, port=port)


def test_port_from_a_fixture(unused_tcp_port):
    HTTPServer(("", unused_tcp_port), None)
    app.run(port=unused_tcp_port)


def test_local_constant():
    port = 8081
    socket.socket().bind(("", port))  # expect: hardcoded_port


def test_local_name_shadows_the_constant():
    PORT = 0
    socket.socket().bind(("", PORT))


def test_connecting_is_not_listening():
    sock = socket.socket()
    sock.connect(("127.0.0.1", 8080))
    socket.create_connection(("localhost", 6379))


def test_unrelated_methods_named_like_servers(tmp_path):
    sock = socket.socket()
    sock.bind(("", 0))
    sock.listen(128)
    asyncio.run(asyncio.sleep(0))
    os.path.join(tmp_path, "x")
    app.run(debug=True)
    app.run("debug", 5000)  # a positional port only counts after a host literal


def test_unix_socket():
    sock = socket.socket(socket.AF_UNIX)
    sock.bind("/tmp/app.sock")


class DummySock:
    def bind(self, address):
        self.bound = address


def test_binding_a_test_double():
    # regression (waitress): a fake socket binds nothing
    sockets = [DummySock()]
    sockets[0].bind(("127.0.0.1", 80))
    fake = DummySock()
    fake.bind(("127.0.0.1", 80))
