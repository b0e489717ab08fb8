"""Settings: ``[tool.isolint]`` plus the parts of pytest's own configuration that matter.

INTERFACE STUB: ``load_settings`` returns defaults until the config loader lands.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_PYTHON_FILES = ("test_*.py", "*_test.py")
DEFAULT_PYTHON_CLASSES = ("Test",)
DEFAULT_PYTHON_FUNCTIONS = ("test",)
DIST_MODES = ("no", "each", "load", "loadscope", "loadfile", "loadgroup", "worksteal")
XDIST_GROUP_POLICIES = ("all", "shared-state")


class ConfigError(Exception):
    """A configuration problem the user must fix (exit code 2)."""


@dataclass(frozen=True)
class PytestConfig:
    """What isolint needs from the project's pytest configuration."""

    rootdir: str = "."
    #: The file the pytest configuration came from, or "" when none was found.
    inifile: str = ""
    python_files: tuple[str, ...] = DEFAULT_PYTHON_FILES
    python_classes: tuple[str, ...] = DEFAULT_PYTHON_CLASSES
    python_functions: tuple[str, ...] = DEFAULT_PYTHON_FUNCTIONS
    testpaths: tuple[str, ...] = ()
    addopts: tuple[str, ...] = ()
    #: The xdist distribution mode in effect (one of DIST_MODES), or "" when none is configured.
    dist_mode: str = ""
    #: Where dist_mode came from, e.g. "pytest.ini [pytest] addopts" or "[tool.isolint] dist".
    dist_source: str = ""
    #: The -n / --numprocesses value from addopts ("auto", "4", ...) or "".
    numprocesses: str = ""


@dataclass(frozen=True)
class Settings:
    """Everything that changes what a scan reports. Hashable: it keys the cache."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: (rule name or code, SEVERITY NAME) pairs.
    severity_overrides: tuple[tuple[str, str], ...] = ()
    #: (glob, (rule names or codes...)) pairs.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    xdist_group_policy: str = "all"
    #: Severity name at or above which findings fail the run; "" means any finding.
    fail_on: str = ""
    pytest: PytestConfig = field(default_factory=PytestConfig)
    #: The pyproject.toml that held [tool.isolint], or "".
    config_file: str = ""

    def with_overrides(self, **changes: object) -> "Settings":
        """A copy with command-line values applied (None means "not given")."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_settings(paths: list[Path] | None = None, cwd: Path | None = None) -> Settings:
    """Find and read the configuration that applies to ``paths`` (default: ``cwd``)."""
    return Settings(pytest=PytestConfig(rootdir=str((cwd or Path.cwd()).resolve())))
