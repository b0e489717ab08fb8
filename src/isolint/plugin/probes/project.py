"""The project's own state: module globals and class attributes of the modules under test.

Most polluters in real suites change state inside the package under test: a module global set
through a setter (``global X``), a class-level registry or cache, a singleton. This probe watches
the project's own modules: those whose file lies under pytest's rootdir, outside virtual
environments and ``site-packages`` (the package(s) under test, test modules, conftests and
test-support modules; the static analysis scans the same files). Third-party and standard-library
modules are not watched.

Keys are qualified names: ``shop.settings._CURRENCY`` for a module global, and
``shop.catalog.Catalog._items`` for an attribute of a class defined in that module. A value is
compared by identity (a rebinding), and a container (dict, list, set, bytearray) also by a shallow
fingerprint (its length and the identities of its items), so ``Catalog._items[name] = price``
is seen too. A module imported for the first time during a test is not a leak (its keys are new).

Cost. Between two tests that changed nothing the check reads one version stamp per watched
module dict, class dict and dict container (:mod:`.dictstamp`), and compares each list and set
with a shallow copy (one C-level comparison of two tuples). Only when one moved is a snapshot
taken. Test modules (pytest's ``python_files``) are not watched: what their tests change is what
the other probes and the static rules look at, and their many test classes would make the check
several times dearer.
"""

from __future__ import annotations

import ast
import enum
import fnmatch
import gc
import os
import sys
import types
from operator import is_
from typing import Any, Hashable

from isolint.plugin.probes.base import MISSING, Probe
from isolint.plugin.probes.dictstamp import stamp_view, stamps_reader
from isolint.pysource import parse_quietly

#: A container larger than this is fingerprinted by its length (and a dict's stamp) only.
MAX_FINGERPRINT = 5000
_CONTAINERS = (dict, list, set, bytearray)
_SKIP_PARTS = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)
_ISOLINT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep
_ENUM_META = type(enum.Enum)
_dict_of = type.__dict__["__dict__"].__get__


def _class_dict(cls: type) -> dict[str, Any] | None:
    """The real dict behind a class's ``__dict__`` mappingproxy (for its stamp)."""
    referents = gc.get_referents(_dict_of(cls))
    return referents[0] if referents and type(referents[0]) is dict else None


_SCALARS = (str, bytes, int, float, complex, bool, type(None))
_DEFINITIONS = (types.FunctionType, type)


def _fingerprint(value: Any) -> Any:
    """What a rebinding or an in-place change would change: the value of a scalar, the qualified
    name of a function or class (a reload re-creates them), the length and the items' identities
    of a container (a reset to a new equal container is no change); the identity of anything
    else. Plain tuples and ints: snapshots compare in C."""
    kind = type(value)
    if kind in _SCALARS:
        return (kind, value)
    if kind not in _CONTAINERS:
        if isinstance(value, _DEFINITIONS):
            return ("def", getattr(value, "__module__", None), getattr(value, "__qualname__", None))
        return id(value)
    size = len(value)
    if size > MAX_FINGERPRINT:
        view = stamp_view(value) if kind is dict else None
        return (kind, size, view.value if view is not None else id(value))
    if kind is dict:
        return (kind, tuple(map(id, value)), tuple(map(id, value.values())))
    if kind is set:
        return (kind, frozenset(map(id, value)))
    if kind is bytearray:
        return (kind, bytes(value))
    return (kind, tuple(map(id, value)))


def _equal_state(a: dict[Hashable, Any], b: dict[Hashable, Any]) -> bool:
    try:
        return bool(a == b)
    except Exception:  # pragma: no cover - fingerprints are tuples of plain values
        return False


def _never_equal() -> None:
    """Stamps where they cannot be read: never equal, so every check takes a snapshot."""
    return None


def _copy(container: Any) -> Any:
    return container.copy()


#: What ``collections.namedtuple`` (and ``typing.NamedTuple``) put in a class besides descriptors.
_NAMEDTUPLE_ATTRIBUTES = frozenset({"_fields", "_field_defaults"})


