"""Rules about pytest-xdist's scheduling markers."""

from __future__ import annotations

import ast

from isolint.context import FileContext
from isolint.model import FixSafety, Severity
from isolint.rules.base import Rule

XDIST_GROUP = "pytest.mark.xdist_group"


def _mark_expressions(ctx: FileContext, value: ast.AST, marker_names: set[str]) -> bool:
    """Whether the expression ``value`` (a mark, or a list/tuple of marks) holds an xdist_group."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and ctx.qualified_name(node.func) == XDIST_GROUP:
            return True
        if ctx.qualified_name(node) == XDIST_GROUP:
            return True
        if isinstance(node, ast.Name) and node.id in marker_names:
            return True
    return False


def _pytestmark_values(body: list[ast.stmt]) -> list[ast.expr]:
    values = []
    for stmt in body:
        if isinstance(stmt, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets):
                values.append(stmt.value)
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            if isinstance(stmt.target, ast.Name) and stmt.target.id == "pytestmark" and stmt.value:
                values.append(stmt.value)
    return values


def module_marker_names(ctx: FileContext) -> set[str]:
    """Module-level names bound to an xdist_group mark: ``db_group = pytest.mark.xdist_group("db")``."""
    names = set()
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
            if ctx.qualified_name(stmt.value.func) == XDIST_GROUP:
                names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return names


def class_has_xdist_group(ctx: FileContext, cls: ast.ClassDef, marker_names: set[str]) -> bool:
    """A decorator or class-level ``pytestmark`` of ``cls`` or of an in-module base."""
    for klass in [cls, *ctx.base_classes(cls)]:
        if any(_mark_expressions(ctx, d, marker_names) for d in klass.decorator_list):
            return True
        if any(_mark_expressions(ctx, v, marker_names) for v in _pytestmark_values(klass.body)):
            return True
    return False


def module_has_xdist_group(ctx: FileContext, marker_names: set[str]) -> bool:
    return any(_mark_expressions(ctx, v, marker_names) for v in _pytestmark_values(ctx.tree.body))


LIBRARY_BASE_PREFIXES = ("unittest.", "django.", "twisted.", "asynctest.", "typing.", "abc.")


def is_library_base(qualified: str) -> bool:
    """A base class from a library, which carries no ``xdist_group`` marker of the project's."""
    return qualified.startswith(LIBRARY_BASE_PREFIXES)


class MissingXdistGroup(Rule):
    """
    ## What it does
    Flags a test class that has no effective `xdist_group` marker. A marker is effective when it
    is a decorator of the class (in any import form: `pytest.mark`, `from pytest import mark`,
    an alias), a class-level `pytestmark`, a module-level `pytestmark` (one mark or a list), or
    comes from a base class or an enclosing test class in the same module.

    A class with a base class imported from another module (other than the `TestCase` classes of
    unittest, Django and Twisted) is not flagged: the marker may come from that base.

    ## Why is this bad?
    Under `pytest -n N --dist loadgroup`, pytest-xdist sends all tests of one `xdist_group` to
    the same worker. Tests of a class that share state (class-scoped fixtures, `setup_class`,
    class attributes) can otherwise be split across workers. Note that the marker does nothing
    under any other distribution mode (`load`, `loadscope`, `loadfile`, `worksteal`): see
    `inert_xdist_group`.

    ## Example
    ```python
    class TestOrders:
        def test_create(self):
            assert True
    ```

    ## Use instead
    ```python
    import pytest

    @pytest.mark.xdist_group(name="orders")
    class TestOrders:
        def test_create(self):
            assert True
    ```

    ## Fix safety
    The fix adds `@pytest.mark.xdist_group(name=...)` with a name derived from the file's place
    in the suite, and `import pytest` when needed. It is safe: it changes scheduling only under
    `--dist loadgroup`.
    """

    code = "ISO002"
    name = "missing_xdist_group"
    severity = Severity.HIGH
    message = "test class `{cls}` has no `xdist_group` marker"
    fix = "decorate `{cls}` with `@pytest.mark.xdist_group(name=...)`"
    fix_safety = FixSafety.SAFE
    fix_availability = "always"
    test_modules_only = True

    def __init__(self) -> None:
        self._module_marked: bool | None = None
        self._marker_names: set[str] = set()

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        if self._module_marked is None:
            self._marker_names = module_marker_names(ctx)
            self._module_marked = module_has_xdist_group(ctx, self._marker_names)
        if self._module_marked or not ctx.is_test_class(node) or not ctx.has_tests(node):
            return
        if any(not is_library_base(b) for b in ctx.unresolved_bases(node)):
            return
        if not self.applies(node, ctx):
            return
        outer = [n for n in ctx.stack[:-1] if isinstance(n, ast.ClassDef)]
        for cls in [node, *outer]:
            if class_has_xdist_group(ctx, cls, self._marker_names):
                return
        ctx.report(self, node, cls=node.name)

    def applies(self, cls: ast.ClassDef, ctx: FileContext) -> bool:
        """Whether the configured policy asks for a marker on ``cls`` (policy ``all``: always)."""
        return True
