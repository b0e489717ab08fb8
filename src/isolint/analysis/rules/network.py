"""Rules about network resources that parallel test processes share: TCP and UDP ports."""

from __future__ import annotations

import ast
import re

from isolint.analysis.context import FileContext
from isolint.analysis.tree import call_argument, last_parts
from isolint.model import FixSafety, Severity
from isolint.analysis.rules.base import Rule

_FAKE = re.compile(r"dummy|fake|mock|stub", re.IGNORECASE)
_IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")

#: Calls whose first argument is a ``(host, port)`` address to listen on.
ADDRESS_CALLS = frozenset(
    {"socket.create_server", "http.server.HTTPServer", "http.server.ThreadingHTTPServer",
     "socketserver.TCPServer", "socketserver.UDPServer", "socketserver.ThreadingTCPServer",
     "socketserver.ThreadingUDPServer", "socketserver.ForkingTCPServer",
     "socketserver.ForkingUDPServer", "xmlrpc.server.SimpleXMLRPCServer",
     "xmlrpc.server.DocXMLRPCServer", "wsgiref.simple_server.WSGIServer", "smtpd.SMTPServer",
     "smtpd.DebuggingServer", "gevent.pywsgi.WSGIServer", "gevent.server.StreamServer"}
)
#: Calls that listen on a port given positionally at this index (or as ``port=``).
PORT_CALLS = {
    "asyncio.start_server": 2,
    "werkzeug.serving.run_simple": 1,
    "werkzeug.serving.make_server": 1,
    "wsgiref.simple_server.make_server": 1,
    "aiohttp.web.TCPSite": 2,
    "aiohttp.web.run_app": None,
    "uvicorn.run": None,
    "uvicorn.Config": None,
    "waitress.serve": None,
    "aiosmtpd.controller.Controller": None,
}
#: Calls that take the class of the server to make at this index (or as ``server_class=``).
SERVER_CLASS_ARGUMENT = {"wsgiref.simple_server.make_server": 3}
#: Methods that listen on a port given as ``port=`` (or positionally at this index).
PORT_METHODS = {
    "create_server": 2,  # loop.create_server(factory, host, port)
    "start_server": None,
    "run": None,  # app.run(port=5000): Flask, Sanic, Quart...
    "run_app": None,
    "run_server": None,
    "serve": None,
    "listen": None,
}


#: The last parts of the functions ``fixed_port`` resolves calls against.
_CALL_WORDS = last_parts({*ADDRESS_CALLS, *PORT_CALLS})


#: A call listens on nothing unless its callee may end with one of these.
_LISTENING_WORDS = _CALL_WORDS | set(PORT_METHODS) | {"bind", "create_datagram_endpoint"}


def port_number(ctx: FileContext, expr: ast.AST | None) -> int | None:
    """The fixed, non-zero port ``expr`` stands for: a literal, or a name bound once to one
    (``PORT = 8080``). None for 0, parameters, and computed ports (``8000 + worker``)."""
    if isinstance(expr, ast.Name):
        expr = ctx.bindings.constant_value(expr.id)
    if isinstance(expr, ast.Constant) and type(expr.value) is int and 0 < expr.value < 65536:
        return expr.value
    return None


def address_port(ctx: FileContext, expr: ast.AST | None) -> int | None:
    """The fixed port of an address tuple ``(host, port, ...)`` (or a module constant bound to
    one). None for the addresses of families whose second element is no port (see
    :func:`_other_family`)."""
    if isinstance(expr, ast.Name):
        expr = ctx.bindings.constant_value(expr.id)
    if isinstance(expr, ast.Tuple) and len(expr.elts) >= 2 and not _other_family(ctx, expr.elts):
        return port_number(ctx, expr.elts[1])
    return None


def _other_family(ctx: FileContext, elts: list[ast.expr]) -> bool:
    """An address tuple of another family than IP: TIPC's ``(socket.TIPC_ADDR_NAMESEQ, type,
    lower, upper)`` (a service name that several sockets may bind), or a third element that is
    a non-zero integer, where an IPv6 address ``(host, port, flowinfo, scope_id)`` has its flow
    label, 0 in practice: CAN ISOTP's ``(interface, rx_id, tx_id)``, TIPC's."""
    first = elts[0]
    if isinstance(first, (ast.Attribute, ast.Name)):
        name = first.attr if isinstance(first, ast.Attribute) else first.id
        if name.startswith("TIPC_ADDR_"):
            return True
    return len(elts) >= 3 and bool(port_number(ctx, elts[2]))


