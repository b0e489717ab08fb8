"""Fixes that turn a change of process-wide state into a ``monkeypatch`` call.

``MonkeypatchFixer`` does the common part for ``env_var_pollution``, ``cwd_pollution``,
``sys_path_pollution`` and ``sys_modules_pollution``: it finds the statement of each finding,
asks the rule's fixer how to rewrite it (``rewrite_for`` on the ``ast`` side, ``replacement``
on the LibCST side), and adds the ``monkeypatch`` parameter. That is done only where a fixture
parameter can be added: a test function or method (not of a ``unittest.TestCase``) or a
function-scoped fixture, with no decorator that could change the signature. In ``setup_method``
of a pytest class, with unsafe fixes allowed, the rewritten statements move into an autouse
fixture ``_set_up_environment(self, monkeypatch)``, which pytest runs right after
``setup_method``: only statements directly in its body that use no local variable of it and are
followed there by no call (a call could read the state). Everything else stays reported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from isolint.analysis.context import FileContext
from isolint.analysis.tree import expr_key
from isolint.fixes.base import (
    AstIndex, Fixer, FixRequest, FixtureParam, Position, Site, first_param, fixture_param,
    fresh_name, param_names, site_of,
)
from isolint.fixes.cst_util import (
    PositionedTransformer, add_param, annotated, arg, call_statement, insert_method,
    statements, string, transform_regions,
)
from isolint.fixes.imports import ImportNeed, from_import_alias


@dataclass(frozen=True)
class Rewrite:
    """How one statement is rewritten: a fixer-defined ``kind`` and what it needs to know."""

    kind: str
    raising: bool = True
    extra: Any = None


@dataclass
class Plan:
    rewrites: dict[Position, Rewrite] = field(default_factory=dict)
    #: statement position -> the position of the finding it fixes (to say why when dropped).
    findings: dict[Position, Position] = field(default_factory=dict)
    #: function position -> the parameter to add, and whether to annotate it.
    params: dict[Position, tuple[FixtureParam, bool]] = field(default_factory=dict)
    #: class position -> (setup_method position, its first parameter) for moved statements.
    moves: dict[Position, tuple[Position, str]] = field(default_factory=dict)
    moved: set[Position] = field(default_factory=set)
    #: the functions and classes the rewrite touches (LibCST parses only these).
    anchors: list[ast.AST] = field(default_factory=list)

    def drop(self, request: FixRequest, stmt_at: Position, reason: str) -> None:
        self.rewrites.pop(stmt_at, None)
        self.moved.discard(stmt_at)
        request.skip(self.findings.get(stmt_at, stmt_at), reason)


def subscript_key(subscript: cst.Subscript) -> cst.BaseExpression:
    return subscript.slice[0].slice.value  # type: ignore[attr-defined]


def keyword_false(name: str) -> cst.Arg:
    return arg(cst.Name("False"), name)


#: ``with`` items known not to change the process state these fixes move into ``monkeypatch``.
HARMLESS_WITH = ("open", "builtins.open", "io.", "tempfile.", "warnings.catch_warnings",
                 "pytest.warns", "pytest.deprecated_call", "contextlib.redirect_stdout",
                 "contextlib.redirect_stderr", "contextlib.nullcontext", "threading.",
                 "subprocess.", "socket.", "zipfile.", "tarfile.", "gzip.", "sqlite3.",
                 "unittest.mock.patch", "unittest.mock.patch.object")
HARMLESS_RECEIVERS = frozenset({"caplog", "capsys", "capfd", "capsysbinary", "capfdbinary", "recwarn"})


def blocking_with(stmt: ast.stmt, func: ast.AST, index: AstIndex, ctx: FileContext) -> str | None:
    """Why ``stmt`` must not become a ``monkeypatch`` call because of a ``with`` around it in
    ``func``, or None. ``monkeypatch`` undoes a change at teardown, to the value it found: inside
    a ``with`` that itself changes and restores that state, the two restores run in the wrong
    order (the test then leaks); inside ``pytest.raises`` the statement may be the one expected
    to raise, and ``monkeypatch``'s call does not raise the same way."""
    from isolint.analysis.cleanup import _is_raises_context

    child: ast.AST = stmt
    for ancestor in index.ancestors(stmt):
        if ancestor is func:
            return None
        if isinstance(ancestor, (ast.With, ast.AsyncWith)) and child in ancestor.body:
            for item in ancestor.items:
                expr = item.context_expr
                text = ctx.lines.source_segment(expr)
                if _is_raises_context(ctx.cleanup, expr):
                    return f"inside `with {text}`: the statement may be the one expected to " \
                           "raise, and the `monkeypatch` call would not raise the same way"
                if not _harmless(expr, ctx):
                    return f"inside `with {text}`, which may change and restore the same " \
                           "state; `monkeypatch` would then restore it at the wrong time"
        child = ancestor
    return None


