"""Global configuration in the standard library: root logger, warnings filters, socket timeout."""

from __future__ import annotations

import logging
import socket
import warnings
from typing import Any, Hashable

from isolint.plugin.probes.base import MISSING, Probe
from isolint.plugin.probes.watch import KeptSnapshot
from isolint.runtime import Leak


# Bound at import (when --isolint starts), so a test that patches them cannot fool the probe.
_ROOT = logging.root
_getdefaulttimeout = socket.getdefaulttimeout


def _logging() -> dict[Hashable, Any]:
    # "level", "disable", and each handler under its id (an int: no clash with the two names).
    state: dict[Hashable, Any] = {"level": _ROOT.level, "disable": _ROOT.manager.disable}
    for handler in _ROOT.handlers:
        state[id(handler)] = handler
    return state


def _describe_logging(key: Hashable, before: Any, after: Any) -> tuple[str, str]:
    if key == "level":
        old, new = logging.getLevelName(before), logging.getLevelName(after)
        return "root.level", f"root logger level changed from {old} to {new} and not restored"
    if key == "disable":
        old, new = logging.getLevelName(before), logging.getLevelName(after)
        return "logging.disable", f"`logging.disable` changed from {old} to {new} and not restored"
    handler = after if before is MISSING else before
    name = type(handler).__name__
    if before is MISSING:
        return f"handler:{name}", f"{name} added to the root logger and not removed"
    return f"handler:{name}", f"{name} removed from the root logger and not restored"


def _combine_logging(leaks: list[Leak]) -> list[Leak]:
    """A handler removed and another of its type added (a replaced handler): one leak."""
    by_key: dict[str, list[Leak]] = {}
    for leak in leaks:
        by_key.setdefault(leak.key, []).append(leak)
    combined = []
    for key, same in by_key.items():
        added = [l for l in same if l.detail.endswith("added to the root logger and not removed")]
        removed = [l for l in same if l.detail.endswith("removed from the root logger and not restored")]
        if key.startswith("handler:") and added and removed:
            name = key.split(":", 1)[1]
            combined.append(Leak(same[0].kind, same[0].rule, key, f"{name} of the root logger replaced by another and not restored"))
            same = [l for l in same if l is not added[0] and l is not removed[0]]
        combined += same
    return combined


def _warnings() -> dict[Hashable, Any]:
    # Read each time: catch_warnings() assigns a new list to warnings.filters.
    return {"filters": tuple(warnings.filters)}


def _describe_warnings(key: Hashable, before: Any, after: Any) -> tuple[str, str]:
    old = () if before is MISSING else before
    new = () if after is MISSING else after
    added = sum(1 for f in new if f not in old)
    removed = sum(1 for f in old if f not in new)
    return "warnings.filters", (
        f"`warnings.filters` changed ({added} added, {removed} removed) and not restored"
    )


def _socket() -> dict[Hashable, Any]:
    return {"timeout": _getdefaulttimeout()}


def _describe_socket(key: Hashable, before: Any, after: Any) -> tuple[str, str]:
    return "socket.defaulttimeout", (
        f"`socket.setdefaulttimeout` changed from {before} to {after} and not restored"
    )


def _same_logging(old: dict[Hashable, Any]) -> bool:
    # The snapshot keeps its handlers alive: an id found there is that very handler.
    handlers = _ROOT.handlers
    return (
        old.get("level") == _ROOT.level
        and old.get("disable") == _ROOT.manager.disable
        and len(old) == len(handlers) + 2
        and all(map(old.__contains__, map(id, handlers)))
    )


class _LoggingSeen(KeptSnapshot):
    """The root logger's level, ``logging.disable`` and a copy of its handler list when a snapshot
    was last found equal: the check compares one short list (handlers by identity) with them."""

    __slots__ = ("values",)

    CHECK = (
        f"({KeptSnapshot.UNMODIFIED.format(kept='{seen}', old='{old}')}"
        " and [{root}.level, {root}.manager.disable, {root}.handlers] == {seen}.values) or {seen}({old})"
    )

    def __call__(self, old: dict[Hashable, Any]) -> bool:
        if not _same_logging(old):
            return False
        if self.keep(old):
            self.values = [_ROOT.level, _ROOT.manager.disable, list(_ROOT.handlers)]
        return True


LOGGING = Probe("logging", _logging, _describe_logging, _LoggingSeen.CHECK, {"root": _ROOT, "seen": _LoggingSeen()}, _combine_logging)
WARNINGS = Probe("warnings", _warnings, _describe_warnings)
SOCKET = Probe("socket", _socket, _describe_socket, "{old}['timeout'] == {timeout}()", {"timeout": _getdefaulttimeout})
