"""What isolint knows about ``unittest.mock`` and pytest-mock: which calls make mocks or patchers."""

from __future__ import annotations

import ast

from isolint.context import FileContext

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