def _harmless(expr: ast.expr, ctx: FileContext) -> bool:
    call = expr.func if isinstance(expr, ast.Call) else expr
    name = ctx.qualified_name(call) or ""
    if name and any(name == h or (h.endswith(".") and name.startswith(h)) for h in HARMLESS_WITH):
        return not name.endswith(".dict")
    root = call
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root.id in HARMLESS_RECEIVERS


class MonkeypatchFixer(Fixer):
    """Base of the fixers whose rewrite is a ``monkeypatch`` method call."""

    def rewrite_for(self, stmt: ast.stmt, ctx) -> Rewrite | None:  # pragma: no cover - abstract
        """How ``stmt`` (holding a finding) is rewritten, or None to leave it."""
        raise NotImplementedError

    def replacement(self, small: cst.BaseSmallStatement, rewrite: Rewrite, mp: str
                    ) -> list[cst.SimpleStatementLine]:  # pragma: no cover - abstract
        """The statements that replace ``small``, calling methods of the fixture named ``mp``."""
        raise NotImplementedError

    def change_key(self, node: ast.AST, ctx) -> str | None:  # pragma: no cover - abstract
        """When ``node`` changes the state this fixer handles: which part (``"*"``: all of
        it, or where unknown); else None."""
        raise NotImplementedError

    def plan(self, request: FixRequest) -> Plan:
        ctx, index = request.ctx, AstIndex(request.tree, request.source)
        plan = Plan()
        params: dict[int, FixtureParam] = {}
        for position in sorted(request.positions):
            reason = "the change is part of a larger expression (its value is used)"
            for node in index.at(position, ast.stmt, ast.Call):
                site = site_of(node, index, ctx)
                stmt = site.stmt
                if stmt is None or not (node is stmt or (isinstance(stmt, ast.Expr) and stmt.value is node)):
                    continue
                reason = self._plan_statement(request, plan, index, site, params)
                if not reason:
                    plan.findings[index.position(stmt)] = position
                break
            if reason:
                request.skip(position, reason)
        _drop_unsafe_moves(plan, index, request)
        self._drop_half_conversions(plan, index, request)
        funcs = {index.position(f): f for f in self._functions(plan, index)}
        plan.params = {p: v for p, v in plan.params.items() if p in funcs}
        plan.anchors = list(funcs.values())
        for cls_position in plan.moves:
            plan.anchors.extend(index.at(cls_position, ast.ClassDef))
        return plan

    def _plan_statement(self, request: FixRequest, plan: Plan, index: AstIndex, site: Site,
                        params: dict[int, FixtureParam]) -> str:
        """Plan the rewrite of ``site.stmt``; why not, or ``""`` when planned."""
        ctx, stmt = request.ctx, site.stmt
        assert stmt is not None
        rewrite = self.rewrite_for(stmt, ctx)
        if rewrite is None:
            return "this form of the change has no `monkeypatch` equivalent"
        if index.has_comment(stmt):
            return "a comment inside the statement would be lost"
        if site.kind == "unittest":
            return "in a `unittest.TestCase` method, which takes no fixtures"
        if site.kind == "other":
            return site.reason
        blocked = blocking_with(stmt, site.func, index, ctx)
        if blocked:
            return blocked
        if site.takes_fixtures:
            func = site.func
            got = params.get(id(func))
            if got is None:
                got = params[id(func)] = fixture_param(func, "monkeypatch", ctx, site.cls is not None)
            if not got.usable:
                return got.reason
            plan.rewrites[index.position(stmt)] = rewrite
            if got.add:
                plan.params[index.position(func)] = (got, annotated(func, site.cls is not None))
            return ""
        if not request.options.unsafe:
            return "in `setup_method`: moving it into an autouse fixture is an unsafe fix " \
                   "(--unsafe-fixes)"
        if not _movable(stmt, site.func):
            return "in `setup_method`, not directly in its body or using its local variables"
        plan.rewrites[index.position(stmt)] = rewrite
        plan.moved.add(index.position(stmt))
        plan.moves[index.position(site.cls)] = (index.position(site.func),
                                                first_param(site.func) or "self")
        return ""

    def _functions(self, plan: Plan, index: AstIndex) -> list[ast.AST]:
        out = []
        for stmt_at in plan.rewrites:
            stmt = next(iter(index.at(stmt_at, ast.stmt)), None)
            func = next((a for a in index.ancestors(stmt) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))), None) if stmt else None
            if func is not None and func not in out:
                out.append(func)
        return out

    def _drop_half_conversions(self, plan: Plan, index: AstIndex, request: FixRequest) -> None:
        """A change and its manual restore are converted together or not at all: when the
        function changes the same part of the state (the same key, or all of it) in a statement
        that is not rewritten, none of its changes of that part are."""
        ctx = request.ctx
        for func in self._functions(plan, index):
            kept: dict[str, list[Position]] = {}
            left: dict[str, int] = {}
            for node in ast.walk(func):
                key = self.change_key(node, ctx)
                if key is None:
                    continue
                stmt = node if isinstance(node, ast.stmt) else next(
                    a for a in index.ancestors(node) if isinstance(a, ast.stmt))
                at = index.position(stmt)
                if at in plan.rewrites:
                    kept.setdefault(key, []).append(at)
                else:
                    left.setdefault(key, stmt.lineno)
            for key, positions in kept.items():
                lines = [line for k, line in left.items() if key == "*" or k in (key, "*")]
                if not lines:
                    continue
                for at in positions:
                    plan.drop(request, at, f"line {min(lines)} changes the same state in a way "
                              "this fix does not convert (a manual restore?); converting only "
                              "part would change what the test does")

    def fix(self, request: FixRequest) -> str:
        plan = self.plan(request)
        fixer = self
        if not plan.rewrites:
            return request.source
        pytest_name = ImportNeed(request.tree, "pytest", request.source, request.first_party)
        annotation = from_import_alias(request.tree, "pytest", "MonkeyPatch")

        class Rewriter(PositionedTransformer):
            def __init__(self) -> None:
                super().__init__()
                self.moving: list[cst.SimpleStatementLine] = []
                self.setup_leading: tuple = ()

            def leave_SimpleStatementLine(self, original, updated):
                positions = [self.pos(s) for s in original.body]
                if not any(p in plan.rewrites for p in positions):
                    return updated
                new: list[cst.SimpleStatementLine] = []
                for small, position in zip(updated.body, positions):
                    if position in plan.rewrites:
                        new.extend(fixer.replacement(small, plan.rewrites[position], "monkeypatch"))
                    else:
                        new.append(cst.SimpleStatementLine([small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]))
                new[0] = new[0].with_changes(leading_lines=updated.leading_lines)
                new[-1] = new[-1].with_changes(trailing_whitespace=updated.trailing_whitespace)
                if any(p in plan.moved for p in positions):
                    self.moving.extend(new)
                    return cst.RemovalSentinel.REMOVE
                return cst.FlattenSentinel(new)

            def leave_FunctionDef(self, original, updated):
                position = self.pos(original)
                if position in plan.params:
                    param, typed = plan.params[position]
                    kind = None
                    if typed:
                        kind = annotation or f"{pytest_name.use()}.MonkeyPatch"
                    return add_param(updated, "monkeypatch", kind, param.index, position[1] - 1)
                if self.moving and any(position == f for f, _ in plan.moves.values()):
                    body = updated.body.body
                    if not body:
                        self.setup_leading = updated.leading_lines
                        return cst.RemovalSentinel.REMOVE
                return updated

            def leave_ClassDef(self, original, updated):
                move = plan.moves.get(self.pos(original))
                if move is None or not self.moving:
                    return updated
                taken = {s.name.value for s in updated.body.body if isinstance(s, (cst.FunctionDef, cst.ClassDef))}
                name = fresh_name("_set_up_environment", taken)
                fixture = statements(
                    f"@{pytest_name.use()}.fixture(autouse=True)\n"
                    f"def {name}({move[1]}, monkeypatch):\n    pass\n"
                )[0]
                fixture = fixture.with_changes(body=fixture.body.with_changes(body=self.moving),
                                               leading_lines=self.setup_leading)
                self.moving, self.setup_leading = [], ()
                return insert_method(updated, fixture, after=("setup_class", "setUpClass"), before="setup_method")

        return pytest_name.apply(transform_regions(request.source, plan.anchors, Rewriter))


