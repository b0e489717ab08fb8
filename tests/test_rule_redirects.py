"""ISO012 `mock_retained_on_instance` merged into ISO001 `missing_teardown_method`: the old name
and code still work wherever a rule can be named (ruff's rule redirects)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isolint.baseline import build, compare, dumps, loads
from isolint.cli import main
from isolint.engine import scan_source
from isolint.config import Settings
from isolint.analysis.rules import ALL_RULES, RULE_REDIRECTS, rule_by_key

KEEPS = """\
from unittest.mock import MagicMock


class TestKeeps:
    def setup_method(self):
        self.client = MagicMock()

    def test_a(self):
        assert self.client
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_keeps.py").write_text(KEEPS, encoding="utf-8")
    return tmp_path


def names(capsys, *args: str) -> list[tuple[str, str]]:
    main(["check", "tests", "--format", "json", "--no-cache", *args])
    return [(f["name"], f["severity"]) for f in json.loads(capsys.readouterr().out)["findings"]]


@pytest.mark.parametrize("key", ["mock_retained_on_instance", "ISO012", "iso012"])
def test_old_name_and_code_resolve_to_the_merged_rule(key: str) -> None:
    assert rule_by_key(key).name == "missing_teardown_method"  # type: ignore[union-attr]
    assert "ISO012" not in {r.code for r in ALL_RULES}
    assert RULE_REDIRECTS["mock_retained_on_instance"] == "missing_teardown_method"


@pytest.mark.parametrize("key", ["mock_retained_on_instance", "ISO012"])
def test_select_and_ignore(project: Path, capsys, key: str) -> None:
    assert names(capsys, "--select", key) == [("missing_teardown_method", "CRITICAL")]
    assert names(capsys, "--ignore", key) == []


@pytest.mark.parametrize("key", ["mock_retained_on_instance", "ISO012"])
def test_severity_and_per_file_ignores(project: Path, capsys, key: str) -> None:
    (project / "pyproject.toml").write_text(f'[tool.isolint.severity]\n{key} = "low"\n')
    assert names(capsys) == [("missing_teardown_method", "LOW")]
    (project / "pyproject.toml").write_text(
        f'[tool.isolint.per-file-ignores]\n"tests/*" = ["{key}"]\n'
    )
    assert names(capsys) == []


@pytest.mark.parametrize("key", ["mock_retained_on_instance", "ISO012"])
@pytest.mark.parametrize("line", [4, 6])
def test_suppression_comment_at_the_class_or_the_old_line(key: str, line: int) -> None:
    lines = KEEPS.splitlines()
    lines[line - 1] += f"  # isolint: ignore[{key}]"
    assert scan_source("\n".join(lines) + "\n", "test_keeps.py").findings == ()


def test_baseline_of_the_retired_rule_still_covers_the_finding(tmp_path: Path) -> None:
    """A baseline written before the merge had one ISO012 entry per attribute, inside the
    method that set it; the merged rule reports once at the class."""
    entry = {
        "fingerprint": "0" * 20, "rule": "ISO012", "name": "mock_retained_on_instance",
        "path": "tests/test_keeps.py", "scope": "TestKeeps.setup_method",
        "snippet": "self.client = MagicMock()", "line": 6,
    }
    document = json.loads(dumps(build((), str(tmp_path))))
    document["findings"] = [entry, {**entry, "fingerprint": "1" * 20, "line": 7}]
    entries = loads(json.dumps(document))
    result = scan_source(KEEPS, str(tmp_path / "tests" / "test_keeps.py"), Settings())
    comparison = compare(result.findings, entries, str(tmp_path), RULE_REDIRECTS)
    assert comparison.new == () and len(comparison.known) == 1 and comparison.stale == ()
    without = compare(result.findings, entries, str(tmp_path))
    assert len(without.new) == 1 and len(without.stale) == 2


def test_rule_command_says_where_the_rule_went(capsys) -> None:
    assert main(["rule", "ISO012"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# mock_retained_on_instance (ISO012)\n\nRetired: merged into")
    assert "missing_teardown_method" in page


@pytest.mark.parametrize("key", ["mock_retained_on_instance", "ISO012", "iso012"])
@pytest.mark.parametrize("line", [4, 6])
def test_retired_names_in_suppressions_are_neither_invalid_nor_unused(key: str, line: int) -> None:
    lines = KEEPS.splitlines()
    lines[line - 1] += f"  # noqa: {key}" if key.upper() == "ISO012" else f"  # isolint: ignore[{key}]"
    settings = Settings(extend_select=("unused_suppression",))
    assert scan_source("\n".join(lines) + "\n", "test_keeps.py", settings).findings == ()
