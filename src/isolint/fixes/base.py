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
import bisect
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
    #: Real paths of the scanned paths: a file whose real path lies outside all of them (a
    #: symbolic link to elsewhere) is not written. None: no such limit.
    write_roots: tuple[str, ...] | None = None


@dataclass
class FixRequest:
    """One file and the findings of one rule that a fixer is asked to rewrite.

    A fixer that leaves a finding alone says why with :meth:`skip` (keyed by the finding's
    position); the reason reaches ``--diff``'s output and ``--format json``.
    """

    source: str
    tree: ast.Module
    ctx: FileContext
    findings: tuple[Finding, ...]
    options: FixOptions = field(default_factory=FixOptions)
    skipped: dict[Position, str] = field(default_factory=dict)

    @property
    def positions(self) -> set[Position]:
        return {(f.line, f.col) for f in self.findings}

    @property
    def first_party(self) -> frozenset[str]:
        """The project's own top-level modules (imports of them form the last section)."""
        from isolint.fixes.imports import first_party_modules

        return _first_party(first_party_modules, self.ctx.settings.pytest.rootdir)

    def skip(self, position: Position, reason: str) -> None:
        """Record why the finding at ``position`` is not fixed (the first reason wins)."""
        self.skipped.setdefault(position, reason)


_FIRST_PARTY: dict[str, frozenset[str]] = {}


def _first_party(find, rootdir: str) -> frozenset[str]:
    if rootdir not in _FIRST_PARTY:
        _FIRST_PARTY[rootdir] = find(rootdir)
    return _FIRST_PARTY[rootdir]


class Fixer:
    """Base of the fixers: ``fix`` returns the new source (the same text when nothing applies)."""

    rule: ClassVar[str]

    def fix(self, request: FixRequest) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