def fixed_port(ctx: FileContext, call: ast.Call) -> int | None:
    """The fixed port that ``call`` binds or serves on, or None."""
    name = ctx.call_name_among(call, _CALL_WORDS)
    func = call.func
    if name in ADDRESS_CALLS:
        address = call_argument(call, 0, "server_address") or call_argument(call, 0, "address")
        return address_port(ctx, address)
    if name in PORT_CALLS:
        if name in SERVER_CLASS_ARGUMENT and _is_fake_class(
            ctx, call_argument(call, SERVER_CLASS_ARGUMENT[name], "server_class")
        ):
            return None  # `make_server("", 80, app, MockServer)`: a server that binds nothing
        return port_number(ctx, call_argument(call, PORT_CALLS[name], "port"))
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr == "bind" and len(call.args) == 1 and not _is_fake(ctx, func.value):
        return address_port(ctx, call.args[0])
    if func.attr == "create_datagram_endpoint":
        return address_port(ctx, call_argument(call, None, "local_addr"))
    if func.attr in PORT_METHODS:
        port = port_number(ctx, call_argument(call, PORT_METHODS[func.attr], "port"))
        if port is None and len(call.args) >= 2 and _is_host(call.args[0]):
            port = port_number(ctx, call.args[1])  # app.run("0.0.0.0", 5000)
        return port
    return None


def _is_fake(ctx: FileContext, receiver: ast.AST) -> bool:
    """A test double standing in for a socket or server: ``DummySock()``, ``FakeServer()``,
    ``Mock()``, or a name or ``[...]`` element bound to one (nothing is bound for real)."""
    if isinstance(receiver, ast.Subscript):
        receiver = receiver.value
    if isinstance(receiver, ast.Name):
        receiver = ctx.bindings.constant_value(receiver.id)  # type: ignore[assignment]
    if isinstance(receiver, (ast.List, ast.Tuple)) and receiver.elts:
        receiver = receiver.elts[0]
    return isinstance(receiver, ast.Call) and _is_fake_class(ctx, receiver.func)


def _is_fake_class(ctx: FileContext, expr: ast.AST | None) -> bool:
    """A server class named as a test double (``MockServer``, ``FakeServer``, ``mock.Mock``)."""
    if expr is None:
        return False
    name = (ctx.qualified_name(expr) or ast.unparse(expr)).rsplit(".", 1)[-1]
    return bool(_FAKE.search(name))


def _is_host(expr: ast.AST) -> bool:
    """A string literal that names a host to listen on: ``""``, ``"localhost"``, an IP address."""
    if not (isinstance(expr, ast.Constant) and isinstance(expr.value, str)):
        return False
    return expr.value in ("", "localhost", "::", "::1") or bool(_IPV4.fullmatch(expr.value))


