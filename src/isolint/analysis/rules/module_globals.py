"""Whether a module global that functions rebind through ``global X`` is read stale by a test.

A test module's own globals are often rebound on purpose: sqlalchemy's ``define_tables`` /
``insert_data`` / ``setup_test`` bind tables and rows that the class's tests read, and a test
binds ``global Status`` first thing so that annotations resolve. What an earlier test left in
such a name matters only to a function that reads it before binding it. The module is summarised
once (one walk per function, so the file's work stays linear however many globals it rebinds);
each name is then answered from that summary.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from isolint.analysis.tree import stored_names, walk

#: Module-level functions that run before every test of the module, and after them.
MODULE_SETUPS = frozenset({"setup_module", "setUpModule"})
MODULE_TEARDOWNS = frozenset({"teardown_module", "tearDownModule", "teardown_function"})
#: Calls that end a branch without returning (``pytest.fail()``, sqlalchemy's ``variation.fail()``).
NO_RETURN_CALLS = frozenset({"fail", "skip", "xfail", "exit"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_WITHS = (ast.With, ast.AsyncWith)
STORE, LOAD = "store", "load"


@dataclass(frozen=True)
class _Owner:
    """One module-level function or method: what it declares global, binds, reads and calls."""

    cls: ast.ClassDef | None
    func: ast.FunctionDef | ast.AsyncFunctionDef
    globals: frozenset[str]
    locals: frozenset[str]
    #: Names read anywhere in it (nested functions included), and targets of ``X += ...``.
    reads: frozenset[str]
    #: Names of the functions and methods it calls (``f()`` and ``self.f()`` both give ``f``).
    calls: frozenset[str]


class GlobalUses:
    """The module's functions summarised for :meth:`rebound_before_reads` (built once)."""

    def __init__(self, tree: ast.Module, global_names, local_names, base_classes,
                 is_autouse_fixture, kind: str) -> None:
        self.kind = kind
        self.base_classes = base_classes
        self.is_autouse_fixture = is_autouse_fixture
        self.owners: list[_Owner] = []
        for stmt in tree.body:
            if isinstance(stmt, _FUNCTIONS):
                self.owners.append(self._owner(None, stmt, global_names, local_names))
            elif isinstance(stmt, ast.ClassDef):
                self.owners.extend(
                    self._owner(stmt, m, global_names, local_names)
                    for m in stmt.body if isinstance(m, _FUNCTIONS)
                )
        self._answers: dict[str, bool] = {}

    @staticmethod
    def _owner(cls, func, global_names, local_names) -> _Owner:
        reads: set[str] = set()
        calls: set[str] = set()
        for node in walk(func):
            kind = type(node)
            if kind is ast.Name and type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                reads.add(node.id)  # type: ignore[attr-defined]
            elif kind is ast.AugAssign and type(node.target) is ast.Name:  # type: ignore[attr-defined]
                reads.add(node.target.id)  # type: ignore[attr-defined]
            elif kind is ast.Call:
                callee = node.func  # type: ignore[attr-defined]
                if isinstance(callee, ast.Name):
                    calls.add(callee.id)
                elif isinstance(callee, ast.Attribute):
                    calls.add(callee.attr)
        return _Owner(cls, func, global_names(func), local_names(func), frozenset(reads), frozenset(calls))

    def rebound_before_reads(self, name: str) -> bool:
        """Whether every function of the module that reads global ``name`` binds it first: it
        binds it before reading it, it calls a function that rebinds it, its class has a method
        that does (sqlalchemy's ``define_tables``, run when the class is set up), or the
        module's set-up or an autouse fixture rebinds it before every test. In a test module,
        a global that no function reads by name (a registry looks it up, like sqlalchemy's
        dialect registry) counts when every function that rebinds it binds it before using it.
        Then what an earlier test left in it is never read."""
        if name not in self._answers:
            self._answers[name] = self._rebound_before_reads(name)
        return self._answers[name]

    def _rebound_before_reads(self, name: str) -> bool:
        binders = [o for o in self.owners if name in o.globals]
        if any(o.cls is None and (o.func.name in MODULE_SETUPS or self.is_autouse_fixture(o.func))
               for o in binders):
            return True
        # Functions that bind it before they read it. A test method binding it does not set
        # it up for the other tests of its class: they may run without it.
        setups = [o for o in binders if binds_first(o.func, name)]
        setup_ids = {id(o) for o in setups}
        binder_names = {o.func.name for o in setups}
        binder_classes = {id(o.cls) for o in setups
                          if o.cls is not None and not o.func.name.startswith("test")}
        readers = 0
        for owner in self.owners:
            if name in owner.locals or name not in owner.reads:
                continue
            readers += 1
            if id(owner) in setup_ids or _first_touch(owner.func.body, name) == STORE:
                continue  # binds it (`exec(..., globals())` too) before it reads it
            cls = owner.cls
            if cls is not None and any(id(c) in binder_classes for c in [cls, *self.base_classes(cls)]):
                continue
            if owner.calls & binder_names:
                continue
            return False
        if readers:
            return True
        # No function reads it by name. In a test module only its own tests hand it out (to a
        # registry that looks it up by name): fine when each of them binds it before use.
        return self.kind == "test" and bool(binders) and len(setups) == len(binders)


