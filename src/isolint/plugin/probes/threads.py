"""Threads still running after a test, and signal handlers."""

from __future__ import annotations

import _signal
import signal
import threading
from typing import Any, Hashable

from isolint.plugin.probes.base import MISSING, Probe
from isolint.plugin.probes.dictstamp import SeenEqual
from isolint.plugin.probes.watch import CallWatch


# Bound at import (when --isolint starts), so a test that patches them cannot fool the probe.
_enumerate = threading.enumerate
# The C function: ``signal.getsignal`` wraps every result in an enum, four times slower.
_getsignal = getattr(_signal, "getsignal", signal.getsignal)


def _threads() -> dict[Hashable, Any]:
    # Keyed by the Thread object itself: idents are reused once a thread ends.
    return {t: t.daemon for t in _enumerate()}


def _same_threads(old: dict[Hashable, Any]) -> bool:
    # A thread's daemon flag cannot change once it runs: the same threads, the same snapshot.
    threads = _enumerate()
    return len(threads) == len(old) and all(map(old.__contains__, threads))


# threading's own registry of running threads (ident -> Thread), and of threads being started.
# While the registry is not modified no thread started or ended: no need to list them. (A test
# cannot be between start() and its return here: start() returns once the thread is registered.)
_ACTIVE = getattr(threading, "_active", None)
_LIMBO = getattr(threading, "_limbo", None)
_threads_seen = SeenEqual(lambda active, old: _same_threads(old))


def _describe_thread(key: Hashable, before: Any, after: Any) -> tuple[str, str] | None:
    if after is MISSING or after is True or before is not MISSING:
        return None  # ended, daemonic, or already running before
    assert isinstance(key, threading.Thread)
    return key.name, f"non-daemon thread `{key.name}` started and still running"


# The named signals whose handler can change (not SIGKILL / SIGSTOP), as ints (enums convert
# slowly). Unnamed real-time signals are left out: reading 30 more handlers per snapshot would
# double the probe's cost for signals test suites do not use.
_VALID = signal.valid_signals()
_SIGNALS = tuple(sorted(int(s) for s in signal.Signals if s.name not in ("SIGKILL", "SIGSTOP") and s in _VALID))


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def _readable(signum: int) -> bool:
    try:
        _getsignal(signum)
    except (OSError, ValueError):  # pragma: no cover - platform specific
        return False
    return True


_READABLE = tuple(filter(_readable, _SIGNALS))


def _signals() -> dict[Hashable, Any]:
    # map() over the C getsignal: the loop runs in C, one Python-level call per snapshot.
    return dict(zip(_READABLE, map(_getsignal, _READABLE)))


def _handler_name(handler: Any) -> str:
    if handler is MISSING or handler is None:
        return "none"
    if isinstance(handler, int):
        return signal.Handlers(handler).name if handler in (0, 1) else str(handler)
    return getattr(handler, "__qualname__", type(handler).__name__)


def _describe_signal(key: Hashable, before: Any, after: Any) -> tuple[str, str]:
    name = _signal_name(int(key))  # type: ignore[call-overload]
    old, new = _handler_name(before), _handler_name(after)
    if old == new:  # the same function of another object (two instances' bound methods)
        owner = type(getattr(after, "__self__", None)).__name__ if hasattr(after, "__self__") else None
        whose = f" (bound to another {owner} instance)" if owner else " (another object of that name)"
        return name, f"handler of {name} replaced by another `{new}`{whose} and not restored"
    return name, (
        f"handler of {name} changed from `{_handler_name(before)}` to `{_handler_name(after)}` "
        "and not restored"
    )


THREADS = (
    Probe(
        "thread",
        _threads,
        _describe_thread,
        f"not {{limbo}} and ({SeenEqual.check('{active}')})",
        {"limbo": _LIMBO, "seen": _threads_seen, "active": _ACTIVE},
    )
    if type(_ACTIVE) is dict and type(_LIMBO) is dict
    else Probe("thread", _threads, _describe_thread, "{same}({old})", {"same": _same_threads})  # pragma: no cover
)
def _same_signals(old: dict[Hashable, Any]) -> bool:
    # Lists, no dict to build; a snapshot whose keys were reordered (a rebase) only makes this false.
    return list(map(_getsignal, _READABLE)) == list(old.values())


#: Python sets a handler only through ``_signal.signal`` (``signal.signal`` calls it by attribute).
SIGNAL_WATCH = CallWatch(_same_signals, ((_signal, "signal"),))
SIGNALS = Probe("signal", _signals, _describe_signal, CallWatch.CHECK, {"watch": SIGNAL_WATCH})
