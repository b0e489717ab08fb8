"""``--format sarif``: a SARIF 2.1.0 log for GitHub code scanning, GitLab and other viewers.

Every rule isolint has is described in ``tool.driver.rules`` (docs, default level, severity);
each result carries a ``partialFingerprints["isolint/v1"]`` that does not change when unrelated
edits move the finding to another line (the same fingerprint as the baseline's). Relative paths
are relative to the directory isolint ran in (``%SRCROOT%``): run it from the repository root.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any, Sequence

from isolint._version import __version__
from isolint.baseline import fingerprints
from isolint.model import Finding, ScanResult
from isolint.reporters.rule_docs import (
    LEVELS,
    doc_sections,
    first_paragraph,
    first_sentence,
    known_rules,
)

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "isolint/v1"
SRCROOT = "%SRCROOT%"


def render(result: ScanResult, rules: Sequence[type] | None = None) -> str:
    """The SARIF log as JSON text; ``rules`` (default: every rule) fills ``tool.driver.rules``."""
    return json.dumps(sarif_log(result, rules), indent=2, ensure_ascii=False) + "\n"


def sarif_log(result: ScanResult, rules: Sequence[type] | None = None) -> dict[str, Any]:
    descriptors = [_rule_descriptor(rule) for rule in known_rules(rules)]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    for finding in result.findings:  # findings of rules isolint no longer has, e.g. from a cache
        if finding.code not in index:
            index[finding.code] = len(descriptors)
            descriptors.append({"id": finding.code, "name": finding.name})
    results = [
        _result(finding, fp, index[finding.code])
        for finding, fp in zip(result.findings, fingerprints(result.findings))
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not result.errors}
    if result.errors:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "error",
                "message": {"text": error.message},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact(error.path)}}],
            }
            for error in result.errors
        ]
    run = {
        "tool": {
            "driver": {
                "name": "isolint",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": descriptors,
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule_descriptor(rule) -> dict[str, Any]:
    sections = doc_sections(rule)
    what = sections.get("What it does", "")
    documentation = rule.documentation()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": first_sentence(what) or rule.name},
        "fullDescription": {"text": first_paragraph(what) or rule.name},
        "help": {"text": documentation, "markdown": documentation},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "severity": rule.severity.name,
            "tags": ["test-isolation", "pytest-xdist"],
        },
    }


def _artifact(path: str) -> dict[str, str]:
    if path.startswith("/"):
        return {"uri": "file://" + urllib.parse.quote(path)}
    return {"uri": urllib.parse.quote(path), "uriBaseId": SRCROOT}


def _result(finding: Finding, fingerprint: str, rule_index: int) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": finding.line, "startColumn": finding.col}
    if finding.end_line >= finding.line:
        region["endLine"] = finding.end_line
        if finding.end_col > 0 and (finding.end_line > finding.line or finding.end_col > finding.col):
            region["endColumn"] = finding.end_col
    location: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": _artifact(finding.path), "region": region}
    }
    if finding.scope:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.scope}]
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"severity": finding.severity.name, "name": finding.name},
    }
    if finding.fix:
        result["properties"]["fix"] = finding.fix
    return result
