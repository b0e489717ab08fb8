"""The whole-scan pass over fixed values: a port or a path that only one test uses.

Under ``pytest -n auto`` two tests collide on a fixed port or path only when both use it: a
value that one single test uses (one test function or method, run once: not parametrized, not
inherited, not in a fixture, a helper or module-level code) is bound or written by one worker at
a time. Whether another test uses the same value can only be known once every file is scanned,
so each file's result records the values its rules saw with the test using each
(:class:`isolint.model.ValueUse`, cached with the result), and this pass, run on all the results
of a scan, drops the findings on values that exactly one test uses. Counted across the files
scanned together: scanning one file alone can drop a finding that a scan of the whole suite
keeps.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Iterable

from isolint.model import FileResult, ValueUse


def _user(use: ValueUse, reused: frozenset[str]) -> str:
    """The use's test, or ``""`` when its class is subclassed or imported somewhere (its tests
    then run more than once)."""
    parts = use.user.split("::")
    if len(parts) == 3 and parts[1] in reused:
        return ""
    return use.user


def drop_single_test_values(results: Iterable[FileResult]) -> list[FileResult]:
    """``results`` without the findings on a value (per rule) that exactly one test uses."""
    results = list(results)
    if not any(r.uses for r in results):
        return results
    reused = frozenset(c for r in results for c in r.reused_classes)
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    for result in results:
        for use in result.uses:
            users[use.rule, use.value].add(_user(use, reused))

    def single(use: ValueUse) -> bool:
        found = users[use.rule, use.value]
        return len(found) == 1 and "" not in found

    out = []
    for result in results:
        # A place that uses several values (`os.rename(a, b)`) is dropped only if all are single.
        kept_places = {(u.rule, u.line, u.col) for u in result.uses if not single(u)}
        drop = {(u.rule, u.line, u.col) for u in result.uses} - kept_places
        if drop:
            kept = tuple(f for f in result.findings if (f.name, f.line, f.col) not in drop)
            if len(kept) != len(result.findings):
                result = replace(result, findings=kept)
        out.append(result)
    return out


__all__ = ["drop_single_test_values"]
