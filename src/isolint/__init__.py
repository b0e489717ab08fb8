"""isolint: find and prove test-isolation hazards in pytest suites.

Everything is imported lazily: pytest loads ``isolint.plugin`` in every run of an environment
where isolint is installed, and that must not pay for the scanner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "FileError": "isolint.model",
    "Finding": "isolint.model",
    "ScanResult": "isolint.model",
    "Severity": "isolint.model",
    "Summary": "isolint.model",
    "scan_paths": "isolint.engine",
    "scan_source": "isolint.engine",
}

__all__ = [*_LAZY, "__version__"]

if TYPE_CHECKING:
    from isolint.engine import scan_paths, scan_source
    from isolint.model import FileError, Finding, ScanResult, Severity, Summary


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'isolint' has no attribute {name!r}")
