"""The `isolint check` command as users and CI scripts call it: output, JSON contract, exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from isolint.cli import main

POLLUTING = """\
import os

class TestA:
    def test_env(self):
        os.environ["A"] = "1"
        self.items.append(1)

    @classmethod
    def setup_class(cls):
        cls.items = []
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "tests/test_env.py", POLLUTING)
    write(tmp_path, "tests/test_clean.py", "def test_ok():\n    assert True\n")
    return tmp_path


def run_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["check", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_json_contract(project, capsys):
    code, data = run_json(capsys, "tests")
    assert code == 1
    assert set(data) >= {"findings", "errors", "summary"}
    assert data["errors"] == []
    by_name = {f["name"]: f for f in data["findings"]}
    env = by_name["env_var_pollution"]
    assert {k: env[k] for k in ("rule", "severity", "path", "line", "col")} == {
        "rule": "ISO003", "severity": "HIGH", "path": "tests/test_env.py", "line": 5, "col": 9,
    }
    assert isinstance(env["message"], str) and "os.environ" in env["message"]
    assert by_name["missing_xdist_group"]["line"] == 3
    summary = data["summary"]
    assert summary["files_scanned"] == 2
    assert summary["files_with_findings"] == 1
    assert summary["by_severity"] == {"CRITICAL": 0, "HIGH": 2, "MEDIUM": 0, "LOW": 0}
    assert summary["by_name"] == {"env_var_pollution": 1, "missing_xdist_group": 1}


def test_absolute_path_outside_cwd_stays_absolute(tmp_path, monkeypatch, capsys):
    target = write(tmp_path / "elsewhere", "test_x.py", POLLUTING)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    _, data = run_json(capsys, str(target))
    assert {f["path"] for f in data["findings"]} == {target.as_posix()}


def test_text_output_lines_and_summary(project, capsys):
    assert main(["check", "tests"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "tests/test_env.py:3:1: ISO002 [HIGH] test class `TestA` has no `xdist_group` marker "
        "but a test changes state its tests share: `items` bound by `setup_class`, changed by "
        "`self.items.append(1)` in `test_env` (line 6)"
    )
    assert re.match(r"tests/test_env.py:5:9: ISO003 \[HIGH\] `os.environ\[\"A\"\] = \"1\"`", out[1])
    assert out[-1] == "Found 2 findings (2 high) in 1 of 2 files."


def test_findings_are_sorted_by_path_then_line(project, capsys):
    write(project, "tests/a/test_first.py", POLLUTING)
    _, data = run_json(capsys, "tests")
    keys = [(f["path"], f["line"], f["col"]) for f in data["findings"]]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), 1),
        (("--fail-on", "high"), 1),
        (("--fail-on", "critical"), 0),
        (("--exit-zero",), 0),
        (("--select", "patch_without_context"), 0),
        (("--ignore", "ISO002,ISO003"), 0),
        (("--select", "iso003"), 1),  # codes in any case
        (("--ignore", "iso002,env_var_pollution"), 0),
    ],
)
def test_exit_codes(project, capsys, args, expected):
    assert main(["check", "tests", *args]) == expected


