"""The flake8 plugin: registered under ``flake8.extension`` with the ``ISO`` prefix, reports on
test modules and conftests only, honours ``# noqa`` and the project's configuration, and keeps
flake8's start-up light."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from isolint.flake8_plugin import Plugin

LEAK = 'import os\n\n\ndef test_env():\n    os.environ["A"] = "1"\n'
needs_flake8 = pytest.mark.skipif(importlib.util.find_spec("flake8") is None,
                                  reason="needs flake8 (the [test] extra)")


def run_plugin(path: Path) -> list[tuple[int, int, str]]:
    source = path.read_text()
    plugin = Plugin(ast.parse(source), str(path), source.splitlines(keepends=True))
    return [(line, col, text) for line, col, text, _ in plugin.run()]


def test_entry_point_is_registered_with_the_iso_prefix():
    points = importlib.metadata.entry_points(group="flake8.extension")
    assert [(p.name, p.value) for p in points if p.value.startswith("isolint")] == [
        ("ISO", "isolint.flake8_plugin:Plugin")
    ]


def test_reports_on_test_modules_with_flake8_columns(tmp_path: Path):
    (tmp_path / "test_env.py").write_text(LEAK)
    ((line, col, text),) = run_plugin(tmp_path / "test_env.py")
    assert (line, col) == (5, 4)
    assert text.startswith('ISO003 `os.environ["A"] = "1"` changes the environment for every later')


def test_other_files_are_not_test_code(tmp_path: Path):
    (tmp_path / "app.py").write_text(LEAK)
    assert run_plugin(tmp_path / "app.py") == []


def test_project_configuration_applies(tmp_path: Path):
    (tmp_path / "pytest.ini").write_text("[pytest]\npython_files = check_*.py\n")
    (tmp_path / "pyproject.toml").write_text('[tool.isolint]\nignore = ["ISO004"]\n')
    (tmp_path / "check_env.py").write_text(LEAK + "\n\ndef test_p():\n"
                                           "    __import__('unittest.mock').mock.patch('os.sep').start()\n")
    (tmp_path / "test_env.py").write_text(LEAK)
    assert [t.split()[0] for _, _, t in run_plugin(tmp_path / "check_env.py")] == ["ISO003"]
    assert run_plugin(tmp_path / "test_env.py") == []


def test_conftest_facts_apply(tmp_path: Path):
    (tmp_path / "conftest.py").write_text(textwrap.dedent("""\
        import gc
        import pytest

        @pytest.fixture(autouse=True)
        def collect():
            yield
            gc.collect()
        """))
    (tmp_path / "test_m.py").write_text(textwrap.dedent("""\
        from unittest.mock import MagicMock
        import pytest

        @pytest.mark.xdist_group(name="m")
        class TestM:
            def test_a(self):
                MagicMock()
        """))
    assert [t.split()[0] for _, _, t in run_plugin(tmp_path / "test_m.py")] == []


def test_plugin_module_imports_no_scanner():
    code = ("import sys, isolint.flake8_plugin; "
            "print(sorted(m for m in sys.modules if m.startswith('isolint')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['isolint', 'isolint._version', 'isolint.flake8_plugin']"


@needs_flake8
def test_flake8_end_to_end(tmp_path: Path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_env.py").write_text(
        LEAK + '    os.environ["B"] = "1"  # noqa: ISO003\n'
        '    os.environ["C"] = "1"  # isolint: ignore[env_var_polution]\n'
    )
    (tmp_path / "app.py").write_text(LEAK)
    done = subprocess.run([sys.executable, "-m", "flake8", "--select", "ISO", "."], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(": ")[0] + ": " + line.split(": ")[1].split()[0] for line in lines] == [
        "./tests/test_env.py:5:5: ISO003",
        "./tests/test_env.py:7:5: ISO003",
        "./tests/test_env.py:7:46: ISO013",
    ]
    assert "did you mean `env_var_pollution`?" in lines[-1]
