"""Per-file gating (``Rule.may_fire``), call gating (``Rule.call_words``) and assignment
gating (``Rule.assign_targets``) only save time:
the findings of every rule are the same as when each rule runs on every file and every call.

Checked on every rule case file, whole and cut into pieces (the file's imports plus one
top-level statement: most pieces lack what a rule needs, so gating drops rules there), and on
edge cases that reach the state through aliases and other import forms.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from isolint.config import Settings
from isolint.engine import scan_source
from isolint.analysis.rules import ALL_RULES

CASES = sorted((Path(__file__).parent / "rules" / "cases").glob("*.py"))


def findings(source: str, kind: str = "test") -> set[tuple]:
    result = scan_source(source, "test_case.py", Settings(), kind=kind)
    assert not result.errors, result.errors
    return {(f.line, f.col, f.name, f.message) for f in result.findings}


def ungated(monkeypatch: pytest.MonkeyPatch, source: str, kind: str = "test") -> set[tuple]:
    """The findings with every rule dispatched on every file and every call."""
    with monkeypatch.context() as patched:
        for rule in ALL_RULES:
            patched.setattr(rule, "may_fire", lambda self, ctx: True)
            patched.setattr(rule, "call_words", None)
            patched.setattr(rule, "assign_targets", None)
        return findings(source, kind)


def pieces(source: str) -> list[str]:
    """The file's imports plus each other top-level statement on its own."""
    tree = ast.parse(source)
    imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    head = "\n".join(ast.unparse(s) for s in imports)
    return [head + "\n" + ast.unparse(s) for s in tree.body if s not in imports]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
@pytest.mark.parametrize("kind", ["test", "conftest"])
def test_gating_keeps_findings_on_case_files(path: Path, kind: str, monkeypatch) -> None:
    source = path.read_text(encoding="utf-8")
    for text in [source, *pieces(source)]:
        assert findings(text, kind) == ungated(monkeypatch, text, kind), text


EDGE_CASES = [
    "import os\nenv = os.environ\ndef test_a():\n    env['A'] = '1'\n",
    "from os import environ as e\ndef test_a():\n    e['A'] = '1'\n",
    "import os as o\ndef test_a():\n    o.putenv('A', '1')\n",
    "import os.path\ndef test_a():\n    os.environ.update({'A': '1'})\n",
    "from os import chdir as cd\ndef test_a(p):\n    cd(p)\n",
    "import os\ngo = os.chdir\ndef test_a(p):\n    go(p)\n",
    "def test_a(tmpdir):\n    tmpdir.chdir()\n",
    "from sys import path as p\ndef test_a(d):\n    p.insert(0, d)\n",
    "import sys as s\nmods = s.modules\ndef test_a():\n    del mods['x']\n",
    "from sys import modules\ndef test_a():\n    modules['x'] = 1\n",
    "import importlib as il\nimport app\ndef test_a():\n    il.reload(app)\n",
    "from importlib import reload as rl\nimport app\ndef test_a():\n    rl(app)\n",
    "import app\nsa = setattr\ndef test_a():\n    sa(app, 'X', 1)\n",
    "import app\ndef test_a():\n    delattr(app, 'X')\n",
    "import socket\nPORT = 8080\ndef test_a():\n    socket.create_server(('', PORT))\n",
    "from socket import create_server as cs\ndef test_a():\n    cs(('', 8080))\n",
    "import socketserver as ss\ndef test_a():\n    ss.TCPServer(('', 8080), None)\n",
    "def test_a(app):\n    app.run(port=5000)\n",
    "P = '/tmp/x'\ndef test_a():\n    open(P, 'w')\n",
    "import pathlib\ndef test_a():\n    pathlib.Path('/tmp') .joinpath('x').write_text('a')\n",
    "from os import makedirs as md\ndef test_a():\n    md('/tmp/x')\n",
    "import tempfile, os\ndef test_a():\n    os.mkdir(os.path.join(tempfile.gettempdir(), 'x'))\n",
    "w = open\ndef test_a():\n    w('C:\\\\x', 'w')\n",
    "from unittest import mock\ndef test_a():\n    p = mock.patch('a.b')\n    p.start()\n",
    "import mock\ndef test_a():\n    mock.patch('a.b').start()\n",
    "class TestA:\n    def test_a(self, mocker):\n        self.m = mocker.patch('a.b')\n",
    "from unittest.mock import MagicMock as M\nclass TestA:\n    def test_a(self):\n        self.m = M()\n",
    "import unittest.mock as um\nS = []\nclass TestA:\n    def test_a(self):\n        S.append(um.Mock())\n",
    # assignment gating: an alias or import augmented, targets inside tuples, `global` names
    "import sys\np = sys.path\np += ['x']\n",
    "from os import environ\nenviron |= {'A': '1'}\n",
    "from sys import path\ndef test_a():\n    global path\n    path += ['x']\n",
    "import os\ndef test_a():\n    x, os.environ['A'] = 1, '2'\n",
    "import os\ndef test_a():\n    [*os.environ['A']] = '2'\n",
    "import app\ndef test_a():\n    del app.X\n",
    "C = None\ndef test_a():\n    global C\n    C = 1\ndef test_b():\n    assert C == 1\n",
    "from unittest.mock import MagicMock\nM = None\nclass TestA:\n    def test_a(self):\n"
    "        global M\n        M = MagicMock()\n",
    "class TestA:\n    def setup_method(self):\n        self.m = self.mocker.MagicMock()\n"
    "    def setup_class(cls):\n        cls.m = []\n        cls.rows = []\n"
    "    def test_a(self):\n        self.m.append(1)\n        self.rows.append(1)\n",
]


