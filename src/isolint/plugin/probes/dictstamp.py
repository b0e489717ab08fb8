"""Is a dict still equal to a snapshot it was equal to before? In O(1) when neither changed.

CPython stamps every dict with a version (``ma_version_tag``, PEP 509) that takes a new,
process-wide unique value whenever the dict is modified (an item set to another value, added,
deleted, the dict cleared). The stamp is not visible from Python; it is read through ``ctypes``
at its place right after the object header and ``ma_used``. A self-test at import proves the
place right (modifying a test dict three times gives three new stamps; reading again without a
change gives the same one). Where it fails (another interpreter, a free-threaded build, a version
that no longer stamps dicts) :class:`SeenEqual` compares the dicts every time, as before.

Both dicts' stamps are checked, so the answer stays exact when the snapshot itself is modified
(the recorder *rebases* snapshots in place) or when ``sys.modules`` is replaced by another dict.
"""

from __future__ import annotations

import functools
import operator
import sys
from typing import Any, Callable


def _stamp_view_factory() -> Callable[[dict[Any, Any]], Any] | None:
    """``view(d)`` -> an object whose ``.value`` is ``d``'s current stamp, or None if unavailable."""
    if sys.implementation.name != "cpython":
        return None  # pragma: no cover - other interpreters
    if hasattr(sys, "_is_gil_enabled"):  # 3.13+, where free-threaded builds (another layout) exist
        import sysconfig

        if sysconfig.get_config_var("Py_GIL_DISABLED"):
            return None  # pragma: no cover - free-threaded build
    try:
        import ctypes
    except ImportError:  # pragma: no cover - a build without ctypes
        return None
    offset = object.__basicsize__ + ctypes.sizeof(ctypes.c_ssize_t)  # PyObject_HEAD, ma_used

    def view(d: dict[Any, Any]) -> Any:
        return ctypes.c_uint64.from_address(id(d) + offset)

    probe: dict[str, int] = {}
    stamp = view(probe)
    seen = [stamp.value]
    probe["a"] = 1
    seen.append(stamp.value)
    probe["a"] = 2
    seen.append(stamp.value)
    del probe["a"]
    seen.append(stamp.value)
    if len(set(seen)) != 4 or stamp.value != seen[-1]:
        return None  # pragma: no cover - the version tag is not where 3.10 - 3.13 keep it
    return view


_view = _stamp_view_factory()


_OFFSET = object.__basicsize__ + 8  # PyObject_HEAD, ma_used: where _view reads the stamp
_BASE = 4096  # the first page is never mapped
_SPAN = 2**47 - _BASE  # user space on x86-64 and arm64 with 4-level page tables
_memory: Any = None


def _address_space() -> Any:
    """A memoryview of 64-bit words over the user address space (nothing is copied or mapped:
    only the words of live dicts are ever read), or None."""
    global _memory
    if _memory is None and _view is not None:
        import ctypes

        try:
            _memory = memoryview((ctypes.c_char * _SPAN).from_address(_BASE)).cast("B").cast("Q")
        except (TypeError, ValueError, OverflowError, MemoryError):  # pragma: no cover
            _memory = False
    return _memory or None


def stamps_reader(dicts: "list[dict[Any, Any]]") -> Callable[[], tuple[int, ...]] | None:
    """A function returning the current stamps of ``dicts`` as a tuple, in one C-level call (an
    ``itemgetter`` over the address space), or None where stamps cannot be read. Keep the dicts
    alive as long as the function is used."""
    if _view is None:
        return None
    words = [(id(d) + _OFFSET - _BASE) // 8 for d in dicts]
    memory = _address_space()
    if memory is not None and all(0 <= w < len(memory) for w in words) and len(words) > 1:
        get = operator.itemgetter(*words)
        return functools.partial(get, memory)
    views = tuple(_view(d) for d in dicts)
    value = operator.attrgetter("value")
    return lambda: tuple(map(value, views))


def stamp_view(d: dict[Any, Any]) -> Any:
    """An object whose ``.value`` is ``d``'s current stamp (it reads ``d``'s memory: keep ``d``
    alive as long as the view), or None where stamps cannot be read."""
    return None if _view is None else _view(d)


class SeenEqual:
    """Remembers the last (live dict, snapshot) pair found equal, and both their stamps.

    ``compare(live, snapshot)`` says whether they are equal (default ``==``): a probe whose
    snapshot is not a copy of the live dict but is derived from it gives its own.
    """

    __slots__ = ("_compare", "_live", "_snapshot", "_live_stamp", "_snapshot_stamp", "_live_view", "_snapshot_view")

    def __init__(self, compare: Callable[[Any, Any], bool] = operator.eq) -> None:
        self._compare = compare
        self._live: Any = None
        self._snapshot: Any = None

    @staticmethod
    def check(live: str) -> str:
        """A probe's ``check`` expression (placeholders ``{seen}``: this object, ``{old}``: the
        snapshot), ``live`` the expression of the live dict. Its usual case, both dicts unmodified
        since they were found equal, is inline (no call); otherwise it calls :meth:`equal`."""
        fast = (
            f"{{seen}}._snapshot is {{old}} and {{seen}}._live is {live}"
            " and {seen}._live_view.value == {seen}._live_stamp"
            " and {seen}._snapshot_view.value == {seen}._snapshot_stamp"
        )
        return f"({fast}) or {{seen}}.equal({live}, {{old}})"

    def equal(self, live: dict[Any, Any], snapshot: dict[Any, Any]) -> bool:
        """``compare(live, snapshot)``, remembering the pair and their stamps when equal (the
        fast path that trusts them is :meth:`check`'s expression). May raise what a value's
        ``__eq__`` raises."""
        if _view is None:
            return self._compare(live, snapshot)
        # The stamps are read before comparing: a modification after that changes them, and the
        # next call compares again.
        live_view, snapshot_view = _view(live), _view(snapshot)
        live_stamp, snapshot_stamp = live_view.value, snapshot_view.value
        if not self._compare(live, snapshot):
            return False
        # The views read these two dicts' memory: they are kept alive with them.
        self._live, self._snapshot = live, snapshot
        self._live_view, self._snapshot_view = live_view, snapshot_view
        self._live_stamp, self._snapshot_stamp = live_stamp, snapshot_stamp
        return True
