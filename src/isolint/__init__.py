"""isolint: find and prove test-isolation hazards in pytest suites.

Everything is imported lazily: pytest loads ``isolint.plugin`` in every run of an environment
where isolint is installed, and that must not pay for the scanner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

_LAZY = {
    "__version__": "isolint._version",
    "FileError": "isolint.model",
    "Finding": "isolint.model",
    "ScanResult": "isolint.model",
    "Severity": "isolint.model",
    "Summary": "isolint.model",
    "scan_paths": "isolint.orchestration",
    "scan_source": "isolint.engine",
}

__all__ = [*_LAZY]

if TYPE_CHECKING:
    from isolint._version import __version__
    from isolint.engine import scan_source
    from isolint.model import FileError, Finding, ScanResult, Severity, Summary
    from isolint.orchestration import scan_paths


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'isolint' has no attribute {name!r}")