def _holds_state(cls: type) -> bool:
    """Whether a class keeps data in its own namespace (a registry, a cache, a singleton's
    ``_instance``, a setting): an attribute that is not a function or a descriptor. Classes of
    methods only, exceptions, enums (whose members cannot be rebound) and named tuples with no
    attribute of their own (``_fields`` and ``_field_defaults`` describe the class) are not
    watched: most of a project's classes, and each would cost the check a stamp read per test."""
    if issubclass(cls, BaseException) or isinstance(cls, _ENUM_META):
        return False
    namespace = _dict_of(cls)
    generated = _NAMEDTUPLE_ATTRIBUTES if issubclass(cls, tuple) and "_fields" in namespace else ()
    for attr, value in namespace.items():
        if _watched_name(attr) and attr not in generated and not hasattr(type(value), "__get__"):
            return True
    return False


def _watched_name(name: str) -> bool:
    return not (name.startswith("__") and name.endswith("__")) and not name.startswith("@py")


class ProjectState:
    """The probe's state: which modules are the project's, and the stamps of the last snapshot."""

    def __init__(self, rootdir: str, test_files: tuple[str, ...] = ("test_*.py", "*_test.py")) -> None:
        #: pytest's ``python_files``: test modules are not watched (their tests are what is measured).
        self.test_files = test_files
        root = os.path.realpath(rootdir)
        self.root = root if root.endswith(os.sep) else root + os.sep
        #: module name -> module, for the project modules seen so far.
        self.modules: dict[str, types.ModuleType] = {}
        self._scanned: set[str] = set()
        self._nmodules = -1
        #: Keys of modules first imported during a test whose value already differs from their
        #: source's literal: ``key -> what the source sets``. Described (and dropped) as a leak of
        #: the test whose snapshot first saw them.
        self.since_import: dict[str, str] = {}
        #: While leaks are described: the modules the earlier snapshot covered.
        self.before_modules: frozenset[str] = frozenset()
        #: directory -> whether its files are the project's
        self._directories: dict[str, bool] = {}
        #: The snapshot the stamps below were read for, and what they were.
        self._snapshot: Any = None
        self._holders: list[dict[Any, Any]] = []
        self._read: Any = _never_equal
        #: Per namespace and dict container (by id): the object, its stamp and what the last
        #: snapshot read from it, reused while the stamp has not moved.
        self._namespaces: dict[int, Any] = {}
        self._container_fps: dict[int, Any] = {}
        #: A snapshot :meth:`unchanged` took (and found different), for the next :meth:`snapshot`.
        self._spare: Any = None
        self._stamps: tuple[int, ...] = ()
        #: Their sum: a stamp only grows (each modification of a dict gives it the next value of a
        #: process-wide counter), so an unchanged sum means no watched dict was modified, and the
        #: check compares one number with one it keeps instead of a tuple of them.
        self._stamp_sum: int | None = None
        self._sized: tuple[Any, ...] = ()
        self._copies: tuple[Any, ...] = ()
        #: Namespaces the running snapshot read afresh (not from the last one's).
        self._reads = 0

    # -- which modules ----------------------------------------------------------------------------
    def _is_project_file(self, filename: str) -> bool:
        directory = os.path.dirname(filename)
        known = self._directories.get(directory)
        if known is None:
            real = os.path.realpath(directory) + os.sep
            known = self._directories[directory] = (
                real.startswith(self.root)
                and not real.startswith(_ISOLINT_DIR)
                and not any(part in real for part in _SKIP_PARTS)
                and not _in_venv(real, self.root)
            )
        return known

    def _refresh_modules(self) -> None:
        modules = sys.modules
        if len(modules) == self._nmodules:
            return
        first = self._nmodules < 0
        self._nmodules = len(modules)
        scanned = self._scanned
        for name, module in list(modules.items()):
            if name in scanned:
                continue
            scanned.add(name)
            filename = getattr(module, "__file__", None) if isinstance(module, types.ModuleType) else None
            if (
                isinstance(filename, str)
                and filename.endswith(".py")
                and self._is_project_file(filename)
                and not self._is_test_module(filename)
            ):
                self.modules[name] = module
                if not first:  # imported during a test (or a fixture): compare with its source
                    self._changed_since_import(name, module, filename)

    def _changed_since_import(self, name: str, module: types.ModuleType, filename: str) -> None:
        """A module first imported during a test has no "before": the test that imported it and
        then called its setter would leave no trace. Its source's literal top-level values
        (``_CURRENCY = "EUR"``, ``_items = {}``) stand in for it: a name whose value differs
        already is a change made since the import."""
        try:
            with open(filename, "rb") as handle:
                tree = parse_quietly(handle.read(), filename)
        except (OSError, SyntaxError, ValueError):
            return
        namespace = vars(module)
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                target, value = statement.target, statement.value
            else:
                continue
            if not isinstance(target, ast.Name) or target.id not in namespace or not _watched_name(target.id):
                continue
            try:
                initial = ast.literal_eval(value)
                same = bool(namespace[target.id] == initial)
            except Exception:  # not a literal, or a value that cannot be compared
                continue
            if not same:
                self.since_import[f"{name}.{target.id}"] = f"literal value in the source ({_short(initial)})"
    def _is_test_module(self, filename: str) -> bool:
        base = os.path.basename(filename)
        return base != "conftest.py" and any(fnmatch.fnmatch(base, pattern) for pattern in self.test_files if "/" not in pattern)

    # -- snapshot and check ---------------------------------------------------------------------
    def snapshot(self) -> dict[Hashable, Any]:
        spare, self._spare = self._spare, None
        if spare is not None and spare is self._snapshot and self._fast_unchanged():
            return spare  # taken by unchanged() a moment ago, and still true
        if self._snapshot is not None and self._same_as_last():
            return self._snapshot
        self._refresh_modules()
        last = self._snapshot
        # Whether ``last`` is still as it was made (the recorder rebases snapshots in place).
        stamps = self._read() if last is not None else None
        intact = bool(stamps) and stamps[-1] == self._stamps[-1]
        parts: list[dict[Hashable, Any]] = []
        views: list[dict[Any, Any]] = []
        sized: list[Any] = []
        containers: list[tuple[str, Any]] = []
        previous, self._namespaces = self._namespaces, {}
        previous_fps, self._container_fps = self._container_fps, {}
        self._reads = 0
        for name, module in list(self.modules.items()):
            if sys.modules.get(name) is not module:
                continue  # removed or replaced: the sys.modules probe reports it
            namespace = getattr(module, "__dict__", None)
            if type(namespace) is not dict:
                continue
            views.append(namespace)
            entries, held, classes = self._entries(name, namespace, name, previous)
            parts.append(entries)
            containers += held
            for key, class_dict in classes:
                views.append(class_dict)
                class_entries, class_held, _ = self._entries(key, class_dict, None, previous)
                parts.append(class_entries)
                containers += class_held
        fingerprints = []
        for key, value in containers:
            if type(value) is dict:
                views.append(value)
                fingerprints.append(self._dict_fingerprint(value, previous_fps))
            else:
                sized.append(value)
                fingerprints.append(_fingerprint(value))
        modules = frozenset(self.modules)
        if (
            intact
            and not self._reads  # every namespace read as the last snapshot read it (the usual
            and len(self._namespaces) == len(previous)  # case after a monkeypatch undone)
            and modules == last[MODULES_KEY]
            and all(last.get(key, MISSING) == fp for (key, _), fp in zip(containers, fingerprints))
        ):
            state = last  # the same entries as the last snapshot: not built and compared again
        else:
            state = {}
            for entries in parts:
                state.update(entries)
            state.update((key, fp) for (key, _), fp in zip(containers, fingerprints))
            state[MODULES_KEY] = modules
            if last is not None and _equal_state(state, last):
                state = last  # nothing changed: the snapshot compared against stays the same object
        self._remember(state, views, sized)
        return state

    def _entries(self, prefix: str, namespace: dict[str, Any], module: str | None, previous: dict[int, Any]) -> Any:
        """``(fingerprints, containers, stateful classes)`` of one module's or class's namespace,
        from the last snapshot while the namespace's stamp has not moved (a test that
        monkeypatches one module re-reads that module only)."""
        view = stamp_view(namespace)
        stamp = view.value if view is not None else None
        cached = previous.get(id(namespace))
        if stamp is not None and cached is not None and cached[0] is namespace:
            if cached[1] == stamp:
                self._namespaces[id(namespace)] = cached
                return cached[2]
            # The stamp moved: a monkeypatch undone moves it too. The same names bound to the
            # very same objects: what was read from them still holds (compared in C).
            keys, values = cached[3], cached[4]
            if len(namespace) == len(keys) and tuple(namespace) == keys and all(map(is_, namespace.values(), values)):
                self._namespaces[id(namespace)] = (namespace, stamp, *cached[2:])
                return cached[2]
        self._reads += 1
        entries: dict[str, Any] = {}
        held: list[tuple[str, Any]] = []
        classes: list[tuple[str, dict[str, Any]]] = []
        for attr, value in list(namespace.items()):
            if not _watched_name(attr):
                continue
            key = f"{prefix}.{attr}"
            if type(value) in _CONTAINERS:
                held.append((key, value))
                continue
            entries[key] = _fingerprint(value)
            if module is not None and isinstance(value, type) and value.__module__ == module and _holds_state(value):
                class_dict = _class_dict(value)
                if class_dict is not None:
                    classes.append((key, class_dict))
        result = (entries, held, classes)
        if stamp is not None:
            self._namespaces[id(namespace)] = (namespace, stamp, result, tuple(namespace), tuple(namespace.values()))
        return result

    def _dict_fingerprint(self, value: dict[Any, Any], previous: dict[int, Any]) -> Any:
        view = stamp_view(value)
        stamp = view.value if view is not None else None
        cached = previous.get(id(value))
        if stamp is not None and cached is not None and cached[0] is value and cached[1] == stamp:
            fingerprint = cached[2]
        else:
            fingerprint = _fingerprint(value)
        if stamp is not None:
            self._container_fps[id(value)] = (value, stamp, fingerprint)
        return fingerprint

    def watched_before(self, key: str) -> bool:
        """Whether the module of ``key`` (a ``module.name`` or ``module.Class.name``) was
        covered by the snapshot being compared against (:attr:`before_modules`)."""
        parts = key.split(".")
        return any(".".join(parts[:end]) in self.before_modules for end in range(len(parts) - 1, 0, -1))

    def _remember(self, state: Any, dicts: list[dict[Any, Any]], sized: list[Any]) -> None:
        """Keep what the fast check compares: the dicts' stamps (module and class namespaces, dict
        containers, and the snapshot itself, which a rebase modifies in place) and shallow copies
        of the lists and sets, which have no stamp."""
        dicts.append(state)
        self._holders = dicts  # keep the dicts alive while their stamps are read by address
        read = stamps_reader(dicts)
        self._read = read if read is not None else _never_equal
        self._stamps = read() if read is not None else ()
        self._stamp_sum = sum(self._stamps) if read is not None else None  # None: never equal
        self._snapshot = state
        self._sized = tuple(sized)
        self._copies = tuple(map(_copy, sized))

    #: The probe's check: the usual case inline (no call), else :meth:`unchanged`.
    CHECK = (
        "({state}._snapshot is {old} and {state}._nmodules == len({sys}.modules)"
        " and {state}._stamp_sum == sum({state}._read() or ()) and {state}._sized == {state}._copies)"
        " or {state}.unchanged({old})"
    )

    def unchanged(self, old: dict[Hashable, Any]) -> bool:
        """Whether the live state still equals ``old``: in O(watched) stamp reads when ``old`` is
        the last snapshot, no stamp moved and no module was imported (:attr:`CHECK` does that
        inline); else a new snapshot, compared."""
        if old is self._snapshot and self._fast_unchanged():
            return True
        if old is None:
            return False
        fresh = self.snapshot()
        self._spare = fresh  # the recorder's snapshot of this probe, if it asks next
        return fresh is old or fresh == old

    def _same_as_last(self) -> bool:
        """Whether the live state still equals the last snapshot although some stamps moved,
        because each dict whose stamp moved holds the very same objects as when it was read (a
        monkeypatch undone, in hundreds of packaging's tests): then the stamps are taken as the
        new ones and the last snapshot stays, with no namespace read again."""
        stamps = self._read()
        old = self._stamps
        if (
            not stamps
            or stamps[-1] != old[-1]  # the snapshot itself was modified (rebased)
            or len(sys.modules) != self._nmodules
            or self._sized != self._copies
            or not all(sys.modules.get(name) is module for name, module in self.modules.items())
        ):
            return False
        namespaces, containers = self._namespaces, self._container_fps
        moved = [(holder, stamp) for holder, stamp, before in zip(self._holders, stamps, old) if stamp != before]
        for holder, stamp in moved:
            cached = namespaces.get(id(holder))
            if cached is not None and cached[0] is holder:
                keys, values = cached[3], cached[4]
                if not (len(holder) == len(keys) and tuple(holder) == keys and all(map(is_, holder.values(), values))):
                    return False
                continue
            cached = containers.get(id(holder))
            if cached is None or cached[0] is not holder or _fingerprint(holder) != cached[2]:
                return False
        for holder, stamp in moved:
            key = id(holder)
            if key in namespaces:
                namespaces[key] = (holder, stamp, *namespaces[key][2:])
            else:
                containers[key] = (holder, stamp, containers[key][2])
        self._stamps = stamps
        self._stamp_sum = sum(stamps)
        return True

    def _fast_unchanged(self) -> bool:
        """No module imported, no stamp moved, every list and set equal to its copy since the
        last snapshot."""
        return (
            len(sys.modules) == self._nmodules
            and self._read() == self._stamps
            and self._sized == self._copies  # item by item, identity first (in C)
        )


