"""``--output-format full`` (the default on a terminal): each finding's line as in ``concise``,
then the reported source line and the fix advice; then the counts per rule and the summary."""

from __future__ import annotations

from isolint.model import Finding, ScanResult
from isolint.reporters.text import closing_lines, finding_line


def render(result: ScanResult, summary: bool = True) -> str:
    """Each finding's block, then (unless ``summary`` is false: ``--quiet``) the counts per rule
    and the summary line."""
    blocks = "".join(_block(f) for f in result.findings)
    if not summary:
        return blocks
    closing = closing_lines(result)
    if blocks and closing[0] == "":
        closing = closing[1:]  # each block already ends with a blank line
    return blocks + "".join(line + "\n" for line in closing)


def _block(finding: Finding) -> str:
    lines = [finding_line(finding)]
    gutter = " " * len(str(finding.line))
    if finding.snippet:
        lines += [f" {gutter} |", f" {finding.line} | {finding.snippet}", f" {gutter} |"]
    if finding.fix:
        lines.append(f" {gutter} = fix: {finding.fix}")
    return "\n".join(lines) + "\n\n"
