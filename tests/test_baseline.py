"""Baselines: fingerprints without line numbers; new / known / stale; the CLI workflow."""

from __future__ import annotations

import json
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from isolint import baseline
from isolint.cli import main
from isolint.model import Finding, Severity


def finding(line: int, snippet: str = 'os.environ["A"] = "1"', scope: str = "test_a",
            path: str = "tests/test_a.py", name: str = "env_var_pollution") -> Finding:
    return Finding(path, line, 5, "ISO003", name, Severity.HIGH, "msg", scope=scope,
                   snippet=snippet)


@pytest.mark.parametrize(
    "snippet, expected",
    [
        ('os.environ["A"]  =  "1"   # why', 'os.environ["A"] = "1"'),
        ('x = "# not a comment"  # but this is', 'x = "# not a comment"'),
        ("class TestStock:  # missing_xdist_group", "class TestStock:"),
        ("patch(  # an unclosed call", "patch("),
        ('s = """starts a string', 's = """starts a string'),
        ("", ""),
    ],
)
def test_normalise_snippet(snippet: str, expected: str) -> None:
    assert baseline.normalise_snippet(snippet) == expected


def test_fingerprints_ignore_line_numbers_and_comments() -> None:
    before = baseline.fingerprints([finding(10)])
    after = baseline.fingerprints([finding(42, 'os.environ["A"] = "1"  # TODO')])
    assert before == after


@pytest.mark.parametrize(
    "change",
    [{"scope": "test_b"}, {"path": "tests/test_b.py"}, {"snippet": 'os.environ["B"] = "1"'},
     {"name": "other_rule"}],
)
def test_fingerprints_change_with_identity(change: dict) -> None:
    assert baseline.fingerprints([finding(10)]) != baseline.fingerprints([replace(finding(10), **change)])


def test_duplicates_get_occurrence_indexes_in_file_order() -> None:
    first, second = finding(10), finding(11)
    prints = baseline.fingerprints([first, second])
    assert len(set(prints)) == 2
    assert baseline.fingerprints([second, first]) == prints[::-1]
    # shifted together, they keep their fingerprints
    assert baseline.fingerprints([finding(20), finding(25)]) == prints


def test_compare_new_known_stale(tmp_path: Path) -> None:
    directory = str(tmp_path)
    old = [finding(10), finding(20, 'os.environ["B"] = "2"', "test_b")]
    entries = baseline.loads(baseline.dumps(baseline.build(old, directory)))
    now = [finding(12), finding(30, 'os.environ["C"] = "3"', "test_c")]
    comparison = baseline.compare(now, entries, directory)
    assert comparison.known == (now[0],)
    assert comparison.new == (now[1],)
    assert [e.snippet for e in comparison.stale] == ['os.environ["B"] = "2"']


def test_one_entry_absorbs_one_finding(tmp_path: Path) -> None:
    entries = baseline.loads(baseline.dumps(baseline.build([finding(10)], str(tmp_path))))
    comparison = baseline.compare([finding(10), finding(11)], entries, str(tmp_path))
    assert len(comparison.known) == 1 and len(comparison.new) == 1


def test_paths_are_stored_relative_to_the_baseline(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    document = baseline.build([finding(1, path="tests/test_a.py")], str(tmp_path / "ci"))
    assert document["findings"][0]["path"] == "../tests/test_a.py"


@pytest.mark.parametrize(
    "text, message",
    [
        ("{", "not JSON"),
        ("[]", "not an isolint baseline"),
        ('{"tool": "isolint", "version": 99, "findings": []}', "version 99 is not supported"),
        ('{"tool": "isolint", "version": 1, "findings": {}}', "must be a list"),
        ('{"tool": "isolint", "version": 1, "findings": [{"path": "x"}]}', "findings[0]"),
    ],
)
def test_malformed_baselines(text: str, message: str) -> None:
    with pytest.raises(baseline.BaselineError, match=message.replace("[", r"\[")):
        baseline.loads(text, "b.json")


# ------------------------------------------------------------------------------ CLI workflow
SUITE = textwrap.dedent(
    """\
    import os


    def test_debug():
        os.environ["DEBUG"] = "1"


    def test_url():
        os.environ["URL"] = "http://localhost"
    """
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_env.py").write_text(SUITE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv: str) -> int:
    return main(list(argv))


def test_baseline_survives_a_line_shift(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert run("baseline", "isolint-baseline.json", "tests") == 0
    assert "wrote 2 findings" in capsys.readouterr().err
    document = json.loads((project / "isolint-baseline.json").read_text())
    assert [e["scope"] for e in document["findings"]] == ["test_debug", "test_url"]

    # An unrelated edit moves every finding down.
    path = project / "tests" / "test_env.py"
    path.write_text('"""Environment tests."""\nimport sys\n\n\n' + SUITE.replace(
        "import os\n", "import os\n\nTIMEOUT = 3\n"))
    assert run("check", "tests", "--baseline", "isolint-baseline.json") == 0
    captured = capsys.readouterr()
    assert "No findings" in captured.out
    assert "stale" not in captured.err


def test_baseline_reports_only_new_findings(project: Path, capsys: pytest.CaptureFixture) -> None:
    run("baseline", "isolint-baseline.json", "tests")
    path = project / "tests" / "test_env.py"
    path.write_text(SUITE + '\n\ndef test_new():\n    os.environ["NEW"] = "1"\n')
    capsys.readouterr()
    assert run("check", "tests", "--baseline", "isolint-baseline.json", "--format", "json") == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["scope"] for f in data["findings"]] == ["test_new"]
    assert data["summary"]["total"] == 1


def test_fixed_findings_are_stale_entries(project: Path, capsys: pytest.CaptureFixture) -> None:
    run("baseline", "isolint-baseline.json", "tests")
    path = project / "tests" / "test_env.py"
    path.write_text(SUITE.replace('os.environ["URL"] = "http://localhost"', "pass"))
    capsys.readouterr()
    assert run("check", "tests", "--baseline", "isolint-baseline.json") == 0
    err = capsys.readouterr().err
    assert 'tests/test_env.py: stale baseline entry: ISO003 env_var_pollution in `test_url`' in err
    assert "isolint: 1 baseline entry no longer matches a finding (fixed?)" in err


def test_baseline_is_found_from_another_directory(project: Path, monkeypatch, capsys) -> None:
    (project / "ci").mkdir()
    run("baseline", "ci/baseline.json", "tests")
    monkeypatch.chdir(project / "tests")
    assert run("check", ".", "--baseline", "../ci/baseline.json") == 0


@pytest.mark.parametrize("content", [None, "not json", '{"tool": "other"}'])
def test_unusable_baseline_is_a_usage_error(project: Path, capsys, content: str | None) -> None:
    if content is not None:
        (project / "b.json").write_text(content)
    assert run("check", "tests", "--baseline", "b.json") == 2
    assert "--baseline" in capsys.readouterr().err
