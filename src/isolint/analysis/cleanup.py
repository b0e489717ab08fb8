"""The cleanup analysis shared by every "leak without restore" rule: is the node being
visited itself cleanup, which code is guaranteed to run after it (``finally:``, teardowns,
code after a fixture's ``yield``, registered cleanups), and does any of it undo a change."""

from __future__ import annotations

import ast
from typing import Callable, Iterable, TypeVar

from isolint.analysis.names import ImportTable, blocks
from isolint.analysis.pytest_view import SETUP_METHODS, TEARDOWN_FUNCTIONS, TEARDOWN_METHODS, PytestView
from isolint.analysis.tree import FunctionNode, enclosing, walk, walk_own

Change = TypeVar("Change")

#: Calls that register a callable to run at cleanup: ``self.addCleanup(fn, *args)`` and kin.
CLEANUP_REGISTRARS = frozenset(
    {"addCleanup", "addAsyncCleanup", "addClassCleanup", "addfinalizer", "callback",
     "push_async_callback", "addModuleCleanup"}
)


class CleanupAnalysis:
    """Cleanup questions about the node on top of ``stack`` (the walk's ancestors)."""

    def __init__(self, stack: list[ast.AST], pytest: PytestView, imports: ImportTable) -> None:
        self.stack = stack
        self.pytest = pytest
        self.imports = imports
        self._memo: dict[tuple[str, int], object] = {}

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
        line = self.yield_line(func)
        if line is None:
            return []
        return [n for n in walk_own(func) if isinstance(n, ast.stmt) and n.lineno > line]

    def registered_cleanups(self, func: ast.AST) -> list[ast.AST]:
        """Code that ``func`` registers to run at cleanup (``addCleanup``, ``addfinalizer``...).

        A registered lambda or local function contributes its body; a registered callable with
        arguments (``addCleanup(os.environ.pop, "X")``) becomes an equivalent synthetic call.
        """
        key = ("cleanups", id(func))
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        local_defs = {
            n.name: n for n in walk_own(func) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        out: list[ast.AST] = []
        for node in walk_own(func):
            callee = _registered_callee(node, self)
            if callee is None:
                continue
            target, args = callee
            if isinstance(target, ast.Lambda):
                out.append(target.body)
            elif isinstance(target, ast.Name) and target.id in local_defs:
                out.extend(local_defs[target.id].body)
            else:
                out.append(ast.copy_location(ast.Call(func=target, args=args, keywords=[]), node))
        self._memo[key] = out
        return out

    def in_cleanup_code(self) -> bool:
        """Whether the current node itself runs as cleanup: in a ``finally:``, a teardown,
        after a fixture's ``yield``, or in a function registered as a cleanup callback."""
        node = self.stack[-1] if self.stack else None
        line = getattr(node, "lineno", 0)
        for index, ancestor in enumerate(self.stack[:-1]):
            child = self.stack[index + 1]
            if isinstance(ancestor, (ast.Try, getattr(ast, "TryStar", ast.Try))) and child in ancestor.finalbody:
                return True
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
                parent = self.stack[index - 1] if index else None
                if isinstance(parent, ast.ClassDef) and ancestor.name in TEARDOWN_METHODS:
                    return True
                if isinstance(parent, ast.Module) and ancestor.name in TEARDOWN_FUNCTIONS:
                    return True
                yield_line = self.yield_line(ancestor) if self.pytest.is_fixture(ancestor) else None
                if yield_line is not None and line > yield_line:
                    return True
                if parent is not None and self._is_registered_callback(ancestor, parent):
                    return True
            if isinstance(ancestor, ast.Lambda) and index:
                call = self.stack[index - 1]
                if isinstance(call, ast.Call) and _registered_callee(call, self):
                    return True
        return False

    def _is_registered_callback(self, func: FunctionNode, parent: ast.AST) -> bool:
        if not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        for node in walk_own(parent):
            callee = _registered_callee(node, self)
            if callee and isinstance(callee[0], ast.Name) and callee[0].id == func.name:
                return True
        return False

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
            if isinstance(ancestor, (ast.Try, getattr(ast, "TryStar", ast.Try))) and child not in ancestor.finalbody:
                out.extend(ancestor.finalbody)
            # A `try: ... finally:` that follows the statement in the same block.
            for body in blocks(ancestor):
                if child in body:
                    for later in body[body.index(child) + 1 :]:
                        if isinstance(later, (ast.Try, getattr(ast, "TryStar", ast.Try))):
                            out.extend(later.finalbody)
        functions = [n for n in stack[:-1] if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for func in functions:
            out.extend(self.registered_cleanups(func))
            if self.pytest.is_fixture(func):
                out.extend(self.after_yield(func))
        cls = enclosing(self.stack, ast.ClassDef)  # type: ignore[assignment]
        if cls is not None:
            for method in self.pytest.teardown_methods(cls):
                out.extend(method.body)
            for method in self.pytest.class_methods(cls):
                if method.name in SETUP_METHODS:
                    out.extend(self.registered_cleanups(method))
            for fixture in self.pytest.autouse_fixtures(cls.body):
                out.extend(self.after_yield(fixture))
        for name, func in self.pytest.module_functions.items():
            if name in TEARDOWN_FUNCTIONS:
                out.extend(func.body)
            elif self.pytest.is_autouse_fixture(func):
                out.extend(self.after_yield(func))
            elif name in ("setup_module", "setUpModule"):
                out.extend(self.registered_cleanups(func))
        return out

    def restored(self, predicate: Callable[[ast.AST], bool]) -> bool:
        """Whether any node of :meth:`cleanup_code` satisfies ``predicate``."""
        for root in self.cleanup_code():
            for node in walk(root):
                if predicate(node):
                    return True
        return False

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
        return False

    def expected_to_raise(self) -> bool:
        """Whether the current node is in the last statement of a ``with pytest.raises(...)``
        (or ``self.assertRaises(...)``) block: that statement is expected to raise, so the state
        change it spells out does not happen (``pd.options.mode.x = "bad"`` to test validation)."""
        for index, ancestor in enumerate(self.stack[:-1]):
            if isinstance(ancestor, (ast.With, ast.AsyncWith)) and ancestor.body:
                if self.stack[index + 1] is ancestor.body[-1] and any(
                    _is_raises_context(self, item.context_expr) for item in ancestor.items
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
        if managed is not None and self.managed_by(managed):
            return []
        return [c for c in changes if not self.restored(lambda n, c=c: restores(n, c))]


#: unittest methods whose ``with`` block is expected to raise.
RAISES_METHODS = frozenset({"assertRaises", "assertRaisesRegex"})


def _is_raises_context(ctx: CleanupAnalysis, expr: ast.expr) -> bool:
    if not isinstance(expr, ast.Call):
        return False
    if ctx.qualified_name(expr.func) == "pytest.raises":
        return True
    return isinstance(expr.func, ast.Attribute) and expr.func.attr in RAISES_METHODS


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
