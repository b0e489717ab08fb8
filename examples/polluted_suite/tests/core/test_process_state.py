import logging
import os
import socket
import sys
from pathlib import Path
from unittest.mock import MagicMock

import pytest

import inventory

pytestmark = pytest.mark.xdist_group(name="core_process_state")  # expect: inert_xdist_group

EXAMPLE_DIR = Path(__file__).resolve().parents[2]
_SEEN_SKUS = []


def test_sys_path_leaks():
    sys.path.insert(0, str(EXAMPLE_DIR))  # expect: sys_path_pollution
    assert sys.path[0] == str(EXAMPLE_DIR)


def test_sys_path_with_monkeypatch(monkeypatch):  # safe
    monkeypatch.syspath_prepend(str(EXAMPLE_DIR))


def test_sys_modules_leaks():
    sys.modules["inventory_fake"] = inventory  # expect: sys_modules_pollution
    import inventory_fake

    assert inventory_fake is inventory


def test_sys_modules_with_monkeypatch(monkeypatch):  # safe
    monkeypatch.setitem(sys.modules, "inventory_fake2", inventory)


def test_cwd_leaks(tmp_path):
    os.chdir(tmp_path)  # expect: cwd_pollution
    assert Path.cwd() == tmp_path


def test_cwd_with_monkeypatch(monkeypatch, tmp_path):  # safe
    monkeypatch.chdir(tmp_path)


def test_module_attribute_leaks():
    logging.raiseExceptions = False  # expect: module_state_pollution
    _SEEN_SKUS.append("A-1")  # expect: module_state_pollution


def test_module_attribute_with_monkeypatch(monkeypatch):  # safe
    monkeypatch.setattr(logging, "raiseExceptions", False)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_fixed_port(host):  # every case binds the same port
    server = socket.socket()
    try:
        server.bind((host, 58_731))  # expect: hardcoded_port
    finally:
        server.close()


def test_any_free_port():  # safe: the OS picks a free port
    server = socket.socket()
    try:
        server.bind(("127.0.0.1", 0))
    finally:
        server.close()


EXPORT = "/tmp/inventory-export.csv"


def test_shared_file():
    with open(EXPORT, "w") as out:  # expect: shared_tmp_path
        out.write("sku,count\n")


def test_shared_file_again():  # the same file as test_shared_file
    with open(EXPORT, "w") as out:  # expect: shared_tmp_path
        out.write("sku,count\nA-1,3\n")


def test_private_file(tmp_path):  # safe: every test gets its own directory
    (tmp_path / "inventory-export.csv").write_text("sku,count\n")


class TestKeepsMocks:  # expect: missing_teardown_method
    def setup_method(self):
        self.transport = MagicMock()  # kept alive with this instance until the session ends

    def teardown_method(self):
        import gc

        gc.collect()  # does not help: pytest keeps this instance, and so the mock, alive

    def test_stock(self):
        self.transport.get.return_value = {"count": 1}
        assert inventory.Client(self.transport).stock("A-1") == 1


class TestReleasesMocks:  # safe: the mock is released in teardown
    def setup_method(self):
        self.transport = MagicMock()

    def teardown_method(self):
        import gc

        self.transport = None
        gc.collect()

    def test_stock(self):
        self.transport.get.return_value = {"count": 2}
        assert inventory.Client(self.transport).stock("A-1") == 2


def test_reports_seen_skus():  # what it sees depends on which tests ran before it on its worker
    print(f"{len(_SEEN_SKUS)} SKUs seen so far")
