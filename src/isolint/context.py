"""FileContext: what a rule may ask about the file being scanned.

It knows the import table, the ancestors of the node being visited, pytest's view of the file
(test classes, test functions, fixtures, teardowns) and which code runs as cleanup after a given
statement, whatever happens (``finally:``, teardowns, code after a fixture's ``yield``, cleanup
callbacks). Rules stay small by asking it.
"""

from __future__ import annotations

import ast
import fnmatch
import io
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, TypeVar

from isolint.config import Settings
from isolint.model import Finding, Severity
from isolint.names import ImportTable, blocks, statements
from isolint.project_cleanup import PYTESTER_FIXTURES, PYTESTER_RESTORES
from isolint.project_index import (
    CONTEXT_MANAGER_DECORATORS,
    ENTER_METHODS,
    EXIT_METHODS,
    FIXTURE_DECORATORS,
)

if TYPE_CHECKING:
    from isolint.project_cleanup import ProjectView
    from isolint.rules.base import Rule

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
Change = TypeVar("Change")
SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)

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
#: Calls that register a callable to run at cleanup: ``self.addCleanup(fn, *args)`` and kin.
CLEANUP_REGISTRARS = frozenset(
    {"addCleanup", "addAsyncCleanup", "addClassCleanup", "addfinalizer", "callback",
     "push_async_callback", "addModuleCleanup"}
)
#: Calls that run a function in another process: ``target=`` / ``initializer=`` arguments.
PROCESS_STARTERS = frozenset(
    {"multiprocessing.Process", "multiprocessing.Pool", "multiprocessing.pool.Pool",
     "multiprocessing.context.Process", "concurrent.futures.ProcessPoolExecutor",
     "concurrent.futures.process.ProcessPoolExecutor"}
)
#: Words the callee of a process-starting call ends with (``ctx.Process``, ``get_context().Pool``).
PROCESS_WORDS = frozenset({"Process", "Pool", "ProcessPoolExecutor"})
UNITTEST_BASES = frozenset(
    {"unittest.TestCase", "unittest.IsolatedAsyncioTestCase", "unittest.case.TestCase",
     "twisted.trial.unittest.TestCase", "django.test.TestCase", "django.test.SimpleTestCase",
     "django.test.TransactionTestCase", "django.test.LiveServerTestCase"}
)


@dataclass(frozen=True)
class ConftestFacts:
    """What a ``conftest.py`` contributes to the files below it."""

    path: str
    #: An autouse fixture calls ``gc.collect()`` after its ``yield``.
    autouse_gc_collect: bool = False


