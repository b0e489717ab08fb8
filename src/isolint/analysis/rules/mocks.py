"""Rules about mock objects and patchers."""

from __future__ import annotations

import ast
from typing import Callable

from isolint.analysis.context import FileContext
from isolint.analysis.tree import expr_key, walk
from isolint.model import FixSafety, Severity
from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.mock_api import (
    PATCH_OBJECT,
    PATCHERS,
    STOPALL,
    assigned_patcher,
    may_create_mocks,
    patcher_kind,
)


def _orphans_setup_patcher(
    ctx: FileContext, node: ast.Call, wanted: str, stops: Callable[[ast.AST], bool]
) -> bool:
    """``self.p = patch(...); self.p.start()`` in a test whose class's set-up (or a base's, in
    any module) started a patcher into ``self.p`` already, without stopping that one first:
    the teardown's ``self.p.stop()`` stops the new patcher, the set-up's stays active."""
    func = ctx.enclosing_function()
    cls = ctx.enclosing_class()
    setups = ctx.pytest.setup_names
    if ctx.project is None or func is None or cls is None or func.name in setups:
        return False
    if wanted not in ctx.project.setup_started(ctx.cleanup, cls, setups):
        return False
    return not any(stops(n) and n.lineno < node.lineno for n in walk(func))


class PatchWithoutContext(Rule):
    """
    ## What it does
    Flags each `.start()` of a `unittest.mock` patcher (`patch`, `patch.object`, `patch.dict`,
    `patch.multiple`, through any import form) that is not guaranteed to be stopped.

    Guaranteed means: `.stop()` of the same patcher (or `patch.stopall()`) in a teardown method,
    after a fixture's `yield`, or in a `finally:` block; or `addCleanup(p.stop)` /
    `request.addfinalizer(p.stop)` / `addCleanup(patch.stopall)`. A `.stop()` at the end of the
    test body does not count: a failing assertion skips it. `.start()` on anything that is not a
    patcher (a thread, a regex match) is never a finding. A test that starts a patcher into an
    attribute its class's set-up (or a base class's, in any module) already started one into,
    without stopping that one first, is reported too: the teardown stops only the new one.

    ## Why is this bad?
    A started patcher stays active until it is stopped. When a test fails before its `.stop()`,
    the patched object stays replaced for every later test on the same xdist worker, so tests
    fail or pass depending on which tests ran before them on that worker.

    ## Example
    ```python
    from unittest.mock import patch

    def test_fetch():
        patcher = patch("app.client.fetch")
        fetch = patcher.start()
        fetch.return_value = 1
        assert run() == 1
        patcher.stop()
    ```

    ## Use instead
    ```python
    from unittest.mock import patch

    def test_fetch():
        with patch("app.client.fetch") as fetch:
            fetch.return_value = 1
            assert run() == 1
    ```
    Or register the stop when starting: `self.addCleanup(patcher.stop)`, or use pytest-mock's
    `mocker.patch(...)`, which is undone after the test.

    ## Fix safety
    The fix registers the stop: `self.addCleanup(p.stop)` in unittest classes, a stop in
    `teardown_method` for `self.p` started in `setup_method`, `request.addfinalizer(p.stop)` in
    test functions and function-scoped fixtures; a chained `patch(...).start()` becomes
    `mocker.patch(...)` where pytest-mock's `mocker` is used. It is unsafe: the patch now ends at
    teardown instead of where the explicit `.stop()` stood.
    """

    code = "ISO004"
    name = "patch_without_context"
    severity = Severity.MEDIUM
    message = "`{patcher}.start()` patches {target} and nothing guarantees the stop; {advice}"
    fix = "{advice}"
    fix_safety = FixSafety.UNSAFE
    fix_availability = "sometimes"
    call_words = frozenset({"start"})  # only `<patcher>.start()` is looked at

    def may_fire(self, ctx: FileContext) -> bool:
        # A patcher is a call that resolves into `unittest.mock` (`patcher_kind`).
        return may_create_mocks(ctx)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "start" and not node.args):
            return
        if ctx.cleanup.expected_to_raise():
            return
        target = func.value
        if patcher_kind(ctx, target):
            # `patch(...).start()`: nothing but `patch.stopall()` can stop it.
            if not ctx.cleanup.restored(lambda n: ctx.call_name(n) == STOPALL):
                self._report(node, target, target, ctx, chained=True)  # type: ignore[arg-type]
            return
        if not isinstance(target, (ast.Name, ast.Attribute)) or not self._is_patcher(target, ctx):
            return
        wanted = expr_key(target)

        def stops(n: ast.AST) -> bool:
            if not isinstance(n, ast.Call):
                return False
            if ctx.call_name(n) == STOPALL:
                return True
            return (
                isinstance(n.func, ast.Attribute)
                and n.func.attr in ("stop", "__exit__")
                and expr_key(n.func.value) == wanted
            )

        if not ctx.cleanup.restored(stops) or _orphans_setup_patcher(ctx, node, wanted, stops):
            self._report(node, target, assigned_patcher(ctx, target), ctx)

    def _report(self, node: ast.Call, patcher: ast.expr, call: ast.Call | None,
                ctx: FileContext, chained: bool = False) -> None:
        name = _short(ctx.lines.source_segment(patcher))
        ctx.report(self, node, patcher=name, target=_patched(call, ctx),
                   advice=_stop_advice(name, chained, ctx))

    def _is_patcher(self, target: ast.expr, ctx: FileContext) -> bool:
        """Whether ``target`` (a name or ``self.attr``) is assigned a patcher in its scope."""
        return assigned_patcher(ctx, target) is not None


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _patched(call: ast.Call | None, ctx: FileContext) -> str:
    """What the patcher made by ``call`` replaces, for a message: `` `app.client.fetch` ``,
    `` `Client.get` ``, `` `os.environ` ``; "its target" when it cannot tell."""
    if call is None or not call.args:
        return "its target"
    first = call.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return f"`{_short(first.value)}`"
    kind = patcher_kind(ctx, call)
    if kind == PATCH_OBJECT and len(call.args) >= 2 and isinstance(call.args[1], ast.Constant):
        return f"`{_short(ctx.lines.source_segment(first))}.{call.args[1].value}`"
    return f"`{_short(ctx.lines.source_segment(first))}`"


