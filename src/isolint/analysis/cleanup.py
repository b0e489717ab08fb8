"""The cleanup analysis shared by every "leak without restore" rule: is the node being
visited itself cleanup, which code is guaranteed to run after it (``finally:``, teardowns,
code after a fixture's ``yield``, registered cleanups), and does any of it undo a change."""

from __future__ import annotations

import ast
from bisect import bisect_right
from collections import deque
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, TypeVar

from isolint.analysis.bindings import Bindings
from isolint.analysis.local_functions import guarding_withs
from isolint.analysis.names import ImportTable, blocks
from isolint.analysis.project_index import (
    CLEANUP_REGISTRARS, ENTER_METHODS, EXIT_METHODS, registered_by_decorator, self_method,
)
from isolint.analysis.project_view import PYTESTER_FIXTURES, PYTESTER_RESTORES
from isolint.analysis.pytest_view import TEARDOWN_FUNCTIONS, PytestView
from isolint.analysis.tree import FunctionNode, enclosing, enclosing_class, iter_children, walk, walk_own

if TYPE_CHECKING:
    from isolint.analysis.project_view import ProjectView

Change = TypeVar("Change")
_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))
#: Calls that run a function in another process: ``target=`` / ``initializer=`` arguments.
PROCESS_STARTERS = frozenset(
    {"multiprocessing.Process", "multiprocessing.Pool", "multiprocessing.pool.Pool",
     "multiprocessing.context.Process", "concurrent.futures.ProcessPoolExecutor",
     "concurrent.futures.process.ProcessPoolExecutor"}
)
#: Keyword arguments whose callable a child process runs after the fork, before ``exec``
#: (``subprocess.Popen``/``run``/``call``..., ``asyncio.create_subprocess_exec``).
CHILD_CALLBACKS = frozenset({"preexec_fn"})
#: Words the callee of a process-starting call ends with (``ctx.Process``, ``get_context().Pool``).
PROCESS_WORDS = frozenset({"Process", "Pool", "ProcessPoolExecutor"})

#: The nodes that can change or restore state: the statements that assign or delete, and
#: calls. A restore is always one of them (see :meth:`CleanupAnalysis.restored`).
RESTORING_NODES = frozenset({ast.Call, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete})

#: ``operator`` functions a cleanup may be registered as, with their number of arguments:
#: ``addCleanup(operator.delitem, os.environ, "K")``.
OPERATOR_ITEMS = {"operator.delitem": 2, "operator.__delitem__": 2,
                  "operator.setitem": 3, "operator.__setitem__": 3}


class RestoringNodes:
    """The :data:`RESTORING_NODES` of each cleanup root, and whether the root holds an ``if``
    that may guard on a saved value (which :func:`_guards_on_missing` decides
    for the current node): found once per root and file, though every change asks about the
    same cleanup code."""

    def __init__(self) -> None:
        #: By id: the root (held, so that its id is not reused), its nodes, whether it may guard.
        self._found: dict[int, tuple[ast.AST, list[ast.AST], bool]] = {}

    def of(self, root: ast.AST) -> tuple[list[ast.AST], bool]:
        entry = self._found.get(id(root))
        if entry is None or entry[0] is not root:
            nodes = []
            guarded = False
            for node in walk(root):
                kind = type(node)
                if kind in RESTORING_NODES:
                    nodes.append(node)
                elif kind is ast.If and _guard_name(node.test) is not None:  # type: ignore[attr-defined]
                    guarded = True
            entry = self._found[id(root)] = (root, nodes, guarded)
        return entry[1], entry[2]