def test_clean_tree_exits_zero(project, capsys):
    assert main(["check", "tests/test_clean.py"]) == 0
    assert capsys.readouterr().out.strip() == "No findings in 1 file."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--select", "env_var_polution"], "did you mean 'env_var_pollution'"),
        (["check", "--dist", "sideways"], "unknown mode"),
        (["rule", "nope_rule"], "unknown rule"),
        ([], "usage"),
    ],
)
def test_usage_errors_exit_2(project, capsys, args, message):
    assert main(args) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "args", [["check", "--fail-on", "urgent"], ["check", "--format", "xml"], ["check", "--bogus"]]
)
def test_argparse_errors_exit_2(project, capsys, args):
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_missing_path_stops_the_run(project, capsys):
    assert main(["check", "tests", "does_not_exist.py", "--format", "json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "isolint: error: path does not exist: does_not_exist.py\n"


def test_no_path_scans_pytest_testpaths(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pytest.ini", "[pytest]\ntestpaths = suite\n")
    write(tmp_path, "suite/test_a.py", POLLUTING)
    write(tmp_path, "other/test_b.py", POLLUTING)
    _, data = run_json(capsys)
    assert {f["path"] for f in data["findings"]} == {"suite/test_a.py"}


def test_custom_python_files_from_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pyproject.toml", '[tool.pytest.ini_options]\npython_files = ["check_*.py"]\n')
    write(tmp_path, "tests/check_env.py", POLLUTING)
    write(tmp_path, "tests/test_ignored.py", POLLUTING)
    _, data = run_json(capsys, "tests")
    assert {f["path"] for f in data["findings"]} == {"tests/check_env.py"}


def test_output_file(project, capsys):
    assert main(["check", "tests", "--format", "json", "-o", "out.json"]) == 1
    assert capsys.readouterr().out == ""
    assert json.loads((project / "out.json").read_text())["summary"]["files_scanned"] == 2


def test_rules_lists_every_rule(capsys):
    from isolint.analysis.rules import ALL_RULES

    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule in ALL_RULES:
        assert re.search(rf"^{rule.code}\s+{rule.name}\s+{rule.severity.name}", out, re.M)


def test_rule_prints_docs(capsys):
    assert main(["rule", "ISO003"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# env_var_pollution (ISO003)")
    assert "## Why is this bad?" in out


def test_console_script_and_module_entry_points(project):
    exe = Path(sys.executable).with_name("isolint")
    for command in ([str(exe)], [sys.executable, "-m", "isolint"]):
        proc = subprocess.run(
            [*command, "check", "tests", "--format", "json"],
            capture_output=True, text=True, cwd=project, env={**os.environ, "NO_COLOR": "1"},
        )
        assert proc.returncode == 1, proc.stderr
        assert json.loads(proc.stdout)["summary"]["by_name"]["env_var_pollution"] == 1


def test_output_into_a_missing_directory_is_a_usage_error(project, capsys):
    assert main(["check", "tests", "-o", "no/such/dir/out.txt"]) == 2
    assert "cannot write no/such/dir/out.txt" in capsys.readouterr().err
    assert not list(project.glob("no*"))


def test_pytest_config_problem_warns_and_the_scan_goes_on(project, capsys):
    """The reference suite's pyproject.toml (a [tool.pytest.benchmark] table next to
    [tool.pytest.ini_options]): a warning on stderr, the scan runs with what pytest 8 reads."""
    write(
        project,
        "pyproject.toml",
        '[tool.pytest.ini_options]\naddopts = "--dist loadscope"\n\n'
        "[tool.pytest.benchmark]\ndisable_gc = true\n",
    )
    code = main(["check", "tests", "--format", "json"])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 1
    assert {f["name"] for f in data["findings"]} == {"env_var_pollution"}
    assert captured.err.startswith(
        "isolint: warning: pyproject.toml: [tool.pytest.benchmark] (line 4) next to "
        "[tool.pytest.ini_options]"
    )


def test_isolint_config_error_still_exits_2(project, capsys):
    write(project, "pyproject.toml", "[tool.isolint]\nselect = [\"nope\"]\n")
    assert main(["check", "tests"]) == 2
    assert "unknown rule 'nope'" in capsys.readouterr().err


def test_text_output_ends_with_the_count_per_rule(project, capsys):
    """As `ruff --statistics` shows it: most findings first, then the summary line."""
    write(project, "tests/test_more.py", POLLUTING.replace('"A"', '"B"'))
    assert main(["check", "tests"]) == 1
    out = capsys.readouterr().out.splitlines()
    blank = out.index("")
    assert out[blank + 1 :] == [
        "2  ISO003  env_var_pollution    HIGH",
        "2  ISO002  missing_xdist_group  HIGH",
        "Found 4 findings (4 high) in 2 of 3 files.",
    ]
