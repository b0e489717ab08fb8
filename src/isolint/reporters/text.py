"""Terminal output: ``path:line:col: CODE [SEVERITY] message`` per finding, then the count per
rule (as ``ruff --statistics`` shows it) and a summary line."""

from __future__ import annotations

from isolint.model import ScanResult


def render(result: ScanResult) -> str:
    lines = [
        f"{f.path}:{f.line}:{f.col}: {f.code} [{f.severity.name}] {f.message}"
        for f in result.findings
    ]
    if result.findings:
        lines += ["", *statistics(result)]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


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


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"
