"""Skipping a check while the only functions that change its state were not called.

Some state can change only through one function: the handlers Python keeps for signals only
through ``_signal.signal`` (``signal.signal`` looks it up on every call). While
:meth:`CallWatch.install` has replaced it with a counting wrapper, no call since the last full
comparison means no change, and a probe's check reads one counter instead of the state (31
signal handlers). Every :data:`FULL_CHECK_EVERY`-th check compares in full anyway: a change made
around the wrapper (a reference to the original taken before the run) is then seen, a few tests
late. Not installed (the probes used on their own), every check compares. The working directory
is not watched this way: C code changes it with chdir(2) without any Python call, and a change
seen late would be blamed on a later test.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable, Hashable

from isolint.plugin.probes.dictstamp import stamp_view

#: With a watch installed, every this many checks compares in full although no watched function
#: was called.
FULL_CHECK_EVERY = 64


class KeptSnapshot:
    """The snapshot a probe's check last found equal to the live state, while it is unmodified:
    :attr:`UNMODIFIED` (an expression; ``{kept}`` this object, ``{old}`` the snapshot) is true
    while the snapshot compared is the one kept and its dict stamp has not moved (the recorder
    rebases snapshots in place). Where stamps cannot be read nothing is kept (always false)."""

    __slots__ = ("_snapshot", "_view", "_stamp")

    UNMODIFIED = "{kept}._snapshot is {old} and {kept}._view.value == {kept}._stamp"

    def __init__(self) -> None:
        self._snapshot: Any = None
        self._view: Any = None
        self._stamp: Any = None

    def keep(self, old: dict[Hashable, Any]) -> bool:
        """Keep ``old`` (found equal to the live state); whether it could be kept."""
        view = stamp_view(old)
        if view is None:
            self._snapshot = None
            return False
        self._snapshot, self._view, self._stamp = old, view, view.value
        return True


class CallWatch(KeptSnapshot):
    """Counts the calls of ``functions`` (``(module, attribute name)`` pairs) while installed.

    ``compare(old)`` says whether the live state equals the snapshot ``old``, in full. Calling
    the watch does that and, when equal and installed, keeps ``old`` and the call count;
    :attr:`CHECK`, a probe's check expression, trusts them while neither moved, but for every
    :data:`FULL_CHECK_EVERY`-th check.
    """

    __slots__ = ("_compare", "_functions", "_calls", "_installed", "_calls_seen", "_ticks")

    CHECK = (
        "({watch}._snapshot is {old} and {watch}._calls[0] == {watch}._calls_seen"
        " and {watch}._view.value == {watch}._stamp and next({watch}._ticks)) or {watch}({old})"
    )

    def __init__(self, compare: Callable[[dict[Hashable, Any]], bool], functions: tuple[tuple[Any, str], ...]) -> None:
        super().__init__()
        self._compare = compare
        self._functions = functions
        self._calls = [0]
        #: ``(module, name, original, wrapper)`` of each installed wrapper.
        self._installed: list[tuple[Any, str, Any, Any]] = []
        self._calls_seen = -1
        self._ticks = itertools.cycle((True,) * (FULL_CHECK_EVERY - 1) + (False,))

    def __call__(self, old: dict[Hashable, Any]) -> bool:
        calls = self._calls[0]  # read before comparing: a call after that is a change to check
        if not self._compare(old):
            return False
        if self._installed and self.keep(old):
            self._calls_seen = calls
        return True

    def install(self) -> None:
        if self._installed:
            return
        for module, name in self._functions:
            original = getattr(module, name, None)
            if original is not None:
                counted = _counting(original, self._calls)
                setattr(module, name, counted)
                self._installed.append((module, name, original, counted))

    def uninstall(self) -> None:
        """Put the functions back (each unless something replaced its wrapper since)."""
        installed, self._installed, self._snapshot = self._installed, [], None
        for module, name, original, wrapper in installed:
            if getattr(module, name, None) is wrapper:
                setattr(module, name, original)


def _counting(original: Any, calls: list[int]) -> Any:
    """``original``, counting its calls in ``calls[0]``."""

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1  # before the call: a call that fails only costs a full check
        return original(*args, **kwargs)

    counted.__name__, counted.__qualname__, counted.__doc__ = original.__name__, original.__qualname__, original.__doc__
    counted.__wrapped__ = original  # type: ignore[attr-defined]
    return counted