class CleanupAnalysis:
    """Cleanup questions about the node on top of ``stack`` (the walk's ancestors)."""

    def __init__(self, stack: list[ast.AST], pytest: PytestView, imports: ImportTable,
                 bindings: Bindings, project: "ProjectView | None" = None) -> None:
        self.stack = stack
        self.pytest = pytest
        self.imports = imports
        self.bindings = bindings
        #: What the project index tells about this file (None: a file scanned on its own).
        self.project = project
        self._memo: dict[tuple[str, int], object] = {}
        self._restoring = RestoringNodes()

    def method_class(self, func: ast.AST) -> ast.ClassDef | None:
        """The class ``func`` is directly defined in, if any (from the current stack)."""
        return enclosing_class(self.stack, func)

    def qualified_name(self, node: ast.AST | None) -> str | None:
        return None if node is None else self.imports.resolve(node)

    def yield_line(self, func: ast.AST) -> int | None:
        """Line of the first ``yield`` of ``func`` itself (not of nested defs), or None."""
        key = ("yield", id(func))
        if key not in self._memo:
            line = None
            for node in walk_own(func):
                if isinstance(node, (ast.Yield, ast.YieldFrom)):
                    line = node.lineno if line is None else min(line, node.lineno)
            self._memo[key] = line
        return self._memo[key]  # type: ignore[return-value]

    def after_yield(self, func: ast.AST) -> list[ast.AST]:
        """Statements of fixture ``func`` that run after its ``yield`` (teardown code)."""
        key = ("after_yield", id(func))
        if key not in self._memo:
            line = self.yield_line(func)
            self._memo[key] = [] if line is None else [
                n for n in walk_own(func) if isinstance(n, ast.stmt) and n.lineno > line]
        return self._memo[key]  # type: ignore[return-value]

    def _block(self, body: list[ast.stmt]) -> tuple[dict[int, int], list[int]]:
        """An index of the statement list ``body``: position by statement id, and the positions
        of its ``try`` statements (so that no question walks a whole block again)."""
        key = ("block", id(body))
        if key not in self._memo:
            self._memo[key] = (
                {id(stmt): index for index, stmt in enumerate(body)},
                [index for index, stmt in enumerate(body) if isinstance(stmt, _TRY)],
            )
        return self._memo[key]  # type: ignore[return-value]

    def _registered_names(self, func: ast.AST) -> frozenset[str]:
        """Names of the callables ``func`` registers as cleanups (``addCleanup(restore)``)."""
        key = ("registered", id(func))
        if key not in self._memo:
            names = set()
            for node in walk_own(func):
                callee = _registered_callee(node, self)
                if callee and isinstance(callee[0], ast.Name):
                    names.add(callee[0].id)
            self._memo[key] = frozenset(names)
        return self._memo[key]  # type: ignore[return-value]

    def registered_cleanups(self, func: ast.AST, cls: ast.ClassDef | None = None) -> list[ast.AST]:
        """Code that ``func`` registers to run at cleanup (``addCleanup``, ``addfinalizer``...).

        A registered lambda or local function contributes its body; a registered callable with
        arguments (``addCleanup(os.environ.pop, "X")``) becomes an equivalent synthetic call; a
        registered method (``addCleanup(self.restore, saved)``) of ``cls`` (default: the class
        ``func`` is defined in) contributes its body.
        """
        key = ("cleanups", id(func), id(cls) if cls is not None else 0)
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        local_defs, calls = self._parts(func)
        out: list[ast.AST] = [
            stmt for local in local_defs.values() if registered_by_decorator(local) for stmt in local.body]
        for node in calls:
            if not node.args:
                continue
            callee = _registered_callee(node, self)
            if callee is None:
                continue
            target, args = callee
            if isinstance(target, ast.Lambda):
                out.append(target.body)
            elif isinstance(target, ast.Name) and target.id in local_defs:
                out.extend(local_defs[target.id].body)
            elif self_method(target):  # `self.addCleanup(self.restore, saved)`: its body
                out.extend(_method_code(self, cls or self.method_class(func), target.attr))  # type: ignore[attr-defined]
            else:
                out.append(_registered_call(self, target, args, node))
        self._memo[key] = out
        return out

    def _parts(self, func: ast.AST) -> tuple[dict[str, ast.AST], list[ast.Call]]:
        """The local functions and the calls of ``func`` itself (one walk, memoised)."""
        key = ("parts", id(func))
        if key not in self._memo:
            local_defs: dict[str, ast.AST] = {}
            calls: list[ast.Call] = []
            for node in walk_own(func):
                kind = type(node)
                if kind is ast.Call:
                    calls.append(node)  # type: ignore[arg-type]
                elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                    local_defs[node.name] = node  # type: ignore[attr-defined]
            self._memo[key] = (local_defs, calls)
        return self._memo[key]  # type: ignore[return-value]

    def own_calls(self, func: ast.AST) -> list[ast.Call]:
        """The calls ``func`` itself makes (not those of nested functions)."""
        return self._parts(func)[1]

    def in_cleanup_code(self) -> bool:
        """Whether the current node itself runs as cleanup: in a ``finally:``, a teardown,
        after a fixture's ``yield``, or in a function registered as a cleanup callback."""
        node = self.stack[-1] if self.stack else None
        line = getattr(node, "lineno", 0)
        for index, ancestor in enumerate(self.stack[:-1]):
            child = self.stack[index + 1]
            if isinstance(ancestor, _TRY) and id(child) in self._block(ancestor.finalbody)[0]:
                return True
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
                parent = self.stack[index - 1] if index else None
                if isinstance(parent, ast.ClassDef) and (
                    ancestor.name in self.pytest.teardown_names or ancestor.name in EXIT_METHODS
                ):
                    return True
                if isinstance(parent, ast.Module) and ancestor.name in TEARDOWN_FUNCTIONS:
                    return True
                yield_line = (
                    self.yield_line(ancestor)
                    if self.pytest.is_fixture(ancestor) or self.pytest.is_context_manager(ancestor)
                    else None
                )
                if yield_line is not None and line > yield_line:
                    return True
                if parent is not None and self._is_registered_callback(ancestor, parent):
                    return True
            if isinstance(ancestor, ast.Lambda) and index:
                call = self.stack[index - 1]
                if isinstance(call, ast.Call) and _registered_callee(call, self):
                    return True
        return False

    def restores_class_change(self, same_state: Callable[[ast.AST], bool]) -> bool:
        """Whether the current node is in a method its class registers as a cleanup and
        another method of the class changes the same state (see :func:`_restores_class_change`)."""
        return _restores_class_change(self, same_state)

    def _is_registered_callback(self, func: FunctionNode, parent: ast.AST) -> bool:
        if not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        return func.name in self._registered_names(parent) or registered_by_decorator(func)

    def cleanup_code(self) -> list[ast.AST]:
        """Code guaranteed to run after the current node, whatever happens in between.

        ``finally:`` blocks around it (or of a ``try`` that directly follows its statement),
        cleanups registered in its function, the code after a fixture's ``yield``, the class's
        teardown methods (own or inherited in this module) and autouse fixtures, cleanups
        registered in the class's setup methods, and the module's teardown functions and
        autouse fixtures.
        """
        out: list[ast.AST] = []
        stack = self.stack
        for index, ancestor in enumerate(stack[:-1]):
            child = stack[index + 1]
            if isinstance(ancestor, _TRY) and id(child) not in self._block(ancestor.finalbody)[0]:
                out.extend(ancestor.finalbody)
            # A `try: ... finally:` that follows the statement in the same block.
            for body in blocks(ancestor):
                positions, tries = self._block(body)
                position = positions.get(id(child))
                if position is not None:
                    for later in tries[bisect_right(tries, position):]:
                        out.extend(body[later].finalbody)  # type: ignore[attr-defined]
        functions = [n for n in stack[:-1] if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for func in functions:
            out.extend(self.registered_cleanups(func))
            if self.pytest.is_fixture(func):
                out.extend(self.after_yield(func))
        cls = enclosing(self.stack, ast.ClassDef)  # type: ignore[assignment]
        if cls is not None and functions and self.method_class(functions[0]) is cls \
                and _enters(self, cls, functions[0].name):  # `__exit__` undoes `__enter__`
            out.extend(s for m in self.pytest.class_methods(cls) if m.name in EXIT_METHODS for s in m.body)
            if self.project is not None:  # an `__exit__` of a base in another module, and what
                for name in EXIT_METHODS:  # an in-module one calls there (`Base.__exit__(self)`)
                    out.extend(self.project.method_code(self, cls, name))
        if cls is not None:
            out.extend(self._class_cleanup(cls))
        out.extend(self._module_cleanup())
        if any(a.arg in PYTESTER_FIXTURES for f in functions for a in f.args.args):
            out.extend(PYTESTER_RESTORES)  # pytester puts cwd, sys.modules and sys.path back
        if self.project is not None:
            out.extend(self.project.cleanup_code(self, self.pytest.teardown_names))
        return out

    def _class_cleanup(self, cls: ast.ClassDef) -> list[ast.AST]:
        """What runs after every test of ``cls``: its teardown methods, cleanups registered in
        its setup methods, its autouse fixtures after their ``yield``. Computed once per class."""
        key = ("class", id(cls))
        if key not in self._memo:
            out: list[ast.AST] = []
            for method in self.pytest.teardown_methods(cls):
                out.extend(method.body)
            for method in self.pytest.class_methods(cls):
                if method.name in self.pytest.setup_names:
                    out.extend(self.registered_cleanups(method, cls))
            for fixture in self.pytest.autouse_fixtures(cls.body):
                out.extend(self.after_yield(fixture))
            self._memo[key] = out
        return self._memo[key]  # type: ignore[return-value]

    def _module_cleanup(self) -> list[ast.AST]:
        """What runs after every test of the module: teardown functions, autouse fixtures
        after their ``yield``, cleanups registered in ``setup_module``. Computed once per file
        (asking each module function whether it is an autouse fixture for every change made
        the time quadratic)."""
        key = ("module", 0)
        if key not in self._memo:
            out: list[ast.AST] = []
            for name, func in self.pytest.module_functions.items():
                if name in TEARDOWN_FUNCTIONS:
                    out.extend(func.body)
                elif self.pytest.is_autouse_fixture(func):
                    out.extend(self.after_yield(func))
                elif name in ("setup_module", "setUpModule"):
                    out.extend(self.registered_cleanups(func))
            self._memo[key] = out
        return self._memo[key]  # type: ignore[return-value]

    def restored(self, predicate: Callable[[ast.AST], bool]) -> bool:
        """Whether any assignment, ``del`` statement or call (:data:`RESTORING_NODES`, the only
        nodes ``predicate`` is asked about) of :meth:`cleanup_code` satisfies ``predicate``; a
        restore under ``if prev:`` (``prev`` a ``.get(k)`` or ``getattr(o, n, None)`` that was
        None when there was nothing to restore, the usual case) does not count unless its
        ``else:`` restores too. For a removal (``del``, ``delattr``, ``.pop``) that guard is
        right: with nothing there, nothing was removed."""
        change = self.stack[-1] if self.stack else None
        guards_count = not _removes(change)
        for root in self.cleanup_code():
            nodes, guarded = self._restoring.of(root)
            if guarded and guards_count:
                nodes = [n for n in self._unconditional(root) if type(n) in RESTORING_NODES]
            for node in nodes:
                if predicate(node):
                    return True
        return False

    def _unconditional(self, root: ast.AST) -> Iterator[ast.AST]:
        """:func:`walk` of ``root`` without the bodies of ``if saved:`` guards on a saved value
        that is None when there was nothing before (see :meth:`restored`)."""
        todo = deque([root])
        while todo:
            node = todo.popleft()
            yield node
            if type(node) is ast.If and _guards_on_missing(self.bindings, node.test):
                todo.append(node.test)
                todo.extend(node.orelse)
                continue
            todo.extend(iter_children(node))

    def runs_in_other_process(self) -> bool:
        """Whether the current node is in a function this module hands to another process
        (``multiprocessing.Process(target=f)``, ``Pool(initializer=f)``,
        ``ProcessPoolExecutor(initializer=f)``, ``subprocess.Popen(preexec_fn=f)``, a
        ``preexec_fn=lambda: ...``: the child runs it after the fork, before ``exec``): what it
        changes, it changes there."""
        if _in_child_callback(self.stack):
            return True
        names = self._process_targets
        return bool(names) and any(
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name in names
            for n in self.stack[:-1]
        )

    @cached_property
    def _process_targets(self) -> frozenset[str]:
        """Functions named in a process's ``target=`` (also wrapped: ``target=wrap(f, ...)``),
        in an ``initializer=`` of any pool but a thread pool, or in a ``preexec_fn=``."""
        source = self.bindings.source
        if source and "target" not in source and "initializer" not in source \
                and "preexec_fn" not in source:
            return frozenset()  # (a source-less context, as in some tests, is walked)
        out = set()
        for node in walk(self.pytest.tree):
            if type(node) is not ast.Call or not node.keywords:
                continue
            func = node.func
            word = func.attr if isinstance(func, ast.Attribute) else (
                self.imports.tails.get(func.id, func.id) if isinstance(func, ast.Name) else "")
            name = self.qualified_name(func) or ""
            starts_process = word in PROCESS_WORDS and (
                name in PROCESS_STARTERS or (name or "multiprocessing.").startswith("multiprocessing.")
            )
            for kw in node.keywords:
                if kw.arg == "target" and starts_process or kw.arg in CHILD_CALLBACKS or (
                    kw.arg == "initializer" and "Thread" not in word
                ):
                    out.update(n.id for n in walk(kw.value) if type(n) is ast.Name)
        return frozenset(out)

    def managed_by(self, predicate: Callable[[ast.expr], bool]) -> bool:
        """Whether the current node runs inside a ``with`` item, or under a decorator of an
        enclosing function or class, for which ``predicate`` holds (e.g. ``patch.dict(os.environ)``)."""
        for index, ancestor in enumerate(self.stack[:-1]):
            if isinstance(ancestor, (ast.With, ast.AsyncWith)):
                child = self.stack[index + 1]
                if child in ancestor.body and any(predicate(item.context_expr) for item in ancestor.items):
                    return True
            for deco in getattr(ancestor, "decorator_list", ()):
                if predicate(deco):
                    return True
        cls = enclosing(self.stack, ast.ClassDef) if self.project is not None else None
        if cls is not None and self.project is not None:
            # A patcher the class's set-up starts for every test (own or a base's in any module).
            setups = self.pytest.setup_names
            return any(predicate(p) for p in self.project.setup_patchers(self, cls, setups))  # type: ignore[arg-type]
        return False

    def expected_to_raise(self) -> bool:
        """Whether the current node is in the last statement of a ``with pytest.raises(...)``
        (or ``self.assertRaises(...)``) block, or in a statement of a ``try:`` with handlers
        that fails the test when it does not raise (``try: os.chdir(missing)`` ``except
        OSError: ...`` ``else: self.fail(...)``; ``try: x(); pytest.fail() except E: pass``):
        that statement is expected to raise, so the state change it spells out does not happen
        (``pd.options.mode.x = "bad"`` to test validation)."""
        for index, ancestor in enumerate(self.stack[:-1]):
            if isinstance(ancestor, (ast.With, ast.AsyncWith)) and ancestor.body:
                if self.stack[index + 1] is ancestor.body[-1] and any(
                    _is_raises_context(self, item.context_expr) for item in ancestor.items
                ):
                    return True
            elif isinstance(ancestor, _TRY) and ancestor.handlers and _fails_unless_raised(
                ancestor, self.stack[index + 1]
            ):
                return True
        return False

    def unrestored(
        self,
        changes: Iterable[Change],
        restores: Callable[[ast.AST, Change], bool],
        managed: Callable[[ast.expr], bool] | None = None,
    ) -> list[Change]:
        """The ``changes`` the current node makes that nothing is guaranteed to undo.

        None when the node is itself cleanup code or runs under a ``with`` item or decorator for
        which ``managed`` holds; otherwise each change for which no node of :meth:`cleanup_code`
        satisfies ``restores(node, change)``.
        """
        changes = list(changes)
        if not changes or self.in_cleanup_code() or self.expected_to_raise():
            return []
        if self.runs_in_other_process():
            return []
        if managed is not None and self.managed_by(managed):
            return []
        guards = self._local_guards()
        return [c for c in changes if not self.restored(lambda n, c=c: restores(n, c))
                and not (guards and all(self._guard_restores(g, c, restores, managed) for g in guards))]

    def _local_guards(self) -> list[ast.With | ast.AsyncWith] | None:
        """When the current node is in a function defined directly in a test function, the
        ``with`` statements of the test that may run it, if they are the only places that may
        (:func:`isolint.analysis.local_functions.guarding_withs`); else None."""
        functions = [i for i, n in enumerate(self.stack[:-1]) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        if len(functions) < 2 or functions[-2] != functions[-1] - 1:
            return None
        local, test = self.stack[functions[-1]], self.stack[functions[-2]]
        key = ("local_guards", id(local))
        if key not in self._memo:
            pytest = self.pytest
            owner = self.stack[functions[-2] - 1]
            is_test = pytest.is_test_module and pytest.is_test_function_name(test.name) \
                and not pytest.is_fixture(test) and len(functions) == 2 \
                and (isinstance(owner, ast.Module) or isinstance(owner, ast.ClassDef) and pytest.is_test_class(owner))
            self._memo[key] = guarding_withs(
                test, local, self.bindings.function_constants(test), self.qualified_name) if is_test else None
        return self._memo[key]  # type: ignore[return-value]

    def _guard_restores(self, guard: ast.With | ast.AsyncWith, change: Change,
                        restores: Callable[[ast.AST, Change], bool],
                        managed: Callable[[ast.expr], bool] | None) -> bool:
        """Whether a manager of ``guard`` undoes ``change`` when its block ends: ``managed``
        holds for it, or its ``finally:``/``__exit__`` code (in any project module) restores."""
        for item in guard.items:
            expr = item.context_expr
            if managed is not None and managed(expr):
                return True
            if self.project is not None and any(
                restores(node, change) for root in self.project.helper_code(self, expr) for node in walk(root)
            ):
                return True
        return False


#: unittest methods whose ``with`` block is expected to raise.
RAISES_METHODS = frozenset({"assertRaises", "assertRaisesRegex"})


def _is_raises_context(ctx: CleanupAnalysis, expr: ast.expr) -> bool:
    if not isinstance(expr, ast.Call):
        return False
    if ctx.qualified_name(expr.func) == "pytest.raises":
        return True
    return isinstance(expr.func, ast.Attribute) and expr.func.attr in RAISES_METHODS


def _in_child_callback(stack: list[ast.AST]) -> bool:
    """Whether the node on top of ``stack`` is in a lambda passed as ``preexec_fn=``."""
    for index, node in enumerate(stack[:-1]):
        if type(node) is ast.keyword and node.arg in CHILD_CALLBACKS \
                and type(stack[index + 1]) is ast.Lambda and node.value is stack[index + 1]:
            return True
    return False


def _fails_unless_raised(handler: ast.Try, stmt: ast.AST) -> bool:
    """Whether ``stmt`` is the only statement of the ``try`` body and the ``else:`` ends by
    failing the test, or ``stmt`` is followed in the body by a statement that fails it."""
    body = handler.body
    if stmt not in body:
        return False
    if len(body) == 1 and handler.orelse:
        return _fails_test(handler.orelse[-1])
    position = body.index(stmt)
    return position + 1 < len(body) and _fails_test(body[position + 1])


#: Calls that fail the running test: ``self.fail(...)``, ``pytest.fail(...)``.
FAIL_CALLS = frozenset({"fail"})


def _fails_test(stmt: ast.stmt) -> bool:
    """``self.fail(...)`` / ``pytest.fail(...)`` / ``raise AssertionError(...)``."""
    if isinstance(stmt, ast.Raise):
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return isinstance(exc, ast.Name) and exc.id == "AssertionError" or (
            isinstance(exc, ast.Attribute) and exc.attr == "failureException")
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if not isinstance(call, ast.Call):
        return False
    func = call.func
    return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) in FAIL_CALLS


def _guards_on_missing(bindings: Bindings, test: ast.expr) -> bool:
    """``prev`` / ``prev is not None`` where ``prev = x.get(k)`` or ``getattr(o, n, None)``."""
    name = _guard_name(test)
    if name is None:
        return False
    saved = bindings.constant_value(name.id)
    if not isinstance(saved, ast.Call):
        return False
    func = saved.func
    if isinstance(func, ast.Attribute) and func.attr == "get" and len(saved.args) == 1:
        return not saved.keywords
    return (
        isinstance(func, ast.Name) and func.id == "getattr" and len(saved.args) == 3
        and isinstance(saved.args[2], ast.Constant) and saved.args[2].value is None
    )


def _guard_name(test: ast.expr) -> ast.Name | None:
    """``prev`` of an ``if`` test ``prev`` or ``prev is not None``, else None."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot):
        if isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
            test = test.left
    return test if isinstance(test, ast.Name) else None


def _removes(node: ast.AST | None) -> bool:
    """``del x[k]``, ``delattr(o, n)``, ``x.pop(k)``, ``x.remove(v)``: a change that takes out."""
    if isinstance(node, ast.Delete):
        return True
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id == "delattr"
    return isinstance(func, ast.Attribute) and func.attr in ("pop", "remove", "discard", "__delitem__")


def _registered_call(analysis: "CleanupAnalysis", target: ast.expr, args: list[ast.expr], node: ast.AST) -> ast.AST:
    """The code a registered callable with arguments runs, as a synthetic node:
    ``addCleanup(operator.delitem, os.environ, "K")`` is ``del os.environ["K"]``,
    ``operator.setitem(d, k, old)`` is ``d[k] = old``; any other is the call itself."""
    name = analysis.qualified_name(target) if isinstance(target, (ast.Name, ast.Attribute)) else None
    if name in OPERATOR_ITEMS and len(args) == OPERATOR_ITEMS[name]:
        item = ast.Subscript(value=args[0], slice=args[1], ctx=ast.Del() if len(args) == 2 else ast.Store())
        made: ast.stmt = ast.Delete(targets=[item]) if len(args) == 2 \
            else ast.Assign(targets=[item], value=args[2], lineno=0)
        return ast.fix_missing_locations(ast.copy_location(made, node))
    return ast.copy_location(ast.Call(func=target, args=args, keywords=[]), node)


def _method_code(analysis: "CleanupAnalysis", cls: ast.ClassDef | None, name: str) -> list[ast.AST]:
    """The body of method ``name`` of ``cls`` (its own, an in-module base's, or, through the
    project index, a base's in another module)."""
    if cls is None:
        return []
    for method in analysis.pytest.class_methods(cls):
        if method.name == name:
            return list(method.body)
    if analysis.project is not None:
        return analysis.project.method_code(analysis, cls, name)
    return []


def _registered_methods(analysis: "CleanupAnalysis", cls: ast.ClassDef) -> frozenset[str]:
    """Names of the methods registered as cleanups (``self.addCleanup(self.restore)``) by
    the methods of ``cls`` or of a class of this module that derives from it (once per class)."""
    key = ("registered_methods", id(cls))
    if key not in analysis._memo:
        names: set[str] = set()
        source = analysis.bindings.source
        if not source or any(word in source for word in CLEANUP_REGISTRARS):
            pytest = analysis.pytest
            for klass in [cls, *(k for k in pytest.module_classes.values() if cls in pytest.base_classes(k))]:
                for method in klass.body:
                    if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        for node in analysis.own_calls(method):
                            if type(node.func) is ast.Attribute and node.func.attr in CLEANUP_REGISTRARS \
                                    and node.args and self_method(node.args[0]):
                                names.add(node.args[0].attr)  # type: ignore[attr-defined]
        analysis._memo[key] = frozenset(names)
    return analysis._memo[key]  # type: ignore[return-value]


def _restores_class_change(analysis: "CleanupAnalysis", same_state: Callable[[ast.AST], bool]) -> bool:
    """Whether the current node is in a method its class registers as a cleanup
    (``self.addCleanup(self.replace_module, saved)``) and another method of the class
    changes the same state (``same_state`` holds for one of its nodes): the registered
    method is the restore of that change, not a change of its own. (A cleanup method that
    changes state nothing else in the class touches, botocore's ``logging.raiseExceptions
    = False`` while closing a log file, is still a change.)"""
    functions = [(i, n) for i, n in enumerate(analysis.stack[:-1]) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not functions:
        return False
    index, method = functions[0]
    cls = analysis.stack[index - 1] if index else None
    if not isinstance(cls, ast.ClassDef) or not _named_again(analysis.bindings.source, method.name):
        return False  # (never named again, so never handed on as `addCleanup(self.name)`)
    if method.name not in _registered_methods(analysis, cls):
        return False
    return any(
        same_state(node)
        for other in analysis.pytest.class_methods(cls) if other is not method
        for node in walk_own(other)
    )


def _named_again(source: str, name: str) -> bool:
    """Whether ``name`` may occur in ``source`` besides its ``def``: a method registered as
    a cleanup is named again where it is registered (``self.addCleanup(self.restore)``). A
    non-ASCII source may spell it otherwise (NFKC), a source-less context is not searched:
    both may."""
    if not source or not source.isascii():
        return True
    first = source.find(name)
    return first >= 0 and source.find(name, first + 1) >= 0


def _enters(analysis: "CleanupAnalysis", cls: ast.ClassDef, name: str) -> bool:
    """Whether method ``name`` of ``cls`` is its ``__enter__``, or a helper only it and
    ``__exit__`` call (``self._unimport(name)`` in both): what it changes, ``__exit__`` undoes."""
    if name in ENTER_METHODS:
        return True
    key = ("enter_helpers", id(cls))
    if key not in analysis._memo:
        called: dict[str, set[str]] = {}
        methods = analysis.pytest.class_methods(cls)
        if not any(m.name in ENTER_METHODS for m in methods):
            methods = []  # (not a context manager: nothing to find)
        for method in methods:
            for node in walk_own(method):
                if type(node) is ast.Attribute and self_method(node):  # type: ignore[arg-type]
                    called.setdefault(node.attr, set()).add(method.name)  # type: ignore[attr-defined]
        analysis._memo[key] = frozenset(
            helper for helper, callers in called.items()
            if callers & ENTER_METHODS and callers <= ENTER_METHODS | EXIT_METHODS
        )
    return name in analysis._memo[key]  # type: ignore[operator]


def _registered_callee(node: ast.AST, ctx: CleanupAnalysis) -> tuple[ast.expr, list[ast.expr]] | None:
    """For ``x.addCleanup(fn, *args)`` / ``atexit.register(fn, ...)``: ``(fn, args)``."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in CLEANUP_REGISTRARS:
        return node.args[0], list(node.args[1:])
    if ctx.qualified_name(func) in ("atexit.register", "unittest.addModuleCleanup"):
        return node.args[0], list(node.args[1:])
    return None
