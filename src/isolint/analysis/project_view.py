"""What the project index tells the analysis of one scanned file (:class:`ProjectView`).

The file context asks it for names the file imports from project modules (re-exports
followed), for the initial value of a project module's attribute, and for the cleanup code that
runs after a test across modules: the teardown methods of base classes defined in other modules
(and the helpers they call), autouse fixtures in scope (every ``conftest.py`` above the file,
the ``pytest_plugins`` modules those name, the module, the class) after their ``yield``, the
``finally:``/``__exit__`` code of with-helpers and decorators, and pytester's own restores.
"""

from __future__ import annotations

import ast
from functools import cached_property
from typing import Iterable, Protocol

from isolint.analysis.project_index import (
    CLEANUP_REGISTRARS,
    CONTEXT_MANAGER_DECORATORS,
    Definition,
    Module,
    ProjectIndex,
    portable,
    qualified_expr,
    relative_base,
    summarise,
)
from isolint.analysis.pytest_view import PytestView
from isolint.analysis.tree import enclosing, walk


class CleanupQuestions(Protocol):
    """What the view asks of the file's cleanup analysis (:class:`isolint.analysis.cleanup.
    CleanupAnalysis` has it; the view does not import it)."""

    stack: list[ast.AST]
    pytest: PytestView

    def yield_line(self, func: ast.AST) -> int | None: ...

    def method_class(self, func: ast.AST) -> ast.ClassDef | None: ...

    def qualified_name(self, node: ast.AST | None) -> str | None: ...

#: Fixtures that put the working directory, ``sys.modules`` and ``sys.path`` back themselves.
PYTESTER_FIXTURES = frozenset({"pytester", "testdir"})
#: sqlalchemy's pytest plugin calls these on its test classes around each test and class.
SQLALCHEMY_SETUPS = frozenset({"setup_test", "setup_test_class"})
SQLALCHEMY_TEARDOWNS = frozenset({"teardown_test", "teardown_test_class"})
SQLALCHEMY_PLUGINS = ("sqlalchemy.testing.plugin", "sqla_pytestplugin")


def _pytester_restores() -> list[ast.AST]:
    """Synthetic cleanup: ``os.chdir(...)``, ``sys.modules.clear()``, ``sys.path.clear()``
    (each a restore of the whole state, as pytester's snapshots are)."""
    here = ast.Pass(lineno=1, col_offset=0, end_lineno=1, end_col_offset=0)
    return [
        ast.Expr(ast.Call(qualified_expr(name, here), [], []), lineno=1, col_offset=0)
        for name in ("os.chdir", "sys.modules.clear", "sys.path.clear")
    ]


PYTESTER_RESTORES = _pytester_restores()


