"""FileContext: what a rule may ask about the file being scanned.

The context resolves names (its import table) and knows where the walk is (the ancestors of
the node being visited); for everything else it composes one facet per job, and a rule asks
the facet it needs:

* ``ctx.pytest`` (:class:`PytestView`): test classes and functions, fixtures, teardowns;
* ``ctx.cleanup`` (:class:`CleanupAnalysis`): which code is guaranteed to undo a change;
* ``ctx.bindings`` (:class:`Bindings`): local and global bindings, constants;
* ``ctx.lines`` (:class:`SourceLines`): source lines and segments, as findings quote them.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from isolint.analysis.bindings import Bindings
from isolint.analysis.cleanup import CleanupAnalysis
from isolint.analysis.names import ImportTable
from isolint.analysis.pytest_view import PytestView
from isolint.analysis.script_code import ScriptCode
from isolint.analysis.single_test import SingleTest
from isolint.analysis.source_lines import SourceLines
from isolint.analysis.tree import FunctionNode, enclosing, enclosing_class, enclosing_function
from isolint.config import Settings
from isolint.model import Finding, Severity, ValueUse

if TYPE_CHECKING:
    from isolint.analysis.project_view import ProjectView


class ReportedRule(Protocol):
    """What :meth:`FileContext.report` reads of a rule (:class:`isolint.analysis.rules.base.Rule`
    has it; the context does not import the rules)."""

    code: str
    name: str
    severity: Severity
    message: str
    fix: str


#: Module-level set-up/tear-down functions only nose called; pytest 8 removed its nose support
#: (https://docs.pytest.org/en/stable/deprecations.html#support-for-tests-written-for-nose) and
#: calls only ``setup_module``/``setUpModule``, ``teardown_module``/``tearDownModule``.
#: Methods whose change grows the state each time it runs (unlike setting or removing a key).
ACCUMULATING_METHODS = frozenset({"insert", "append", "extend", "__iadd__", "__imul__", "__ior__", "sort", "reverse"})
NOSE_MODULE_FUNCTIONS = frozenset({"setup", "teardown", "setUp", "tearDown"})
NOSE_PACKAGE_FUNCTIONS = frozenset({"setup_package", "teardown_package", "setUpPackage", "tearDownPackage"})
#: Module-level functions of a test module only unittest's loader calls: pytest does not follow
#: the ``load_tests`` protocol (https://docs.pytest.org/en/stable/how-to/unittest.html).
UNITTEST_ONLY_FUNCTIONS = frozenset({"load_tests"})


def _unreferenced(tree: ast.Module, names: frozenset[str]) -> frozenset[str]:
    """Those of ``names`` that the module defines but never refers to (a call, an alias such
    as ``setup_module = setup``, an attribute, a string in ``__all__``)."""
    used: set[str] = set()
    for node in ast.walk(tree):
        kind = type(node)
        if kind is ast.Name and not isinstance(node.ctx, ast.Store):  # type: ignore[attr-defined]
            used.add(node.id)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            used.add(node.attr)  # type: ignore[attr-defined]
        elif kind is ast.Constant and isinstance(node.value, str):  # type: ignore[attr-defined]
            used.add(node.value)  # type: ignore[attr-defined]
    return frozenset(names - used)


@dataclass(frozen=True)
class ConftestFacts:
    """What a ``conftest.py`` contributes to the files below it."""

    path: str
    #: An autouse fixture calls ``gc.collect()`` after its ``yield``.
    autouse_gc_collect: bool = False
    #: Its fixtures with ``params=`` (a test requesting one runs once per parameter).
    parametrized_fixtures: frozenset[str] = frozenset()
    #: It runs every test below it several times (``pytest_generate_tests``, a parametrized
    #: autouse fixture, a parametrizing ``pytestmark``).
    repeats_tests: bool = False
    #: Its class- and module-scoped fixtures: (name, scope) pairs.
    shared_fixtures: tuple[tuple[str, str], ...] = ()


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
    #: (line, rule name) of suppressions a rule honoured on a line other than its finding's
    #: (so that ``unused_suppression`` does not call them unused).
    honoured_suppressions: set[tuple[int, str]] = field(default_factory=set)
    #: Ancestors of the node being visited, outermost first (maintained by the engine).
    stack: list[ast.AST] = field(default_factory=list)
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    #: What the project index tells about this file (None: a file scanned on its own).
    project: "ProjectView | None" = None
    #: Fixed values the rules saw used (:meth:`record_use`), for the whole-scan pass.
    uses: list[ValueUse] = field(default_factory=list)
    #: Per-file answers of rule helpers, by helper (``memos.setdefault("name", {})``): the
    #: context lives as long as the file's scan, and so do the nodes they are keyed by.
    memos: dict[str, dict] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._nose_only: frozenset[str] | None = None
        self._script_code: ScriptCode | None = None
        self.imports = ImportTable(self.tree)
        if self.project is not None:
            self._resolve_through_project(self.project)
        # Facets hold what they need, never the context: no reference cycle keeps a tree alive.
        self.pytest = PytestView(self.tree, self.settings, self.kind, self.imports, self.project)
        self.bindings = Bindings(self.tree, self.source, self.stack)
        self.cleanup = CleanupAnalysis(self.stack, self.pytest, self.imports, self.bindings, self.project)
        self.lines = SourceLines(self.source)
        self.single_test = SingleTest(
            self.path, self.pytest, self.stack,
            frozenset().union(*(c.parametrized_fixtures for c in self.conftests)),
            any(c.repeats_tests for c in self.conftests),
        )

    def _resolve_through_project(self, project: "ProjectView") -> None:
        """Relative imports qualified from the file's module name; project re-exports of
        outside modules followed (``from tests import mock`` is ``unittest.mock``)."""
        for name, qualified in project.relative_imports(self.tree).items():
            self.imports.bind(name, qualified)
        for name, qualified in self.imports.bound().items():
            canonical = project.canonical(qualified)
            if canonical != qualified:
                self.imports.bind(name, canonical)

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

    def report(self, rule: ReportedRule, node: ast.AST, **fields: object) -> None:
        """Record a finding of ``rule`` at ``node`` (a class: at its ``class`` keyword).
        Nothing is recorded in code pytest never runs (:meth:`never_runs`)."""
        if self.never_runs():
            return
        lineno = getattr(node, "lineno", 1)
        col = self.lines.column(lineno, getattr(node, "col_offset", 0))
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
                snippet=self.lines.line_text(lineno).strip(),
                end_line=getattr(node, "end_lineno", None) or lineno,
                end_col=(getattr(node, "end_col_offset", None) or 0) + 1,
            )
        )

    def record_use(self, rule: ReportedRule, value: object, node: ast.AST) -> None:
        """Record that the current node uses the fixed ``value`` (a port, a path) for ``rule``,
        with the one test that runs it (see :class:`isolint.analysis.single_test.SingleTest`):
        :mod:`isolint.shared_values` drops the rule's findings on a value only one test uses.
        Recorded whether or not a finding is reported (or suppressed) here."""
        if self.never_runs():
            return
        lineno = getattr(node, "lineno", 1)
        col = self.lines.column(lineno, getattr(node, "col_offset", 0))
        self.uses.append(ValueUse(rule.name, str(value), self.single_test.user(), lineno, col))

    def scope_name(self) -> str:
        """Dotted names of the classes and functions enclosing the current node."""
        return ".".join(
            n.name for n in self.stack if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        )

    @property
    def is_test_module(self) -> bool:
        return self.kind == "test"

    def enclosing(self, *types: type) -> ast.AST | None:
        """The innermost ancestor of one of ``types`` (excluding the current node)."""
        return enclosing(self.stack, *types)

    def enclosing_function(self) -> FunctionNode | None:
        return enclosing_function(self.stack)

    def enclosing_class(self) -> ast.ClassDef | None:
        """The class whose method (or body) the current node is in."""
        return self.enclosing(ast.ClassDef)  # type: ignore[return-value]

    def configures_session(self) -> bool:
        """Whether the current node configures the whole session on purpose: the module level
        of a ``conftest.py`` (or other non-test module: imported at collection, before any test
        runs), a ``pytest_*`` hook in one, or a session-scoped autouse fixture of a conftest
        (it runs once per worker and every later test sees what it set). Never with
        ``report-session-configuration``."""
        if self.kind == "test" or self.settings.report_session_configuration:
            return False
        functions = [
            n for n in self.stack[:-1]
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        ]
        if not functions or any(getattr(n, "name", "").startswith("pytest_") for n in functions):
            return True
        outer = functions[0]
        return (
            self.kind == "conftest" and self.stack.index(outer) == 1
            and self.pytest.is_autouse_fixture(outer) and self.pytest.fixture_scope(outer) == "session"
        )

    def sets_before_every_test(self, node: ast.AST) -> bool:
        """``node`` is a repeatable change in an autouse fixture of the root ``conftest.py`` (in
        pytest's rootdir, or the only ``testpaths`` directory), before its ``yield``: it runs
        before every test of the session, so every test starts from the same state (prefect's
        ``sys.path.remove(".")`` before each test). ``append``/``insert``/``+=`` grow the state
        each time and do not count. Never with ``report-session-configuration``."""
        if self.kind != "conftest" or isinstance(node, ast.AugAssign) \
                or self.settings.report_session_configuration:
            return False
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ACCUMULATING_METHODS:
            return False
        stack = self.stack
        outer = stack[1] if len(stack) > 2 else None
        if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) or not self.pytest.is_autouse_fixture(outer):
            return False
        if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) for n in stack[2:-1]):
            return False  # a nested function: may run at any time
        config = self.settings.pytest
        here = os.path.dirname(os.path.abspath(self.path))
        root = os.path.abspath(config.rootdir)
        return here == root or (
            len(config.testpaths) == 1 and here == os.path.normpath(os.path.join(root, config.testpaths[0]))
        )

    def never_runs(self) -> bool:
        """Whether the current node is in a module-level function pytest never runs: one only
        nose called, which pytest >= 8 no longer calls (``setup_package`` in a package
        ``__init__.py``, ``setup`` / ``teardown`` in a test module), or a test module's
        ``load_tests`` (the unittest protocol, which pytest does not follow), when nothing in
        the file names it; or one only the module's ``if __name__ == "__main__":`` block
        reaches (:meth:`isolint.analysis.script_code.ScriptCode.only_from_main`)."""
        if len(self.stack) < 2 or not isinstance(self.stack[1], (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        func = self.stack[1]
        if func.decorator_list:
            return False
        if self._script_code is None:
            self._script_code = ScriptCode(self.tree, self.source, self.pytest.is_test_function_name)
        if self._script_code.only_from_main(func.name):
            return True
        if self.kind == "test":
            names = NOSE_MODULE_FUNCTIONS | NOSE_PACKAGE_FUNCTIONS | UNITTEST_ONLY_FUNCTIONS
        elif self.path.replace("\\", "/").rsplit("/", 1)[-1] == "__init__.py":
            names = NOSE_PACKAGE_FUNCTIONS
        else:
            return False
        if func.name not in names:
            return False
        if self._nose_only is None:
            self._nose_only = _unreferenced(self.tree, names)
        return func.name in self._nose_only

    def method_class(self, func: ast.AST) -> ast.ClassDef | None:
        """The class ``func`` is directly defined in, if any (from the current stack)."""
        return enclosing_class(self.stack, func)
