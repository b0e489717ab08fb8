"""The engine on bad input, suppressions, conftest facts and crashing rules."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from isolint import engine, sources
from isolint.config import PytestConfig, Settings
from isolint.engine import scan_source
from isolint.orchestration import scan_paths

POLLUTING = 'import os\n\ndef test_env():\n    os.environ["A"] = "1"\n'


def write_bytes(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def settings_for(root: Path) -> Settings:
    return Settings(pytest=PytestConfig(rootdir=str(root)))


def scan_dir(root: Path):
    return scan_paths([root], settings_for(root), cwd=root)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"def test_x(:\n    pass\n", "syntax error at line 1"),
        (b"x = '\xff\xfe caf\xe9'\n", "not valid UTF-8: byte 0xff at offset 5"),
        (b"x = 1\x00\n", "contains a NUL byte at offset 5"),
        (b"# -*- coding: klingon -*-\nx = 1\n", "unknown encoding"),
    ],
)
def test_bad_file_becomes_an_error_and_the_scan_goes_on(tmp_path, data, reason):
    write_bytes(tmp_path, "tests/test_bad.py", data)
    write_bytes(tmp_path, "tests/test_good.py", POLLUTING.encode())
    result = scan_dir(tmp_path)
    assert [(e.path, reason in e.message) for e in result.errors] == [("tests/test_bad.py", True)], result.errors
    assert [f.path for f in result.findings] == ["tests/test_good.py"]
    assert (result.summary.files_scanned, result.summary.errors) == (1, 1)  # counted apart


def test_declared_encoding_and_bom_are_honoured(tmp_path):
    write_bytes(tmp_path, "test_latin.py",
                b"# -*- coding: latin-1 -*-\nimport os\n\ndef test_e():\n    os.environ['\xe9'] = '1'\n")
    write_bytes(tmp_path, "test_bom.py", b"\xef\xbb\xbf" + POLLUTING.encode())
    result = scan_dir(tmp_path)
    assert not result.errors
    assert sorted(f.path for f in result.findings) == ["test_bom.py", "test_latin.py"]


def test_huge_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 100)
    write_bytes(tmp_path, "test_huge.py", b"x = 1\n" * 50)
    result = scan_dir(tmp_path)
    assert len(result.errors) == 1 and "file too large (300 bytes; limit 100)" in result.errors[0].message


def test_broken_symlink_named_explicitly(tmp_path):
    link = tmp_path / "test_link.py"
    link.symlink_to(tmp_path / "gone.py")
    result = scan_paths([link], settings_for(tmp_path), cwd=tmp_path)
    assert [(e.path, e.message) for e in result.errors] == [("test_link.py", "broken symbolic link")]


def test_unreadable_file(tmp_path, monkeypatch):
    target = write_bytes(tmp_path, "test_secret.py", POLLUTING.encode())
    real_open = os.open

    def deny(path, *args, **kwargs):
        if os.fspath(path) == str(target):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    result = scan_dir(tmp_path)
    assert [(e.path, e.message) for e in result.errors] == [("test_secret.py", "permission denied")]


def test_deeply_nested_expression_is_an_error_not_a_crash(tmp_path):
    write_bytes(tmp_path, "test_deep.py", b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n")
    result = scan_dir(tmp_path)
    assert len(result.errors) == 1 and result.errors[0].path == "test_deep.py"


def test_crashing_rule_is_reported_and_other_rules_still_run(monkeypatch):
    from isolint.analysis.rules.environment import EnvVarPollution

    def boom(self, node, ctx):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(EnvVarPollution, "visit_Assign", boom)
    source = "import os\nclass TestA:\n    def test_a(self):\n        os.environ['A'] = '1'\n"
    result = scan_source(source, "test_a.py", Settings(xdist_group_policy="all"))
    assert [f.name for f in result.findings] == ["missing_xdist_group"]
    assert result.errors[0].message.startswith("rule env_var_pollution crashed at line 4: ZeroDivisionError")


def test_crashing_call_visitor_is_reported_once(monkeypatch):
    """A ``visit_Call`` behind the rule's ``call_words`` gate crashes like any visitor: one
    error entry, and the rule is not called again on the file."""
    from isolint.analysis.rules.network import HardcodedPort

    calls = []

    def boom(self, node, ctx):
        calls.append(node.lineno)
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(HardcodedPort, "visit_Call", boom)
    source = ("import os, socket\ndef test_a():\n    socket.create_server(('', 80))\n"
              "    socket.create_server(('', 81))\n    os.environ['A'] = '1'\n")
    result = scan_source(source, "test_a.py")
    assert calls == [3]
    assert [f.name for f in result.findings] == ["env_var_pollution"]
    assert [e.message[:44] for e in result.errors] == ["rule hardcoded_port crashed at line 3: ZeroD"]


def test_crashing_assignment_visitor_is_reported_once(monkeypatch):
    """An assignment visitor behind the rule's ``assign_targets`` gate crashes like any
    visitor: one error entry, not called again on the file, the other rules go on."""
    from isolint.analysis.rules.module_state import ModuleStatePollution

    calls = []

    def boom(self, node, ctx):
        calls.append(node.lineno)
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(ModuleStatePollution, "visit_Assign", boom)
    source = ("import os, app\ndef test_a():\n    x = 1\n    app.A = x\n    app.B = 2\n"
              "    os.environ['A'] = '1'\n")
    result = scan_source(source, "test_a.py")
    assert calls == [4]  # `x = 1` binds a local name: not dispatched to the rule
    assert [f.name for f in result.findings] == ["env_var_pollution"]
    assert [e.message[:49] for e in result.errors] == ["rule module_state_pollution crashed at line 4: Ze"]

# ------------------------------------------------------------------ suppressions
@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        ("# isolint: ignore[env_var_pollution]", True),
        ("# isolint: ignore[ISO003]", True),
        ("# isolint: ignore[iso003]", True),
        ("# isolint: ignore[patch_without_context, env_var_pollution]", True),
        ("# isolint: ignore", True),
        ("# isolint: ignore[patch_without_context]", False),
        ("# noqa", True),
        ("# NOQA:ISO003", True),
        ("# noqa: ISO004, ISO003", True),
        ("# noqa: E501 ISO003", True),
        ("# noqa: env_var_pollution", True),
        ("# noqa: ISO004", False),
        ("# noqa: E501", False),
        ("# type: ignore  # noqa: ISO003", True),
        ("# isolint: ignore[patch_without_context]  # noqa: E501", False),
    ],
)
def test_inline_suppression(comment, suppressed):
    source = f'import os\n\ndef test_env():\n    os.environ["A"] = "1"  {comment}\n'
    findings = scan_source(source, "test_s.py").findings
    assert (not findings) is suppressed


def test_suppression_text_inside_a_string_does_not_count():
    source = 'import os\n\ndef test_env():\n    os.environ["A"] = "# isolint: ignore"\n'
    assert len(scan_source(source, "test_s.py").findings) == 1


def test_suppression_only_covers_its_own_line():
    source = 'import os\n# isolint: ignore\ndef test_env():\n    os.environ["A"] = "1"\n'
    assert len(scan_source(source, "test_s.py").findings) == 1


# ------------------------------------------------------------------ conftest facts
MOCK_CLASS = (
    "from unittest.mock import MagicMock\n\n"
    "class TestM:\n    def test_a(self):\n        self.client = MagicMock()\n"
)
GC_CONFTEST = (
    "import gc\nimport pytest\n\n"
    "@pytest.fixture(autouse=True)\ndef _collect():\n    yield\n    gc.collect()\n"
)


def teardown_findings(result):
    return sorted(f.path for f in result.findings if f.name == "missing_teardown_method")


def test_conftest_gc_collect_releases_no_retained_mock(tmp_path):
    """A conftest's autouse `gc.collect()` frees nothing that `self` still references: the
    classes below it are still reported, also when only the test file is named."""
    write_bytes(tmp_path, "tests/unit/conftest.py", GC_CONFTEST.encode())
    write_bytes(tmp_path, "tests/unit/deep/test_a.py", MOCK_CLASS.encode())
    target = write_bytes(tmp_path, "tests/other/test_b.py", MOCK_CLASS.encode())
    assert teardown_findings(scan_dir(tmp_path)) == ["tests/other/test_b.py", "tests/unit/deep/test_a.py"]
    result = scan_paths([target], settings_for(tmp_path), cwd=tmp_path)
    assert teardown_findings(result) == ["tests/other/test_b.py"]


def test_skipped_directories(tmp_path):
    for rel in (".git/test_a.py", ".venv/test_b.py", "build/test_c.py", "node_modules/test_d.py",
                "tests/test_e.py"):
        write_bytes(tmp_path, rel, POLLUTING.encode())
    assert [f.path for f in scan_dir(tmp_path).findings] == ["tests/test_e.py"]


def test_a_scan_leaves_no_reference_cycles():
    """A file's syntax tree, context and rules are freed by reference counting as soon as the
    scan returns: the scan runs with the cyclic collector paused."""
    source = POLLUTING + "import socket\ndef test_port():\n    socket.create_server(('', 80))\n"
    gc.collect()
    gc.disable()
    try:
        result = scan_source(source)
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert len(result.findings) == 2


# An invalid escape is a DeprecationWarning (3.11) or SyntaxWarning (3.12+) when compiled: the
# scanned project's warning, which isolint must neither print nor, under -W error, turn into a
# syntax error of a valid file.
INVALID_ESCAPE = 'import os\n\ndef test_env():\n    os.environ["A"] = "C:\\items"\n'


def test_the_scanned_codes_warnings_are_not_isolints(tmp_path):
    (tmp_path / "test_escape.py").write_text(INVALID_ESCAPE)
    (tmp_path / "conftest.py").write_text('collect_ignore = ["\\d"]\n')
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    done = subprocess.run([sys.executable, "-m", "isolint", "check", "--no-cache", "."],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "test_escape.py:4:5: ISO003" in done.stdout
    assert "Warning" not in done.stderr and "syntax error" not in done.stdout + done.stderr


def test_parsing_leaves_the_callers_warning_filters_alone():
    from isolint.pysource import parse_quietly

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        parse_quietly(INVALID_ESCAPE, "test_escape.py")
        warnings.warn("the caller's own", UserWarning)
    assert [str(w.message) for w in seen] == ["the caller's own"]
