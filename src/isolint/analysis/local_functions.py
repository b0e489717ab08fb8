"""Where a test's local function can run: a change made in a function nested in a test is undone
when every place that can run the function is inside a ``with`` block that undoes it.

prefect's ``test_run_steps_does_not_probe_cwd_without_step_observer`` defines a step function
that calls ``os.chdir``, installs it with ``monkeypatch.setattr(...)`` and runs the steps inside
``with tmpchdir(...)``, whose ``finally:`` puts the working directory back. The ``with`` does
not enclose the ``os.chdir`` in the source, yet the function cannot run anywhere else: before
its ``def`` it does not exist, and every other statement of the test after it calls only code
that cannot call it back (builtins, pytest's ``monkeypatch`` and ``mocker``, ``pathlib`` on
paths, methods of mocks). :func:`guarding_withs` finds those ``with`` statements, or says that
the function may run elsewhere.
"""

from __future__ import annotations

import ast
import builtins
from typing import Callable

from isolint.analysis.tree import walk

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
#: Builtins that call no user code given the values tests give them (``str(path)``).
INERT_BUILTINS = frozenset(
    {"str", "repr", "len", "bool", "int", "float", "list", "dict", "set", "frozenset", "tuple",
     "sorted", "isinstance", "issubclass", "type", "any", "all", "min", "max", "sum", "range",
     "enumerate", "zip", "print", "id", "abs", "round", "bytes", "hash", "callable"}
) & frozenset(dir(builtins))
#: Qualified callees that call no test code.
INERT_CALLS = frozenset(
    {"pathlib.Path", "pathlib.PurePath", "unittest.mock.Mock", "unittest.mock.MagicMock",
     "unittest.mock.AsyncMock", "mock.Mock", "mock.MagicMock", "mock.AsyncMock"}
)
#: Fixtures whose methods install or record values without calling them.
INERT_FIXTURES = ("monkeypatch", "mocker")
#: Fixtures that hold a ``pathlib.Path``.
PATH_FIXTURES = frozenset({"tmp_path"})


class _Scope:
    """The names a test function binds once (their values), to tell paths and mocks apart."""

    def __init__(self, constants: dict[str, ast.expr], qualified: Callable[[ast.AST], str | None]) -> None:
        self.constants = constants
        self.qualified = qualified

    def _value(self, expr: ast.AST, depth: int = 0) -> ast.AST | None:
        while isinstance(expr, ast.Name) and depth < 5:
            if expr.id in PATH_FIXTURES:
                return expr
            found = self.constants.get(expr.id)
            if found is None:
                return None
            expr, depth = found, depth + 1
        return expr

    def is_path(self, expr: ast.AST, depth: int = 0) -> bool:
        """``tmp_path``, ``tmp_path / "x"``, ``Path(...)``, ``p.parent``, ``p.resolve()``, or a
        name bound once to one."""
        value = self._value(expr)
        if value is None or depth > 5:
            return False
        if isinstance(value, ast.Name):
            return value.id in PATH_FIXTURES
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
            return self.is_path(value.left, depth + 1)
        if isinstance(value, ast.Attribute):
            return self.is_path(value.value, depth + 1)
        if isinstance(value, ast.Call):
            if self.qualified(value.func) in ("pathlib.Path", "pathlib.PurePath"):
                return True
            func = value.func
            return isinstance(func, ast.Attribute) and self.is_path(func.value, depth + 1)
        return False

    def is_mock(self, expr: ast.AST) -> bool:
        """A name bound once to ``MagicMock()`` / ``Mock()`` / ``AsyncMock()``."""
        value = self._value(expr)
        return isinstance(value, ast.Call) and self.qualified(value.func) in INERT_CALLS - {
            "pathlib.Path", "pathlib.PurePath"}

    def inert(self, call: ast.Call) -> bool:
        """Whether ``call`` cannot call back a function of the test (see the module docstring)."""
        func = call.func
        if isinstance(func, ast.Name):
            if self.constants.get(func.id) is not None:
                return False  # a local name, whatever it is called
            return self.qualified(func) in INERT_BUILTINS | INERT_CALLS
        if not isinstance(func, ast.Attribute):
            return False
        receiver = func.value
        while isinstance(receiver, ast.Attribute):  # `mocker.patch.object(...)`
            receiver = receiver.value
        if isinstance(receiver, ast.Name) and receiver.id.endswith(INERT_FIXTURES):
            return True
        return self.qualified(func) in INERT_CALLS or self.is_path(func.value) or self.is_mock(func.value)


def _runs(stmt: ast.AST) -> list[ast.AST]:
    """The nodes of ``stmt`` that run when it runs: not the bodies of nested functions, classes'
    methods or lambdas (their decorators and defaults do run)."""
    out: list[ast.AST] = []
    todo = [stmt]
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, _FUNCTIONS):
            todo.extend(node.decorator_list)
            todo.extend(node.args.defaults)
            todo.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        if isinstance(node, ast.Lambda):
            continue
        todo.extend(ast.iter_child_nodes(node))
    return out


def _all_inert(nodes: list[ast.AST], scope: _Scope) -> bool:
    return all(scope.inert(n) for n in nodes if isinstance(n, ast.Call))


def guarding_withs(
    test: ast.AST,
    local: ast.AST,
    constants: dict[str, ast.expr],
    qualified: Callable[[ast.AST], str | None],
) -> list[ast.With | ast.AsyncWith] | None:
    """The top-level ``with`` statements of ``test`` after the ``def`` of ``local`` (a function
    defined directly in its body) whose blocks may run ``local``; None when ``local`` may also
    run anywhere else: it is decorated, named before its ``def``, or a statement of the test
    after it (outside such a ``with`` block, or in its items' arguments) calls something that
    could call it back. ``constants``: the names ``test`` binds once, with their values."""
    body = getattr(test, "body", [])
    if not isinstance(local, _FUNCTIONS) or local not in body or local.decorator_list:
        return None
    position = body.index(local)
    for stmt in body[:position]:
        if any(isinstance(n, ast.Name) and n.id == local.name for n in walk(stmt)):
            return None  # a closure defined earlier may call it by name
    scope = _Scope(constants, qualified)
    guards: list[ast.With | ast.AsyncWith] = []
    for stmt in body[position + 1:]:
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            managers = [item.context_expr for item in stmt.items]
            if not all(_all_inert(_runs(arg), scope) for m in managers if isinstance(m, ast.Call)
                       for arg in (*m.args, *(k.value for k in m.keywords))):
                return None
            # The managers' own calls and the block may run it: then the `with` must undo it.
            if not _all_inert([*managers, *(n for s in stmt.body for n in _runs(s))], scope):
                guards.append(stmt)
            continue
        if not _all_inert(_runs(stmt), scope):
            return None
    return guards


__all__ = ["guarding_withs", "INERT_BUILTINS"]
