"""What a probe is, and the generic comparison of two snapshots.

A probe turns one piece of process-wide state into a snapshot: a flat ``dict`` from a key
(an environment variable name, a module name, a signal name ...) to a value compared with
``==``. Flat snapshots let the recorder compare, and *rebase*, every probe the same way: when a
module- or session-scoped fixture changes some keys during a test, the test's baseline takes the
fixture's values for those keys, so the test is not blamed for them.

Most tests change nothing, so a probe can also say whether the live state still equals an earlier
snapshot (:meth:`Probe.unchanged`) without taking a new one: for ``sys.modules`` and the
environment that compares the live mapping with the snapshot, with no copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, Mapping

from isolint.runtime import RULE_BY_KIND, Leak

Snapshot = Mapping[Hashable, Any]

#: Stands for "no such key" in a snapshot.
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()


@dataclass(frozen=True)
class Probe:
    """One kind of process state: how to take it, and how to word a difference in it."""

    #: The leak kind (a key of ``isolint.runtime.RULE_BY_KIND``).
    kind: str
    #: Returns the current state as a flat dict.
    snapshot: Callable[[], dict[Hashable, Any]]
    #: ``describe(key, before, after)`` -> ``(reported_key, detail)``, or None when the change
    #: is not a leak (a module imported for the first time, a thread that was daemonic ...).
    #: ``before`` / ``after`` may be :data:`MISSING`.
    describe: Callable[[Hashable, Any, Any], "tuple[str, str] | None"]
    #: ``matches(snapshot)`` -> whether the live state equals ``snapshot``, cheaper than taking
    #: a snapshot. It may say False when they are equal (the caller then takes a snapshot and
    #: compares key by key), never True when they differ. None: ``snapshot() == snapshot``.
    matches: "Callable[[dict[Hashable, Any]], bool] | None" = None

    def __post_init__(self) -> None:
        if self.matches is None:
            snapshot = self.snapshot
            object.__setattr__(self, "matches", lambda old: snapshot() == old)

    @property
    def rule(self) -> str:
        return RULE_BY_KIND[self.kind]

    def unchanged(self, old: dict[Hashable, Any]) -> bool:
        """Whether the live state equals the snapshot ``old``; False when in doubt (a value whose
        ``__eq__`` raises), so the caller takes a snapshot and compares key by key."""
        return all_unchanged(((self.kind, self.matches),), {self.kind: old})

    def leaks(self, before: Snapshot, after: Snapshot, keys: Iterable[Hashable] | None = None) -> list[Leak]:
        """The leaks between two snapshots (restricted to ``keys`` when given)."""
        found = []
        for key in changed_keys(before, after) if keys is None else keys:
            old, new = before.get(key, MISSING), after.get(key, MISSING)
            if _same(old, new):
                continue
            described = self.describe(key, old, new)
            if described is not None:
                found.append(Leak(self.kind, self.rule, *described))
        return sorted(found)


def all_unchanged(checks: Iterable[tuple[str, Callable[[Any], bool]]], state: Mapping[str, Any]) -> bool:
    """Whether every probe's live state equals its part of ``state``. ``checks`` are
    ``(probe.kind, probe.matches)`` pairs. One loop and one ``try`` for all probes: this runs
    once per test. False when in doubt (a value whose ``__eq__`` raises)."""
    try:
        for kind, matches in checks:
            if not matches(state[kind]):
                return False
    except Exception:
        return False
    return True


def _same(old: Any, new: Any) -> bool:
    if old is new:
        return True
    try:
        return bool(old == new)
    except Exception:  # a value with an odd __eq__ (an array, a broken mock): identity only
        return False


def changed_keys(before: Snapshot, after: Snapshot) -> set[Hashable]:
    """Keys whose value differs (or that exist on one side only). Fast when nothing changed."""
    if before is after:
        return set()
    try:
        if before == after:
            return set()
        return {key for key, _ in before.items() ^ after.items()}
    except Exception:  # unhashable or uncomparable values: compare key by key
        keys = set(before) | set(after)
        return {k for k in keys if not _same(before.get(k, MISSING), after.get(k, MISSING))}
