"""``env_var_pollution``: rewrite changes of ``os.environ`` into ``monkeypatch`` calls.

In a test function or method (not of a ``unittest.TestCase``) and in a function-scoped fixture,
as a statement of its own:

==========================================  ==================================================
``os.environ[k] = v``                        ``monkeypatch.setenv(k, v)``
``os.environ[k] += v``                       ``monkeypatch.setenv(k, os.environ[k] + v)``
``del os.environ[k]``                        ``monkeypatch.delenv(k)``
``os.environ.pop(k)``                        ``monkeypatch.delenv(k)``
``os.environ.pop(k, default)``               ``monkeypatch.delenv(k, raising=False)``
``os.environ.setdefault(k, v)``              ``monkeypatch.setenv(k, os.environ.get(k, v))``
``os.environ.update({k: v, ...}, k2=v2)``    one ``monkeypatch.setenv`` per key
==========================================  ==================================================

and the function gets a ``monkeypatch`` parameter. ``del`` and ``pop`` without a default keep
raising ``KeyError`` for a missing variable, as they did. In ``setup_method`` of a pytest class
(unsafe, ``--unsafe-fixes``) the rewritten statements move into an autouse fixture
``_set_up_environment(self, monkeypatch)``, which pytest runs right after ``setup_method``; only
statements directly in its body that use no local variable, with no call after them in it.
Everything else (module level, helpers, wider-scoped fixtures, ``unittest`` methods, a used
return value, ``os.environb``, ``putenv``, ``clear``...) stays reported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst

from isolint.fixes.base import (
    AstIndex, Fixer, FixRequest, Position, first_param, fresh_name, param_names, site_of,
)
from isolint.fixes.cst_util import (
    ImportNeed, PositionedTransformer, add_param, arg, call_statement, insert_method, statements,
    string, transform,
)
from isolint.rules.environment import env_writes

SIMPLE_KEYS = (ast.Constant, ast.Name, ast.Attribute)


@dataclass(frozen=True)
class Rewrite:
    """One statement to rewrite: ``kind`` is setenv, augmented, delenv, pop, setdefault, update."""

    kind: str
    raising: bool = True


@dataclass
class Plan:
    rewrites: dict[Position, Rewrite]
    params: set[Position]
    #: class position -> (setup_method position, its first parameter) for moved statements.
    moves: dict[Position, tuple[Position, str]]
    moved: set[Position]


def _environ_subscript(ctx, node: ast.AST) -> bool:
    return isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice) and \
        ctx.qualified_name(node.value) == "os.environ"


def rewrite_for(stmt: ast.stmt, ctx) -> Rewrite | None:
    """How ``stmt`` (a statement that changes the environment) becomes monkeypatch calls."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _environ_subscript(ctx, stmt.targets[0]):
        return Rewrite("setenv")
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add) and _environ_subscript(ctx, stmt.target):
        return Rewrite("augmented") if isinstance(stmt.target.slice, SIMPLE_KEYS) else None  # type: ignore[attr-defined]
    if isinstance(stmt, ast.Delete) and len(stmt.targets) == 1 and _environ_subscript(ctx, stmt.targets[0]):
        return Rewrite("delenv")
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and ctx.qualified_name(call.func.value) == "os.environ"):
        return None
    method, args, keywords = call.func.attr, call.args, call.keywords
    if any(isinstance(a, ast.Starred) for a in args):
        return None
    if method == "pop" and not keywords and len(args) in (1, 2):
        return Rewrite("delenv", raising=len(args) == 1)
    if method == "setdefault" and not keywords and len(args) == 2 and isinstance(args[0], SIMPLE_KEYS):
        return Rewrite("setdefault")
    if method == "update" and all(kw.arg for kw in keywords) and (
        (not args and keywords)
        or (len(args) == 1 and isinstance(args[0], ast.Dict) and None not in args[0].keys)
    ):
        return Rewrite("update")
    return None