# --------------------------------------------------------------------------- the ast side
class AstIndex:
    """Parents of the nodes of one tree, and nodes by their finding position.

    Built lazily, one top-level statement at a time: a fixer asks about the few statements
    holding its findings, and a large file's other statements are never walked."""

    def __init__(self, tree: ast.Module, source: str) -> None:
        self.parents: dict[int, ast.AST] = {id(stmt): tree for stmt in tree.body}
        self._source = source
        self._lines = source.splitlines()
        self._by_position: dict[Position, list[ast.AST]] = {}
        self._body = tree.body
        self._ends = [stmt.end_lineno or stmt.lineno for stmt in tree.body]
        self._indexed: set[int] = set()

    def _index_line(self, line: int) -> None:
        """Index the top-level statement(s) that span ``line``."""
        first = bisect.bisect_left(self._ends, line)
        for number in range(first, len(self._body)):
            stmt = self._body[number]
            start = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
            if start > line:
                break
            if number in self._indexed:
                continue
            self._indexed.add(number)
            key = (stmt.lineno, self.char_col(stmt.lineno, stmt.col_offset))
            self._by_position.setdefault(key, []).append(stmt)
            for parent in ast.walk(stmt):
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
        self._index_line(position[0])
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
    wider-scoped fixtures, functions with decorators whose effect on the signature is unknown,
    methods of a class whose base is defined elsewhere); ``reason`` says why for ``"other"``.
    """

    kind: str
    stmt: ast.stmt | None = None
    func: FunctionNode | None = None
    cls: ast.ClassDef | None = None
    reason: str = ""

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
            where = "at module level" if isinstance(ancestor, ast.Module) else \
                "in a class body" if isinstance(ancestor, ast.ClassDef) else "in a lambda"
            return Site("other", stmt, reason=f"{where}, where no fixture can be requested")
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            func = ancestor
            break
    if func is None or stmt is None or stmt is func:
        return Site("other", stmt, reason="not a statement of a function body")
    parent = index.parent(func)
    cls = parent if isinstance(parent, ast.ClassDef) else None
    if cls is None and not isinstance(parent, ast.Module):
        return Site("other", stmt, func, reason=f"in the nested function `{func.name}`, "
                    "which takes no fixtures")
    kind = class_kind(cls, ctx) if cls is not None else "plain"
    if kind == "unittest":
        return Site("unittest", stmt, func, cls)
    if kind == "unknown":
        bases = ", ".join(f"`{b}`" for b in _unknown_bases(cls, ctx))  # type: ignore[arg-type]
        return Site("other", stmt, func, cls, reason=f"the class's base {bases} is defined "
                    "in another module and may be a `unittest.TestCase`, whose methods take "
                    "no fixtures")
    if ctx.pytest.is_fixture(func):
        if not _function_scoped(ctx, func):
            return Site("other", stmt, func, cls, reason="in a fixture wider than function "
                        "scope, which cannot use function-scoped fixtures")
        if not _plain_decorators(ctx, func):
            return Site("other", stmt, func, cls, reason=_decorator_reason(ctx, func))
        return Site("fixture", stmt, func, cls)
    if cls is not None and func.name == "setup_method":
        return Site("setup_method", stmt, func, cls)
    is_test = ctx.is_test_module and ctx.pytest.is_test_function_name(func.name) and (
        cls is None or ctx.pytest.is_test_class(cls)
    )
    if not is_test:
        return Site("other", stmt, func, cls, reason=f"in `{func.name}`, which is not a test "
                    "or fixture pytest passes fixtures to")
    if not _plain_decorators(ctx, func):
        return Site("other", stmt, func, cls, reason=_decorator_reason(ctx, func))
    return Site("test", stmt, func, cls)


#: Bases that make a class neither a ``unittest.TestCase`` nor hide a teardown.
NEUTRAL_BASES = frozenset({"object", "abc.ABC", "typing.Generic", "typing.Protocol"})


def class_kind(cls: ast.ClassDef, ctx: FileContext) -> str:
    """``"unittest"`` when ``cls`` derives from a known ``unittest.TestCase`` class (through
    bases in this module), ``"plain"`` when all its bases are in this module or neutral, else
    ``"unknown"`` (a base from elsewhere, which may or may not be a ``TestCase``).

    Stricter than :meth:`FileContext.is_unittest_class`, which also trusts a name ending in
    ``TestCase``: pytest runs ``tearDown`` and ``addCleanup`` only on real ``TestCase``
    classes, and only those reject fixture parameters."""
    from isolint.analysis.pytest_view import UNITTEST_BASES

    unknown = False
    for klass in [cls, *ctx.pytest.base_classes(cls)]:
        for base in klass.bases:
            if isinstance(base, ast.Name) and base.id in ctx.pytest.module_classes:
                continue
            qualified = ctx.qualified_name(base) or ""
            if qualified in UNITTEST_BASES:
                return "unittest"
            if qualified not in NEUTRAL_BASES:
                unknown = True
    return "unknown" if unknown else "plain"


def _unknown_bases(cls: ast.ClassDef, ctx: FileContext) -> list[str]:
    return [b for b in ctx.pytest.unresolved_bases(cls) if b not in NEUTRAL_BASES] or ["?"]


def _decorator_reason(ctx: FileContext, func: ast.AST) -> str:
    odd = [ast.unparse(d) for d, name in zip(func.decorator_list, ctx.pytest.decorator_names(func))  # type: ignore[attr-defined]
           if not _known_decorator(name)]
    return f"decorated with `@{odd[0] if odd else '?'}`, which may change the parameters pytest passes"


def _known_decorator(name: str) -> bool:
    return name.startswith("pytest.mark.") or name in FIXTURE_DECORATORS or name in PATCH_DECORATORS


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
    return all(_known_decorator(name) for name in ctx.pytest.decorator_names(func))


# --------------------------------------------------------------------------- fixture parameters
@dataclass(frozen=True)
class FixtureParam:
    """How a function gets the fixture ``name``: ``add`` it as a new parameter (at ``index``
    among the positional ones), use the one it has, or (``reason``) not at all."""

    name: str
    add: bool = False
    index: int = 0
    reason: str = ""

    @property
    def usable(self) -> bool:
        return not self.reason


def fixture_param(func: FunctionNode, name: str, ctx: FileContext, method: bool) -> FixtureParam:
    """Whether and how ``func`` (a test or fixture; ``method``: its first parameter is the
    instance) can receive pytest's fixture ``name`` without changing what the code means.

    An existing parameter ``name`` is used when pytest fills it with the fixture (not
    parametrized, not defaulted, not one that ``mock.patch`` decorators fill). A new one is
    never added when the function already uses the name (a local, a global it reads), nor
    where the arguments of ``mock.patch`` decorators would land in it."""
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    defaults_from = len(positional) - len(args.defaults)
    offset = 1 if method and positional else 0
    mocks = _mock_arguments(func, ctx)
    if mocks is None:
        return FixtureParam(name, reason="a `mock.patch` decorator whose arguments cannot be "
                            "counted decides what the parameters receive")
    if name in param_names(func):
        for i, a in enumerate(positional):
            if a.arg != name:
                continue
            if i >= defaults_from:
                return FixtureParam(name, reason=f"the parameter `{name}` has a default, so "
                                    "pytest does not pass the fixture")
            if offset <= i < offset + mocks:
                return FixtureParam(name, reason=f"the parameter `{name}` receives a "
                                    "`mock.patch` argument, not the fixture")
        given = _parametrized(func, ctx)
        if name in given or "*" in given:
            return FixtureParam(name, reason=f"`{name}` is a parametrized argument here, "
                                "not the fixture")
        kwonly = {a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults)}
        if kwonly.get(name) is not None or name in (getattr(args.vararg, "arg", None),
                                                     getattr(args.kwarg, "arg", None)):
            return FixtureParam(name, reason=f"the parameter `{name}` is not one pytest "
                                "fills with the fixture")
        return FixtureParam(name)
    used = _names_used(func)
    if name in used:
        return FixtureParam(name, reason=f"`{name}` already names something else in "
                            f"`{func.name}`; a fixture parameter would replace it")
    index = min(defaults_from, len(positional))
    if mocks and index < offset + mocks:
        return FixtureParam(name, reason="the `mock.patch` decorators' arguments go to "
                            "parameters with defaults; a new parameter would receive one")
    return FixtureParam(name, add=True, index=index)


def _names_used(func: FunctionNode) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not func:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg) and node is not func:
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _mock_arguments(func: FunctionNode, ctx: FileContext) -> int | None:
    """How many positional arguments the ``mock.patch`` decorators of ``func`` pass (None:
    unknown, e.g. ``patch.multiple``)."""
    count = 0
    for deco, name in zip(func.decorator_list, ctx.pytest.decorator_names(func)):
        if name not in PATCH_DECORATORS:
            continue
        if not isinstance(deco, ast.Call) or name.endswith(".multiple"):
            return None
        if name.endswith(".dict"):
            continue
        given = len(deco.args) + sum(kw.arg in ("new",) for kw in deco.keywords)
        if any(kw.arg is None for kw in deco.keywords) or any(isinstance(a, ast.Starred) for a in deco.args):
            return None
        count += given < (3 if name.endswith(".object") else 2)
    return count


def _parametrized(func: FunctionNode, ctx: FileContext) -> set[str]:
    """Argument names given by ``pytest.mark.parametrize`` on ``func`` (and its class)."""
    names: set[str] = set()
    for deco, name in zip(func.decorator_list, ctx.pytest.decorator_names(func)):
        if name != "pytest.mark.parametrize" or not isinstance(deco, ast.Call) or not deco.args:
            continue
        first = deco.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.update(n.strip() for n in first.value.split(","))
        elif isinstance(first, (ast.List, ast.Tuple)):
            names.update(e.value for e in first.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
        else:
            names.add("*")  # unknown: assume every name may be parametrized
    return names


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
    """Where per-test cleanup code goes in ``cls`` so that pytest runs it: ``tearDown`` in a
    ``unittest.TestCase``, ``teardown_method`` in a plain class (whose ``tearDown`` pytest never
    calls); a new method calls ``super()``'s only when a base defines that method. None when
    the class has a base from elsewhere: a new method could hide that base's teardown, or not
    be run at all (use an autouse fixture instead)."""
    own = {n.name: n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    kind = class_kind(cls, ctx)
    if kind == "unittest":
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
    if kind == "unknown":
        return None
    inherited = {m.name: m for m in ctx.pytest.class_methods(cls)}
    if PYTEST_TEARDOWN in inherited:
        base = inherited[PYTEST_TEARDOWN]
        if len(param_names(base)) >= 2:
            return TeardownPlan(params="self, method", super_call="super().teardown_method(method)")
        return TeardownPlan(super_call="super().teardown_method()")
    return TeardownPlan()


def _decorated(func: ast.AST) -> bool:
    return bool(getattr(func, "decorator_list", None))


__all__ = [
    "AstIndex", "Fixer", "FixOptions", "FixRequest", "FixtureParam", "Site", "TeardownPlan",
    "bound_names", "class_kind", "first_param", "fixture_param", "fresh_name", "param_names",
    "site_of", "teardown_plan",
]
