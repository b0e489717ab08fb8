"""``unittest.mock``: patches still active, mocks kept on test instances, and a live-mock counter."""

from __future__ import annotations

import functools
import sys
import weakref
from typing import Any, Callable, Hashable

from isolint.plugin.probes.base import MISSING, Probe


def _active_patches() -> dict[Hashable, Any]:
    mock = sys.modules.get("unittest.mock")
    if mock is None:
        return {}
    # Patches started with ``.start()`` (``patch``, ``patch.object``, ``patch.dict``) are kept in
    # this list until ``.stop()`` / ``patch.stopall()``.
    return {id(p): p for p in getattr(mock._patch, "_active_patches", ())}


def _patches_match(old: dict[Hashable, Any]) -> bool:
    mock = sys.modules.get("unittest.mock")
    active = getattr(mock._patch, "_active_patches", ()) if mock is not None else ()
    if not active:
        return not old
    # Keys are ids of patchers the snapshot keeps alive: an id there is that very patcher.
    return len(active) == len(old) and all(id(p) in old for p in active)


def patch_target(patcher: Any) -> str:
    """``os.getcwd`` for ``patch("os.getcwd")``; ``Config.load`` for ``patch.object(Config, "load")``."""
    attribute = getattr(patcher, "attribute", None)
    if attribute is None:  # patch.dict
        target = getattr(patcher, "in_dict", None)
        if isinstance(target, str):
            return target
        if target is sys.modules.get("os", object()).__dict__.get("environ"):
            return "os.environ"
        return f"a {type(target).__name__}"
    getter = getattr(patcher, "getter", None)
    if isinstance(getter, functools.partial) and getter.args:  # patch("pkg.mod.attr")
        return f"{getter.args[0]}.{attribute}"
    owner = None
    if getter is not None and getattr(getter, "__closure__", None):  # patch.object(owner, ...)
        owner = getter.__closure__[0].cell_contents
    name = getattr(owner, "__qualname__", None) or getattr(owner, "__name__", None)
    return f"{name or type(owner).__name__}.{attribute}"


def _describe_patch(key: Hashable, before: Any, after: Any) -> tuple[str, str] | None:
    if after is MISSING:
        return None  # stopped (patch.stopall() cleaning up after someone else is not a leak)
    target = patch_target(after)
    return target, f"patch of `{target}` started and never stopped"


PATCHES = Probe("patch", _active_patches, _describe_patch, "{match}({old})", {"match": _patches_match})


def instance_mocks(instance: object) -> list[tuple[str, str]]:
    """``(key, detail)`` for each mock held in an attribute of a test-class instance.

    pytest keeps every test's instance alive until the session ends (pytest-dev/pytest#11374),
    so whatever ``setup_method`` stored on ``self`` and teardown did not drop stays in memory.
    """
    mock = sys.modules.get("unittest.mock")
    if mock is None or instance is None:
        return []
    try:
        attributes = vars(instance)
    except TypeError:  # __slots__
        return []
    return [
        (f"self.{name}", f"mock `self.{name}` still held by the test instance after teardown")
        for name, value in sorted(attributes.items())
        if isinstance(value, mock.NonCallableMock)
    ]


class MockCounter:
    """Counts ``unittest.mock`` objects alive, by wrapping ``NonCallableMock.__new__``.

    Every mock (``Mock``, ``MagicMock``, ``AsyncMock``, child mocks, the mocks ``patch`` creates)
    is built by that ``__new__``; each one is registered with a weak reference whose callback
    drops it when it is freed. A count therefore includes mocks that are unreachable but not yet
    collected: that is what memory really holds. Installed only while ``--isolint`` is on, from
    the first test after ``unittest.mock`` was imported (before that no mock can exist).
    """

    def __init__(self) -> None:
        self._refs: dict[int, weakref.ref[Any]] = {}
        self._original: Any = None
        self._cls: Any = None
        #: Whether the counter is installed (an attribute: the plugin reads it before every test).
        self.installed = False

    @property
    def alive(self) -> int:
        """Mocks alive; 0 while ``unittest.mock`` is not imported; -1 when it is but not counted."""
        if self._cls is not None:
            return len(self._refs)
        return -1 if "unittest.mock" in sys.modules else 0

    def counter(self) -> Callable[[], int]:
        """A function returning :attr:`alive`: the count's own ``len`` once installed (no Python
        frame), so call this again after :meth:`install`."""
        if self._cls is not None:
            return self._refs.__len__
        return self._alive_uninstalled

    @staticmethod
    def _alive_uninstalled() -> int:
        return -1 if "unittest.mock" in sys.modules else 0

    def install(self) -> None:
        from unittest import mock

        cls, original = mock.NonCallableMock, mock.NonCallableMock.__dict__["__new__"]
        refs = self._refs

        def forget(ref: weakref.ref[Any]) -> None:
            refs.pop(id(ref), None)

        def __new__(klass, /, *args, **kwargs):  # noqa: N807 - mirrors the wrapped method
            instance = original(klass, *args, **kwargs)
            try:
                ref = weakref.ref(instance, forget)
            except TypeError:  # pragma: no cover - a subclass with __slots__ and no __weakref__
                return instance
            refs[id(ref)] = ref
            return instance

        cls.__new__ = staticmethod(__new__)
        self._cls, self._original = cls, original
        self.installed = True

    def uninstall(self) -> None:
        if self._cls is not None:
            self._cls.__new__ = self._original
            self._cls = self._original = None
            self.installed = False
            self._refs.clear()
