"""Process environment: environment variables (names only, never values) and the working directory."""

from __future__ import annotations

import os
from typing import Any, Hashable

from isolint.plugin.probes.base import MISSING, Probe

#: Set and removed by pytest itself around every test phase.
_PYTEST_OWN = frozenset({"PYTEST_CURRENT_TEST"})

# Bound at import (when --isolint starts), so a test that patches them cannot fool the probe.
_ENVIRON = os.environ
_getcwd = os.getcwd


def _environ() -> dict[Hashable, Any]:
    env = dict(_ENVIRON)
    for name in _PYTEST_OWN:
        env.pop(name, None)
    return env


def _describe_environ(key: Hashable, before: Any, after: Any) -> tuple[str, str]:
    if before is MISSING:
        return str(key), f"environment variable `{key}` set and not removed"
    if after is MISSING:
        return str(key), f"environment variable `{key}` deleted and not restored"
    return str(key), f"environment variable `{key}` changed and not restored"


def _cwd() -> dict[Hashable, Any]:
    try:
        return {"cwd": _getcwd()}
    except OSError:  # the working directory was deleted
        return {"cwd": "<deleted directory>"}


def _describe_cwd(key: Hashable, before: Any, after: Any) -> tuple[str, str]:
    return str(after), f"working directory changed from `{before}` to `{after}`"


ENVIRONMENT = Probe("environment", _environ, _describe_environ)
CWD = Probe("cwd", _cwd, _describe_cwd)