def plan_fixes(request: FixRequest) -> Plan:
    ctx, index = request.ctx, AstIndex(request.tree, request.source)
    plan = Plan({}, set(), {}, set())
    for position in sorted(request.positions):
        for node in index.at(position, ast.Assign, ast.AugAssign, ast.Delete, ast.Call):
            if not env_writes(node, ctx):
                continue
            site = site_of(node, index, ctx)
            stmt = site.stmt
            rewrite = rewrite_for(stmt, ctx) if stmt is not None else None
            if rewrite is None or index.has_comment(stmt):
                continue
            if site.takes_fixtures:
                plan.rewrites[index.position(stmt)] = rewrite
                plan.params.add(index.position(site.func))
            elif site.kind == "setup_method" and request.options.unsafe and _movable(stmt, site.func):
                plan.rewrites[index.position(stmt)] = rewrite
                plan.moved.add(index.position(stmt))
                plan.moves[index.position(site.cls)] = (index.position(site.func), first_param(site.func) or "self")
    _drop_unsafe_moves(plan, request, index)
    return plan


def _movable(stmt: ast.stmt, setup: ast.AST) -> bool:
    """A statement of ``setup_method``'s own body that reads no local variable of it."""
    if stmt not in setup.body:  # type: ignore[attr-defined]
        return False
    local = set(param_names(setup)) - {first_param(setup)}
    local |= {n.id for n in ast.walk(setup) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    return not any(isinstance(n, ast.Name) and n.id in local for n in ast.walk(stmt))


def _drop_unsafe_moves(plan: Plan, request: FixRequest, index: AstIndex) -> None:
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
                plan.moved.discard(index.position(stmt))
                plan.rewrites.pop(index.position(stmt), None)
            del plan.moves[cls_position]


def _key(subscript: cst.Subscript) -> cst.BaseExpression:
    return subscript.slice[0].slice.value  # type: ignore[attr-defined]


def replacement(small: cst.BaseSmallStatement, rewrite: Rewrite, mp: str) -> list[cst.SimpleStatementLine]:
    """The monkeypatch statements that replace ``small``."""
    setenv, delenv = f"{mp}.setenv", f"{mp}.delenv"
    if isinstance(small, cst.Assign):
        return [call_statement(setenv, [arg(_key(small.targets[0].target)), arg(small.value)])]  # type: ignore[arg-type]
    if isinstance(small, cst.AugAssign):
        target = small.target
        value = small.value
        if not isinstance(value, (cst.Name, cst.SimpleString, cst.Attribute, cst.Call, cst.Subscript,
                                  cst.ConcatenatedString, cst.FormattedString)):
            value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        total = cst.BinaryOperation(target.with_changes(), cst.Add(), value)  # type: ignore[arg-type]
        return [call_statement(setenv, [arg(_key(target).deep_clone()), arg(total)])]  # type: ignore[arg-type]
    if isinstance(small, cst.Del):
        return [call_statement(delenv, [arg(_key(small.target))])]  # type: ignore[arg-type]
    call = small.value  # type: ignore[attr-defined]
    args = [a.value for a in call.args]
    environ = call.func.value
    if rewrite.kind == "delenv":
        extra = [] if rewrite.raising else [arg(cst.Name("False"), "raising")]
        return [call_statement(delenv, [arg(args[0]), *extra])]
    if rewrite.kind == "setdefault":
        current = cst.Call(cst.Attribute(environ, cst.Name("get")), [arg(args[0].deep_clone()), arg(args[1])])
        return [call_statement(setenv, [arg(args[0]), arg(current)])]
    pairs: list[tuple[cst.BaseExpression, cst.BaseExpression]] = []
    for a in call.args:
        if a.keyword is None:
            pairs.extend((e.key, e.value) for e in a.value.elements)  # type: ignore[attr-defined]
        else:
            pairs.append((string(a.keyword.value), a.value))
    return [call_statement(setenv, [arg(k), arg(v)]) for k, v in pairs]


class EnvFixer(Fixer):
    rule = "env_var_pollution"

    def fix(self, request: FixRequest) -> str:
        plan = plan_fixes(request)
        if not plan.rewrites:
            return request.source
        module = cst.parse_module(request.source)
        pytest_name = ImportNeed(module, "pytest")

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
                        new.extend(replacement(small, plan.rewrites[position], "monkeypatch"))
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
                    return add_param(updated, "monkeypatch")
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

        return pytest_name.apply(transform(request.source, Rewriter())).code
