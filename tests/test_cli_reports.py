"""The report, the machine formats, the CI gate and ``--test-files-only`` through the CLI."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from isolint.cli import main

ROOT = Path(__file__).resolve().parents[1]

ENV_LEAK = 'import os\n\n\ndef test_a():\n    os.environ["A"] = "1"\n'
MOCK_CLASS = textwrap.dedent(
    """\
    from unittest.mock import MagicMock

    import pytest


    @pytest.mark.xdist_group(name="g")
    class TestMock:
        def test_m(self):
            self.client = MagicMock()
    """
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -n 4 --dist loadscope\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_env.py").write_text(ENV_LEAK)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(ENV_LEAK)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_example_report_numbers_come_from_the_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1738281600")  # 2025-01-31
    out = tmp_path / "report.md"
    assert main(["report", "examples/polluted_suite", "-o", str(out)]) == 0
    report = out.read_text()
    assert main(["check", "examples/polluted_suite", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    summary = data["summary"]

    assert report.startswith("# pytest-xdist Test Isolation Report\n")
    assert "- **Generated:** 2025-01-31\n" in report
    assert f"- **Test files analysed:** {summary['files_scanned']} (" in report
    assert f"- **Files with issues:** {summary['files_with_findings']}\n" in report
    assert f"isolint found **{summary['total']} test-isolation hazards**" in report
    for severity, count in summary["by_severity"].items():
        if count:
            assert re.search(rf"^\| {severity} \| {count} \|", report, re.MULTILINE)
            assert f"## {severity} priority" in report
        else:  # empty rows and sections are left out
            assert not re.search(rf"^\| {severity} \|", report, re.MULTILINE)
            assert f"## {severity} priority" not in report
    for name, count in summary["by_name"].items():
        assert re.search(rf"^\| \d+ \| `{name}` \| ISO\d+ \| \w+ \| {count} \|", report,
                         re.MULTILINE)
    appendix = report.split("## Appendix: every finding")[1]
    for finding in data["findings"]:
        assert f"`{finding['path']}:{finding['line']}:{finding['col']}`" in appendix
    assert f"### Findings ({summary['total']})" in appendix
    assert "many more" not in report
    assert "**pytest-xdist mode and `xdist_group`:**" in report


def test_report_summary_writes_the_short_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "summary.md"
    assert main(["report", "--summary", "examples/polluted_suite", "-o", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# pytest-xdist Test Isolation Report (summary)\n")
    assert "### Issue type breakdown" in text and "### Findings per directory (" in text
    assert "### Files with the most findings (top " in text
    assert "## Appendix" not in text and len(text) < 65_536


def test_example_report_is_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/example-report.md is `isolint report examples/polluted_suite` of this version (only
    the date may differ)."""
    monkeypatch.chdir(ROOT)
    out = tmp_path / "report.md"
    assert main(["report", "examples/polluted_suite", "-o", str(out)]) == 0
    generated = re.compile(r"^- \*\*Generated:\*\* .*$", re.MULTILINE)
    committed = (ROOT / "docs" / "example-report.md").read_text()
    assert generated.sub("", out.read_text()) == generated.sub("", committed), (
        "regenerate: isolint report examples/polluted_suite -o docs/example-report.md"
    )
    assert "gc.collect()`:" not in committed


def test_report_states_the_dist_mode(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["report", "tests"]) == 0
    report = capsys.readouterr().out
    assert "- **pytest-xdist mode:** `loadscope`" in report
    assert "`-n 4 --dist loadscope` (from pytest.ini [pytest] addopts)" in report
    assert "it ignores `xdist_group` markers" in report


def test_report_with_an_unparsable_file_exits_2_but_is_written(project: Path, capsys) -> None:
    (project / "tests" / "test_broken.py").write_text("def (:\n")
    assert main(["report", "tests", "-o", "r.md"]) == 2
    report = (project / "r.md").read_text()
    assert "| `tests/test_broken.py` | syntax error" in report
    assert "- **Files that could not be scanned:** 1" in report


@pytest.mark.parametrize("fmt", ["sarif", "github", "json", "text"])
def test_check_formats_and_output_file(project: Path, fmt: str, capsys) -> None:
    assert main(["check", "tests", "--format", fmt, "-o", f"out.{fmt}"]) == 1
    assert capsys.readouterr().out == ""
    text = (project / f"out.{fmt}").read_text()
    if fmt == "sarif":
        assert json.loads(text)["runs"][0]["results"][0]["ruleId"] == "ISO003"
    elif fmt == "github":
        assert text.startswith("::error file=tests/test_env.py,line=5,col=5,title=ISO003 ")
    elif fmt == "json":
        assert json.loads(text)["summary"]["total"] == 1
    else:
        assert "ISO003" in text


@pytest.mark.parametrize(
    "fail_on, expected", [("critical", 0), ("high", 1), ("medium", 1), ("low", 1)]
)
def test_fail_on_gates_by_severity(project: Path, fail_on: str, expected: int) -> None:
    assert main(["check", "tests", "--fail-on", fail_on]) == expected


def test_fail_on_critical_fails_on_a_critical_finding(project: Path) -> None:
    (project / "tests" / "test_mock.py").write_text(MOCK_CLASS)
    assert main(["check", "tests", "--fail-on", "critical"]) == 1


def test_test_files_only_drops_non_test_files(project: Path, capsys) -> None:
    args = ["check", "--test-files-only", "--format", "json"]
    assert main([*args, "src/app.py", "tests/test_env.py"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {f["path"] for f in data["findings"]} == {"tests/test_env.py"}
    assert main([*args, "src/app.py"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["files_scanned"] == 0