@dataclass
class FileContext:
    """Everything a rule may ask about the file under scan. One per file."""

    path: str
    source: str
    tree: ast.Module
    settings: Settings = field(default_factory=Settings)
    #: "test" (a test module), "conftest" or "other".
    kind: str = "test"
    conftests: tuple[ConftestFacts, ...] = ()
    findings: list[Finding] = field(default_factory=list)
    #: Ancestors of the node being visited, outermost first (maintained by the engine).
    stack: list[ast.AST] = field(default_factory=list)
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    #: What the project index tells about this file (None: a file scanned on its own).
    project: "ProjectView | None" = None

    def __post_init__(self) -> None:
        self.imports = ImportTable(self.tree)
        self._memo: dict[tuple[str, int], object] = {}
        if self.project is not None:
            self._resolve_through_project(self.project)

    def _resolve_through_project(self, project: "ProjectView") -> None:
        """Relative imports qualified from the file's module name; project re-exports of
        outside modules followed (``from tests import mock`` is ``unittest.mock``)."""
        for name, qualified in project.relative_imports(self.tree).items():
            self.imports.bind(name, qualified)
        for name, qualified in self.imports.bound().items():
            canonical = project.canonical(qualified)
            if canonical != qualified:
                self.imports.bind(name, canonical)

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

    def initial_value(self, qualified: str) -> ast.expr | None:
        """What a project module binds ``qualified`` to when imported (bound once), or None."""
        return self.project.initial_value(qualified) if self.project is not None else None

    # ----------------------------------------------------------------- names
    def qualified_name(self, node: ast.AST | None) -> str | None:
        """``"os.environ"`` for ``os.environ``, ``environ`` (imported) or an alias of it."""
        if node is None:
            return None
        return self.imports.resolve(node)

    def call_name(self, node: ast.AST) -> str | None:
        """The qualified name of the function a call calls (None for non-calls)."""
        return self.qualified_name(node.func) if isinstance(node, ast.Call) else None

    def callee_word(self, node: ast.Call) -> str | None:
        """The last dotted part the callee of ``node`` may resolve to, or the name of the method
        it calls: ``x.attr`` -> ``attr``; a bare name -> the last part of what an import or
        alias binds it to, else the name itself (a builtin); None for other callees."""
        func = node.func
        kind = type(func)
        if kind is ast.Attribute:
            return func.attr  # type: ignore[union-attr]
        if kind is ast.Name:
            name = func.id  # type: ignore[union-attr]
            return self.imports.tails.get(name, name)
        return None

    def may_call(self, node: ast.Call, words: frozenset[str]) -> bool:
        """Whether the callee of ``node`` may resolve to a name ending with one of ``words``
        (see :func:`last_parts`), or be a method of that name (see :meth:`callee_word`)."""
        return self.callee_word(node) in words

    def call_name_among(self, node: ast.Call, words: frozenset[str]) -> str | None:
        """:meth:`call_name` of ``node`` when :meth:`may_call` says it may end with one of
        ``words``, else None without resolving."""
        return self.imports.resolve(node.func) if self.may_call(node, words) else None

    def source_segment(self, node: ast.AST) -> str:
        """The source text of ``node`` (first line only for multi-line nodes).

        ``ast.get_source_segment`` without splitting the whole source again on every call."""
        lineno, end_lineno = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        col, end_col = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if lineno is None or end_lineno is None or col is None or end_col is None:
            return ""
        lines = self._segment_lines
        if not 0 < lineno <= len(lines):
            return ""
        if end_lineno == lineno:
            text = lines[lineno - 1].encode()[col:end_col].decode()
        else:
            text = "".join([lines[lineno - 1].encode()[col:].decode(), *lines[lineno:end_lineno - 1],
                            lines[end_lineno - 1].encode()[:end_col].decode()])
        return text.split("\n", 1)[0]

    @cached_property
    def _segment_lines(self) -> list[str]:
        """The source's lines split the way ``ast`` counts them (``\r\n``, ``\n``, ``\r`` only)."""
        return io.StringIO(self.source, newline="").readlines()

    # ----------------------------------------------------------------- reporting
    def report(self, rule: "Rule", node: ast.AST, **fields: object) -> None:
        """Record a finding of ``rule`` at ``node`` (a class: at its ``class`` keyword)."""
        lineno = getattr(node, "lineno", 1)
        col = self._column(lineno, getattr(node, "col_offset", 0))
        severity = self.severity_overrides.get(rule.name, rule.severity)
        self.findings.append(
            Finding(
                path=self.path,
                line=lineno,
                col=col,
                code=rule.code,
                name=rule.name,
                severity=severity,
                message=rule.message.format(**fields),
                fix=rule.fix.format(**fields) if rule.fix else "",
                scope=self.scope_name(),
                snippet=self.line_text(lineno).strip(),
                end_line=getattr(node, "end_lineno", None) or lineno,
                end_col=(getattr(node, "end_col_offset", None) or 0) + 1,
            )
        )

    def line_text(self, lineno: int) -> str:
        return self._lines[lineno - 1] if 0 < lineno <= len(self._lines) else ""

    @cached_property
    def _lines(self) -> list[str]:
        """The source's lines (split when a finding first needs one)."""
        return self.source.splitlines()

    def _column(self, lineno: int, byte_offset: int) -> int:
        """1-based character column from ast's UTF-8 byte offset."""
        text = self.line_text(lineno)
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1

    def scope_name(self) -> str:
        """Dotted names of the classes and functions enclosing the current node."""
        return ".".join(
            n.name for n in self.stack if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        )

    # ----------------------------------------------------------------- where are we
    @property
    def is_test_module(self) -> bool:
        return self.kind == "test"

    def enclosing(self, *types: type) -> ast.AST | None:
        """The innermost ancestor of one of ``types`` (excluding the current node)."""
        for node in reversed(self.stack[:-1]):
            if isinstance(node, types):
                return node
        return None

    def enclosing_function(self) -> FunctionNode | None:
        for node in reversed(self.stack[:-1]):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
            if isinstance(node, ast.ClassDef):
                return None
        return None

    def enclosing_class(self) -> ast.ClassDef | None:
        """The class whose method (or body) the current node is in."""
        return self.enclosing(ast.ClassDef)  # type: ignore[return-value]

    def configures_session(self) -> bool:
        """Whether the current node configures the whole session on purpose: the module level
        of a ``conftest.py`` (or other non-test module), or a ``pytest_*`` hook in one."""
        if self.kind == "test":
            return False
        functions = [
            n for n in self.stack[:-1]
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        ]
        return not functions or any(getattr(n, "name", "").startswith("pytest_") for n in functions)

    def method_class(self, func: ast.AST) -> ast.ClassDef | None:
        """The class ``func`` is directly defined in, if any (from the current stack)."""
        if func not in self.stack:
            return None
        index = self.stack.index(func)
        parent = self.stack[index - 1] if index else None
        return parent if isinstance(parent, ast.ClassDef) else None

    # ----------------------------------------------------------------- pytest's view
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

    def is_unittest_class(self, cls: ast.ClassDef) -> bool:
        for klass in [cls, *self.base_classes(cls)]:
            for base in klass.bases:
                qualified = self.qualified_name(base) or ""
                if qualified in UNITTEST_BASES or qualified.endswith("TestCase"):
                    return True
                if isinstance(base, ast.Name) and base.id.endswith("TestCase"):
                    return True
        return False

    def _matches(self, name: str, patterns: Iterable[str]) -> bool:
        for pattern in patterns:
            if any(ch in pattern for ch in "*?["):
                if fnmatch.fnmatch(name, pattern):
                    return True
            elif name.startswith(pattern):
                return True
        return False

    def is_test_function_name(self, name: str) -> bool:
        return self._matches(name, self.settings.pytest.python_functions)

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
        for deco in getattr(func, "decorator_list", ()):
            target = deco.func if isinstance(deco, ast.Call) else deco
            if self.qualified_name(target) in FIXTURE_DECORATORS:
                return deco
        return None

    def is_fixture(self, func: ast.AST) -> bool:
        return self.fixture_decorator(func) is not None

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
        return [m for m in self.class_methods(cls) if m.name in self.teardown_names]

    def autouse_fixtures(self, scope_body: list[ast.stmt]) -> list[FunctionNode]:
        return [
            n
            for n in scope_body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and self.is_autouse_fixture(n)
        ]

    # ----------------------------------------------------------------- cleanup analysis
    def yield_line(self, func: ast.AST) -> int | None:
        """Line of the first ``yield`` of ``func`` itself (not of nested defs), or None."""
        key = ("yield", id(func))
        if key not in self._memo:
            line = None
            for node in _walk_own(func):
                if isinstance(node, (ast.Yield, ast.YieldFrom)):
                    line = node.lineno if line is None else min(line, node.lineno)
            self._memo[key] = line
        return self._memo[key]  # type: ignore[return-value]

    def after_yield(self, func: ast.AST) -> list[ast.AST]:
        """Statements of fixture ``func`` that run after its ``yield`` (teardown code)."""
        line = self.yield_line(func)
        if line is None:
            return []
        return [n for n in _walk_own(func) if isinstance(n, ast.stmt) and n.lineno > line]

    def registered_cleanups(self, func: ast.AST) -> list[ast.AST]:
        """Code that ``func`` registers to run at cleanup (``addCleanup``, ``addfinalizer``...).

        A registered lambda or local function contributes its body; a registered callable with
        arguments (``addCleanup(os.environ.pop, "X")``) becomes an equivalent synthetic call.
        """
        key = ("cleanups", id(func))
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        local_defs = {
            n.name: n for n in _walk_own(func) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        out: list[ast.AST] = []
        for node in _walk_own(func):
            callee = _registered_callee(node, self)
            if callee is None:
                continue
            target, args = callee
            if isinstance(target, ast.Lambda):
                out.append(target.body)
            elif isinstance(target, ast.Name) and target.id in local_defs:
                out.extend(local_defs[target.id].body)
            else:
                out.append(ast.copy_location(ast.Call(func=target, args=args, keywords=[]), node))
        self._memo[key] = out
        return out

    def in_cleanup_code(self) -> bool:
        """Whether the current node itself runs as cleanup: in a ``finally:``, a teardown,
        after a fixture's ``yield``, or in a function registered as a cleanup callback."""
        node = self.stack[-1] if self.stack else None
        line = getattr(node, "lineno", 0)
        for index, ancestor in enumerate(self.stack[:-1]):
            child = self.stack[index + 1]
            if isinstance(ancestor, (ast.Try, getattr(ast, "TryStar", ast.Try))) and child in ancestor.finalbody:
                return True
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
                parent = self.stack[index - 1] if index else None
                if isinstance(parent, ast.ClassDef) and (
                    ancestor.name in self.teardown_names or ancestor.name in EXIT_METHODS
                ):
                    return True
                if isinstance(parent, ast.Module) and ancestor.name in TEARDOWN_FUNCTIONS:
                    return True
                yield_line = (
                    self.yield_line(ancestor)
                    if self.is_fixture(ancestor) or self.is_context_manager(ancestor) else None
                )
                if yield_line is not None and line > yield_line:
                    return True
                if parent is not None and self._is_registered_callback(ancestor, parent):
                    return True
            if isinstance(ancestor, ast.Lambda) and index:
                call = self.stack[index - 1]
                if isinstance(call, ast.Call) and _registered_callee(call, self):
                    return True
        return False

    def _is_registered_callback(self, func: FunctionNode, parent: ast.AST) -> bool:
        if not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        for node in _walk_own(parent):
            callee = _registered_callee(node, self)
            if callee and isinstance(callee[0], ast.Name) and callee[0].id == func.name:
                return True
        return False

    def cleanup_code(self) -> list[ast.AST]:
        """Code guaranteed to run after the current node, whatever happens in between.

        ``finally:`` blocks around it (or of a ``try`` that directly follows its statement),
        cleanups registered in its function, the code after a fixture's ``yield``, the class's
        teardown methods (own or inherited in this module) and autouse fixtures, cleanups
        registered in the class's setup methods, and the module's teardown functions and
        autouse fixtures.
        """
        out: list[ast.AST] = []
        stack = self.stack
        for index, ancestor in enumerate(stack[:-1]):
            child = stack[index + 1]
            if isinstance(ancestor, (ast.Try, getattr(ast, "TryStar", ast.Try))) and child not in ancestor.finalbody:
                out.extend(ancestor.finalbody)
            # A `try: ... finally:` that follows the statement in the same block.
            for body in blocks(ancestor):
                if child in body:
                    for later in body[body.index(child) + 1 :]:
                        if isinstance(later, (ast.Try, getattr(ast, "TryStar", ast.Try))):
                            out.extend(later.finalbody)
        functions = [n for n in stack[:-1] if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for func in functions:
            out.extend(self.registered_cleanups(func))
            if self.is_fixture(func):
                out.extend(self.after_yield(func))
        cls = self.enclosing_class()
        if cls is not None and functions and functions[0].name in ENTER_METHODS:
            if self.method_class(functions[0]) is cls:  # `__exit__` undoes `__enter__`
                out.extend(s for m in self.class_methods(cls) if m.name in EXIT_METHODS for s in m.body)
        if cls is not None:
            for method in self.teardown_methods(cls):
                out.extend(method.body)
            for method in self.class_methods(cls):
                if method.name in self.setup_names:
                    out.extend(self.registered_cleanups(method))
            for fixture in self.autouse_fixtures(cls.body):
                out.extend(self.after_yield(fixture))
        for name, func in self.module_functions.items():
            if name in TEARDOWN_FUNCTIONS:
                out.extend(func.body)
            elif self.is_autouse_fixture(func):
                out.extend(self.after_yield(func))
            elif name in ("setup_module", "setUpModule"):
                out.extend(self.registered_cleanups(func))
        if any(a.arg in PYTESTER_FIXTURES for f in functions for a in f.args.args):
            out.extend(PYTESTER_RESTORES)  # pytester puts cwd, sys.modules and sys.path back
        if self.project is not None:
            out.extend(self.project.cleanup_code(self, self.teardown_names))
        return out

    def restored(self, predicate: Callable[[ast.AST], bool]) -> bool:
        """Whether any node of :meth:`cleanup_code` satisfies ``predicate``; a restore under
        ``if prev:`` (``prev`` a ``.get(k)`` or ``getattr(o, n, None)`` that was None when there
        was nothing to restore, the usual case) does not count unless its ``else:`` restores too.
        For a removal (``del``, ``delattr``, ``.pop``) that guard is right: with nothing there,
        nothing was removed."""
        change = self.stack[-1] if self.stack else None
        walker = walk if _removes(change) else self._unconditional
        for root in self.cleanup_code():
            for node in walker(root):
                if predicate(node):
                    return True
        return False

    def _unconditional(self, root: ast.AST) -> Iterator[ast.AST]:
        """:func:`walk` of ``root`` without the bodies of ``if saved:`` guards on a saved value
        that is None when there was nothing before (see :meth:`restored`)."""
        todo = deque([root])
        while todo:
            node = todo.popleft()
            yield node
            if type(node) is ast.If and self._guards_on_missing(node.test):
                todo.append(node.test)
                todo.extend(node.orelse)
                continue
            todo.extend(iter_children(node))

    def _guards_on_missing(self, test: ast.expr) -> bool:
        """``prev`` / ``prev is not None`` where ``prev = x.get(k)`` or ``getattr(o, n, None)``."""
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot):
            if isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
                test = test.left
        if not isinstance(test, ast.Name):
            return False
        saved = self.constant_value(test.id)
        if not isinstance(saved, ast.Call):
            return False
        func = saved.func
        if isinstance(func, ast.Attribute) and func.attr == "get" and len(saved.args) == 1:
            return not saved.keywords
        return (
            isinstance(func, ast.Name) and func.id == "getattr" and len(saved.args) == 3
            and isinstance(saved.args[2], ast.Constant) and saved.args[2].value is None
        )

    def is_context_manager(self, func: ast.AST) -> bool:
        """Whether ``func`` is decorated with ``contextlib.contextmanager`` (or the async one)."""
        return any(name in CONTEXT_MANAGER_DECORATORS for name in self.decorator_names(func))

    def runs_in_other_process(self) -> bool:
        """Whether the current node is in a function this module hands to another process
        (``multiprocessing.Process(target=f)``, ``Pool(initializer=f)``,
        ``ProcessPoolExecutor(initializer=f)``): what it changes, it changes there."""
        names = self._process_targets
        return bool(names) and any(
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name in names
            for n in self.stack[:-1]
        )

    @cached_property
    def _process_targets(self) -> frozenset[str]:
        """Functions named in a process's ``target=`` (also wrapped: ``target=wrap(f, ...)``)
        or in an ``initializer=`` of any pool but a thread pool."""
        if not any(word in self.source for word in ("Process", "Pool", "initializer")):
            return frozenset()
        out = set()
        for node in walk(self.tree):
            if type(node) is not ast.Call or not node.keywords:
                continue
            word = self.callee_word(node) or ""
            starts_process = word in PROCESS_WORDS and (
                (self.call_name(node) or "") in PROCESS_STARTERS
                or (self.call_name(node) or "multiprocessing.").startswith("multiprocessing.")
            )
            for kw in node.keywords:
                if kw.arg == "target" and starts_process or (
                    kw.arg == "initializer" and "Thread" not in word
                ):
                    out.update(n.id for n in walk(kw.value) if type(n) is ast.Name)
        return frozenset(out)

    def managed_by(self, predicate: Callable[[ast.expr], bool]) -> bool:
        """Whether the current node runs inside a ``with`` item, or under a decorator of an
        enclosing function or class, for which ``predicate`` holds (e.g. ``patch.dict(os.environ)``)."""
        for index, ancestor in enumerate(self.stack[:-1]):
            if isinstance(ancestor, (ast.With, ast.AsyncWith)):
                child = self.stack[index + 1]
                if child in ancestor.body and any(predicate(item.context_expr) for item in ancestor.items):
                    return True
            for deco in getattr(ancestor, "decorator_list", ()):
                if predicate(deco):
                    return True
        cls = self.enclosing_class() if self.project is not None else None
        if cls is not None and self.project is not None:
            # A patcher the class's set-up starts for every test (own or a base's in any module).
            return any(predicate(p) for p in self.project.setup_patchers(self, cls, self.setup_names))
        return False

    def expected_to_raise(self) -> bool:
        """Whether the current node is in the last statement of a ``with pytest.raises(...)``
        (or ``self.assertRaises(...)``) block: that statement is expected to raise, so the state
        change it spells out does not happen (``pd.options.mode.x = "bad"`` to test validation)."""
        for index, ancestor in enumerate(self.stack[:-1]):
            if isinstance(ancestor, (ast.With, ast.AsyncWith)) and ancestor.body:
                if self.stack[index + 1] is ancestor.body[-1] and any(
                    _is_raises_context(self, item.context_expr) for item in ancestor.items
                ):
                    return True
        return False

    def unrestored(
        self,
        changes: Iterable[Change],
        restores: Callable[[ast.AST, Change], bool],
        managed: Callable[[ast.expr], bool] | None = None,
    ) -> list[Change]:
        """The ``changes`` the current node makes that nothing is guaranteed to undo.

        None when the node is itself cleanup code or runs under a ``with`` item or decorator for
        which ``managed`` holds; otherwise each change for which no node of :meth:`cleanup_code`
        satisfies ``restores(node, change)``.
        """
        changes = list(changes)
        if not changes or self.in_cleanup_code() or self.expected_to_raise():
            return []
        if self.runs_in_other_process():
            return []
        if managed is not None and self.managed_by(managed):
            return []
        return [c for c in changes if not self.restored(lambda n, c=c: restores(n, c))]

    def binds_locally(self, name: str) -> bool:
        """Whether ``name`` is a parameter or a local variable of a function (or lambda) that
        encloses the current node, rather than the module-level (or imported) name."""
        for node in reversed(self.stack[:-1]):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                if name in self._local_names(node):
                    return True
                if name in self._global_names(node):
                    return False
        return False

    def _local_names(self, func: ast.AST) -> frozenset[str]:
        key = ("locals", id(func))
        if key not in self._memo:
            args = func.args  # type: ignore[attr-defined]
            names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
            names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
            if not isinstance(func, ast.Lambda):
                for node in _walk_own(func):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                        names.add(node.id)
                    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        names.add(node.name)
                    elif isinstance(node, ast.ExceptHandler) and node.name:
                        names.add(node.name)
                names -= self._global_names(func)
            self._memo[key] = frozenset(names)
        return self._memo[key]  # type: ignore[return-value]

    def _global_names(self, func: ast.AST) -> frozenset[str]:
        key = ("globals", id(func))
        if key not in self._memo:
            names: set[str] = set()
            # No `global` statement anywhere without the keyword in the text: skip the walk.
            if not isinstance(func, ast.Lambda) and self._may_declare_global:
                for node in statements(func.body, nested_scopes=False):  # type: ignore[attr-defined]
                    if isinstance(node, ast.Global):
                        names.update(node.names)
            self._memo[key] = frozenset(names)
        return self._memo[key]  # type: ignore[return-value]

    @cached_property
    def _may_declare_global(self) -> bool:
        """No ``global`` statement anywhere without the keyword in the text (a source-less
        context, as in some tests, is walked)."""
        return not self.source or "global" in self.source

    def declares_global(self, name: str) -> bool:
        """Whether the innermost enclosing function declares ``global name``."""
        if not self._may_declare_global:
            return False
        func = self.enclosing_function()
        return func is not None and name in self._global_names(func)

    @cached_property
    def module_bindings(self) -> dict[str, list[ast.expr | None]]:
        """What each name bound at module level (class and function bodies excluded) is bound
        to: the value of ``name = value`` / ``name: T = value``; None for any other binding
        (an import, a ``def``, a loop target, tuple unpacking, ``+=``...)."""
        out: dict[str, list[ast.expr | None]] = {}
        for stmt in statements(self.tree.body, nested_scopes=False):
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        out.setdefault(target.id, []).append(stmt.value)
                    else:
                        for name in _stored_names(target):
                            out.setdefault(name, []).append(None)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out.setdefault(stmt.name, []).append(None)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    out.setdefault((alias.asname or alias.name).split(".")[0], []).append(None)
            else:
                stores = [getattr(stmt, "target", None)]
                stores += [item.optional_vars for item in getattr(stmt, "items", ())]
                for store in stores:
                    for name in _stored_names(store):
                        out.setdefault(name, []).append(None)
        return out

    @cached_property
    def module_imports(self) -> frozenset[str]:
        """Names bound to a module object by ``import x`` / ``import x.y`` / ``import x as y``."""
        return frozenset(
            alias.asname or alias.name.split(".")[0]
            for stmt in statements(self.tree.body)
            if isinstance(stmt, ast.Import)
            for alias in stmt.names
        )

    def constant_value(self, name: str) -> ast.expr | None:
        """What ``name`` holds at the current node when it is bound exactly once, by ``name =
        value``: in the innermost enclosing function if it binds ``name`` there (a parameter
        or a loop variable is not a constant), else at module level."""
        func = self.enclosing_function()
        if func is not None and name in self._local_names(func):
            return self._function_constants(func).get(name)
        if self.binds_locally(name):
            return None
        return self.module_constant(name)

    def _function_constants(self, func: ast.AST) -> dict[str, ast.expr]:
        """The names ``func`` itself binds exactly once, by ``name = value`` (one target, and
        no other store or ``del`` of the name): their values. One walk per function."""
        key = ("constants", id(func))
        if key not in self._memo:
            values: dict[str, list[ast.expr]] = {}
            stores: dict[str, int] = {}
            for n in _walk_own(func):
                if isinstance(n, ast.Assign) and len(n.targets) == 1:
                    target = n.targets[0]
                    if isinstance(target, ast.Name):
                        values.setdefault(target.id, []).append(n.value)
                    elif isinstance(target, ast.Tuple) and isinstance(n.value, ast.Tuple) \
                            and len(target.elts) == len(n.value.elts):  # `prev, x = x, new`
                        for element, value in zip(target.elts, n.value.elts):
                            if isinstance(element, ast.Name):
                                values.setdefault(element.id, []).append(value)
                elif isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
                    stores[n.id] = stores.get(n.id, 0) + 1
            self._memo[key] = {
                name: found[0] for name, found in values.items()
                if len(found) == 1 and stores.get(name) == 1
            }
        return self._memo[key]  # type: ignore[return-value]

    def module_constant(self, name: str) -> ast.expr | None:
        """The value of ``name`` when the module binds it exactly once, by ``name = value``."""
        values = self.module_bindings.get(name, [])
        return values[0] if len(values) == 1 else None


#: unittest methods whose ``with`` block is expected to raise.
RAISES_METHODS = frozenset({"assertRaises", "assertRaisesRegex"})


def _is_raises_context(ctx: "FileContext", expr: ast.expr) -> bool:
    if not isinstance(expr, ast.Call):
        return False
    if ctx.qualified_name(expr.func) == "pytest.raises":
        return True
    return isinstance(expr.func, ast.Attribute) and expr.func.attr in RAISES_METHODS


def last_parts(qualified_names: Iterable[str]) -> frozenset[str]:
    """The last dotted parts of ``qualified_names``: the ``words`` of
    :meth:`FileContext.call_name_among` for calls that may resolve to one of them."""
    return frozenset(name.rsplit(".", 1)[-1] for name in qualified_names)


def expr_key(node: ast.AST) -> str:
    """A comparable spelling of an expression, the same whether it is read or assigned."""
    return ast.unparse(node)


def call_argument(call: ast.Call, index: int | None, keyword: str) -> ast.expr | None:
    """The argument of ``call`` given as ``keyword=`` or at position ``index`` (None: keyword
    only), or None when it is not given or hidden in ``*args``."""
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if index is not None and len(call.args) > index:
        arg = call.args[index]
        return None if isinstance(arg, ast.Starred) else arg
    return None



def _removes(node: ast.AST | None) -> bool:
    """``del x[k]``, ``delattr(o, n)``, ``x.pop(k)``, ``x.remove(v)``: a change that takes out."""
    if isinstance(node, ast.Delete):
        return True
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id == "delattr"
    return isinstance(func, ast.Attribute) and func.attr in ("pop", "remove", "discard", "__delitem__")


def _stored_names(target: ast.AST | None) -> list[str]:
    """The names a binding target (``a``, ``a, *b``, ``(a, b)``) binds; not ``x.a`` or ``x[a]``."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _stored_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for elt in target.elts for name in _stored_names(elt)]
    return []

#: Fields that only ever hold names, numbers or flags, never a node.
_LEAF_FIELDS = frozenset(
    {"id", "attr", "arg", "name", "module", "level", "asname", "kind", "type_comment",
     "is_async", "conversion", "simple", "tag", "kwd_attrs"}
)
#: Fields that only hold the childless singletons ``Load()``, ``Store()``, ``Add()``, ``Eq()``...
#: (expression contexts and operators): no question a rule asks is about them as nodes.
MARKER_FIELDS = frozenset({"ctx", "op", "ops"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(cls: type) -> tuple[str, ...]:
    """The fields of node class ``cls`` that can hold child nodes, markers excluded."""
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        skip = _LEAF_FIELDS | MARKER_FIELDS
        if cls.__name__ == "TypeAlias":  # `type X = ...` (3.12): its name is a Name node
            skip = skip - {"name"}
        fields = () if cls is ast.Constant else tuple(f for f in cls._fields if f not in skip)
        _CHILD_FIELDS[cls] = fields
    return fields


def iter_children(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.iter_child_nodes`` without the marker nodes of :data:`MARKER_FIELDS`, and faster."""
    for name in child_fields(type(node)):
        value = getattr(node, name, None)
        if type(value) is list:
            for item in value:
                if isinstance(item, ast.AST):
                    yield item
        elif isinstance(value, ast.AST):
            yield value


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk`` (breadth-first, in the same order) without marker nodes, and faster."""
    todo = deque([node])
    fields = _CHILD_FIELDS
    while todo:
        node = todo.popleft()
        names = fields.get(type(node))
        for name in child_fields(type(node)) if names is None else names:
            value = getattr(node, name, None)
            if type(value) is list:
                todo.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                todo.append(value)
        yield node


def _walk_own(func: ast.AST) -> Iterator[ast.AST]:
    """Every node inside ``func``'s body, not descending into nested functions or classes."""
    stack = list(reversed(getattr(func, "body", [])))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(reversed(list(iter_children(node))))


def _registered_callee(node: ast.AST, ctx: FileContext) -> tuple[ast.expr, list[ast.expr]] | None:
    """For ``x.addCleanup(fn, *args)`` / ``atexit.register(fn, ...)``: ``(fn, args)``."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in CLEANUP_REGISTRARS:
        return node.args[0], list(node.args[1:])
    if ctx.qualified_name(func) in ("atexit.register", "unittest.addModuleCleanup"):
        return node.args[0], list(node.args[1:])
    return None
