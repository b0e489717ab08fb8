"""``patch_without_context``: make sure every started patcher is stopped (unsafe).

Right where the patcher starts, the fix registers its stop:

* in a method of a ``unittest.TestCase``: ``self.addCleanup(p.stop)`` after the start
  (``cls.addClassCleanup`` in ``setUpClass``);
* in ``setup_method`` of a pytest class, for ``self.p.start()``: ``self.p.stop()`` in
  ``teardown_method`` (added when missing, calling the base class's one when inherited);
* in a test function or method or a function-scoped fixture: ``request.addfinalizer(p.stop)``
  (adding the ``request`` parameter); a chained ``patch(...).start()`` there becomes
  ``mocker.patch(...)`` when the function has pytest-mock's ``mocker`` (or, at module level, when
  the file uses it).

A chained ``patch(...).start()`` that cannot become ``mocker`` is first split into
``patcher = patch(...)`` and ``patcher.start()``. It is unsafe because the patch now ends at the
test's teardown rather than where an explicit ``.stop()`` stood (that stop stays; stopping a
stopped patcher does nothing).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field

import libcst as cst

from isolint.fixes.base import (
    AstIndex, Fixer, FixRequest, Position, Site, TeardownPlan, bound_names, first_param,
    fixture_param, fresh_name, param_names, site_of, teardown_plan,
)
from isolint.fixes.cst_util import (
    PositionedTransformer, add_param, add_to_teardown, expression, statements,
    transform_regions,
)
from isolint.analysis.rules.mock_api import MOCKER_FIXTURES, PATCH, patcher_kind, requests_mocker

MOCKER_METHODS = {PATCH: "patch", PATCH + ".object": "patch.object", PATCH + ".dict": "patch.dict",
                  PATCH + ".multiple": "patch.multiple"}
SIMPLE_STATEMENTS = (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)


@dataclass
class Plan:
    #: statement position -> (code to put before it, code to put after it)
    around: dict[Position, tuple[list[str], list[str]]] = field(default_factory=lambda: defaultdict(lambda: ([], [])))
    #: position of a `.start()` call -> the expression its patcher call becomes ("patcher", "mocker.patch")
    calls: dict[Position, tuple[str, str]] = field(default_factory=dict)
    #: function position -> {fixture parameter to add: its index}
    params: dict[Position, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    teardowns: dict[Position, tuple[TeardownPlan, list[str]]] = field(default_factory=dict)
    #: the functions and classes the fix touches (LibCST parses only these).
    anchors: list[ast.AST] = field(default_factory=list)


def _uses_mocker(tree: ast.Module) -> bool:
    return any(requests_mocker(n) for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))


def plan_fixes(request: FixRequest) -> Plan:
    ctx, index = request.ctx, AstIndex(request.tree, request.source)
    plan = Plan()
    file_uses_mocker = _uses_mocker(request.tree)
    taken: dict[int, set[str]] = {}
    for position in sorted(request.positions):
        handled = False
        for call in index.at(position, ast.Call):
            func = call.func  # type: ignore[attr-defined]
            if not (isinstance(func, ast.Attribute) and func.attr == "start"):
                continue
            handled = True
            reason = _plan_start(request, plan, index, call, file_uses_mocker, taken)
            if reason:
                request.skip(position, reason)
            break
        if not handled:
            request.skip(position, "not a `.start()` call this fix knows")
    return plan


def _plan_start(request: FixRequest, plan: Plan, index: AstIndex, call: ast.Call,
                file_uses_mocker: bool, taken: dict[int, set[str]]) -> str:
    """Plan the stop of the patcher ``call`` starts; why not, or ``""`` when planned."""
    ctx, position = request.ctx, index.position(call)
    site = site_of(call, index, ctx)
    stmt = site.stmt
    if not isinstance(stmt, SIMPLE_STATEMENTS) or stmt.lineno == getattr(index.parent(stmt), "lineno", 0):
        return "the start is not a simple statement of its own line"
    target = call.func.value  # type: ignore[attr-defined]
    chained = patcher_kind(ctx, target) is not None
    if chained and index.has_comment(stmt):
        return "a comment inside the statement would be lost"
    stmt_at = index.position(stmt)
    late = isinstance(stmt, ast.Return) or any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in ast.walk(stmt))
    method = site.cls is not None
    if site.takes_fixtures and chained and _mocker_ok(site, file_uses_mocker):
        mocker = next((p for p in param_names(site.func) if p in MOCKER_FIXTURES), "mocker")
        got = fixture_param(site.func, mocker, ctx, method)  # type: ignore[arg-type]
        if got.usable:
            plan.calls[position] = ("", f"{mocker}.{MOCKER_METHODS[patcher_kind(ctx, target)]}")
            if got.add:
                plan.params[index.position(site.func)][mocker] = got.index
            plan.anchors.append(site.func)  # type: ignore[arg-type]
            return ""
    registrar = _registrar(site)
    if registrar is None and site.kind == "setup_method" and _on_self(target, site):
        cleanup = teardown_plan(site.cls, ctx)  # type: ignore[arg-type]
        if cleanup is None:
            return "the class's base is defined elsewhere: a new `teardown_method` could hide its own"
        stop = f"{cleanup.self_name}.{target.attr}.stop()"  # type: ignore[attr-defined]
        plan.teardowns.setdefault(index.position(site.cls), (cleanup, []))[1].append(stop)
        plan.anchors.append(site.cls)  # type: ignore[arg-type]
        return ""
    if registrar is None:
        return site.reason or f"in `{getattr(site.func, 'name', '?')}`, where no cleanup can be registered"
    if not (chained or isinstance(target, (ast.Name, ast.Attribute))):
        return "the patcher is not a name, an attribute or a `patch(...)` call"
    if registrar == "request.addfinalizer":
        got = fixture_param(site.func, "request", ctx, method)  # type: ignore[arg-type]
        if not got.usable:
            return got.reason
        if got.add:
            plan.params[index.position(site.func)]["request"] = got.index
    if chained:
        names = taken.setdefault(id(site.func), bound_names(site.func))
        name = fresh_name("patcher", names)
        names.add(name)
        plan.calls[position] = (name, "")
        plan.around[stmt_at][0].append(f"{name} = {ast.get_source_segment(request.source, target)}")
        stopped = name
    else:
        stopped = ast.unparse(target)
    plan.around[stmt_at][0 if late else 1].append(f"{registrar}({stopped}.stop)")
    plan.anchors.append(site.func)  # type: ignore[arg-type]
    return ""


def _mocker_ok(site: Site, file_uses_mocker: bool) -> bool:
    if any(p in MOCKER_FIXTURES for p in param_names(site.func)):
        return True
    # A new `mocker` parameter in a class would make it create mocks (missing_teardown_method).
    return file_uses_mocker and site.cls is None


def _registrar(site: Site) -> str | None:
    if site.takes_fixtures:
        return "request.addfinalizer"
    if site.kind != "unittest":
        return None
    decorators = [d.id for d in site.func.decorator_list if isinstance(d, ast.Name)]  # type: ignore[union-attr]
    if len(decorators) != len(site.func.decorator_list):  # type: ignore[union-attr]
        return None
    receiver = first_param(site.func)
    if decorators == ["classmethod"] and site.func.name == "setUpClass":  # type: ignore[union-attr]
        return f"{receiver}.addClassCleanup"
    return f"{receiver}.addCleanup" if not decorators and receiver else None


def _on_self(target: ast.AST, site: Site) -> bool:
    return isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and \
        target.value.id == first_param(site.func)


class PatchFixer(Fixer):
    rule = "patch_without_context"

    def fix(self, request: FixRequest) -> str:
        plan = plan_fixes(request)

        class Rewriter(PositionedTransformer):
            def leave_Call(self, original, updated):
                change = plan.calls.get(self.pos(original))
                if change is None or not (isinstance(original.func, cst.Attribute)
                                          and original.func.attr.value == "start"):
                    return updated
                name, mocker = change
                if mocker:
                    return updated.func.value.with_changes(func=expression(mocker))
                return updated.with_changes(func=updated.func.with_changes(value=cst.Name(name)))

            def leave_SimpleStatementLine(self, original, updated):
                before: list[str] = []
                after: list[str] = []
                for small in original.body:
                    got = plan.around.get(self.pos(small))
                    if got:
                        before += got[0]
                        after += got[1]
                if not before and not after:
                    return updated
                first = [*statements("\n".join(before)), updated] if before else [updated]
                if before:
                    first[0] = first[0].with_changes(leading_lines=updated.leading_lines)
                    first[-1] = updated.with_changes(leading_lines=())
                return cst.FlattenSentinel([*first, *(statements("\n".join(after)) if after else [])])

            def leave_FunctionDef(self, original, updated):
                position = self.pos(original)
                for name, at in sorted(plan.params.get(position, {}).items()):
                    updated = add_param(updated, name, index=at, column=position[1] - 1)
                return updated

            def leave_ClassDef(self, original, updated):
                got = plan.teardowns.get(self.pos(original))
                if got is None:
                    return updated
                cleanup, stops = got
                return add_to_teardown(updated, cleanup, statements("\n".join(stops)))

        if not plan.anchors:
            return request.source
        return transform_regions(request.source, plan.anchors, Rewriter)
