"""Every message says what and where: where to restore process state, which module-state
operation, what collides on a port, what a patcher patches and how to stop it there."""

from __future__ import annotations

import textwrap

import pytest

from isolint.config import Settings
from isolint.engine import scan_source


def messages(source: str, rule: str) -> list[str]:
    result = scan_source(textwrap.dedent(source), "test_x.py", Settings(select=(rule,)))
    assert not result.errors, result.errors
    return [f.message for f in result.findings]


@pytest.mark.parametrize(
    ("code", "where"),
    [
        ('os.environ["A"] = "1"',
         "set at import time of this module: move it into a fixture and use "
         "`monkeypatch.setenv()` / `monkeypatch.delenv()`, or restore it in `teardown_module`"),
        ('class TestX:\n    def setup_method(self):\n        os.environ["A"] = "1"',
         "set in `setup_method` of `TestX`: restore it in `teardown_method`, or use "
         "`monkeypatch.setenv()` / `monkeypatch.delenv()` in a fixture"),
        ('class TestX:\n    @classmethod\n    def setup_class(cls):\n        os.environ["A"] = "1"',
         "set in `setup_class` of `TestX`: restore it in `teardown_class`, or use "
         "`monkeypatch.setenv()` / `monkeypatch.delenv()` in a fixture"),
        ('def test_a():\n    os.environ["A"] = "1"',
         "set in test `test_a`: use `monkeypatch.setenv()` / `monkeypatch.delenv()`, or restore "
         "it in a `finally:` block"),
        ('@pytest.fixture\ndef env():\n    os.environ["A"] = "1"\n    yield',
         "set in fixture `env`: restore it after the `yield`, or use `monkeypatch.setenv()` / "
         "`monkeypatch.delenv()`"),
        ('class TestU(unittest.TestCase):\n    def setUp(self):\n        os.environ["A"] = "1"',
         "set in `setUp` of `TestU`: restore it in `tearDown`"),
        ('class TestU(unittest.TestCase):\n    def test_a(self):\n        os.environ["A"] = "1"',
         "set in `test_a` of `TestU`: undo it with `self.addCleanup(...)` right after the "
         "change, or in `tearDown`"),
        ('def helper():\n    os.environ["A"] = "1"',
         "set in helper `helper`: restore it in a `finally:` block, or let its callers use "
         "`monkeypatch.setenv()` / `monkeypatch.delenv()`"),
    ],
)
def test_environment_says_where_to_restore(code: str, where: str) -> None:
    source = "import os, unittest\nimport pytest\n\n" + code + "\n"
    [message] = messages(source, "env_var_pollution")
    assert message == (
        '`os.environ["A"] = "1"` changes the environment for every later test in this worker; '
        + where
    )


@pytest.mark.parametrize(
    ("rule", "statement", "tool"),
    [
        ("sys_path_pollution", 'sys.path.insert(0, "/x")', "`monkeypatch.syspath_prepend()`"),
        ("sys_modules_pollution", 'sys.modules["m"] = None',
         "`monkeypatch.setitem(sys.modules, ...)` / `monkeypatch.delitem(sys.modules, ...)`"),
        ("cwd_pollution", 'os.chdir("/tmp")', "`monkeypatch.chdir()`"),
    ],
)
def test_process_state_messages_say_where_to_restore(rule: str, statement: str, tool: str) -> None:
    source = f"import os, sys\n\nclass TestX:\n    def setup_method(self):\n        {statement}\n"
    [message] = messages(source, rule)
    assert message.endswith(
        f"; set in `setup_method` of `TestX`: restore it in `teardown_method`, or use {tool} "
        "in a fixture"
    )


@pytest.mark.parametrize(
    ("statement", "operation", "fix_start"),
    [
        ("logging.raiseExceptions = False", "An attribute write to `logging.raiseExceptions`",
         "use `monkeypatch.setattr()`"),
        ('app.config["X"] = 1', "An item write to `app.config`", "use `monkeypatch.setitem()`"),
        ("_SEEN.append(1)", "The in-place `.append()` of `_SEEN`", "work on a copy"),
        ("importlib.reload(app)", "`importlib.reload` of `app`", "patch only the attributes"),
        ("global COUNT\n    COUNT = 1", "A `global` rebinding of `COUNT`", "pass the value in"),
        ("del app.X", "Deleting the attribute `app.X`", "use `monkeypatch.delattr()`"),
    ],
)
def test_module_state_names_the_operation(statement: str, operation: str, fix_start: str) -> None:
    source = (
        "import importlib, logging\nimport app\n_SEEN = []\nCOUNT = 0\n\n"
        f"def test_a():\n    {statement}\n\n"
        "def test_b():\n    assert COUNT == 0 and not _SEEN\n"
    )
    result = scan_source(source, "test_x.py", Settings(select=("module_state_pollution",)))
    [finding] = result.findings
    assert finding.message == (
        f"{operation} changes module state that later tests in this worker still see"
    )
    assert finding.fix.startswith(fix_start)


def test_hardcoded_port_says_what_collides() -> None:
    source = """\
        import socket
        import pytest

        @pytest.fixture(scope="session")
        def server():
            s = socket.socket()
            s.bind(("127.0.0.1", 8080))
            yield s

        def test_fixed_port():
            socket.create_server(("", 9000))
    """
    assert messages(source, "hardcoded_port") == [
        "`s.bind` listens on the fixed port 8080: each xdist worker runs the session-scoped "
        "fixture `server` on its own, so two workers collide on it, as does any other test or "
        "process that binds 8080 on this machine",
        "`socket.create_server` listens on the fixed port 9000: two xdist workers running "
        "`test_fixed_port` at the same time collide on it, as does any other test or process "
        "that binds 9000 on this machine",
    ]


def test_patch_without_context_names_the_target_and_fits_the_advice() -> None:
    source = """\
        import unittest
        from unittest import mock
        from unittest.mock import patch

        class TestA:
            def setup_method(self):
                self.p = patch.object(unittest, "main")
                self.p.start()

        def test_b():
            p = patch("app.client.fetch")
            p.start()
            patch.dict("os.environ", {"A": "1"}).start()

        class TestU(unittest.TestCase):
            def test_c(self):
                mock.patch("app.x").start()
    """
    found = messages(source, "patch_without_context")
    assert found == [
        "`self.p.start()` patches `unittest.main` and nothing guarantees the stop; stop it in "
        "`teardown_method` (`self.p.stop()`), or use `mocker.patch(...)` in a fixture",
        "`p.start()` patches `app.client.fetch` and nothing guarantees the stop; use `with p:`, "
        "pytest-mock's `mocker.patch(...)`, or `request.addfinalizer(p.stop)` right after "
        "`.start()`",
        '`patch.dict("os.environ", {"A": "1"}).start()` patches `os.environ` and nothing '
        "guarantees the stop; use it as `with patch(...):`, or pytest-mock's `mocker.patch(...)`",
        '`mock.patch("app.x").start()` patches `app.x` and nothing guarantees the stop; keep the '
        "patcher (`p = patch(...)`) and register `self.addCleanup(p.stop)` right after `.start()`",
    ]
    assert not any("addCleanup" in m for m in found[:3])  # only in a TestCase
