"""Which single test runs a place in the code, if only one does.

A fixed port or path that only one test of a run uses cannot collide with another test of the
same xdist run: the test runs once, on one worker. That holds for code in a test function or a
test method (and the functions nested in it), not for a fixture, a helper, module-level code,
a parametrized test (its cases run on several workers at once), a test whose class another
class inherits (its tests run once per class) or a run in ``--dist each`` mode (every worker
runs every test). The whole-scan count of the tests using each value is
:mod:`isolint.shared_values`'s job; this module names the test.
"""

from __future__ import annotations

import ast
from typing import Iterable

from isolint.analysis.pytest_view import PytestView

#: Marker and decorator names that run a test more than once.
REPEATING = frozenset({"parametrize", "repeat", "parametrize_with_cases"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def repeats(node: ast.AST) -> bool:
    """Whether expression ``node`` names a marker that runs a test several times
    (``pytest.mark.parametrize(...)``, ``pytest.mark.repeat(3)``)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in REPEATING:
            return True
        if isinstance(sub, ast.Name) and sub.id in REPEATING:
            return True
    return False


def _has_params(pytest: PytestView, func: ast.AST) -> bool:
    deco = pytest.fixture_decorator(func)
    return isinstance(deco, ast.Call) and any(kw.arg == "params" for kw in deco.keywords)


def scope_facts(pytest: PytestView, body: Iterable[ast.stmt]) -> tuple[frozenset[str], bool]:
    """For a module's or class's ``body``: the names of its parametrized fixtures
    (``@pytest.fixture(params=...)``), and whether it runs every test below it several times
    (``pytest_generate_tests``, a parametrized autouse fixture, a ``pytestmark`` that
    parametrizes)."""
    names: set[str] = set()
    every = False
    for stmt in body:
        if isinstance(stmt, _FUNCTIONS):
            if stmt.name == "pytest_generate_tests":
                every = True
            elif _has_params(pytest, stmt):
                names.add(stmt.name)
                every = every or pytest.is_autouse_fixture(stmt)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets) \
                    and stmt.value is not None and repeats(stmt.value):
                every = True
    return frozenset(names), every


class SingleTest:
    """Names the one test that runs the node on top of ``stack`` (see :meth:`user`)."""

    def __init__(self, path: str, pytest: PytestView, stack: list[ast.AST],
                 conftest_params: frozenset[str] = frozenset(), conftest_repeats: bool = False) -> None:
        self.path = path
        self.pytest = pytest
        self.stack = stack
        self._conftest_params = conftest_params
        self._conftest_repeats = conftest_repeats
        self._memo: dict[int, str] = {}
        self._module: tuple[frozenset[str], bool] | None = None

    def user(self) -> str:
        """``"path::Class::test"`` (or ``"path::test"``) when exactly one run of one test
        executes the current node; ``""`` otherwise."""
        stack = self.stack
        if len(stack) < 3 or not self.pytest.is_test_module \
                or self.pytest.settings.pytest.dist_mode == "each":
            return ""
        outer = stack[1]
        key = id(stack[2]) if isinstance(outer, ast.ClassDef) else id(outer)
        if key not in self._memo:
            self._memo[key] = self._user()
        return self._memo[key]

    def _user(self) -> str:
        stack, pytest = self.stack, self.pytest
        if self._module is None:
            self._module = scope_facts(pytest, pytest.tree.body)
        params, every = self._module
        if every or self._conftest_repeats:
            return ""
        params = params | self._conftest_params
        outer = stack[1]
        cls: ast.ClassDef | None = None
        if isinstance(outer, ast.ClassDef):
            cls, func = outer, stack[2]
            if not pytest.is_test_class(cls) or repeats_any(cls.decorator_list):
                return ""
            if any(isinstance(c, ast.ClassDef) and c is not cls
                   and any(isinstance(b, ast.Name) and b.id == cls.name for b in c.bases)
                   for c in pytest.tree.body):
                return ""  # a subclass here runs the same tests again
            class_params, class_every = scope_facts(pytest, cls.body)
            if class_every:
                return ""
            params = params | class_params
        else:
            func = outer
        if not isinstance(func, _FUNCTIONS) or not pytest.is_test_function_name(func.name) \
                or pytest.is_fixture(func) or repeats_any(func.decorator_list):
            return ""
        requested = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}
        requested |= _used_fixtures(func.decorator_list) | (_used_fixtures(cls.decorator_list) if cls else set())
        if requested & params:
            return ""
        return "::".join([self.path, *([cls.name] if cls else []), func.name])


def repeats_any(decorators: Iterable[ast.expr]) -> bool:
    return any(repeats(d) for d in decorators)


def _used_fixtures(decorators: Iterable[ast.expr]) -> set[str]:
    """Fixture names a ``@pytest.mark.usefixtures("a", "b")`` decorator requests."""
    out: set[str] = set()
    for deco in decorators:
        if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) \
                and deco.func.attr == "usefixtures":
            out.update(a.value for a in deco.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return out


def reused_classes(pytest: PytestView) -> tuple[str, ...]:
    """Names of classes this module subclasses, and, in a test module, capitalised names it
    imports (pytest collects an imported test class again): the whole-scan pass treats a test
    method of a class so named as run more than once."""
    out: set[str] = set()
    for stmt in pytest.tree.body:
        if isinstance(stmt, ast.ClassDef):
            for base in stmt.bases:
                if isinstance(base, ast.Name):
                    out.add(base.id)
                elif isinstance(base, ast.Attribute):
                    out.add(base.attr)
        elif isinstance(stmt, ast.ImportFrom) and pytest.is_test_module:
            out.update(a.name for a in stmt.names if a.name[:1].isupper())
    return tuple(sorted(out))


__all__ = ["SingleTest", "reused_classes", "scope_facts", "repeats"]