@pytest.mark.parametrize("source", EDGE_CASES)
def test_gating_keeps_findings_on_edge_cases(source: str, monkeypatch) -> None:
    gated = findings(source)
    assert gated == ungated(monkeypatch, source)
    assert gated, "each edge case is a finding: gating must not hide it"


def test_rules_do_not_run_where_they_cannot_fire() -> None:
    from isolint.analysis.context import FileContext

    source = "import math\ndef test_a():\n    assert math.pi\n"
    ctx = FileContext("test_a.py", source, ast.parse(source), Settings())
    gated = {rule.name for rule in ALL_RULES if not rule().may_fire(ctx)}
    assert {"env_var_pollution", "sys_path_pollution", "sys_modules_pollution",
            "cwd_pollution", "missing_teardown_method", "patch_without_context"} <= gated


@pytest.mark.parametrize(
    "qualified",
    ["os", "os.path", "os.path.join", "os.environ", "a", "a.b", "a.b.c", "a.b.c.d", "a.b.c.d.e",
     "a.b.x", "ab", "sys.path", "s", "o", "unittest", "unittest.mock", "unittest.mock.patch",
     "unittest.case"],
)
def test_may_resolve_under_means_an_import_binds_it_a_parent_or_a_child(qualified: str) -> None:
    from isolint.analysis.names import ImportTable

    table = ImportTable(ast.parse("import os.path\nfrom a.b.c import d\nimport sys as s\nimport mock\n"))
    targets = {"os", "a.b.c.d", "sys", "unittest.mock"}
    expected = any(qualified == t or qualified.startswith(t + ".") or t.startswith(qualified + ".")
                   for t in targets)
    assert table.may_resolve_under(qualified) == expected


@pytest.mark.parametrize("path", CASES[:1] + [Path(__file__)], ids=["case", "this file"])
def test_dotted_key_spells_as_expr_key(path: Path) -> None:
    """``dotted_key`` (the unparser's spelling of a dotted name, without it) agrees with
    ``ast.unparse`` on every dotted name and is None for every other expression (only the
    constants ``None``, ``True``, ``False`` are spelled like a name); ``expr_key`` is the
    unparser's spelling of every expression."""
    from isolint.analysis.tree import dotted_key, expr_key

    extra = "(a).b\nx[0].y\nf().z\n(1).real\na.b.c\n"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") + extra)):
        if isinstance(node, ast.expr):
            key = dotted_key(node)
            assert expr_key(node) == ast.unparse(node)
            if key is not None:
                assert key == ast.unparse(node)
            elif not isinstance(node, ast.Constant):
                assert not all(part.isidentifier() for part in ast.unparse(node).split("."))
