"""``--output-format concise`` (also ``text``): ``path:line:col: CODE [SEVERITY] message`` per
finding, then the count per rule (as ``ruff --statistics`` shows it; ``--statistics`` prints
only those) and a summary line."""

from __future__ import annotations

from isolint.model import Finding, ScanResult
from isolint.wording import noun as _plural


def render(result: ScanResult, summary: bool = True) -> str:
    """The findings, then (unless ``summary`` is false: ``--quiet``) the counts per rule and the
    summary line."""
    lines = [finding_line(f) for f in result.findings]
    if summary:
        lines += closing_lines(result)
    return "".join(line + "\n" for line in lines)


def finding_line(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.col}: {f.code} [{f.severity.name}] {f.message}"


def closing_lines(result: ScanResult) -> list[str]:
    """What follows the findings: the count per rule (after a blank line) and the summary."""
    counts = statistics(result)
    return ["", *counts, summary_line(result)] if counts else [summary_line(result)]


def statistics(result: ScanResult) -> list[str]:
    """One line per rule, most findings first: ``   549  ISO002  missing_xdist_group  HIGH``.
    The counts are the summary's (``Summary.by_name``); the code and severity are those of the
    rule's findings (a severity override shows as configured)."""
    by_name = result.summary.by_name
    if not by_name:
        return []
    first = {}
    for finding in result.findings:
        first.setdefault(finding.name, finding)
    count_width = len(str(max(by_name.values())))
    name_width = max(len(name) for name in by_name)
    return [
        f"{count:>{count_width}}  {first[name].code}  {name:<{name_width}}  "
        f"{first[name].severity.name}"
        for name, count in by_name.items()
        if name in first
    ]


def summary_line(result: ScanResult) -> str:
    s = result.summary
    if not s.total:
        text = f"No findings in {s.files_scanned} {_plural(s.files_scanned, 'file')}."
    else:
        parts = ", ".join(f"{n} {sev.lower()}" for sev, n in s.by_severity.items() if n)
        text = (
            f"Found {s.total} {_plural(s.total, 'finding')} ({parts}) in "
            f"{s.files_with_findings} of {s.files_scanned} {_plural(s.files_scanned, 'file')}."
        )
    if s.errors:
        text += f" {s.errors} {_plural(s.errors, 'file')} could not be scanned."
    return text
