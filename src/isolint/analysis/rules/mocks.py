"""Rules about mock objects and patchers."""

from __future__ import annotations

import ast

from isolint.analysis.context import FileContext
from isolint.analysis.pytest_view import TEARDOWN_METHODS
from isolint.analysis.tree import expr_key, walk
from isolint.model import FixSafety, Severity
from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.mock_api import (
    PATCHERS,
    STOPALL,
    assigned_patcher,
    creates_mock,
    may_create_mocks,
    may_make_mocks,
    patcher_kind,
    requests_mocker,
)


def _calls_gc_collect(ctx: FileContext, roots: list[ast.AST]) -> bool:
    return any(ctx.call_name(n) == "gc.collect" for root in roots for n in ast.walk(root))


def _may_call_gc_collect(ctx: FileContext) -> bool:
    """False when :func:`_calls_gc_collect` is False for every node of the file: a name
    resolves to ``gc.collect`` only if ``collect`` is spelled and an import reaches ``gc``."""
    return "collect" in ctx.source and ctx.imports.may_resolve_under("gc.collect")


class MissingTeardownMethod(Rule):
    """
    ## What it does
    Flags a test class whose code creates mock objects (`Mock`, `MagicMock`, `AsyncMock`,
    `NonCallableMagicMock`, `create_autospec`, the mocks that `patch`, `patch.object` and
    `patch.multiple` make, or pytest-mock's `mocker`) while no teardown path of the class calls
    `gc.collect()`.

    Teardown paths are `teardown_method`, `teardown`, `tearDown`, `teardown_class` and
    `tearDownClass` (own or inherited from a base class in the same module), `addCleanup(gc.collect)`
    in a setup method, an autouse fixture in the class or module that collects after its
    `yield`, and an autouse fixture in a `conftest.py` that applies to the file. An import of a
    mock class that is never called is not a finding.

    ## Why is this bad?
    This is the reference report's "memory explosion" rule, kept under its name so that teams
    migrating from that report find it. isolint measured its premise
    (`benchmarks/mock_memory.py`, results in `docs/benchmarks.md`: 1,000 tests of 10 `MagicMock`s
    each under `pytest -n 2`), and the measurements do not support it:

    - mocks that go out of scope do not accumulate: the worker peaked at 48 MiB, flat in the
      number of tests; `gc.collect()` in teardown saved 6 MiB at twice the wall time;
    - mocks that stay reachable accumulate (about 0.75 MiB per test there), and `gc.collect()`
      frees none of them: pytest keeps every test-class instance alive until the session ends
      (pytest-dev/pytest#11374), so mocks stored on `self` stayed at ~420 MiB per worker with or
      without the collection, which made that run 18 times slower.

    What frees mock memory is dropping the reference (`self.client = None` in `teardown_method`,
    stopping patches): see `mock_retained_on_instance` and `patch_without_context`. Treat a
    finding of this rule as "this class creates mocks: check that none outlive their test", and
    consider lowering its severity in `[tool.isolint]` once those two rules are clean.

    ## Example
    ```python
    from unittest.mock import MagicMock

    class TestClient:
        def test_get(self):
            client = MagicMock()
            client.get.return_value = 1
            assert client.get() == 1
    ```

    ## Use instead
    ```python
    import gc
    from unittest.mock import MagicMock

    class TestClient:
        def teardown_method(self):
            gc.collect()

        def test_get(self):
            client = MagicMock()
            client.get.return_value = 1
            assert client.get() == 1
    ```

    ## Fix safety
    The fix adds a `teardown_method` that calls `gc.collect()` (or adds the call to an existing
    teardown) and `import gc`. It is safe: collecting garbage does not change what a test does.
    It is not free: a full collection after every test doubled the wall time of the measured
    suite, and far more once many objects stayed alive.
    """

    code = "ISO001"
    name = "missing_teardown_method"
    severity = Severity.CRITICAL
    message = "test class `{cls}` creates mocks ({what}) but no teardown calls `gc.collect()`"
    fix = "add `def teardown_method(self): gc.collect()` to `{cls}`"
    fix_safety = FixSafety.SAFE
    fix_availability = "always"
    test_modules_only = True

    def may_fire(self, ctx: FileContext) -> bool:
        return may_make_mocks(ctx)  # else `_mock_source` finds nothing

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        if not ctx.pytest.is_test_class(node):
            return
        what = self._mock_source(node, ctx)
        if what and not self._collects_on_teardown(node, ctx):
            ctx.report(self, node, cls=node.name, what=what)

    def _mock_source(self, cls: ast.ClassDef, ctx: FileContext) -> str:
        """What in the class creates mocks, e.g. "`MagicMock()` at line 12", or ""."""
        importable = may_create_mocks(ctx)  # else no method needs a walk
        for method in ctx.pytest.class_methods(cls):
            if requests_mocker(method):
                return f"the `mocker` fixture at line {method.lineno}"
            for node in walk(method) if importable else ():
                if creates_mock(ctx, node):
                    callee = ctx.lines.source_segment(node.func)  # type: ignore[attr-defined]
                    return f"`{callee}()` at line {node.lineno}"
        for deco in cls.decorator_list:
            if creates_mock(ctx, deco):
                return f"`{ctx.lines.source_segment(deco.func)}` at line {deco.lineno}"  # type: ignore[attr-defined]
        return ""

    def _collects_on_teardown(self, cls: ast.ClassDef, ctx: FileContext) -> bool:
        if any(facts.autouse_gc_collect for facts in ctx.conftests):
            return True
        if not _may_call_gc_collect(ctx):
            return False  # no need to gather the class's teardown code
        methods = {m.name: m for m in ctx.pytest.class_methods(cls)}
        roots: list[ast.AST] = []
        for name in TEARDOWN_METHODS & methods.keys():
            roots.extend(_self_call_closure(methods[name], methods))
        for method in methods.values():
            roots.extend(ctx.cleanup.registered_cleanups(method))
        for scope in [cls, *ctx.pytest.base_classes(cls)]:
            for fixture in ctx.pytest.autouse_fixtures(scope.body):
                roots.extend(ctx.cleanup.after_yield(fixture))
        for fixture in ctx.pytest.autouse_fixtures(ctx.tree.body):
            roots.extend(ctx.cleanup.after_yield(fixture))
        return _calls_gc_collect(ctx, roots)


