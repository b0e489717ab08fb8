"""Exit codes and the errors every command may raise: the data layer's share of the CLI."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from isolint.model import ScanResult

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A mistake in how isolint was called (exit code 2)."""


def exit_code(result: ScanResult, fail_on: str, exit_zero: bool = False) -> int:
    from isolint.model import Severity

    if result.errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_OK
    threshold = Severity.parse(fail_on) if fail_on else Severity.LOW
    return EXIT_FINDINGS if any(f.severity >= threshold for f in result.findings) else EXIT_OK
