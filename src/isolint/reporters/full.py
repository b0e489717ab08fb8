"""``--output-format full`` (the default on a terminal): each finding's line as in ``concise``,
then the reported source line and the fix advice, then the summary."""

from __future__ import annotations

from isolint.model import Finding, ScanResult
from isolint.reporters.text import finding_line, summary_line


def render(result: ScanResult, summary: bool = True) -> str:
    """Each finding's block, then (unless ``summary`` is false: ``--quiet``) the summary line."""
    blocks = "".join(_block(f) for f in result.findings)
    return blocks + (summary_line(result) + "\n" if summary else "")


def _block(finding: Finding) -> str:
    lines = [finding_line(finding)]
    gutter = " " * len(str(finding.line))
    if finding.snippet:
        lines += [f" {gutter} |", f" {finding.line} | {finding.snippet}", f" {gutter} |"]
    if finding.fix:
        lines.append(f" {gutter} = fix: {finding.fix}")
    return "\n".join(lines) + "\n\n"
