"""isolint: find and prove test-isolation hazards in pytest suites."""

from isolint.model import FileError, Finding, ScanResult, Severity, Summary

__version__ = "0.1.0"

__all__ = [
    "FileError",
    "Finding",
    "ScanResult",
    "Severity",
    "Summary",
    "__version__",
    "scan_paths",
    "scan_source",
]


def __getattr__(name: str):  # lazy: keep `import isolint` (and the pytest plugin) cheap
    if name in ("scan_paths", "scan_source"):
        from isolint import engine

        return getattr(engine, name)
    raise AttributeError(name)
