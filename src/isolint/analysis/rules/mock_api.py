"""What isolint knows about ``unittest.mock`` and pytest-mock: which calls make mocks or patchers."""

from __future__ import annotations

import ast

from isolint.analysis.context import FileContext
from isolint.analysis.tree import dotted_key, expr_key, walk

MOCK_FACTORIES = frozenset(
    "unittest.mock." + n
    for n in ("Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock",
              "PropertyMock", "ThreadingMock", "create_autospec")
)
PATCH = "unittest.mock.patch"
PATCH_OBJECT = "unittest.mock.patch.object"
PATCH_DICT = "unittest.mock.patch.dict"
PATCH_MULTIPLE = "unittest.mock.patch.multiple"
PATCHERS = frozenset({PATCH, PATCH_OBJECT, PATCH_DICT, PATCH_MULTIPLE})
STOPALL = "unittest.mock.patch.stopall"
#: pytest-mock's fixtures; every test that requests one can create mocks through it.
MOCKER_FIXTURES = frozenset(
    {"mocker", "class_mocker", "module_mocker", "package_mocker", "session_mocker"}
)


def patcher_kind(ctx: FileContext, node: ast.AST) -> str | None:
    """``"unittest.mock.patch"`` etc. when ``node`` is a call that makes a patcher."""
    name = ctx.call_name(node)
    return name if name in PATCHERS else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def patcher_creates_mock(ctx: FileContext, call: ast.Call) -> bool:
    """Whether the patcher made by ``call`` replaces its target with a new mock.

    ``patch(target)`` and ``patch.object(obj, "attr")`` do, unless given ``new``;
    ``patch.multiple`` does for each ``DEFAULT`` value; ``patch.dict`` never does.
    """
    kind = patcher_kind(ctx, call)
    if kind in (PATCH, PATCH_OBJECT):
        positional_new = 1 if kind == PATCH else 2
        return len(call.args) <= positional_new and _keyword(call, "new") is None
    if kind == PATCH_MULTIPLE:
        return any(ctx.qualified_name(kw.value) == "unittest.mock.DEFAULT" for kw in call.keywords)
    return False


def may_create_mocks(ctx: FileContext) -> bool:
    """False when :func:`creates_mock` is False for every node of the file: all it looks for
    is in ``unittest.mock``, and no name in the file can resolve there. (Keep the two in step.)"""
    return ctx.imports.may_resolve_under("unittest.mock")


def may_make_mocks(ctx: FileContext) -> bool:
    """False when nothing in the file can make a mock or a patcher: no name can resolve into
    ``unittest.mock`` and no ``mocker`` (a parameter or a receiver ending with the word) is
    spelled. A necessary condition for :func:`creates_mock`, :func:`returns_mock`,
    :func:`patcher_kind` and :func:`requests_mocker` on any node of the file."""
    return may_create_mocks(ctx) or "mocker" in ctx.source


def creates_mock(ctx: FileContext, node: ast.AST) -> bool:
    """``node`` is a call that builds a mock object (directly or through a patcher)."""
    if not isinstance(node, ast.Call):
        return False
    if ctx.call_name(node) in MOCK_FACTORIES:
        return True
    return patcher_creates_mock(ctx, node)


def requests_mocker(func: ast.AST) -> bool:
    args = getattr(func, "args", None)
    if args is None:
        return False
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    return any(a.arg in MOCKER_FIXTURES for a in params)


def _fixture_method_path(func: ast.expr) -> tuple[str, str] | None:
    """``("mocker", "patch.object")`` for ``mocker.patch.object``: the fixture a method is
    called on (any name ending in ``mocker``) and the dotted method path."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name) and func.id.endswith("mocker") and parts:
        return func.id, ".".join(reversed(parts))
    return None


#: pytest-mock methods that return a new mock (the patchers unless given ``new``).
MOCKER_MOCK_METHODS = frozenset(
    {"patch", "patch.object", "patch.multiple", "Mock", "MagicMock", "AsyncMock",
     "NonCallableMock", "NonCallableMagicMock", "PropertyMock", "create_autospec", "spy",
     "stub", "async_stub"}
)


def mocker_creates_mock(call: ast.AST) -> bool:
    """``mocker.patch(...)``, ``mocker.patch.object(o, "a")``, ``mocker.MagicMock()``,
    ``mocker.spy(...)``...: a pytest-mock call that returns a new mock."""
    if not isinstance(call, ast.Call):
        return False
    found = _fixture_method_path(call.func)
    if found is None or found[1] not in MOCKER_MOCK_METHODS:
        return False
    positional_new = {"patch": 1, "patch.object": 2}.get(found[1])
    if positional_new is not None:
        return len(call.args) <= positional_new and _keyword(call, "new") is None
    return True


def assigned_patcher(ctx: FileContext, target: ast.expr) -> ast.Call | None:
    """The patcher call that name or ``self.attr`` ``target`` is assigned in its scope (the
    enclosing function, or every method of the enclosing class for ``self.attr``; and the
    module body), or None."""
    dotted = dotted_key(target)
    wanted = dotted or expr_key(target)
    if isinstance(target, ast.Attribute):
        cls = ctx.enclosing_class()
        scopes: list[ast.AST] = list(ctx.pytest.class_methods(cls)) if cls else []
    else:
        func = ctx.enclosing_function()
        scopes = [func] if func else []
    for scope in [*scopes, ctx.tree]:
        for targets, value in _assignments_in(ctx, scope):
            # Only a dotted target is spelled like a dotted name: no unparsing for the others.
            if any((dotted_key(t) if dotted else expr_key(t)) == wanted for t in targets) \
                    and patcher_kind(ctx, value):
                return value  # type: ignore[return-value]
    return None


def _assignments_in(ctx: FileContext, scope: ast.AST) -> list[tuple[list[ast.expr], ast.expr]]:
    """The targets and values of the ``=`` and annotated assignments in ``scope``, in
    ``ast.walk`` order (for the module: its own statements only), found once per scope."""
    memo = ctx.memos.setdefault("assignments_in", {})
    found = memo.get(scope)
    if found is None:
        nodes = scope.body if isinstance(scope, ast.Module) else walk(scope)
        found = memo[scope] = [
            (node.targets if isinstance(node, ast.Assign) else [node.target], node.value)
            for node in nodes
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None
        ]
    return found


def returns_mock(ctx: FileContext, value: ast.AST | None, depth: int = 0) -> bool:
    """Whether expression ``value`` evaluates to a mock: ``MagicMock()`` and the other mock
    classes, ``create_autospec(...)``, ``patcher.start()`` of a patcher that makes a mock,
    pytest-mock's ``mocker.patch(...)`` / ``mocker.MagicMock()``, or a name bound once to one
    of these."""
    if isinstance(value, ast.Name) and depth < 3:
        return returns_mock(ctx, ctx.bindings.constant_value(value.id), depth + 1)
    if not isinstance(value, ast.Call):
        return False
    if ctx.call_name(value) in MOCK_FACTORIES or mocker_creates_mock(value):
        return True
    func = value.func
    if isinstance(func, ast.Attribute) and func.attr == "start" and not value.args:
        patcher = func.value
        if not patcher_kind(ctx, patcher) and isinstance(patcher, (ast.Name, ast.Attribute)):
            patcher = assigned_patcher(ctx, patcher)  # type: ignore[assignment]
        return isinstance(patcher, ast.Call) and patcher_creates_mock(ctx, patcher)
    return False
