"""SARIF output validated against the official 2.1.0 schema (vendored, see README.md)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from isolint.orchestration import scan_paths
from isolint.model import ScanResult, Severity
from isolint.reporters import sarif

from isolint_sample import SAMPLE_RULES, sample_result

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text("utf-8"))


def validate(document: dict) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft4Validator(
        SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_vendored_schema_is_the_official_one() -> None:
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]


def test_sample_result_is_valid_sarif() -> None:
    document = json.loads(sarif.render(sample_result(), SAMPLE_RULES))
    validate(document)
    run = document["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is False  # the sample has an error
    assert [r["ruleId"] for r in run["results"]] == [f.code for f in sample_result().findings]


def test_real_scan_with_every_rule_is_valid_sarif(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = scan_paths(["examples/polluted_suite"])
    assert result.findings
    document = json.loads(sarif.render(result))
    validate(document)
    from isolint.analysis.rules import ALL_RULES

    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in ALL_RULES]
    for descriptor, rule in zip(rules, ALL_RULES):
        assert descriptor["name"] == rule.name
        assert descriptor["help"]["markdown"] == rule.documentation()
        assert descriptor["properties"]["severity"] == rule.severity.name
        assert descriptor["shortDescription"]["text"]


def test_empty_result_is_valid_sarif() -> None:
    document = json.loads(sarif.render(ScanResult.build([]), SAMPLE_RULES))
    validate(document)
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["invocations"][0]["executionSuccessful"] is True


@pytest.mark.parametrize(
    "severity, level",
    [(Severity.CRITICAL, "error"), (Severity.HIGH, "error"), (Severity.MEDIUM, "warning"),
     (Severity.LOW, "note")],
)
def test_severities_map_to_levels(severity: Severity, level: str) -> None:
    finding = replace(sample_result().findings[0], severity=severity)
    result = ScanResult.build([])
    result = replace(result, findings=(finding,))
    document = json.loads(sarif.render(result, SAMPLE_RULES))
    assert document["runs"][0]["results"][0]["level"] == level


def test_fingerprint_survives_a_line_shift_and_separates_duplicates() -> None:
    findings = sample_result().findings
    shifted = tuple(replace(f, line=f.line + 7, end_line=f.end_line + 7) for f in findings)

    def prints(fs) -> list[str]:
        result = replace(ScanResult.build([]), findings=fs)
        doc = json.loads(sarif.render(result, SAMPLE_RULES))
        return [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in doc["runs"][0]["results"]]

    before, after = prints(findings), prints(shifted)
    assert before == after
    assert len(set(before)) == len(before)  # the two identical lines in test_debug differ


def test_absolute_paths_become_file_uris(tmp_path: Path) -> None:
    path = tmp_path / "dir with space" / "test_x.py"
    finding = replace(sample_result().findings[0], path=path.as_posix())
    result = replace(ScanResult.build([]), findings=(finding,))
    document = json.loads(sarif.render(result, SAMPLE_RULES))
    validate(document)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].startswith("file:///")
    assert "%20" in location["artifactLocation"]["uri"]

