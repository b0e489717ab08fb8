"""Process-wide state that a test can change and must put back: what counts as a change, which
patchers manage it, and which cleanup restores it.

``os.environ``, ``sys.modules``, ``sys.path`` and the working directory are all "a container (or
value) of the whole worker process". One description of each (:class:`StateKind`) feeds one
check (:func:`report_unrestored`), so every rule about such state treats ``finally:``,
teardowns, code after a fixture's ``yield``, cleanup callbacks, saved copies put back and
patchers (``patch.dict``, ``patch.object``, ``mocker``, ``monkeypatch``) the same way.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable

from isolint.analysis.context import FileContext
from isolint.analysis.names import ANY_VALUE_PREFIX
from isolint.analysis.tree import expr_key, last_parts, walk
from isolint.analysis.rules.module_state import patched_targets
from isolint.analysis.rules.advice import where_set

if TYPE_CHECKING:
    from isolint.analysis.rules.base import Rule

#: Methods of a mapping that change it; those in KEYED_METHODS take the key first.
MAPPING_METHODS = frozenset(
    {"update", "pop", "popitem", "clear", "setdefault", "__setitem__", "__delitem__", "__ior__"}
)
KEYED_METHODS = frozenset({"pop", "setdefault", "__setitem__", "__delitem__"})
MERGE_METHODS = frozenset({"update", "__ior__"})
#: Methods of a list that change it.
LIST_METHODS = frozenset(
    {"insert", "append", "extend", "remove", "pop", "clear", "sort", "reverse", "__setitem__",
     "__delitem__", "__iadd__", "__imul__"}
)


@dataclass(frozen=True)
class StateKind:
    """One kind of process-wide state and the ways test code changes it."""

    #: Qualified names of the objects that hold it (``"os.environ"``, ``"sys.path"``).
    names: frozenset[str] = frozenset()
    #: Methods of those objects that change them.
    methods: frozenset[str] = frozenset()
    #: Functions that change it, key (if any) first: ``os.putenv``, ``os.chdir``.
    functions: frozenset[str] = frozenset()
    #: Whether changes are told apart by key (mappings): then a restore must cover the key.
    #: Otherwise any change of the same object (``sys.path``) made by cleanup code counts as
    #: the restore, and for functions (``os.chdir``) any call made by cleanup code.
    keyed: bool = True
    #: Method names that change it whatever the receiver, called without arguments
    #: (``tmpdir.chdir()`` of py.path).
    bare_methods: frozenset[str] = frozenset()
    #: Functions that read it (``os.getcwd``, ``os.getenv``): what they return is a saved value.
    readers: frozenset[str] = frozenset()
    #: The pytest idiom that changes it for one test, as a message names it.
    tool: str = "`monkeypatch`"

    def may_change(self, ctx: FileContext) -> bool:
        """A necessary condition for any node of ``ctx``'s file to change this state: a name
        resolves to one of :attr:`names` / :attr:`functions` only if its last part is spelled
        in the source (as an attribute, an imported name or an alias's value) and an import
        binds it, a parent or a child of it; a bare method only if its name is spelled."""
        source = ctx.source
        return any(
            ctx.imports.may_resolve_under(qualified) and qualified.rsplit(".", 1)[-1] in source
            for qualified in self.names | self.functions
        ) or any(method in source for method in self.bare_methods)

    @cached_property
    def function_words(self) -> frozenset[str]:
        """The last parts of :attr:`functions`, for :meth:`FileContext.call_name_among`."""
        return last_parts(self.functions)


@dataclass(frozen=True)
class StateWrite:
    """A change of process-wide state: the keys it touches (expression keys), None for all."""

    node: ast.AST
    target: str
    keys: frozenset[str] | None


def _dict_keys(node: ast.AST) -> frozenset[str] | None:
    if isinstance(node, ast.Dict) and all(k is not None for k in node.keys):
        return frozenset(expr_key(k) for k in node.keys if k is not None)
    return None


def _method_keys(call: ast.Call, method: str) -> frozenset[str] | None:
    if method in KEYED_METHODS and call.args:
        return frozenset({expr_key(call.args[0])})
    if method in MERGE_METHODS:
        if len(call.args) > 1 or any(kw.arg is None for kw in call.keywords):
            return None  # `update(**saved)`: any key
        names = frozenset(expr_key(ast.Constant(kw.arg)) for kw in call.keywords)
        keys = _dict_keys(call.args[0]) if call.args else frozenset()
        return None if keys is None else keys | names
    return None


def state_writes(node: ast.AST, ctx: FileContext, kind: StateKind) -> list[StateWrite]:
    """The changes of ``kind`` that statement or call ``node`` makes (empty when none)."""

    def holds_state(expr: ast.AST) -> bool:
        return ctx.qualified_name(expr) in kind.names

    def write(target: str, keys: frozenset[str] | None, container: ast.AST | None = None) -> StateWrite:
        if not kind.keyed:  # a list or a value: any restore of the same object counts
            name = ctx.qualified_name(container) if container is not None else None
            keys = frozenset({name}) if name else None
        return StateWrite(node, target, keys)

    out: list[StateWrite] = []
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for target in targets:
            for sub in walk(target):
                if isinstance(sub, ast.Subscript) and holds_state(sub.value):
                    out.append(write(ctx.lines.source_segment(sub.value), frozenset({expr_key(sub.slice)}), sub.value))
                elif sub is target and holds_state(sub) and (
                    isinstance(node, ast.AugAssign) or isinstance(sub, ast.Attribute)
                ):
                    # `os.environ = {...}` or `os.environ |= {...}` (binding an alias is no change)
                    keys = _dict_keys(node.value) if isinstance(node, ast.AugAssign) else None
                    out.append(write(ctx.lines.source_segment(sub), keys, sub))
    elif isinstance(node, ast.Call):
        func = node.func
        if kind.functions and ctx.call_name_among(node, kind.function_words) in kind.functions:
            keys = frozenset({expr_key(node.args[0])}) if node.args else None
            out.append(write(ctx.lines.source_segment(func), keys))
        elif isinstance(func, ast.Attribute):
            if func.attr in kind.methods and holds_state(func.value):
                out.append(write(ctx.lines.source_segment(func), _method_keys(node, func.attr), func.value))
            elif func.attr in kind.bare_methods and not node.args and not node.keywords:
                out.append(write(ctx.lines.source_segment(func), None))
    return out


#: Calls that copy what they are given: ``list(sys.path)``, ``dict(os.environ)``.
COPIERS = frozenset({"list", "dict", "tuple", "copy.copy", "copy.deepcopy"})


def _reads_state(ctx: FileContext, expr: ast.AST, kind: StateKind) -> bool:
    """``expr`` is a plain read or copy of ``kind``: ``os.getcwd()``, ``os.environ.get("A")``,
    ``os.environ["A"]``, ``sys.path[:]``, ``list(sys.path)``, ``sys.modules.copy()``."""
    if ctx.qualified_name(expr) in kind.names:
        return True
    if isinstance(expr, ast.Subscript):
        return ctx.qualified_name(expr.value) in kind.names
    if not isinstance(expr, ast.Call):
        return False
    callee = ctx.qualified_name(expr.func)
    if callee in kind.readers:
        return True
    if callee in COPIERS and len(expr.args) == 1:
        return _reads_state(ctx, expr.args[0], kind)
    func = expr.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr in ("get", "copy")
        and ctx.qualified_name(func.value) in kind.names
    )


def puts_back(ctx: FileContext, node: ast.AST, kind: StateKind) -> bool:
    """``node`` writes back a value saved from the state earlier (``old = os.getcwd()`` ...
    ``os.chdir(old)``): a restore, reported (when not guaranteed to run) at the change it undoes,
    not a change of its own."""
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        value = node.value
    elif isinstance(node, ast.Call) and node.args:
        value = node.args[-1]
    else:
        return False
    if not isinstance(value, ast.Name):
        return False
    saved = ctx.bindings.constant_value(value.id)
    return saved is not None and _reads_state(ctx, saved, kind)


def saved_for_finally(ctx: FileContext, node: ast.AST, kind: StateKind) -> bool:
    """``node`` is ``x.pop(k, ...)`` whose entry is saved with its key in a list
    (``to_restore.append((k, sys.modules.pop(k, None)))``) that a ``finally:`` of the same
    function walks to put each entry back (``for name, mod in to_restore: sys.modules[name] =
    mod``, under ``if mod is not None`` too: a pop of an absent key changed nothing)."""
    stack = ctx.stack
    if len(stack) < 3 or not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                              and node.func.attr == "pop" and node.args):
        return False
    pair, append = stack[-2], stack[-3]
    if not (isinstance(pair, ast.Tuple) and len(pair.elts) == 2 and pair.elts[1] is node
            and expr_key(pair.elts[0]) == expr_key(node.args[0])
            and isinstance(append, ast.Call) and isinstance(append.func, ast.Attribute)
            and append.func.attr == "append" and isinstance(append.func.value, ast.Name)
            and append.args == [pair]):
        return False
    saved, container = append.func.value.id, ctx.qualified_name(node.func.value)
    func = ctx.enclosing_function()
    for handler in walk(func) if func is not None else ():
        if not isinstance(handler, ast.Try):
            continue
        for loop in handler.finalbody:
            if not (isinstance(loop, ast.For) and isinstance(loop.iter, ast.Name) and loop.iter.id == saved
                    and isinstance(loop.target, ast.Tuple) and len(loop.target.elts) == 2
                    and all(isinstance(e, ast.Name) for e in loop.target.elts)):
                continue
            key, value = (e.id for e in loop.target.elts)  # type: ignore[attr-defined]
            for put in (n for stmt in loop.body for n in walk(stmt)):
                if isinstance(put, ast.Assign) and len(put.targets) == 1 \
                        and isinstance(put.targets[0], ast.Subscript) \
                        and ctx.qualified_name(put.targets[0].value) == container \
                        and expr_key(put.targets[0].slice) == key \
                        and isinstance(put.value, ast.Name) and put.value.id == value:
                    return True
    return False


def _removed(node: ast.AST) -> tuple[str, str] | None:
    """What a targeted removal takes out: ``del x[k]`` / ``x.pop(k)`` -> ``("key", k)``,
    ``x.pop()`` -> ``("key", "-1")``, ``x.remove(v)`` -> ``("value", v)``; else None
    (``clear()`` and ``popitem()`` take out more than any one change put in)."""
    if isinstance(node, ast.Delete) and len(node.targets) == 1:
        target = node.targets[0]
        return ("key", expr_key(target.slice)) if isinstance(target, ast.Subscript) else None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    method, args = node.func.attr, node.args
    if method == "pop":
        return ("key", expr_key(args[0]) if args else "-1")
    if method == "remove" and len(args) == 1:
        return ("value", expr_key(args[0]))
    return None


def _added(node: ast.AST, keyed: bool) -> set[tuple[str, str]]:
    """What a change puts in, in the terms of :func:`_removed` (``x[k] = v`` puts a key in a
    mapping; in a list it replaces an item)."""
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        if not keyed:
            return set()
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {("key", expr_key(t.slice)) for t in targets if isinstance(t, ast.Subscript)}
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return set()
    method, args = node.func.attr, node.args
    if method == "append" and len(args) == 1:
        return {("key", "-1"), ("value", expr_key(args[0]))}
    if method == "insert" and len(args) == 2:
        return {("key", expr_key(args[0])), ("value", expr_key(args[1]))}
    if method in ("setdefault", "__setitem__") and args:
        return {("key", expr_key(args[0]))}
    if method == "update" and len(args) == 1 and _dict_keys(args[0]):
        return {("key", key) for key in _dict_keys(args[0]) or ()}
    return set()


def undoes_earlier(ctx: FileContext, node: ast.AST, kind: StateKind) -> bool:
    """``del os.environ["A"]`` after ``os.environ["A"] = "1"`` in the same function (or
    ``sys.path.remove(p)`` after ``sys.path.insert(0, p)``): the removal is the restore of the
    earlier change, which is where a missing guarantee is reported, not a change of its own."""
    removed = _removed(node)
    func = ctx.enclosing_function() if removed is not None else None
    container = _container(ctx, node) if func is not None else None
    if container is None:
        return False
    line = getattr(node, "lineno", 0)
    for earlier in walk(func):  # (the same container first: `_added` spells keys and values)
        if getattr(earlier, "lineno", line) < line and _container(ctx, earlier) == container \
                and removed in _added(earlier, kind.keyed):
            return True
    return False


def _monkeypatched_keys(ctx: FileContext, node: ast.AST, writes: list[StateWrite], kind: StateKind) -> bool:
    """``monkeypatch.setitem(sys.modules, k, m)`` (or ``delitem``) earlier in the function for
    every key ``node`` changes: monkeypatch saved that entry first and puts it back at teardown,
    whatever is written to it in between."""
    if not kind.keyed or any(w.keys is None for w in writes):
        return False
    keys: set[str] = set()
    items_of: set[str] = set()  # `for k in X: monkeypatch.setitem(sys.modules, k, m)`: every X[i]
    loops = _loop_items(ctx)
    line = getattr(node, "lineno", 0)
    for call in _monkeypatched_items(ctx, kind):
        if call.lineno < line:
            keys.add(expr_key(call.args[1]))
            if id(call) in loops and isinstance(call.args[1], ast.Name):
                items_of.update(loops[id(call)].get(call.args[1].id, ()))

    def covered(key: str) -> bool:
        return key in keys or any(key.startswith(f"{items}[") and key.endswith("]") for items in items_of)

    return bool(keys) and all(w.keys is not None and all(map(covered, w.keys)) for w in writes)


def _monkeypatched_items(ctx: FileContext, kind: StateKind) -> list[ast.Call]:
    """``monkeypatch.setitem/delitem`` calls on ``kind``'s containers in the current function,
    found once per function and kind (walking the function for every write was quadratic)."""
    func = ctx.enclosing_function()
    if func is None:
        return []
    memo = ctx.memos.setdefault("monkeypatched_items", {})
    if (func, kind.names) not in memo:
        memo[func, kind.names] = [
            call for call in walk(func)
            if isinstance(call, ast.Call)
            and (fixture_method(call, "monkeypatch", "setitem") or fixture_method(call, "monkeypatch", "delitem"))
            and len(call.args) >= 2 and ctx.qualified_name(call.args[0]) in kind.names
        ]
    return memo[func, kind.names]


def _loop_items(ctx: FileContext) -> dict[int, dict[str, set[str]]]:
    """For each call that is a statement of the body of a ``for`` loop (not under a condition)
    in the current function: the loop variable -> the sequence it runs over (``for k in X`` and
    ``for i, k in enumerate(X)`` give ``k -> X``), so the call runs for every item of ``X``."""
    func = ctx.enclosing_function()
    memo = ctx.memos.setdefault("loop_items", {})  # once per function: linear time
    if func in memo:
        return memo[func]
    out: dict[int, dict[str, set[str]]] = {}
    memo[func] = out
    for loop in walk(func) if func is not None else ():
        if not isinstance(loop, ast.For) or loop.orelse:
            continue
        target, items = loop.target, loop.iter
        if isinstance(items, ast.Call) and isinstance(items.func, ast.Name) and items.func.id == "enumerate" \
                and len(items.args) == 1 and isinstance(target, ast.Tuple) and len(target.elts) == 2:
            target, items = target.elts[1], items.args[0]
        if not isinstance(target, ast.Name) or any(isinstance(n, (ast.Break, ast.Continue, ast.Return))
                                                   for stmt in loop.body for n in walk(stmt)):
            continue
        for stmt in loop.body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                out.setdefault(id(stmt.value), {}).setdefault(target.id, set()).add(expr_key(items))
    return out


def _calls_before(ctx: FileContext, node: ast.AST) -> list[ast.Call]:
    func = ctx.enclosing_function()
    if func is None:
        return False
    # Indexed once per function and kind (walking the function for every write was quadratic).
    memo = ctx.memos.setdefault("monkeypatched_items", {})
    found = memo.get((func, kind.names))
    if found is None:
        found = memo[func, kind.names] = [
            (call.lineno, expr_key(call.args[1])) for call in walk(func)
            if isinstance(call, ast.Call)
            and (fixture_method(call, "monkeypatch", "setitem") or fixture_method(call, "monkeypatch", "delitem"))
            and len(call.args) >= 2 and ctx.qualified_name(call.args[0]) in kind.names
        ]
    line = getattr(node, "lineno", 0)
    keys = {key for at, key in found if at < line}
    return bool(keys) and all(w.keys is not None and w.keys <= keys for w in writes)


def _container(ctx: FileContext, node: ast.AST) -> str | None:
    """The qualified name of what ``x[k] = v``, ``del x[k]`` or ``x.method(...)`` changes."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return ctx.qualified_name(node.func.value)
    targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
    if len(targets) == 1 and isinstance(targets[0], ast.Subscript):
        return ctx.qualified_name(targets[0].value)
    return None


# --------------------------------------------------------------------------- patchers
def patches(ctx: FileContext, expr: ast.AST, names: frozenset[str]) -> bool:
    """Whether ``expr`` is a patcher call that puts one of ``names`` back when it ends:
    ``patch.dict(os.environ)``, ``patch.object(sys, "path", ...)``, ``patch("sys.path")``,
    ``monkeypatch.setattr(sys, "path", ...)``, the same through ``mocker``."""
    return any(p.spellings & names for p in patched_targets(ctx, expr))


def called_earlier(ctx: FileContext, node: ast.AST, predicate: Callable[[ast.Call], bool],
                   memo: dict[ast.AST, int | None] | None = None) -> bool:
    """Whether the enclosing function, before ``node``, makes a call for which ``predicate``
    holds (``mocker.patch.dict(os.environ)``, ``monkeypatch.chdir(d)``: they save the state
    when first called and put it back after the test, whatever was changed in between).

    ``memo`` (one per predicate and file) keeps, per function, the first line of such a call:
    each function is walked once, however many changes it makes (linear time)."""
    func = ctx.enclosing_function()
    if func is None:
        return False
    if memo is None:
        memo = {}
    if func not in memo:
        memo[func] = min(
            (n.lineno for n in walk(func) if isinstance(n, ast.Call) and predicate(n)),
            default=None,
        )
    first = memo[func]
    return first is not None and first <= getattr(node, "lineno", 0)


def fixture_method(call: ast.Call, fixture: str, method: str) -> bool:
    """``monkeypatch.chdir(...)`` for ``("monkeypatch", "chdir")`` (any receiver whose name
    ends with the fixture's: ``monkeypatch``, ``class_monkeypatch``)."""
    func = call.func
    return (
        isinstance(func, ast.Attribute) and func.attr == method
        and isinstance(func.value, ast.Name) and func.value.id.endswith(fixture)
    )


# --------------------------------------------------------------------------- the check
def restores(node: ast.AST, write: StateWrite, ctx: FileContext, kind: StateKind) -> bool:
    """Whether ``node`` (cleanup code) puts back what ``write`` changed."""
    return any(restores_write(restore, write) for restore in state_writes(node, ctx, kind))


def restores_write(restore: StateWrite, write: StateWrite) -> bool:
    """Whether the change ``restore`` covers what ``write`` changed: all of the state
    (``os.environ.clear()``, ``os.chdir(old)``), or at least its keys."""
    if restore.keys is None or any(key.startswith(ANY_VALUE_PREFIX) for key in restore.keys):
        return True  # all of it, or a key a helper was handed (see ANY_VALUE_PREFIX)
    return write.keys is not None and write.keys <= restore.keys


def describe(ctx: FileContext, node: ast.AST, limit: int = 60) -> str:
    """The first line of ``node``'s source, shortened to ``limit`` characters."""
    text = ctx.lines.source_segment(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def report_unrestored(
    rule: "Rule",
    node: ast.AST,
    ctx: FileContext,
    kind: StateKind,
    managed: Callable[[ast.AST], bool],
    earlier: Callable[[ast.Call], bool] | None = None,
    memo: dict[ast.AST, int | None] | None = None,
) -> None:
    """Report ``node`` when it changes ``kind`` and nothing is guaranteed to undo the change.

    Not reported: ``node`` is itself cleanup code; it runs inside a ``with`` item or under a
    decorator for which ``managed`` holds; the enclosing function first makes a call for which
    ``earlier`` (default: ``managed``) holds; or cleanup code restores what it changed.
    ``memo``: see :func:`called_earlier` (one per ``earlier`` and file).
    """
    writes = state_writes(node, ctx, kind)
    if not writes or puts_back(ctx, node, kind) or called_earlier(ctx, node, earlier or managed, memo) \
            or saved_for_finally(ctx, node, kind):
        return
    if undoes_earlier(ctx, node, kind) or _monkeypatched_keys(ctx, node, writes, kind):
        return
    if ctx.cleanup.restores_class_change(
        lambda n: any(restores_write(w, other) or restores_write(other, w)
                      for other in state_writes(n, ctx, kind) for w in writes)
    ):
        return
    if ctx.cleanup.unrestored(writes, lambda n, w: restores(n, w, ctx, kind), managed):
        ctx.report(rule, node, target=describe(ctx, node), where=where_set(ctx, kind.tool))


class UnrestoredState:
    """Mixin for a rule that reports changes of one :class:`StateKind` nothing undoes.

    Subclasses set ``kind`` and may override :meth:`managed` (a ``with`` item or decorator that
    restores the state; default: a patcher of ``kind.names``) and :meth:`earlier` (a call made
    earlier in the same function after which the change is undone at teardown; default: the
    same as ``managed``). With ``session_configuration_allowed`` the module level and the
    ``pytest_*`` hooks of a ``conftest.py`` are not reported.
    """

    kind: StateKind
    session_configuration_allowed = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("kind")
        if kind is not None:  # other calls change no state: `state_writes` finds none
            cls.call_words = kind.function_words | kind.methods | kind.bare_methods  # type: ignore[attr-defined]
            # A statement changes `kind.names` only through an item or attribute of a target,
            # or `name |= ...` to a name bound to one of them; without names, never.
            cls.assign_targets = frozenset({"attribute", "subscript", "imported"}) \
                if kind.names else frozenset()  # type: ignore[attr-defined]

    def managed(self, expr: ast.AST, ctx: FileContext) -> bool:
        return patches(ctx, expr, self.kind.names)

    def earlier(self, call: ast.Call, ctx: FileContext) -> bool:
        return self.managed(call, ctx)

    def may_fire(self, ctx: FileContext) -> bool:
        return self.kind.may_change(ctx)

    def visit_Assign(self, node: ast.AST, ctx: FileContext) -> None:
        if self.session_configuration_allowed and (
            ctx.configures_session() or ctx.sets_before_every_test(node)
        ):
            return
        report_unrestored(
            self, node, ctx, self.kind,  # type: ignore[arg-type]
            managed=lambda expr: self.managed(expr, ctx),
            earlier=lambda call: self.earlier(call, ctx),
            memo=self.__dict__.setdefault("_first_earlier_call", {}),  # a rule lives for one file
        )

    visit_AugAssign = visit_AnnAssign = visit_Delete = visit_Call = visit_Assign
