"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

CRITICAL and HIGH findings are ``::error``, MEDIUM ``::warning``, LOW ``::notice``; a file that
could not be scanned is an ``::error`` on that file. The last line is the plain summary.
"""

from __future__ import annotations

from isolint.model import ScanResult, Severity
from isolint.reporters.text import summary_line

COMMANDS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
}


def _data(text: str) -> str:
    """Escape a command's message (GitHub's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a command property value (GitHub's ``escapeProperty``)."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(f"{key}={_property(str(value))}" for key, value in properties.items())
    return f"::{kind} {props}::{_data(message)}"


def render(result: ScanResult) -> str:
    lines = []
    for f in result.findings:
        properties = {"file": f.path, "line": f.line, "col": f.col,
                      "title": f"{f.code} {f.name} [{f.severity.name}]"}
        lines.append(_command(COMMANDS[f.severity], properties, f.message))
    for error in result.errors:
        lines.append(_command("error", {"file": error.path, "title": "isolint: file not scanned"},
                              error.message))
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
