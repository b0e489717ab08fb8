"""Process environment: environment variables (names only, never values) and the working directory."""

from __future__ import annotations

import os
from typing import Any, Hashable

from isolint.plugin.probes.base import MISSING, Probe

#: Set and removed by pytest itself around every test phase.
_PYTEST_OWN = frozenset({"PYTEST_CURRENT_TEST"})

# Bound at import (when --isolint starts), so a test that patches them cannot fool the probe.
# ``os.environ._data`` is the encoded mapping behind ``os.environ`` (CPython, every version):
# copying it is a C-level dict copy, where ``dict(os.environ)`` decodes every key and value.
_ENVIRON = os.environ
_RAW = getattr(os.environ, "_data", None)
_decode = getattr(os.environ, "decodekey", str)
_PYTEST_OWN_RAW = frozenset(getattr(os.environ, "encodekey", str)(name) for name in _PYTEST_OWN)
_getcwd = os.getcwd


def _environ() -> dict[Hashable, Any]:
    if _RAW is None:  # pragma: no cover - not CPython
        env = dict(_ENVIRON)
        names = _PYTEST_OWN
    else:
        env = _RAW.copy()
        names = _PYTEST_OWN_RAW
    for name in names:
        env.pop(name, None)
    return env


def _describe_environ(raw_key: Hashable, before: Any, after: Any) -> tuple[str, str]:
    key = raw_key if isinstance(raw_key, str) else _decode(raw_key)
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


# The live mapping, no copy. (No dict version stamp: pytest sets and removes its own variable in
# every test phase, so the stamp always moves.) While pytest's variable is set the two differ,
# and the recorder falls back to a snapshot, which leaves it out.
ENVIRONMENT = (
    Probe("environment", _environ, _describe_environ, "{raw} == {old}", {"raw": _RAW})
    if _RAW is not None
    else Probe("environment", _environ, _describe_environ)  # pragma: no cover - not CPython
)
# Compared after every test: code can change the directory without calling ``os.chdir`` (C
# code's own chdir(2), a reference to ``os.chdir`` taken before the run), and a check that
# trusted a count of ``os.chdir`` calls would see such a change late and blame a later test.
# A deleted working directory raises: the check is then false, and the snapshot says so.
CWD = Probe("cwd", _cwd, _describe_cwd, "{old}['cwd'] == {getcwd}()", {"getcwd": _getcwd})
