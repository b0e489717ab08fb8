"""The import system: ``sys.modules`` entries removed or replaced, and ``sys.path``."""

from __future__ import annotations

import sys
import types
from collections import Counter
from typing import Any, Hashable

from isolint.plugin.probes.base import MISSING, Probe
from isolint.plugin.probes.dictstamp import SeenEqual, stamp_view


def _modules() -> dict[Hashable, Any]:
    return sys.modules.copy()  # dict.copy() clones the table: 4x faster than dict(sys.modules)


_modules_seen = SeenEqual()


def _origin(module: types.ModuleType) -> Any:
    return getattr(getattr(module, "__spec__", None), "origin", None)


def _importable(name: str) -> bool:
    """Whether an import of the top-level ``name`` would find it now (ignoring ``sys.modules``)."""
    for finder in list(sys.meta_path):
        find_spec = getattr(finder, "find_spec", None)
        if find_spec is None:
            continue
        try:
            if find_spec(name, None) is not None:
                return True
        except Exception:  # a finder that breaks on a name it does not know: not found there
            continue
    return False


def _left_by_a_gone_path(name: str, module: types.ModuleType) -> bool:
    """A top-level module loaded from a file that no import could find now: it was imported
    from a ``sys.path`` entry that is gone (``monkeypatch.syspath_prepend`` undone), and a later
    test that imports it gets it from ``sys.modules`` only when this test ran first."""
    spec = getattr(module, "__spec__", None)
    return "." not in name and spec is not None and bool(getattr(spec, "has_location", False)) and not _importable(name)


def _describe_module(key: Hashable, before: Any, after: Any) -> tuple[str, str] | None:
    if after is MISSING:
        return str(key), f"`sys.modules[{key!r}]` removed (the next import re-executes the module)"
    kind = type(after).__name__
    if before is MISSING:
        if isinstance(after, types.ModuleType):
            if _left_by_a_gone_path(str(key), after):
                where = _origin(after)
                return str(key), (
                    f"`{key}` imported from `{where}`, which is no longer on `sys.path`: the module "
                    "stays importable only through `sys.modules`"
                )
            return None  # an ordinary first import
        return str(key), f"`sys.modules[{key!r}]` set to a {kind} and not removed"
    if (
        isinstance(after, types.ModuleType)
        and isinstance(before, types.ModuleType)
        and getattr(after, "__name__", None) == getattr(before, "__name__", None)
        and _origin(after) == _origin(before)
    ):
        return None  # imported again from the same place (a library's first-use set-up run again)
    return str(key), f"`sys.modules[{key!r}]` replaced by a {kind} and not restored"


def _path() -> dict[Hashable, Any]:
    # One key per entry (with its count): a fixture's own entry and a test's entry stay apart.
    path = sys.path
    try:
        entries = dict.fromkeys(path, 1)
    except TypeError:  # not a list of strings (a test set `sys.path = None`): noted as it is
        path = [repr(e) for e in path] if isinstance(path, (list, tuple)) else [f"<{path!r}>"]
        entries = dict.fromkeys(path, 1)
    return entries if len(entries) == len(path) else dict(Counter(path))


class _PathSeenEqual:
    """Whether ``sys.path`` still holds the entries it held when last found equal to a snapshot
    (a list comparison, where a snapshot of it builds a dict), while that snapshot is unmodified.

    :attr:`CHECK` is the probe's expression: that list comparison inline, else a call, which
    compares a new snapshot and remembers the entries when equal.
    """

    CHECK = (
        "({seen}._snapshot is {old} and {seen}._view is not None and {seen}._view.value == {seen}._stamp"
        " and {sys}.path == {seen}._entries) or {seen}({old})"
    )

    def __init__(self) -> None:
        self._snapshot: Any = None
        self._view: Any = None
        self._stamp: Any = None
        self._entries: list[str] = []

    def __call__(self, old: dict[Hashable, Any]) -> bool:
        if _path() != old:
            return False
        path = sys.path
        self._snapshot, self._view = old, stamp_view(old)
        self._entries = list(path) if isinstance(path, (list, tuple)) else path
        self._stamp = self._view.value if self._view is not None else None
        return True


def _describe_path(key: Hashable, before: Any, after: Any) -> tuple[str, str]:
    old = 0 if before is MISSING else before
    new = 0 if after is MISSING else after
    verb = "added to" if new > old else "removed from"
    return str(key), f"`{key}` {verb} `sys.path` and not restored"


# No copy; and no comparison either while neither dict was modified (the usual test).
MODULES = Probe(
    "sys.modules", _modules, _describe_module, SeenEqual.check("{sys}.modules"), {"seen": _modules_seen, "sys": sys}
)
PATH = Probe(
    "sys.path",
    _path,
    _describe_path,
    _PathSeenEqual.CHECK,
    {"seen": _PathSeenEqual(), "sys": sys},
)
