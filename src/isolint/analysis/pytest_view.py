"""pytest's view of one file: test classes and functions by pytest's own rules (its
``python_classes`` / ``python_functions``, a ``TestCase`` base, no ``__init__``), fixtures and
their scope and autouse, teardown methods, in-module base classes."""

from __future__ import annotations

import ast
import fnmatch
from functools import cached_property
from typing import Iterable, Protocol

from isolint.analysis.names import ImportTable
from isolint.analysis.tree import FunctionNode
from isolint.config import Settings


class PluginHooks(Protocol):
    """Set-up and tear-down methods a project's plugin calls (the project view knows them)."""

    def setup_names(self) -> frozenset[str]: ...

    def teardown_names(self) -> frozenset[str]: ...

    def base_names(self, tree: ast.Module, imports: ImportTable, cls: ast.ClassDef) -> list[str]: ...

#: Methods pytest or unittest run after each test (or class, or module) whatever happened.
TEARDOWN_METHODS = frozenset(
    {"teardown_method", "teardown", "tearDown", "teardown_class", "tearDownClass",
     "asyncTearDown"}
)
TEARDOWN_FUNCTIONS = frozenset({"teardown_module", "tearDownModule", "teardown_function",
                                "teardown"})
SETUP_METHODS = frozenset(
    {"setup_method", "setup", "setUp", "setup_class", "setUpClass", "asyncSetUp"}
)

FIXTURE_DECORATORS = frozenset(
    {"pytest.fixture", "pytest.yield_fixture", "pytest_asyncio.fixture", "_pytest.fixtures.fixture"}
)
#: Decorators that make a generator function a context manager.
CONTEXT_MANAGER_DECORATORS = frozenset({"contextlib.contextmanager", "contextlib.asynccontextmanager"})
UNITTEST_BASES = frozenset(
    {"unittest.TestCase", "unittest.IsolatedAsyncioTestCase", "unittest.case.TestCase",
     "twisted.trial.unittest.TestCase", "django.test.TestCase", "django.test.SimpleTestCase",
     "django.test.TransactionTestCase", "django.test.LiveServerTestCase"}
)


