"""`isolint report --summary`: a PR comment's worth (under 65,536 characters) whatever the size
of the suite, with the counts per rule and per directory and the top files; and the full
report recommends no `gc.collect()`."""

from __future__ import annotations

import re

from isolint.model import FileResult, Finding, ScanResult, Severity
from isolint.reporters import markdown

from isolint_sample import SAMPLE_RULES, sample_result, sample_settings

RULES = {rule.code: rule for rule in SAMPLE_RULES}


def huge_result(files: int = 4000, per_file: int = 3) -> ScanResult:
    results = []
    codes = sorted(RULES)
    for index in range(files):
        path = f"tests/package_{index % 400:03}/subpackage/test_module_number_{index:05}.py"
        findings = tuple(
            Finding(path, line + 1, 1, codes[(index + line) % len(codes)],
                    RULES[codes[(index + line) % len(codes)]].name,
                    RULES[codes[(index + line) % len(codes)]].severity,
                    "a message that is long enough to matter " * 3, "", "", "x = 1")
            for line in range(per_file)
        )
        results.append(FileResult(path, findings))
    return ScanResult.build(results)


def test_summary_of_a_huge_suite_fits_a_github_comment() -> None:
    result = huge_result()
    text = markdown.render_summary(result, sample_settings(), "2025-01-31", SAMPLE_RULES)
    assert len(text) < markdown.COMMENT_LIMIT
    assert f"**{result.summary.total:,}".replace(",", "") in text.replace(",", "")
    # Every rule's count, every directory counted (listed or in the "more" row).
    for code, rule in RULES.items():
        count = result.summary.by_name[rule.name]
        assert re.search(rf"\| `{rule.name}` \| {code} \| \w+ \| {count} \|", text), rule.name
    assert "### Findings per directory (400)" in text
    listed = re.findall(r"^\| `tests/package_\d+/subpackage/` \| (\d+) \|", text, re.M)
    more = re.search(r"^\| (\d+) more directories \| (\d+) \|", text, re.M)
    assert more is not None
    assert len(listed) + int(more.group(1)) == 400
    assert sum(map(int, listed)) + int(more.group(2)) == result.summary.total
    assert "### Files with the most findings (top " in text
    assert text.endswith("`isolint report -o isolint-report.md`.\n")


def test_the_full_report_of_a_huge_suite_is_much_longer() -> None:
    """What --summary is for: the full report lists every finding."""
    result = huge_result(files=400)
    assert len(markdown.render(result, sample_settings(), "2025-01-31", SAMPLE_RULES)) > 65_536


def test_no_section_recommends_gc_collect() -> None:
    from isolint.analysis.rules import ALL_RULES

    text = markdown.render(sample_result(), sample_settings(), "2025-01-31", ALL_RULES)
    for section in re.findall(r"#### Fix pattern\n(.*?)(?=\n#### )", text, re.S):
        assert "gc.collect" not in section
    assert "Required fix pattern" not in text


def test_empty_severities_are_left_out() -> None:
    text = markdown.render(sample_result(), sample_settings(), "2025-01-31", SAMPLE_RULES)
    only_high = ScanResult.build([FileResult("tests/test_a.py", tuple(
        f for f in sample_result().findings if f.severity is Severity.HIGH))])
    text = markdown.render(only_high, sample_settings(), "2025-01-31", SAMPLE_RULES)
    assert "## HIGH priority" in text
    for name in ("CRITICAL", "MEDIUM", "LOW"):
        assert f"## {name} priority" not in text
        assert f"| {name} |" not in text