class ProjectView:
    """The project index as seen from one scanned file (one per file, like its context)."""

    def __init__(self, index: ProjectIndex, path: str, conftests: Iterable[str] = ()) -> None:
        self.index = index
        self.path = path
        self.name, base = index.module_name(path)
        self.roots = (base,)
        self.conftests = tuple(conftests)
        self._own: Module | None = None
        self._memo: dict[tuple, list[ast.AST]] = {}
        self._session: dict[str, list[ast.expr]] | None = None

    # ------------------------------------------------------------------ names
    def canonical(self, qualified: str) -> str:
        return self.index.canonical(qualified, self.roots)

    def definition(self, qualified: str) -> Definition | None:
        return self.index.definition(qualified, self.roots)

    def initial_value(self, qualified: str) -> ast.expr | None:
        """What a project module binds ``qualified`` (``pkg.mod._client``) to at import."""
        return self.index.initial_value(qualified, self.roots)

    def fresh_instance(self, qualified: str) -> str | None:
        """What a project module calls without arguments to make ``qualified`` at import
        (see :meth:`ProjectIndex.fresh_instance`)."""
        return self.index.fresh_instance(qualified, self.roots)

    def session_value(self, qualified: str) -> ast.expr | None:
        """The value the module level of a ``conftest.py`` in scope assigns to attribute
        ``qualified`` (sanic's ``Sanic.test_mode = True``), when exactly one such assignment
        does: what every test starts with, whatever the attribute's own module says."""
        if self._session is None:
            found: dict[str, list[ast.expr]] = {}
            for module in self._conftest_modules():
                for stmt in module.tree.body:
                    if not isinstance(stmt, ast.Assign):
                        continue
                    for target in stmt.targets:
                        owner = module.qualified(target.value) if isinstance(target, ast.Attribute) else None
                        if owner:
                            found.setdefault(f"{owner}.{target.attr}", []).append(stmt.value)  # type: ignore[union-attr]
            self._session = found
        values = self._session.get(qualified)
        return values[0] if values is not None and len(values) == 1 else None

    def relative_imports(self, tree: ast.Module) -> dict[str, str]:
        """The names the file's relative imports bind, qualified from its module name."""
        package = self.name.rpartition(".")[0]
        out = {}
        for stmt in tree.body:
            if isinstance(stmt, ast.ImportFrom) and stmt.level:
                base = relative_base(package, stmt.level)
                if base is None:
                    continue
                source = ".".join(p for p in (base, stmt.module or "") if p)
                for alias in stmt.names:
                    if alias.name != "*" and source:
                        out[alias.asname or alias.name] = f"{source}.{alias.name}"
        return out

    # ------------------------------------------------------------------ plugins and hooks
    def uses_plugin(self, prefixes: tuple[str, ...]) -> bool:
        """Whether a conftest in scope loads a plugin module under one of ``prefixes``: names
        it in ``pytest_plugins``, or imports from it (``from sqla_pytestplugin import *``, as
        sqlalchemy's own conftest does)."""
        for module in self._conftest_modules():
            names = [*module.plugins, *module.star_imports, *module.table.bound().values()]
            if any(n == p or n.startswith(p + ".") for n in names for p in prefixes):
                return True
        return False

    def setup_names(self) -> frozenset[str]:
        """Set-up methods a known plugin calls (sqlalchemy's, when its plugin is in use)."""
        return SQLALCHEMY_SETUPS if self._sqlalchemy else frozenset()

    def teardown_names(self) -> frozenset[str]:
        """Tear-down methods a known plugin calls (sqlalchemy's, when its plugin is in use)."""
        return SQLALCHEMY_TEARDOWNS if self._sqlalchemy else frozenset()

    @cached_property
    def _sqlalchemy(self) -> bool:
        return self.uses_plugin(SQLALCHEMY_PLUGINS)

    def _conftest_modules(self) -> list[Module]:
        return [m for m in (self.index.module_at(p) for p in self.conftests) if m is not None]

    # ------------------------------------------------------------------ cleanup code
    def own(self, cleanup: CleanupQuestions) -> Module:
        """The scanned file's own summary, from the parse the engine made (lazily)."""
        return self._own_module(cleanup.pytest.tree, cleanup.imports)

    def _own_module(self, tree: ast.Module, imports) -> Module:
        if self._own is None:
            self._own = summarise(self.name, self.path, "", tree, imports)
            self._own.memo = {}
        return self._own

    def base_names(self, tree: ast.Module, imports, cls: ast.ClassDef) -> list[str]:
        """The qualified names of the bases that ``cls``'s project base classes (in any project
        module, transitively) derive from, as their own modules spell them: a base of
        ``tests.BaseEnvVar`` written ``unittest.TestCase`` there is ``unittest.TestCase``."""
        own = self._own_module(tree, imports)
        out = []
        for module, klass in self.index.bases(own, cls):
            if module is own:
                continue
            out.extend(q for q in (module.table.resolve(b) for b in klass.bases) if q)
        return out

    def cleanup_code(self, cleanup: CleanupQuestions, teardowns: frozenset[str]) -> list[ast.AST]:
        """The project's cleanup code guaranteed to run after the current node of ``cleanup``
        (portable; see :mod:`isolint.analysis.project_index`)."""
        out: list[ast.AST] = list(self._scope_cleanup(cleanup))
        cls = enclosing(cleanup.stack, ast.ClassDef)
        if cls is not None:
            out.extend(self._class_cleanup(cleanup, cls, teardowns))
        for func in cleanup.stack[:-1]:
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if cleanup.pytest.is_fixture(func) and cleanup.yield_line(func) is not None:
                    out.extend(self._after_yield(cleanup, func, cleanup.method_class(func)))
                for arg in func.args.args:
                    out.extend(self._requested_fixture(cleanup, arg.arg, cls))
        out.extend(self._managers(cleanup))
        out.extend(self._called_registrations(cleanup, cls))
        return out

    def _called_registrations(self, cleanup: CleanupQuestions, cls: ast.ClassDef | None) -> list[ast.AST]:
        """What the project helpers called before the current node register as cleanups:
        ``self.replaceSysPath([...])`` (a base's method, in any project module, that registers
        a function putting ``sys.path`` back) earlier in the test, or anywhere in the set-up
        methods of its class (a helper called after the change would save the changed state)."""
        functions = [f for f in cleanup.stack[:-1] if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
        if not functions:
            return []
        line = getattr(cleanup.stack[-1], "lineno", 0)
        out: list[ast.AST] = []
        for at, code in self._registrations(cleanup, functions[0], cls):
            if at < line:
                out.extend(code)
        if cls is not None:
            for method in cleanup.pytest.class_methods(cls):
                if method.name in cleanup.pytest.setup_names and method is not functions[0]:
                    out.extend(c for _, code in self._registrations(cleanup, method, cls) for c in code)
        return out

    def _registrations(self, cleanup: CleanupQuestions, func: ast.AST, cls: ast.ClassDef | None) -> list[tuple[int, list[ast.AST]]]:
        """Per call in ``func`` of a project function or method that registers cleanups: its
        line and that code (once per function)."""
        key = ("registrations", id(func), id(cls))
        if key not in self._memo:
            own = self.own(cleanup)
            out = []
            for call in walk(func):
                if type(call) is not ast.Call or not isinstance(call.func, (ast.Name, ast.Attribute)):
                    continue
                target = call.func
                found: Definition | None = None
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id == "self":
                    method = self.index.method(own, cls, target.attr) if cls is not None else None
                    found = Definition(*method[:2], "function", method[2]) if method else None
                elif isinstance(target, ast.Name) or not _is_registrar(target):
                    found = self.index.local_definition(own, target)
                    if found is None:
                        qualified = cleanup.qualified_name(target)
                        found = self.definition(qualified) if qualified else None
                if found is not None and found.kind == "function":
                    code = self.index.registered_code(found)
                    if code:
                        out.append((call.lineno, code))
            self._memo[key] = out  # type: ignore[assignment]
        return self._memo[key]  # type: ignore[return-value]

    def _scope_cleanup(self, cleanup: CleanupQuestions) -> list[ast.AST]:
        """Autouse fixtures of the conftests in scope (and their plugins) and of the module."""
        key = ("scope",)
        if key not in self._memo:
            out: list[ast.AST] = []
            for module in self._conftest_modules():
                if module.path != self.path:
                    out.extend(self.index.autouse_cleanup(module))
            out.extend(self.index.autouse_cleanup(self.own(cleanup)))
            self._memo[key] = out
        return self._memo[key]

    def _class_cleanup(self, cleanup: CleanupQuestions, cls: ast.ClassDef, teardowns: frozenset[str]) -> list[ast.AST]:
        """Teardown methods of ``cls`` and of its bases in any project module (with the
        helpers they call), and autouse fixtures defined in those classes."""
        key = ("class", id(cls))
        if key not in self._memo:
            own = self.own(cleanup)
            out: list[ast.AST] = []
            for name in teardowns:
                found = self.index.method(own, cls, name)
                if found is not None:
                    out.extend(self.index.restore_code(Definition(*found[:2], "function", found[2]), "body"))
            for module, klass in [(own, cls), *self.index.bases(own, cls)]:
                for fixture in module.autouse_fixtures(klass.body):
                    out.extend(self.index.restore_code(Definition(module, fixture, "function", klass), "after_yield"))
            self._memo[key] = out
        return self._memo[key]

    def method_code(self, cleanup: CleanupQuestions, cls: ast.ClassDef, name: str) -> list[ast.AST]:
        """The body of method ``name`` of ``cls`` or of its nearest project base that defines it
        (a cleanup the class registers, ``self.addCleanup(self.restore)``), portable."""
        key = ("method", id(cls), name)
        if key not in self._memo:
            found = self.index.method(self.own(cleanup), cls, name)
            self._memo[key] = [] if found is None else \
                self.index.restore_code(Definition(found[0], found[1], "function", found[2]), "body")
        return self._memo[key]

    def _requested_fixture(self, cleanup: CleanupQuestions, name: str, cls: ast.ClassDef | None) -> list[ast.AST]:
        """The after-``yield`` code of the fixture a test or fixture requests as ``name``: the
        nearest definition (the class, the module, the conftests from the innermost, and the
        plugin modules they name), as pytest resolves it."""
        key = ("requested", name, id(cls))
        if key not in self._memo:
            own = self.own(cleanup)
            scopes: list[tuple[Module, list[ast.stmt] | None, ast.ClassDef | None]] = []
            if cls is not None:
                scopes += [(m, k.body, k) for m, k in [(own, cls), *self.index.bases(own, cls)]]
            scopes.append((own, None, None))
            for module in reversed(self._conftest_modules()):
                scopes.append((module, None, None))
                scopes += [(p, None, None) for p in map(self.index.module, module.plugins) if p]
            code: list[ast.AST] = []
            for module, body, owner in scopes:
                found = module.fixture_named(name, body)
                if found is not None:
                    code = self.index.restore_code(Definition(module, found, "function", owner), "after_yield")
                    break
            self._memo[key] = code
        return self._memo[key]

    def _after_yield(self, cleanup: CleanupQuestions, func: ast.AST, cls: ast.ClassDef | None) -> list[ast.AST]:
        return self.index.restore_code(Definition(self.own(cleanup), func, "function", cls), "after_yield")

    def _managers(self, cleanup: CleanupQuestions) -> list[ast.AST]:
        """The ``finally:``/``__exit__`` code of the with-helpers whose block holds the current
        node and of the decorators of the functions and classes around it."""
        out: list[ast.AST] = []
        stack = cleanup.stack
        for index, ancestor in enumerate(stack[:-1]):
            exprs: list[ast.expr] = list(getattr(ancestor, "decorator_list", ()))
            how = "finally"
            if isinstance(ancestor, (ast.With, ast.AsyncWith)) and stack[index + 1] in ancestor.body:
                exprs.extend(item.context_expr for item in ancestor.items)
                how = "after_yield" if self._around_fixture_yield(cleanup, index) else "finally"
            for expr in exprs:
                target = expr.func if isinstance(expr, ast.Call) else expr
                if isinstance(target, (ast.Name, ast.Attribute)):
                    out.extend(self.helper_code(cleanup, expr, how))
        return out

    @staticmethod
    def _around_fixture_yield(cleanup: CleanupQuestions, index: int) -> bool:
        """Whether the ``with`` at ``cleanup.stack[index]`` holds the ``yield`` of the fixture it
        is in: pytest then leaves the block normally at teardown, whatever the test did."""
        with_node = cleanup.stack[index]
        for func in reversed(cleanup.stack[:index]):
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                line = cleanup.yield_line(func) if cleanup.pytest.is_fixture(func) else None
                return line is not None and with_node.lineno <= line <= (with_node.end_lineno or 0)
        return False

    def helper_code(self, cleanup: CleanupQuestions, expr: ast.expr, how: str = "finally") -> list[ast.AST]:
        """What with-item or decorator ``expr`` of the scanned file undoes when it ends
        (``how``: ``"finally"``, or ``"after_yield"`` when it is sure to end normally)."""
        key = ("helper", id(expr), how)
        if key not in self._memo:
            own = self.own(cleanup)
            target = expr.func if isinstance(expr, ast.Call) else expr
            found = self.index.local_definition(own, target)
            if found is None:
                qualified = cleanup.qualified_name(target)
                found = self.definition(qualified) if qualified else None
            code: list[ast.AST] = []
            if found is not None and (found.kind == "class" or self._is_context_manager(found)):
                code = self.index.restore_code(found, how)
            self._memo[key] = code
        return self._memo[key]

    @staticmethod
    def _is_context_manager(found: Definition) -> bool:
        return found.kind == "function" and any(
            name in CONTEXT_MANAGER_DECORATORS for name in found.module.decorator_names(found.node)
        )

    def setup_patchers(self, cleanup: CleanupQuestions, cls: ast.ClassDef, setups: frozenset[str]) -> list[ast.expr]:
        """Patchers the set-up methods of ``cls`` (or of a project base) start for each test:
        ``self.p = mock.patch.dict(os.environ, {})`` then ``self.p.start()``, or
        ``mock.patch(...).start()``; portable."""
        return [call for _, call in self._setup_starts(cleanup, cls, setups)]

    def setup_started(self, cleanup: CleanupQuestions, cls: ast.ClassDef, setups: frozenset[str]) -> frozenset[str]:
        """What the set-up methods of ``cls`` (or of a project base) start, as written
        (``"self.environ_patch"``): a test that starts another patcher into it orphans theirs."""
        return frozenset(target for target, _ in self._setup_starts(cleanup, cls, setups) if target)

    def setup_calls(self, cleanup: CleanupQuestions, cls: ast.ClassDef, setups: frozenset[str],
                    methods: frozenset[str]) -> list[ast.Call]:
        """Calls of the test case's own methods named in ``methods`` (``self.patch(client,
        "theResolver", fake)``) that the set-up methods of ``cls`` or of a project base make
        for every test; portable."""
        key = ("setup_calls", id(cls), setups, methods)
        if key not in self._memo:
            own = self.own(cleanup)
            out: list[ast.AST] = []
            for module, klass in [(own, cls), *self.index.bases(own, cls)]:
                for method in klass.body:
                    if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name in setups:
                        out.extend(portable(module, call, method) for call in ast.walk(method)
                                   if isinstance(call, ast.Call) and _on_self(call.func, methods))
            self._memo[key] = out
        return self._memo[key]  # type: ignore[return-value]

    def _setup_starts(self, cleanup: CleanupQuestions, cls: ast.ClassDef, setups: frozenset[str]) -> list[tuple[str, ast.expr]]:
        key = ("patchers", id(cls))
        if key not in self._memo:
            own = self.own(cleanup)
            out: list[tuple[str, ast.expr]] = []
            # Every class's own set-up: an override calls its base's through `super()`.
            for module, klass in [(own, cls), *self.index.bases(own, cls)]:
                for method in klass.body:
                    if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name in setups:
                        out.extend(_started_patchers(module, method))
            self._memo[key] = out  # type: ignore[assignment]
        return self._memo[key]  # type: ignore[return-value]


def _is_registrar(func: ast.Attribute) -> bool:
    return func.attr in CLEANUP_REGISTRARS


def _on_self(func: ast.expr, methods: frozenset[str]) -> bool:
    """``self.patch`` (or ``self.monkeypatch.setattr``) for a name in ``methods``."""
    if not (isinstance(func, ast.Attribute) and func.attr in methods):
        return False
    root = func.value
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root.id == "self"


def _started_patchers(module: Module, method: ast.AST) -> list[tuple[str, ast.expr]]:
    """The patchers ``method`` starts: ``X.start()`` where ``X = <call>`` in the method (``X``
    as written), or ``<call>.start()`` (``""``); the calls as portable copies."""
    assignments: list[ast.Assign] = []
    started: list[ast.expr] = []
    for node in ast.walk(method):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call):
            assignments.append(node)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "start" and not node.args):
            started.append(node.func.value)
    if not started:
        return []  # (most set-ups start nothing: no target is spelled out)
    assigned = {ast.unparse(node.targets[0]): node.value for node in assignments}
    out = []
    for target in started:
        written = "" if isinstance(target, ast.Call) else ast.unparse(target)
        call = target if isinstance(target, ast.Call) else assigned.get(written)
        if call is not None:
            out.append((written, portable(module, call, method)))
    return out


__all__ = ["ProjectView", "PYTESTER_RESTORES"]
