"""Rules about mocks that outlive their test because pytest keeps the test-class instance."""

from __future__ import annotations

import ast

from isolint.analysis.context import FileContext
from isolint.analysis.tree import FunctionNode
from isolint.analysis.names import statements
from isolint.model import FixSafety, Severity
from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.mock_api import may_make_mocks, returns_mock

#: Methods that pytest calls on the class, not on an instance.
CLASS_LEVEL_METHODS = frozenset({"setup_class", "teardown_class", "setUpClass", "tearDownClass"})
SKIP = "pytest.mark.skip"
#: Calls on ``vars(self)`` / ``self.__dict__`` that drop every attribute.
CLEARS = frozenset({"clear"})


def _assignments(node: ast.AST) -> list[tuple[ast.expr, ast.expr | None]]:
    """``(target, value)`` pairs of an assignment, tuples unpacked pairwise when they match."""
    if isinstance(node, ast.AnnAssign):
        return [(node.target, node.value)]
    if not isinstance(node, ast.Assign):
        return []
    out: list[tuple[ast.expr, ast.expr | None]] = []
    for target in node.targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            values = node.value.elts if isinstance(node.value, (ast.Tuple, ast.List)) else []
            if len(values) == len(target.elts):
                out.extend(zip(target.elts, values))
        else:
            out.append((target, node.value))
    return out


def _self_name(func: FunctionNode) -> str | None:
    """The name of the instance parameter of method ``func`` (None for class-level methods)."""
    if func.name in CLASS_LEVEL_METHODS:
        return None
    decorators = {getattr(d, "id", getattr(d, "attr", "")) for d in func.decorator_list}
    if decorators & {"staticmethod", "classmethod"}:
        return None
    params = [*func.args.posonlyargs, *func.args.args]
    return params[0].arg if params else None


def _is_attribute_of(node: ast.AST, owner: str, attr: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attr
        and isinstance(node.value, ast.Name)
        and node.value.id == owner
    )


def releases(node: ast.AST, owner: str, attr: str) -> bool:
    """Whether ``node`` drops the instance's reference ``owner.attr``: ``del self.m``,
    ``self.m = None``, ``delattr(self, "m")``, ``setattr(self, "m", None)``,
    ``self.__dict__.clear()`` / ``vars(self).clear()``."""
    if isinstance(node, ast.Delete):
        return any(_is_attribute_of(t, owner, attr) for t in node.targets)
    if isinstance(node, ast.Assign):
        none = isinstance(node.value, ast.Constant) and node.value.value is None
        return none and any(_is_attribute_of(t, owner, attr) for t in node.targets)
    if not isinstance(node, ast.Call):
        return False
    func, args = node.func, node.args
    if isinstance(func, ast.Name) and func.id in ("delattr", "setattr") and len(args) >= 2:
        named = isinstance(args[0], ast.Name) and args[0].id == owner
        same = isinstance(args[1], ast.Constant) and args[1].value == attr
        cleared = func.id == "delattr" or (
            len(args) == 3 and isinstance(args[2], ast.Constant) and args[2].value is None
        )
        return named and same and cleared
    if isinstance(func, ast.Attribute) and func.attr in CLEARS:
        holder = func.value
        if _is_attribute_of(holder, owner, "__dict__"):
            return True
        return (
            isinstance(holder, ast.Call)
            and isinstance(holder.func, ast.Name)
            and holder.func.id == "vars"
            and len(holder.args) == 1
            and isinstance(holder.args[0], ast.Name)
            and holder.args[0].id == owner
        )
    return False