def binds_first(func: ast.AST, name: str) -> bool:
    """Whether no path through ``func`` reads ``name`` before storing it: ``if``/``else``
    branches that both bind it (or end in ``raise``, ``return`` or a ``fail()``/``skip()``
    call) bind it, a ``with`` block runs, a loop body may not run (unless it loops over a
    non-empty display); reads in nested functions and lambdas happen when they are called,
    later; ``exec("name = ...", globals())`` binds it."""
    return _first_touch(func.body, name) != LOAD  # type: ignore[attr-defined]


def _first_touch(body: list[ast.stmt], name: str) -> str | None:
    for stmt in body:
        found = _touch(stmt, name)
        if found is not None:
            return found
    return None


def _touch(stmt: ast.stmt, name: str) -> str | None:
    """``"load"`` / ``"store"``: what ``stmt`` does to ``name`` first on every path through
    it; None when some path through it neither reads nor binds it."""
    kind = type(stmt)
    if kind in (ast.Global, ast.Nonlocal):
        return None
    if kind in (ast.Assign, ast.AnnAssign):
        value = stmt.value  # type: ignore[attr-defined]
        if value is not None and _reads(value, name):
            return LOAD
        targets = stmt.targets if kind is ast.Assign else [stmt.target]  # type: ignore[attr-defined]
        if any(_reads(t, name) for t in targets):
            return LOAD  # `name.x = ...` / `name[k] = ...`
        if value is not None and any(name in stored_names(t) for t in targets):
            return STORE
        return None
    if kind is ast.AugAssign:
        target = stmt.target  # type: ignore[attr-defined]
        return LOAD if (isinstance(target, ast.Name) and target.id == name) or _reads(stmt, name) else None
    if kind in _FUNCTIONS or kind is ast.ClassDef:
        heads = [*stmt.decorator_list]  # type: ignore[attr-defined]
        if kind is ast.ClassDef:
            heads += [*stmt.bases, *(k.value for k in stmt.keywords)]  # type: ignore[attr-defined]
        else:
            args = stmt.args  # type: ignore[attr-defined]
            heads += [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if any(_reads(h, name) for h in heads):
            return LOAD
        if kind is ast.ClassDef and _first_touch(stmt.body, name) == LOAD:  # type: ignore[attr-defined]
            return LOAD  # a class body runs now (its own stores bind class attributes)
        return STORE if stmt.name == name else None  # type: ignore[attr-defined]
    if kind is ast.If:
        if _reads(stmt.test, name):  # type: ignore[attr-defined]
            return LOAD
        branches = [_branch(stmt.body, name), _branch(stmt.orelse, name)]  # type: ignore[attr-defined]
        if LOAD in branches:
            return LOAD
        return STORE if all(b in (STORE, "ends") for b in branches) and STORE in branches else None
    if kind in _WITHS:
        for item in stmt.items:  # type: ignore[attr-defined]
            if _reads(item.context_expr, name):
                return LOAD
            if item.optional_vars is not None and name in stored_names(item.optional_vars):
                return STORE
        return _first_touch(stmt.body, name)  # type: ignore[attr-defined]
    if kind in _TRY:
        found = _first_touch(stmt.body, name)  # type: ignore[attr-defined]
        if found is not None:
            return found
        for block in [*(h.body for h in stmt.handlers), stmt.orelse]:  # type: ignore[attr-defined]
            if _first_touch(block, name) == LOAD:
                return LOAD
        return _first_touch(stmt.finalbody, name)  # type: ignore[attr-defined]
    if kind in _LOOPS:
        head = stmt.iter if kind is not ast.While else stmt.test  # type: ignore[attr-defined]
        if _reads(head, name):
            return LOAD
        inner = _first_touch(stmt.body, name)  # type: ignore[attr-defined]
        if inner == STORE and isinstance(head, (ast.Tuple, ast.List, ast.Set)) and head.elts:
            return STORE  # `for x in (1, 2):` runs its body
        inner = inner or _first_touch(stmt.orelse, name)  # type: ignore[attr-defined]
        return LOAD if inner == LOAD else None  # the body may not run: a store there is no binding
    if kind is ast.Expr and _execs_binding(stmt.value, name):  # type: ignore[attr-defined]
        return STORE
    return LOAD if _reads(stmt, name) else None


def _execs_binding(call: ast.expr, name: str) -> bool:
    """``exec("...\\nname = ...", globals())``: code run in the module's namespace binds it."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "exec"):
        return False
    into_globals = any(
        isinstance(a, ast.Call) and isinstance(a.func, ast.Name) and a.func.id == "globals"
        for a in call.args[1:]
    )
    needle = f"{name} ="
    return into_globals and any(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and needle in n.value
        for n in ast.walk(call.args[0])
    ) if call.args else False


def _branch(body: list[ast.stmt], name: str) -> str | None:
    """:func:`_first_touch` of an ``if`` branch, or ``"ends"`` when it touches nothing and
    never goes on (``raise``, ``return``, ``pytest.fail()``)."""
    found = _first_touch(body, name)
    if found is None and body and _ends(body[-1]):
        return "ends"
    return found


def _ends(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Raise, ast.Return)):
        return True
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if not isinstance(call, ast.Call):
        return False
    func = call.func
    word = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return word in NO_RETURN_CALLS


def _reads(node: ast.AST, name: str) -> bool:
    """Whether evaluating ``node`` reads ``name`` now (not in a lambda or nested function)."""
    todo = [node]
    while todo:
        current = todo.pop()
        kind = type(current)
        if kind is ast.Name:
            if current.id == name and type(current.ctx) is ast.Load:  # type: ignore[attr-defined]
                return True
            continue
        if kind is ast.Lambda or kind in _FUNCTIONS or kind is ast.ClassDef:
            continue
        todo.extend(ast.iter_child_nodes(current))
    return False




class OwnNames:
    """Facts about the module's own names, each computed once per file: which module-level
    containers its autouse fixtures reset before every test, which of its functions run only
    at import (called from the module level, a class body or a decorator) or are called by
    its cleanup code, and whether it collects a single test."""

    def __init__(self, tree: ast.Module, pytest_view) -> None:
        self.tree = tree
        self.pytest = pytest_view
        self._reset: frozenset[str] | None = None
        self._runtime_refs: dict[str, bool] | None = None
        self._single: bool | None = None
        self._cleanup_calls: frozenset[str] | None = None
        self._units: dict[str, set[int]] | None = None

    def reset_before_each_test(self, name: str) -> bool:
        """Whether a module-level autouse fixture (function-scoped) or ``setup_function``
        empties or rebinds container ``name`` before its ``yield``: ``EVEN.clear()``,
        ``VISITED[:] = []``, ``global X; X = []``."""
        if self._reset is None:
            found: set[str] = set()
            for func in self.tree.body:
                if not isinstance(func, _FUNCTIONS):
                    continue
                if func.name != "setup_function" and not (
                    self.pytest.is_autouse_fixture(func) and self.pytest.fixture_scope(func) == "function"
                ):
                    continue
                found.update(_emptied_before_yield(func))
            self._reset = frozenset(found)
        return name in self._reset

    def runs_only_at_import(self, func: ast.AST) -> bool:
        """Whether module-level function ``func`` is called somewhere, and named only in calls
        outside function bodies (module level, class bodies, decorators): it runs at import."""
        if self._runtime_refs is None:
            self._runtime_refs = _references(self.tree)
        return self._runtime_refs.get(getattr(func, "name", ""), True) is False

    def single_test(self) -> bool:
        """Whether the module collects exactly one test: one test function, not parametrized,
        and no test class (what it leaves in the module's own containers nobody reads)."""
        if self._single is None:
            tests = [f for f in self.tree.body
                     if isinstance(f, _FUNCTIONS) and self.pytest.is_test_function_name(f.name)]
            self._single = (
                len(tests) == 1 and not tests[0].decorator_list
                and not any(isinstance(c, ast.ClassDef) and self.pytest.is_test_class(c) for c in self.tree.body)
                and not any(isinstance(s, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in s.targets)
                            for s in self.tree.body)
            )
        return self._single

    def used_only_in(self, name: str, unit: ast.AST) -> bool:
        """Whether every mention of module-level ``name`` outside the statement binding it is
        inside ``unit`` (a module-level function, or a method; nested functions included):
        sanic's ``MIDDLEWARE_INVOKE_COUNTER``, counted by middleware that one test defines
        and read by that test only."""
        if self._units is None:
            self._units = _units_naming(self.tree)
        return self._units.get(name) == {id(unit)}

    def called_from_cleanup(self, func: ast.AST) -> bool:
        """Whether module-level function ``func`` is called by cleanup code of the module:
        after a fixture's ``yield``, in a teardown method or function, in a ``finally:``.
        What it writes then is a restore (the fixture that calls it after each test writes
        it again), not a change of its own."""
        if self._cleanup_calls is None:
            self._cleanup_calls = self._calls_in_cleanup()
        return getattr(func, "name", None) in self._cleanup_calls

    def _calls_in_cleanup(self) -> frozenset[str]:
        out: set[str] = set()
        functions = [f for f in self.tree.body if isinstance(f, _FUNCTIONS)]
        for cls in self.tree.body:
            if isinstance(cls, ast.ClassDef):
                functions.extend(m for m in cls.body if isinstance(m, _FUNCTIONS))
        teardowns = self.pytest.teardown_names
        for func in functions:
            nodes = list(walk(func))
            calls = [n for n in nodes if type(n) is ast.Call and type(n.func) is ast.Name]  # type: ignore[attr-defined]
            if not calls:
                continue
            if func.name in teardowns or func.name in MODULE_TEARDOWNS:
                out.update(c.func.id for c in calls)  # type: ignore[attr-defined]
                continue
            yields = [n.lineno for n in nodes if isinstance(n, (ast.Yield, ast.YieldFrom))]
            if yields and self.pytest.is_fixture(func):
                after = min(yields)
                out.update(c.func.id for c in calls if c.lineno > after)  # type: ignore[attr-defined]
            for node in nodes:
                if isinstance(node, _TRY):
                    out.update(c.func.id for s in node.finalbody for c in walk(s)  # type: ignore[attr-defined]
                               if type(c) is ast.Call and type(c.func) is ast.Name)  # type: ignore[attr-defined]
        return frozenset(out)


def _emptied_before_yield(func: ast.AST) -> set[str]:
    out: set[str] = set()
    declared = {n for s in func.body if isinstance(s, ast.Global) for n in s.names}  # type: ignore[attr-defined]
    for stmt in func.body:  # type: ignore[attr-defined]
        if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in ast.walk(stmt)):
            break
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value.func
            if isinstance(call, ast.Attribute) and call.attr == "clear" and isinstance(call.value, ast.Name):
                out.add(call.value.id)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name) and target.id in declared:
                    out.add(target.id)
                elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                        and isinstance(target.slice, ast.Slice) and target.slice.lower is None \
                        and target.slice.upper is None and isinstance(stmt.value, (ast.List, ast.Dict)):
                    out.add(target.value.id)  # `X[:] = []`
    return out


