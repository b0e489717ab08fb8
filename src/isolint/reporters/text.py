"""Terminal output: ``path:line:col: CODE [SEVERITY] message`` per finding, then a summary."""

from __future__ import annotations

from isolint.model import ScanResult
from isolint.wording import noun as _plural


def render(result: ScanResult) -> str:
    lines = [
        f"{f.path}:{f.line}:{f.col}: {f.code} [{f.severity.name}] {f.message}"
        for f in result.findings
    ]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


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