class HardcodedPort(Rule):
    """
    ## What it does
    Flags test code that binds or serves on a fixed, non-zero port: `sock.bind(("127.0.0.1",
    8080))`, `socket.create_server(("", 8000))`, `HTTPServer(("", 8000), Handler)` and the other
    `http.server` / `socketserver` / `xmlrpc.server` / `wsgiref` servers, `app.run(port=5000)`,
    `app.run("0.0.0.0", 5000)`, `uvicorn.run(app, port=8000)`, `web.run_app(app, port=8080)`,
    `asyncio.start_server(cb, host, 8888)`, `loop.create_server(factory, host, 8888)`,
    `werkzeug.serving.run_simple(host, 5000, app)`. A port written as a name bound once, in
    the function or at module level, to an int literal (`PORT = 8080`, `ADDRESS = ("", 8080)`)
    counts as fixed.

    Not flagged: port 0 (the OS picks a free port); a port held in a variable or computed
    (`8000 + worker_number`, from `worker_id`, `os.getpid()` or `PYTEST_XDIST_WORKER`);
    connecting to a fixed port (`sock.connect(...)`, a client for a database service);
    `bind` on a test double (`DummySock()`, `FakeServer()`, `Mock()`), which binds nothing;
    `wsgiref.simple_server.make_server(host, port, app, MockServer)` with a server class named
    as a double (CPython's `test_wsgiref` "non-socket HTTP server"); the addresses of other
    socket families, whose second element is no port: TIPC's `(socket.TIPC_ADDR_NAMESEQ, type,
    lower, upper)` and tuples whose third element is a non-zero integer (CAN ISOTP's
    `(interface, rx_id, tx_id)`; in an IPv6 `(host, port, flowinfo, scope_id)` the flow label
    is 0 in practice).

    Not flagged either: a port that only one test of the scan uses. The places that bind each
    port are counted across every file scanned together, with the test that runs each; when
    exactly one test uses a port, and that test runs once (a test function or method, or a
    function nested in it; not parametrized, not requesting a parametrized fixture, not under
    `pytest_generate_tests`, not in a class that another class inherits or another module
    imports, not under `--dist each`), no other test of the same xdist run can hold the port
    at the same time. A port bound by a fixture (a session fixture runs once per worker), a
    helper, module-level code, or by tests in two files is flagged at each place. The count
    covers the files of one scan: `isolint check tests/test_a.py` does not see a test in
    `tests/test_b.py` that binds the same port (the flake8 plugin sees one file at a time).

    Severity is HIGH: unlike most isolation hazards this one does not wait for an unlucky
    order; two workers that reach such tests at the same time fail with `EADDRINUSE`.

    ## Why is this bad?
    A port belongs to the machine, not to a process. Under `pytest -n auto` every worker runs
    the same fixtures (a session-scoped server fixture runs once per worker) and tests of one
    module run at the same time on different workers, so the second worker to bind the port
    fails with `OSError: [Errno 98] Address already in use`, or, worse, its client talks to the
    other worker's server. Two CI jobs on one machine, or a server left in `TIME_WAIT` by the
    previous run, collide the same way.

    ## Example
    ```python
    import socket

    import pytest

    @pytest.fixture
    def echo_server():
        server = socket.socket()
        server.bind(("127.0.0.1", 8080))
        server.listen()
        yield server
        server.close()
    ```

    ## Use instead
    ```python
    import socket

    import pytest

    @pytest.fixture
    def echo_server():
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server  # the port: server.getsockname()[1]
        server.close()
    ```

    ## Fix safety
    No automatic fix: the code that connects to the server has to learn the chosen port.
    """

    code = "ISO010"
    name = "hardcoded_port"
    severity = Severity.HIGH
    message = "`{call}` listens on the fixed port {port}: {collision}"
    fix = ("bind to port 0 and read the port back (`sock.getsockname()[1]`), "
           "or derive the port from `worker_id`")
    fix_safety = FixSafety.NONE
    call_words = _LISTENING_WORDS  # other calls listen on no port: `fixed_port` is None

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        port = fixed_port(ctx, node)
        if port is not None:
            ctx.record_use(self, port, node)  # see isolint.shared_values
        if port is not None and not ctx.cleanup.expected_to_raise():
            call = ctx.lines.source_segment(node.func)
            ctx.report(self, node, call=call, port=port, collision=_collision(ctx, port))


def _collision(ctx: FileContext, port: object) -> str:
    """Who binds the same port at the same time: the same code on another xdist worker (a
    fixture runs once per worker and scope), and any other test or process on the machine."""
    func = ctx.enclosing_function()
    others = f"any other test or process that binds {port} on this machine"
    if func is None:
        return f"every xdist worker imports this module and binds it, and so does {others}"
    cls = ctx.method_class(func)
    where = f"`{cls.name}.{func.name}`" if cls is not None else f"`{func.name}`"
    if ctx.pytest.is_fixture(func):
        scope = ctx.pytest.fixture_scope(func)
        return (
            f"each xdist worker runs the {scope}-scoped fixture {where} on its own, so two "
            f"workers collide on it, as does {others}"
        )
    return f"two xdist workers running {where} at the same time collide on it, as does {others}"


__all__ = ["HardcodedPort", "fixed_port"]
