"""What a probe is, and the generic comparison of two snapshots.

A probe turns one piece of process-wide state into a snapshot: a flat ``dict`` from a key
(an environment variable name, a module name, a signal name ...) to a value compared with
``==``. Flat snapshots let the recorder compare, and *rebase*, every probe the same way: when a
module- or session-scoped fixture changes some keys during a test, the test's baseline takes the
fixture's values for those keys, so the test is not blamed for them.

Most tests change nothing, so a probe can also say whether the live state still equals an earlier
snapshot without taking a new one (its ``check`` expression; the recorder joins all of them into
one function): for ``sys.modules`` and the environment that compares the live mapping with the
snapshot, with no copy.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Iterable, Mapping, Sequence

from isolint.runtime import RULE_BY_KIND, Leak

Snapshot = Mapping[Hashable, Any]

#: Stands for "no such key" in a snapshot.
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()


class Probe:
    """One kind of process state: how to take it, how to tell it is unchanged, and how to word a
    difference in it.

    * ``kind``: the leak kind (a key of ``isolint.runtime.RULE_BY_KIND``);
    * ``snapshot()``: the current state as a flat dict;
    * ``describe(key, before, after)`` -> ``(reported_key, detail)``, or None when the change is
      not a leak (a module imported for the first time, a thread that was daemonic ...);
      ``before`` / ``after`` may be :data:`MISSING`;
    * ``combine(leaks)``: optional, merges leaks that describe one change together;
    * ``check``: a Python expression, true when the live state equals the snapshot ``{old}``
      and cheaper than taking a snapshot; it uses the objects of ``names`` as ``{name}``. It may
      be false when they are equal (the caller then takes a snapshot and compares key by key),
      never true when they differ. Default: ``{snapshot}() == {old}``. The recorder compiles
      every probe's expression into one function (:func:`compile_check`): one call per test
      instead of one per probe.
    """

    # A plain class: the plugin's start-up pays for every dataclass it defines.
    __slots__ = ("kind", "snapshot", "describe", "check", "names", "combine", "_unchanged")

    def __init__(
        self,
        kind: str,
        snapshot: Callable[[], dict[Hashable, Any]],
        describe: Callable[[Hashable, Any, Any], "tuple[str, str] | None"],
        check: str = "{snapshot}() == {old}",
        names: Mapping[str, Any] | None = None,
        combine: Callable[[list[Leak]], list[Leak]] | None = None,
    ) -> None:
        self.kind = kind
        #: ``combine(leaks)``: one leak for what several keys together mean (a handler removed
        #: and another of its type added: replaced), or None.
        self.combine = combine
        self.snapshot = snapshot
        self.describe = describe
        self.check = check
        self.names = {"snapshot": snapshot, **(names or {})}
        self._unchanged: Callable[[Mapping[str, Any]], bool] | None = None

    def __repr__(self) -> str:
        return f"Probe({self.kind!r})"

    def unchanged(self, old: dict[Hashable, Any]) -> bool:
        """Whether the live state equals the snapshot ``old``; False when in doubt (a value whose
        ``__eq__`` raises), so the caller takes a snapshot and compares key by key."""
        if self._unchanged is None:
            self._unchanged = compile_check((self,))
        return self._unchanged({self.kind: old})

    @property
    def rule(self) -> str:
        return RULE_BY_KIND[self.kind]

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
        if self.combine is not None and len(found) > 1:
            found = self.combine(found)
        return sorted(found)


def compile_check(probes: Sequence[Probe]) -> Callable[[Mapping[str, Any]], bool]:
    """One function ``check(state)``: whether every probe's live state equals its snapshot in
    ``state`` (``{kind: snapshot}``), the probes' ``check`` expressions joined by ``and`` in one
    ``try`` (False when a value's ``__eq__`` raises). It runs once per test."""
    namespace: dict[str, Any] = {}
    lines = ["def check(state):", "    try:"]
    terms = []
    for i, probe in enumerate(probes):
        lines.append(f"        s{i} = state[{probe.kind!r}]")
        local = {name: f"p{i}_{name}" for name in probe.names}
        namespace.update({f"p{i}_{name}": value for name, value in probe.names.items()})
        terms.append(f"({probe.check.format(old=f's{i}', **local)})")
    lines.append(f"        return bool({' and '.join(terms) or 'True'})")
    lines += ["    except Exception:", "        return False"]
    exec(compile("\n".join(lines), f"<isolint check of {', '.join(p.kind for p in probes)}>", "exec"), namespace)
    check: Callable[[Mapping[str, Any]], bool] = namespace["check"]
    return check


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