class PytestView:
    """What pytest makes of the module ``tree``: one per file, shared by the rules."""

    def __init__(self, tree: ast.Module, settings: Settings, kind: str, imports: ImportTable,
                 project: PluginHooks | None = None) -> None:
        self.tree = tree
        self.settings = settings
        self.kind = kind
        self.imports = imports
        self.project = project
        self._memo: dict[tuple[str, int], object] = {}
        #: Answers per function name (of ``python_functions``) and per def (its fixture
        #: decorator; the def is kept with it, so that its id is not reused for another node).
        self._test_names: dict[str, bool] = {}
        self._fixture_decorators: dict[int, tuple[ast.AST, ast.expr | None]] = {}

    @cached_property
    def teardown_names(self) -> frozenset[str]:
        """Methods run after each test or class: pytest's and unittest's, ``[tool.isolint]
        teardown-methods``, and those of a known plugin in use (sqlalchemy's)."""
        extra = self.project.teardown_names() if self.project is not None else frozenset()
        return TEARDOWN_METHODS | frozenset(self.settings.teardown_methods) | extra

    @cached_property
    def setup_names(self) -> frozenset[str]:
        """Methods run before each test or class (see :attr:`teardown_names`)."""
        extra = self.project.setup_names() if self.project is not None else frozenset()
        return SETUP_METHODS | frozenset(self.settings.setup_methods) | extra

    def qualified_name(self, node: ast.AST | None) -> str | None:
        return None if node is None else self.imports.resolve(node)

    @property
    def is_test_module(self) -> bool:
        return self.kind == "test"

    @cached_property
    def module_classes(self) -> dict[str, ast.ClassDef]:
        return {n.name: n for n in self.tree.body if isinstance(n, ast.ClassDef)}

    @cached_property
    def module_functions(self) -> dict[str, FunctionNode]:
        return {
            n.name: n
            for n in self.tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }

    def base_classes(self, cls: ast.ClassDef) -> list[ast.ClassDef]:
        """Bases of ``cls`` defined in this module, transitively, nearest first."""
        seen: list[ast.ClassDef] = []
        pending = list(cls.bases)
        while pending:
            base = pending.pop(0)
            if isinstance(base, ast.Name) and base.id in self.module_classes:
                found = self.module_classes[base.id]
                if found is not cls and found not in seen:
                    seen.append(found)
                    pending.extend(found.bases)
        return seen

    def unresolved_bases(self, cls: ast.ClassDef) -> list[str]:
        """Bases of ``cls`` (and of its in-module bases) defined elsewhere, as written."""
        out = []
        for klass in [cls, *self.base_classes(cls)]:
            for base in klass.bases:
                if isinstance(base, ast.Name) and base.id in self.module_classes:
                    continue
                qualified = self.qualified_name(base)
                if qualified in ("object", "typing.Generic"):
                    continue
                out.append(qualified or ast.unparse(base))
        return out

    def is_unittest_class(self, cls: ast.ClassDef, across_modules: bool = False) -> bool:
        """Whether ``cls`` derives from a ``TestCase`` through its bases in this module; with
        ``across_modules``, also through project base classes in other modules (``from tests
        import BaseEnvVar``; that may read those modules, so only rules that need it ask)."""
        for klass in [cls, *self.base_classes(cls)]:
            for base in klass.bases:
                qualified = self.qualified_name(base) or ""
                if _is_unittest_base(qualified):
                    return True
                if isinstance(base, ast.Name) and base.id.endswith("TestCase"):
                    return True
        if not across_modules or self.project is None or not self.unresolved_bases(cls):
            return False
        key = ("unittest", id(cls))
        if key not in self._memo:
            names = self.project.base_names(self.tree, self.imports, cls)
            self._memo[key] = any(_is_unittest_base(q) for q in names)
        return bool(self._memo[key])

    def _matches(self, name: str, patterns: Iterable[str]) -> bool:
        for pattern in patterns:
            if any(ch in pattern for ch in "*?["):
                if fnmatch.fnmatch(name, pattern):
                    return True
            elif name.startswith(pattern):
                return True
        return False

    def is_test_function_name(self, name: str) -> bool:
        found = self._test_names.get(name)
        if found is None:
            found = self._test_names[name] = self._matches(name, self.settings.pytest.python_functions)
        return found

    def is_test_class(self, cls: ast.ClassDef) -> bool:
        """Whether pytest collects ``cls`` as a test class from this module."""
        if not self.is_test_module:
            return False
        key = ("test_class", id(cls))
        if key not in self._memo:
            self._memo[key] = self._is_test_class(cls)
        return bool(self._memo[key])

    def _is_test_class(self, cls: ast.ClassDef) -> bool:
        if self.is_unittest_class(cls):
            return True
        if not self._matches(cls.name, self.settings.pytest.python_classes):
            return False
        # pytest refuses to collect classes with an __init__ (or __new__).
        return not any(
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name in ("__init__", "__new__")
            for n in cls.body
        )

    def has_tests(self, cls: ast.ClassDef) -> bool:
        """Whether ``cls`` or one of its in-module bases defines a test method."""
        return any(self.is_test_function_name(m.name) for m in self.class_methods(cls))

    def decorator_names(self, node: ast.AST) -> list[str]:
        """Qualified names of a def's or class's decorators (calls resolved to their callee)."""
        names = []
        for deco in getattr(node, "decorator_list", ()):
            target = deco.func if isinstance(deco, ast.Call) else deco
            names.append(self.qualified_name(target) or "")
        return names

    def fixture_decorator(self, func: ast.AST) -> ast.expr | None:
        decorators = getattr(func, "decorator_list", None)
        if not decorators:
            return None
        memo = self._fixture_decorators.get(id(func))
        if memo is not None and memo[0] is func:
            return memo[1]
        found = None
        for deco in decorators:
            target = deco.func if isinstance(deco, ast.Call) else deco
            if self.qualified_name(target) in FIXTURE_DECORATORS:
                found = deco
                break
        self._fixture_decorators[id(func)] = (func, found)
        return found

    def is_fixture(self, func: ast.AST) -> bool:
        return self.fixture_decorator(func) is not None

    def is_context_manager(self, func: ast.AST) -> bool:
        """Whether ``func`` is decorated with ``contextlib.contextmanager`` (or the async one)."""
        return any(name in CONTEXT_MANAGER_DECORATORS for name in self.decorator_names(func))

    def is_autouse_fixture(self, func: ast.AST) -> bool:
        deco = self.fixture_decorator(func)
        if not isinstance(deco, ast.Call):
            return False
        return any(
            kw.arg == "autouse" and isinstance(kw.value, ast.Constant) and kw.value.value is True
            for kw in deco.keywords
        )

    def fixture_scope(self, func: ast.AST) -> str:
        deco = self.fixture_decorator(func)
        if isinstance(deco, ast.Call):
            for kw in deco.keywords:
                if kw.arg == "scope" and isinstance(kw.value, ast.Constant):
                    return str(kw.value.value)
        return "function"

    def class_methods(self, cls: ast.ClassDef, inherited: bool = True) -> list[FunctionNode]:
        """Methods of ``cls``, then of its in-module bases (an override hides the base's)."""
        seen: set[str] = set()
        out: list[FunctionNode] = []
        for klass in [cls, *(self.base_classes(cls) if inherited else [])]:
            for stmt in klass.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name not in seen:
                    seen.add(stmt.name)
                    out.append(stmt)
        return out

    def teardown_methods(self, cls: ast.ClassDef) -> list[FunctionNode]:
        """The teardown methods that run after each test of ``cls``: the nearest definition of
        each (own or of an in-module base) and, when an override calls the base's
        (``super().tearDown()``, ``Base.tearDown(self)``), the base's too, up the chain."""
        out: list[FunctionNode] = []
        for method in self.class_methods(cls):
            if method.name not in self.teardown_names:
                continue
            out.append(method)
            bases = self.base_classes(cls)
            while _calls_up(method) and bases:
                found = None
                for index, klass in enumerate(bases):
                    found = next((m for m in klass.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
                                  and m.name == method.name and m is not method), None)
                    if found is not None:
                        bases = bases[index + 1:]
                        break
                if found is None or found in out:
                    break
                out.append(found)
                method = found
        return out

    def autouse_fixtures(self, scope_body: list[ast.stmt]) -> list[FunctionNode]:
        return [
            n
            for n in scope_body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and self.is_autouse_fixture(n)
        ]


def _calls_up(method: FunctionNode) -> bool:
    """Whether ``method`` calls the method of the same name of a base class:
    ``super().name(...)`` or ``Base.name(self, ...)``."""
    name = method.name
    for node in ast.walk(method):
        if type(node) is ast.Call and type(node.func) is ast.Attribute and node.func.attr == name:
            receiver = node.func.value
            if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
                return True
            if isinstance(receiver, ast.Name) and node.args and isinstance(node.args[0], ast.Name) \
                    and node.args[0].id == "self":
                return True
    return False


def _is_unittest_base(qualified: str) -> bool:
    return qualified in UNITTEST_BASES or qualified.endswith("TestCase")
