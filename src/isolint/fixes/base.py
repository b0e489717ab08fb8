"""What every fixer shares: the request it gets, where a finding sits (the ``ast`` side, asked
through ``FileContext``) and the plans for adding a teardown.

A fixer works in two steps: it *plans* on the ``ast`` tree the engine scanned, where the file
context answers "is this a test, a fixture, a unittest class", keyed by source positions; then a
LibCST transformer *applies* the plan at the same positions (``cst_util``), which keeps every
comment and all formatting it does not touch. Whatever a fixer cannot do safely it leaves alone,
and the finding stays reported.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar, Iterable

from isolint.analysis.context import FileContext
from isolint.analysis.pytest_view import FIXTURE_DECORATORS, UNITTEST_BASES
from isolint.analysis.tree import FunctionNode
from isolint.model import Finding

PATCH_DECORATORS = frozenset(
    {"unittest.mock.patch", "unittest.mock.patch.object", "unittest.mock.patch.dict",
     "unittest.mock.patch.multiple"}
)
Position = tuple[int, int]  # (1-based line, 1-based character column), as in Finding


@dataclass(frozen=True)
class FixOptions:
    """How far fixes may go: ``unsafe`` allows the fixes that can change behaviour."""

    unsafe: bool = False
    #: Template of the ``xdist_group`` name: ``{stem}``, ``{dir}``, ``{module}``, ``{cls}``.
    xdist_group_name: str = "{stem}"


@dataclass
class FixRequest:
    """One file and the findings of one rule that a fixer is asked to rewrite."""

    source: str
    tree: ast.Module
    ctx: FileContext
    findings: tuple[Finding, ...]
    options: FixOptions = field(default_factory=FixOptions)

    @property
    def positions(self) -> set[Position]:
        return {(f.line, f.col) for f in self.findings}


class Fixer:
    """Base of the fixers: ``fix`` returns the new source (the same text when nothing applies)."""

    rule: ClassVar[str]

    def fix(self, request: FixRequest) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


# --------------------------------------------------------------------------- the ast side
class AstIndex:
    """Parents of the nodes of one tree, and nodes by their finding position."""

    def __init__(self, tree: ast.Module, source: str) -> None:
        self.parents: dict[int, ast.AST] = {}
        self._source = source
        self._lines = source.splitlines()
        self._by_position: dict[Position, list[ast.AST]] = {}
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[id(child)] = parent
                if hasattr(child, "lineno"):
                    key = (child.lineno, self.char_col(child.lineno, child.col_offset))
                    self._by_position.setdefault(key, []).append(child)

    def char_col(self, lineno: int, byte_offset: int) -> int:
        text = self._lines[lineno - 1] if 0 < lineno <= len(self._lines) else ""
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1

    def position(self, node: ast.AST) -> Position:
        return node.lineno, self.char_col(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def at(self, position: Position, *types: type) -> list[ast.AST]:
        return [n for n in self._by_position.get(position, ()) if isinstance(n, types)]

    def has_comment(self, node: ast.AST) -> bool:
        """Whether a comment sits inside ``node``'s span (rewriting it would lose the comment)."""
        start = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = (node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return any(start <= c <= end for c in self._comments)

    @cached_property
    def _comments(self) -> list[tuple[int, int]]:
        out = []
        try:
            for token in tokenize.generate_tokens(io.StringIO(self._source).readline):
                if token.type == tokenize.COMMENT:
                    line = self._lines[token.start[0] - 1]
                    out.append((token.start[0], len(line[: token.start[1]].encode("utf-8"))))
        except (tokenize.TokenError, SyntaxError):
            pass
        return out

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.parents.get(id(node))

    def ancestors(self, node: ast.AST) -> Iterable[ast.AST]:
        parent = self.parent(node)
        while parent is not None:
            yield parent
            parent = self.parent(parent)


@dataclass(frozen=True)
class Site:
    """Where a statement runs, as far as adding a fixture parameter is concerned.

    ``kind`` is ``"test"`` (a test function or a test method of a pytest class), ``"fixture"``
    (a function-scoped fixture), ``"setup_method"`` (of a pytest class), ``"unittest"`` (a method
    of a ``unittest.TestCase`` class) or ``"other"`` (module level, helpers, nested functions,
    wider-scoped fixtures, functions with decorators whose effect on the signature is unknown).
    """

    kind: str
    stmt: ast.stmt | None = None
    func: FunctionNode | None = None
    cls: ast.ClassDef | None = None

    @property
    def takes_fixtures(self) -> bool:
        return self.kind in ("test", "fixture")


def site_of(node: ast.AST, index: AstIndex, ctx: FileContext) -> Site:
    stmt = node if isinstance(node, ast.stmt) else None
    func: FunctionNode | None = None
    for ancestor in index.ancestors(node):
        if stmt is None and isinstance(ancestor, ast.stmt):
            stmt = ancestor
        if isinstance(ancestor, (ast.Lambda, ast.ClassDef, ast.Module)):
            return Site("other", stmt)
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            func = ancestor
            break
    if func is None or stmt is None or stmt is func:
        return Site("other", stmt)
    parent = index.parent(func)
    cls = parent if isinstance(parent, ast.ClassDef) else None
    if cls is None and not isinstance(parent, ast.Module):
        return Site("other", stmt, func)
    if cls is not None and ctx.pytest.is_unittest_class(cls):
        return Site("unittest", stmt, func, cls)
    if ctx.pytest.is_fixture(func):
        kind = "fixture" if _function_scoped(ctx, func) and _plain_decorators(ctx, func) else "other"
        return Site(kind, stmt, func, cls)
    if cls is not None and func.name == "setup_method":
        return Site("setup_method", stmt, func, cls)
    is_test = ctx.is_test_module and ctx.pytest.is_test_function_name(func.name) and (
        cls is None or ctx.pytest.is_test_class(cls)
    )
    if is_test and _plain_decorators(ctx, func):
        return Site("test", stmt, func, cls)
    return Site("other", stmt, func, cls)


def _function_scoped(ctx: FileContext, func: ast.AST) -> bool:
    deco = ctx.pytest.fixture_decorator(func)
    if not isinstance(deco, ast.Call):
        return True
    for kw in deco.keywords:
        if kw.arg == "scope":
            return isinstance(kw.value, ast.Constant) and kw.value.value == "function"
    return True


def _plain_decorators(ctx: FileContext, func: ast.AST) -> bool:
    """Only decorators known to leave fixture parameters alone: marks, fixture, mock.patch."""
    for name in ctx.pytest.decorator_names(func):
        if not (name.startswith("pytest.mark.") or name in FIXTURE_DECORATORS
                or name in PATCH_DECORATORS):
            return False
    return True


def param_names(func: ast.AST) -> list[str]:
    args = func.args  # type: ignore[attr-defined]
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    params += [a for a in (args.vararg, args.kwarg) if a is not None]
    return [a.arg for a in params]


def first_param(func: ast.AST) -> str | None:
    args = func.args  # type: ignore[attr-defined]
    params = [*args.posonlyargs, *args.args]
    return params[0].arg if params else None


def bound_names(func: ast.AST) -> set[str]:
    """Every name a function binds or reads (parameters included), to pick fresh names."""
    names = set(param_names(func))
    for node in ast.walk(func):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


def fresh_name(base: str, taken: set[str]) -> str:
    name, number = base, 2
    while name in taken:
        name, number = f"{base}_{number}", number + 1
    return name


# --------------------------------------------------------------------------- teardown plans
PYTEST_TEARDOWN = "teardown_method"
UNITTEST_TEARDOWNS = ("tearDown", "asyncTearDown")


@dataclass(frozen=True)
class TeardownPlan:
    """How to get code to run after each test of a class.

    Either append to the class's own teardown (``existing``), or add a new method ``name`` with
    ``params`` whose body starts with ``super_call`` (a base's teardown must still run), placed
    after the class's set-up methods.
    """

    existing: str | None = None
    name: str = PYTEST_TEARDOWN
    params: str = "self"
    super_call: str | None = None
    self_name: str = "self"


def teardown_plan(cls: ast.ClassDef, ctx: FileContext) -> TeardownPlan | None:
    """Where per-test cleanup code goes in ``cls``; None when a new method could hide a
    teardown of a base class defined elsewhere."""
    own = {n.name: n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if ctx.pytest.is_unittest_class(cls):
        for name in UNITTEST_TEARDOWNS:
            if name in own:
                return TeardownPlan(existing=name, self_name=first_param(own[name]) or "self")
        # `unittest.TestCase.tearDown` does nothing: call it only when another base may
        # define one (an in-module base that does, or a base class from elsewhere).
        inherited = {m.name for m in ctx.pytest.class_methods(cls)}
        foreign = [
            b for k in [cls, *ctx.pytest.base_classes(cls)] for b in ctx.pytest.unresolved_bases(k)
            if b not in UNITTEST_BASES
        ]
        needs_super = "tearDown" in inherited or bool(foreign)
        return TeardownPlan(name="tearDown", super_call="super().tearDown()" if needs_super else None)
    if PYTEST_TEARDOWN in own:
        method = own[PYTEST_TEARDOWN]
        if isinstance(method, ast.AsyncFunctionDef) or _decorated(method):
            return None
        return TeardownPlan(existing=PYTEST_TEARDOWN, self_name=first_param(method) or "self")
    inherited = {m.name: m for m in ctx.pytest.class_methods(cls)}
    if PYTEST_TEARDOWN in inherited:
        base = inherited[PYTEST_TEARDOWN]
        if len(param_names(base)) >= 2:
            return TeardownPlan(params="self, method", super_call="super().teardown_method(method)")
        return TeardownPlan(super_call="super().teardown_method()")
    if any(b not in ("object", "abc.ABC", "typing.Generic") for b in ctx.pytest.unresolved_bases(cls)):
        return None
    return TeardownPlan()


def _decorated(func: ast.AST) -> bool:
    return bool(getattr(func, "decorator_list", None))


__all__ = [
    "AstIndex", "Fixer", "FixOptions", "FixRequest", "Site", "TeardownPlan", "bound_names",
    "first_param", "fresh_name", "param_names", "site_of", "teardown_plan",
]
