# Addresses whose second element is no port, and servers that bind nothing (gevent's copies of
# CPython's test_socket.py and test_wsgiref.py).
import socket
from wsgiref.simple_server import WSGIServer, make_server

TIPC_STYPE = 2000
TIPC_LOWER = 200
TIPC_UPPER = 210


class MockServer(WSGIServer):
    def server_bind(self):
        pass


def run_amock(app):
    return make_server("", 80, app, MockServer)  # quiet: a server class named as a double


def run_amock_keyword(app):
    return make_server("", 80, app, server_class=MockServer)  # quiet


def run_real(app):
    return make_server("", 8000, app, WSGIServer)  # expect: hardcoded_port


def run_default(app):
    return make_server("", 8001, app)  # expect: hardcoded_port


def tipc():
    srv = socket.socket(socket.AF_TIPC, socket.SOCK_RDM)
    srvaddr = (socket.TIPC_ADDR_NAMESEQ, TIPC_STYPE, TIPC_LOWER, TIPC_UPPER)
    srv.bind(srvaddr)  # quiet: a TIPC service name sequence, not a port


def isotp(interface):
    with socket.socket(socket.PF_CAN, socket.SOCK_DGRAM, socket.CAN_ISOTP) as s:
        addr = interface, 0x123, 0x456
        s.bind(addr)  # quiet: CAN ids (interface, rx_id, tx_id)


def ipv6_four_tuple():
    socket.socket(socket.AF_INET6).bind(("::1", 8002, 0, 0))  # expect: hardcoded_port


def ipv6_three_tuple():
    socket.socket(socket.AF_INET6).bind(("::", 8003, 0))  # expect: hardcoded_port


def bluetooth_psm():
    f = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_SEQPACKET, socket.BTPROTO_L2CAP)
    f.bind((socket.BDADDR_ANY, 0x1001))  # expect: hardcoded_port