def _units_naming(tree: ast.Module) -> dict[str, set[int]]:
    """Per name read or written (not bound by a module-level statement): the ids of the
    places that mention it, a module-level function, a method, or the module itself (0) for
    module-level code and class bodies outside methods."""
    out: dict[str, set[int]] = {}
    todo: list[tuple[ast.AST, int]] = []
    for stmt in tree.body:
        if isinstance(stmt, _FUNCTIONS):
            todo.append((stmt, id(stmt)))
        elif isinstance(stmt, ast.ClassDef):
            todo.extend((m, id(m) if isinstance(m, _FUNCTIONS) else 0) for m in stmt.body)
            todo.extend((n, 0) for n in (*stmt.bases, *stmt.keywords, *stmt.decorator_list))
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            todo.extend((t, 0) for t in targets if not isinstance(t, ast.Name))
            if stmt.value is not None:
                todo.append((stmt.value, 0))
        else:
            todo.append((stmt, 0))
    while todo:
        node, unit = todo.pop()
        if type(node) is ast.Name:
            out.setdefault(node.id, set()).add(unit)  # type: ignore[attr-defined]
            continue
        todo.extend((child, unit) for child in ast.iter_child_nodes(node))
    return out


def _references(tree: ast.Module) -> dict[str, bool]:
    """Per name read in the module: whether some read may run after import, that is any read
    inside a function body, or one that is not a call (a function handed on is called later)."""
    out: dict[str, bool] = {}
    todo: list[tuple[ast.AST, bool]] = [(tree, False)]
    while todo:
        node, inside = todo.pop()
        kind = type(node)
        if kind is ast.Name:
            if type(node.ctx) is ast.Load:  # type: ignore[attr-defined]
                out[node.id] = True  # type: ignore[attr-defined]
            continue
        if kind is ast.Call and type(node.func) is ast.Name and not inside:  # type: ignore[attr-defined]
            out.setdefault(node.func.id, False)  # type: ignore[attr-defined]
            todo.extend((child, inside) for child in (*node.args, *node.keywords))  # type: ignore[attr-defined]
            continue
        if kind in _FUNCTIONS or kind is ast.Lambda:
            body = node.body  # type: ignore[attr-defined]
            ids = {id(b) for b in ([body] if kind is ast.Lambda else body)}
            for child in ast.iter_child_nodes(node):
                todo.append((child, inside or id(child) in ids))
            continue
        todo.extend((child, inside) for child in ast.iter_child_nodes(node))
    return out


__all__ = ["GlobalUses", "OwnNames", "binds_first"]