class MockRetainedOnInstance(Rule):
    """
    ## What it does
    Flags a mock stored on `self` in a plain pytest test class (or an in-module base class of
    one) that no teardown releases. A mock is a `Mock()` / `MagicMock()` / `AsyncMock()` /
    `create_autospec(...)` and the other mock classes, the result of `patcher.start()` for a
    patcher that makes a mock, pytest-mock's `mocker.patch(...)` / `mocker.patch.object(...)` /
    `mocker.MagicMock()` / `mocker.spy(...)`, or a local bound to one of these. The assignment
    may be in a setup method, a fixture method, a helper or a test. Released means `del
    self.attr`, `self.attr = None`, `delattr(self, "attr")` or `self.__dict__.clear()` in
    `teardown_method` (or another teardown), after the `yield` of a fixture method, or in a
    cleanup callback. Each attribute is reported once per class, at its first assignment.

    Not flagged: locals of a test; classes under an unconditional `@pytest.mark.skip` (pytest
    never creates their instances); mocks on `cls` in `setup_class` (one per class, not one per
    test); `unittest.TestCase` subclasses: since pytest 3.0.4 (pytest-dev/pytest#1649, fixed
    again in 8.2.2 by #12368 after a regression in 8.2.0) pytest drops its references to a
    `TestCase` instance when the test's teardown ends, so its attributes are freed like locals.

    Severity is MEDIUM: nothing fails, but a worker's memory grows with every test of such a
    class, and a worker that runs out of memory takes its tests down with it.

    ## Why is this bad?
    pytest creates a new instance of a test class for every test, and the test item keeps a
    reference to it (the bound test method) until the session ends (pytest-dev/pytest#11374,
    open). Every attribute set on `self` therefore lives as long as the xdist worker: a mock
    together with every call and argument it recorded, the return values and child mocks it
    created, and the spec object it was built from, once per test. `gc.collect()` cannot free
    any of it because it is still reachable.

    ## Example
    ```python
    from unittest.mock import MagicMock

    class TestClient:
        def setup_method(self):
            self.session = MagicMock()

        def test_get(self):
            self.session.get.return_value = 1
            assert self.session.get() == 1
    ```

    ## Use instead
    ```python
    from unittest.mock import MagicMock

    class TestClient:
        def setup_method(self):
            self.session = MagicMock()

        def teardown_method(self):
            del self.session

        def test_get(self):
            self.session.get.return_value = 1
            assert self.session.get() == 1
    ```
    Or keep the mock in a fixture, or a local of the test.

    ## Fix safety
    No automatic fix yet. Adding `del self.attr` to a `teardown_method` would be safe for the
    tests themselves.
    """

    code = "ISO012"
    name = "mock_retained_on_instance"
    severity = Severity.MEDIUM
    message = "`{owner}.{attr}` keeps a mock alive on the test instance until the session ends"
    fix = "`del {owner}.{attr}` in `teardown_method`, or keep the mock in a fixture or a local"
    fix_safety = FixSafety.NONE
    test_modules_only = True

    def may_fire(self, ctx: FileContext) -> bool:
        return may_make_mocks(ctx)  # else `returns_mock` is False everywhere

    def __init__(self) -> None:
        self._reported: set[tuple[int, str]] = set()
        #: ids of the classes whose instances pytest keeps alive (None: not computed yet).
        self._retained: set[int] | None = None

    def visit_Assign(self, node: ast.AST, ctx: FileContext) -> None:
        func = ctx.enclosing_function()
        cls = ctx.method_class(func) if func is not None else None
        if cls is None or func is None or not self._retains(cls, ctx):
            return
        owner = _self_name(func)
        if owner is None:
            return
        for target, value in _assignments(node):
            if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
                continue
            if target.value.id != owner or (id(cls), target.attr) in self._reported:
                continue
            if not returns_mock(ctx, value):
                continue
            attr = target.attr
            if ctx.cleanup.unrestored([attr], lambda n, a: releases(n, owner, a)):
                self._reported.add((id(cls), attr))
                ctx.report(self, node, owner=owner, attr=attr)

    visit_AnnAssign = visit_Assign

    def _retains(self, cls: ast.ClassDef, ctx: FileContext) -> bool:
        """Whether pytest keeps instances of ``cls`` (or of a test class built on it) alive."""
        if self._retained is None:  # once per file: the retained classes and their bases
            self._retained = set()
            for c in statements(ctx.tree.body):  # classes are statements: no need to walk expressions
                if (
                    isinstance(c, ast.ClassDef)
                    and ctx.pytest.is_test_class(c)
                    and not ctx.pytest.is_unittest_class(c)
                    and not any(SKIP in ctx.pytest.decorator_names(k) for k in [c, *ctx.pytest.base_classes(c)])
                ):
                    self._retained.update(id(k) for k in [c, *ctx.pytest.base_classes(c)])
        return id(cls) in self._retained


__all__ = ["MockRetainedOnInstance", "releases"]