MAPPING_MUTATORS = frozenset({"pop", "setdefault", "update", "clear", "popitem", "__setitem__",
                              "__delitem__", "__ior__"})
SIMPLE_KEYS = (ast.Constant, ast.Name, ast.Attribute)
#: Right operands of ``+`` that need no parentheses.
ATOMS = (cst.Name, cst.SimpleString, cst.Attribute, cst.Call, cst.Subscript,
         cst.ConcatenatedString, cst.FormattedString)


class MappingFixer(MonkeypatchFixer):
    """Changes of one process-wide mapping (``os.environ``, ``sys.modules``), as statements:

    ==========================================  ==============================================
    ``m[k] = v``                                 ``mp.SET(k, v)``
    ``m[k] += v``                                ``mp.SET(k, m[k] + v)``
    ``del m[k]`` / ``m.pop(k)``                  ``mp.DEL(k)`` (a missing key still raises)
    ``m.pop(k, default)``                        ``mp.DEL(k, raising=False)``
    ``m.setdefault(k, v)``                       ``mp.SET(k, m.get(k, v))``
    ``m.update({k: v, ...}, k2=v2)``             one ``mp.SET`` per key
    ==========================================  ==============================================

    ``SET`` / ``DEL`` are ``set_method`` / ``del_method``; with ``pass_mapping`` the mapping is
    their first argument (``monkeypatch.setitem(sys.modules, k, v)``). A used return value
    and the other methods stay reported.
    """

    mapping: str = ""
    set_method: str = ""
    del_method: str = ""
    pass_mapping: bool = False

    def _subscript(self, ctx, node: ast.AST) -> bool:
        return isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice) and \
            ctx.qualified_name(node.value) == self.mapping

    def rewrite_for(self, stmt: ast.stmt, ctx) -> Rewrite | None:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and self._subscript(ctx, stmt.targets[0]):
            return Rewrite("set")
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add) and self._subscript(ctx, stmt.target):
            return Rewrite("augmented") if isinstance(stmt.target.slice, SIMPLE_KEYS) else None  # type: ignore[attr-defined]
        if isinstance(stmt, ast.Delete) and len(stmt.targets) == 1 and self._subscript(ctx, stmt.targets[0]):
            return Rewrite("del")
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and ctx.qualified_name(call.func.value) == self.mapping):
            return None
        method, args, keywords = call.func.attr, call.args, call.keywords
        if any(isinstance(a, ast.Starred) for a in args):
            return None
        if method == "pop" and not keywords and len(args) in (1, 2):
            return Rewrite("del", raising=len(args) == 1)
        if method == "setdefault" and not keywords and len(args) == 2 and isinstance(args[0], SIMPLE_KEYS):
            return Rewrite("setdefault")
        if method == "update" and all(kw.arg for kw in keywords) and (
            (not args and keywords)
            or (len(args) == 1 and isinstance(args[0], ast.Dict) and None not in args[0].keys)
        ):
            return Rewrite("update")
        return None

    def change_key(self, node: ast.AST, ctx) -> str | None:
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            return expr_key(node.slice) if ctx.qualified_name(node.value) == self.mapping else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in MAPPING_MUTATORS and ctx.qualified_name(node.func.value) == self.mapping:
            keyed = node.func.attr in ("pop", "setdefault", "__setitem__", "__delitem__")
            return expr_key(node.args[0]) if keyed and node.args else "*"
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(ctx.qualified_name(t) == self.mapping for t in targets):
                return "*"
        return None

    def _call(self, mp: str, method: str, mapping: cst.BaseExpression, *args: cst.Arg) -> cst.SimpleStatementLine:
        first = [arg(mapping.deep_clone())] if self.pass_mapping else []
        return call_statement(f"{mp}.{method}", [*first, *args])

    def replacement(self, small: cst.BaseSmallStatement, rewrite: Rewrite, mp: str
                    ) -> list[cst.SimpleStatementLine]:
        if isinstance(small, (cst.Assign, cst.AugAssign, cst.Del)):
            target = small.targets[0].target if isinstance(small, cst.Assign) else small.target  # type: ignore[union-attr]
            mapping, key = target.value, subscript_key(target)  # type: ignore[attr-defined]
            if isinstance(small, cst.Del):
                return [self._call(mp, self.del_method, mapping, arg(key))]
            value = small.value
            if isinstance(small, cst.AugAssign):
                if not isinstance(value, ATOMS):
                    value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
                value = cst.BinaryOperation(target.deep_clone(), cst.Add(), value)
            return [self._call(mp, self.set_method, mapping, arg(key), arg(value))]
        call = small.value  # type: ignore[attr-defined]
        mapping = call.func.value
        args = [a.value for a in call.args]
        if rewrite.kind == "del":
            extra = [] if rewrite.raising else [keyword_false("raising")]
            return [self._call(mp, self.del_method, mapping, arg(args[0]), *extra)]
        if rewrite.kind == "setdefault":
            current = cst.Call(cst.Attribute(mapping.deep_clone(), cst.Name("get")),
                               [arg(args[0].deep_clone()), arg(args[1])])
            return [self._call(mp, self.set_method, mapping, arg(args[0]), arg(current))]
        pairs: list[tuple[cst.BaseExpression, cst.BaseExpression]] = []
        for a in call.args:
            if a.keyword is None:
                pairs.extend((e.key, e.value) for e in a.value.elements)  # type: ignore[attr-defined]
            else:
                pairs.append((string(a.keyword.value), a.value))
        return [self._call(mp, self.set_method, mapping, arg(k), arg(v)) for k, v in pairs]