def _stop_advice(patcher: str, chained: bool, ctx: FileContext) -> str:
    """How to make sure the patch ends, in the scope the ``.start()`` runs in. ``chained``:
    ``patch(...).start()``, whose patcher has no name to stop it by."""
    if chained:
        patcher = "p"
    func = ctx.enclosing_function()
    cls = ctx.method_class(func) if func is not None else None
    keep = "keep the patcher (`p = patch(...)`) and " if chained else ""
    if cls is not None and ctx.pytest.is_unittest_class(cls):
        return f"{keep}register `self.addCleanup({patcher}.stop)` right after `.start()`"
    if func is None:
        return "start it in a fixture and stop it after the `yield`, or stop it in `teardown_module`"
    if func.name in ("setup_method", "setup"):
        return f"{keep}stop it in `teardown_method` (`{patcher}.stop()`), or use `mocker.patch(...)` in a fixture"
    if func.name in ("setup_class", "setUpClass"):
        return f"{keep}stop it in `teardown_class` (`{patcher}.stop()`)"
    if ctx.pytest.is_fixture(func):
        return f"{keep}stop it after the fixture's `yield`, or use `mocker.patch(...)`"
    if chained:
        return "use it as `with patch(...):`, or pytest-mock's `mocker.patch(...)`"
    return (
        f"use `with {patcher}:`, pytest-mock's `mocker.patch(...)`, or "
        f"`request.addfinalizer({patcher}.stop)` right after `.start()`"
    )


__all__ = ["PatchWithoutContext", "PATCHERS"]
