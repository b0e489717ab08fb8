"""Every output format against its golden file, for the one sample result of ``conftest.py``.

Regenerate after an intended format change: ``ISOLINT_UPDATE_GOLDEN=1 pytest tests/reporters``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from isolint import __version__
from isolint.commands import trend
from isolint.model import ScanResult
from isolint.reporters import full, github, json as json_reporter, markdown, sarif, text

from isolint_sample import SAMPLE_RULES, sample_result, sample_settings

GOLDEN = Path(__file__).parent / "golden"
DATE = "2025-01-31"


def _trend_points() -> list[trend.Point]:
    def point(n: int, sha: str, subject: str, severities: dict[str, int], codes: dict[str, int],
              failure: str = "") -> trend.Point:
        commit = trend.Commit(sha * 40, sha * 7, f"2025-01-0{n}", subject)
        if failure:
            return trend.Point(commit, failure=failure)
        by_severity = {"CRITICAL": 0, "HIGH": 0, "MEDIUM": 0, "LOW": 0, **severities}
        return trend.Point(commit, 5, len(codes), by_severity, codes)

    return [
        point(1, "a", "Add the suite", {"CRITICAL": 2, "HIGH": 5}, {"ISO001": 2, "ISO002": 5}),
        point(2, "b", "Break the config", {}, {}, failure="invalid configuration: bad | value"),
        point(3, "c", "Fix the mocks", {"HIGH": 5, "MEDIUM": 1}, {"ISO002": 5, "ISO004": 1}),
        point(4, "d", "Mark the classes", {"MEDIUM": 1}, {"ISO004": 1}),
    ]


def _empty() -> ScanResult:
    return ScanResult.build([])


CASES = {
    "text.txt": lambda: text.render(sample_result()),
    "full.txt": lambda: full.render(sample_result()),
    "statistics.txt": lambda: "".join(line + "\n" for line in text.statistics(sample_result())),
    "json.json": lambda: json_reporter.render(sample_result()),
    "sarif.sarif": lambda: sarif.render(sample_result(), SAMPLE_RULES),
    "github.txt": lambda: github.render(sample_result()),
    "report.md": lambda: markdown.render(sample_result(), sample_settings(), DATE, SAMPLE_RULES),
    "report-empty.md": lambda: markdown.render(_empty(), sample_settings(""), DATE, SAMPLE_RULES),
    "report-summary.md": lambda: markdown.render_summary(
        sample_result(), sample_settings(), DATE, SAMPLE_RULES
    ),
    # A limit so small that the lists shrink to nothing: the counts above them stay whole.
    "report-summary-small.md": lambda: markdown.render_summary(
        sample_result(), sample_settings(), DATE, SAMPLE_RULES, limit=3400
    ),
    "report-load.md": lambda: markdown.render(
        ScanResult.build([]), sample_settings("load"), DATE, SAMPLE_RULES
    ).split("## Executive summary")[1].split("### Severity breakdown")[0],
    "trend.txt": lambda: trend.render_text(_trend_points()),
    "trend.md": lambda: trend.render_markdown(_trend_points()),
    "trend.json": lambda: trend.render_json(_trend_points()),
    "trend.svg": lambda: trend.render_svg(_trend_points()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    actual = CASES[name]().replace(__version__, "<version>")
    path = GOLDEN / name
    if os.environ.get("ISOLINT_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with ISOLINT_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")