def _movable(stmt: ast.stmt, setup: ast.AST) -> bool:
    """A statement of ``setup_method``'s own body that reads no local variable of it."""
    if stmt not in setup.body:  # type: ignore[attr-defined]
        return False
    local = set(param_names(setup)) - {first_param(setup)}
    local |= {n.id for n in ast.walk(setup) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    return not any(isinstance(n, ast.Name) and n.id in local for n in ast.walk(stmt))


def _drop_unsafe_moves(plan: Plan, index: AstIndex, request: FixRequest) -> None:
    """Moving a statement after the rest of ``setup_method`` is only done when no call follows
    it there (a call could read the variable)."""
    for cls_position, (func_position, _) in list(plan.moves.items()):
        setup = index.at(func_position, ast.FunctionDef)
        body = setup[0].body if setup else []  # type: ignore[attr-defined]
        moving = [s for s in body if index.position(s) in plan.moved]
        first = body.index(moving[0]) if moving else len(body)
        later = [s for s in body[first:] if index.position(s) not in plan.moved]
        if any(isinstance(n, ast.Call) for s in later for n in ast.walk(s)):
            for stmt in moving:
                plan.drop(request, index.position(stmt), "in `setup_method` with a call after "
                          "it, which could read the state before the autouse fixture sets it")
            del plan.moves[cls_position]