def _self_call_closure(method: ast.AST, methods: dict[str, ast.AST]) -> list[ast.AST]:
    """``method`` plus the methods it calls through ``self.name()``, transitively."""
    seen = {id(method)}
    out, pending = [method], [method]
    while pending:
        for node in ast.walk(pending.pop()):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in ("self", "cls")
                and node.func.attr in methods
                and id(methods[node.func.attr]) not in seen
            ):
                target = methods[node.func.attr]
                seen.add(id(target))
                out.append(target)
                pending.append(target)
    return out


class PatchWithoutContext(Rule):
    """
    ## What it does
    Flags each `.start()` of a `unittest.mock` patcher (`patch`, `patch.object`, `patch.dict`,
    `patch.multiple`, through any import form) that is not guaranteed to be stopped.

    Guaranteed means: `.stop()` of the same patcher (or `patch.stopall()`) in a teardown method,
    after a fixture's `yield`, or in a `finally:` block; or `addCleanup(p.stop)` /
    `request.addfinalizer(p.stop)` / `addCleanup(patch.stopall)`. A `.stop()` at the end of the
    test body does not count: a failing assertion skips it. `.start()` on anything that is not a
    patcher (a thread, a regex match) is never a finding.

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
    message = "`{patcher}.start()` is not guaranteed to be stopped"
    fix = "use `with {patcher}:` or register `addCleanup({patcher}.stop)` right after starting"
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
                ctx.report(self, node, patcher=ctx.lines.source_segment(target))
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

        if not ctx.cleanup.restored(stops):
            ctx.report(self, node, patcher=ctx.lines.source_segment(target))

    def _is_patcher(self, target: ast.expr, ctx: FileContext) -> bool:
        """Whether ``target`` (a name or ``self.attr``) is assigned a patcher in its scope."""
        return assigned_patcher(ctx, target) is not None


__all__ = ["MissingTeardownMethod", "PatchWithoutContext", "PATCHERS"]
