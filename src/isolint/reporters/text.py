"""``--output-format concise`` (also ``text``): ``path:line:col: CODE [SEVERITY] message`` per
finding, then a summary; and ``--statistics``' per-rule counts."""

from __future__ import annotations

from isolint.model import Finding, ScanResult
from isolint.wording import noun as _plural


def render(result: ScanResult, summary: bool = True) -> str:
    """The findings, then (unless ``summary`` is false: ``--quiet``) the summary line."""
    lines = [finding_line(f) for f in result.findings]
    if summary:
        lines.append(summary_line(result))
    return "".join(line + "\n" for line in lines)


def finding_line(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.col}: {f.code} [{f.severity.name}] {f.message}"


def statistics(result: ScanResult) -> str:
    """``--statistics``: one line per rule that fired, most findings first (ruff's shape)."""
    counts: dict[str, tuple[int, Finding]] = {}
    for f in result.findings:
        n, _ = counts.get(f.code, (0, f))
        counts[f.code] = (n + 1, f)
    rows = sorted(counts.values(), key=lambda row: (-row[0], row[1].code))
    width = max((len(str(n)) for n, _ in rows), default=1)
    return "".join(f"{n:>{width}}  {f.code}  {f.severity.name:<8}  {f.name}\n" for n, f in rows)


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