def _in_venv(directory: str, root: str) -> bool:
    """Whether ``directory`` (under ``root``) lies in a virtual environment (a ``pyvenv.cfg``
    in one of its parents below the root)."""
    path = directory.rstrip(os.sep)
    while len(path) >= len(root.rstrip(os.sep)) and path.startswith(root.rstrip(os.sep)):
        if os.path.exists(os.path.join(path, "pyvenv.cfg")):
            return True
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return False


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _describer(state: ProjectState) -> Any:
    def describe(key: Hashable, before: Any, after: Any) -> tuple[str, str] | None:
        if type(key) is not str:
            return None  # MODULES_KEY
        if before is MISSING:
            initial = state.since_import.pop(key, None)
            if initial is not None and after is not MISSING:
                return key, f"`{key}` changed after its module was first imported (from its {initial}) and not restored"
            if not state.watched_before(key):
                return None  # its module was imported during the test: a first import
            return key, f"`{key}` set and not removed"
        if after is MISSING:
            return key, f"`{key}` deleted and not restored"
        if type(before) is tuple and type(after) is tuple and before[0] in _CONTAINERS and before[0] is after[0]:
            return key, f"`{key}` modified and not restored"
        return key, f"`{key}` rebound and not restored"

    return describe


#: A snapshot's key for the modules it covers (not a name: never reported).
MODULES_KEY = ("#modules",)


class ProjectProbe(Probe):
    """The probe, told which modules the earlier snapshot covered while it describes leaks (a
    name new in a module watched before is set by the test; in a module imported during the
    test it is part of the first import)."""

    __slots__ = ("state",)

    def leaks(self, before: Any, after: Any, keys: Any = None) -> list[Any]:
        self.state.before_modules = before.get(MODULES_KEY, frozenset())
        try:
            return super().leaks(before, after, keys)
        finally:
            self.state.before_modules = frozenset()


def project_state_probe(rootdir: str, test_files: tuple[str, ...] = ("test_*.py", "*_test.py")) -> Probe:
    """The probe for the project under ``rootdir`` (``test_files``: pytest's ``python_files``)."""
    state = ProjectState(rootdir, test_files)
    probe = ProjectProbe("module_state", state.snapshot, _describer(state), ProjectState.CHECK, {"state": state, "sys": sys})
    probe.state = state
    return probe
