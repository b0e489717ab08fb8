"""`isolint check --runtime-report`: static findings confirmed by what the plugin recorded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from isolint.cli import main

SUITE = '''\
import os


def test_leaks_env():
    os.environ["ISOLINT_E2E_LEAK"] = "1"


def test_writes_but_never_runs_the_line():
    if False:
        os.environ["ISOLINT_E2E_NEVER"] = "1"
'''


def test_runtime_report_marks_only_the_leak_that_happened(tmp_path, monkeypatch, capsys):
    (tmp_path / "test_suite.py").write_text(SUITE)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    report = tmp_path / "runtime.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--isolint",
         f"--isolint-report={report}"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    monkeypatch.chdir(tmp_path)
    code = main(["check", ".", "--format", "json", "--runtime-report", str(report)])
    findings = {f["line"]: f["message"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert code == 1
    assert findings[5].endswith("(confirmed at runtime)")
    assert not findings[10].endswith("(confirmed at runtime)")


def test_bad_runtime_report_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "test_a.py").write_text("def test_a():\n    pass\n")
    (tmp_path / "bad.json").write_text("{not json")
    assert main(["check", ".", "--runtime-report", "bad.json"]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["check", ".", "--runtime-report", str(Path("missing.json"))]) == 2
    assert "not found" in capsys.readouterr().err
