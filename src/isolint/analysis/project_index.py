"""The project index: the project's own modules, and what one module can learn of another.

A test's state change is often undone by code in another module of the project: a base class's
``tearDown``, an autouse fixture in a ``conftest.py``, a helper context manager, a function that
resets the package's singletons. The index finds those modules the way Python would import them
during a pytest run (the test file's own base directory, pytest's ``rootdir``, a ``src/`` layout,
the ``pythonpath`` ini option), parses each at most once per run, and answers:

* :meth:`ProjectIndex.canonical`: ``tests.mock`` is ``unittest.mock`` when ``tests/__init__.py``
  does ``from unittest import mock`` (re-exports followed to the standard library or a
  third-party module);
* :meth:`ProjectIndex.definition`: the function, class or module-level value a qualified name
  stands for in a project module, through re-exports;
* :meth:`ProjectIndex.restore_code`: the code a project function, fixture, context manager or
  class runs as cleanup, made *portable*: every name that its module imports is rewritten to
  its qualified form (``environ`` -> ``os.environ``), so the scanned file's own context can
  evaluate it with the same predicates it uses on its own code. Calls into other project
  functions are followed three levels deep; each answer is memoised per function.

Third-party and standard-library modules are never read: a name that does not resolve to a file
under the project's import roots stays as written. The modules read, with the hashes of their
contents, are recorded per scanned file (:meth:`ProjectIndex.dependencies`) so that a cached
result is reused only while every module it consulted is unchanged.
"""

from __future__ import annotations

import ast
import hashlib
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from isolint.analysis.names import ANY_VALUE_PREFIX, QUALIFIED_PREFIX, ImportTable, statements
from isolint.analysis.pytest_view import CONTEXT_MANAGER_DECORATORS, FIXTURE_DECORATORS
from isolint.pysource import parse_quietly

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
#: Imported names worth following through a project module's re-exports: the standard-library
#: and mock names the rules ask about (``from tests import mock``). Other imports from project
#: modules (``from sympy import Symbol``) are left as written, so the index reads no module for
#: them.
REEXPORT_WORDS = frozenset(
    {"mock", "patch", "Mock", "MagicMock", "AsyncMock", "NonCallableMagicMock", "create_autospec",
     "os", "sys", "environ", "chdir", "modules", "path", "importlib", "reload", "unittest",
     "TestCase", "pytest", "fixture", "contextlib", "contextmanager", "monkeypatch", "MonkeyPatch"}
)
#: Methods of a context manager class: what ``__enter__`` changes, ``__exit__`` puts back.
ENTER_METHODS = frozenset({"__enter__", "__aenter__"})
EXIT_METHODS = frozenset({"__exit__", "__aexit__"})
#: Calls that register a callable to run at cleanup: ``self.addCleanup(fn, *args)`` and kin.
CLEANUP_REGISTRARS = frozenset(
    {"addCleanup", "addAsyncCleanup", "addClassCleanup", "addfinalizer", "callback",
     "push_async_callback", "addModuleCleanup"}
)
#: How deep calls from cleanup code into project functions are followed.
CALL_DEPTH = 3
#: How many re-exports are followed before giving up (a cycle, or a very long chain).
MAX_HOPS = 8
#: Largest module the index reads (the engine's own limit for scanned files).
MAX_MODULE_BYTES = 10 * 1024 * 1024


@dataclass(eq=False)
class Module:
    """One parsed project module."""

    name: str
    path: str
    digest: str
    tree: ast.Module
    table: ImportTable
    functions: dict[str, FunctionNode] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    #: Names bound exactly once at module level by ``name = value``: their values.
    values: dict[str, ast.expr] = field(default_factory=dict)
    #: Every name the module binds at module level (any binding).
    globals: set[str] = field(default_factory=set)
    #: ``pytest_plugins`` named in the module (literal strings only).
    plugins: tuple[str, ...] = ()
    #: Modules whose names the module imports with ``from m import *``.
    star_imports: tuple[str, ...] = ()
    #: A scanned file's own summary, which lives as long as its scan: its answers are memoised
    #: here rather than in the index (its nodes are freed with it, their ids reused).
    memo: dict | None = None
    #: Lazily: attribute assignments at module level, ``{"pkg.C.attr": [value, ...]}``.
    _attribute_values: dict[str, list[ast.expr]] | None = field(default=None, repr=False)

    def attribute_values(self, qualified: str) -> list[ast.expr]:
        """The values the module level assigns to attribute ``qualified`` (``Sanic.test_mode =
        True`` after ``from sanic import Sanic``: ``sanic.Sanic.test_mode``), in order."""
        if self._attribute_values is None:
            found: dict[str, list[ast.expr]] = {}
            for stmt in self.tree.body:
                if isinstance(stmt, ast.Assign):
                    for target in stmt.targets:
                        owner = self.qualified(target.value) if isinstance(target, ast.Attribute) else None
                        if owner:
                            found.setdefault(f"{owner}.{target.attr}", []).append(stmt.value)  # type: ignore[union-attr]
            self._attribute_values = found
        return self._attribute_values.get(qualified, [])

    def qualified(self, node: ast.AST) -> str | None:
        """The qualified name of ``node`` as this module spells it; a name the module defines
        itself is ``<module>.<name>``."""
        if isinstance(node, ast.Name) and (node.id in self.functions or node.id in self.classes
                                           or node.id in self.values):
            return f"{self.name}.{node.id}" if self.name else None
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return self.table.resolve(node)

    def decorator_names(self, node: ast.AST) -> list[str]:
        out = []
        for deco in getattr(node, "decorator_list", ()):
            target = deco.func if isinstance(deco, ast.Call) else deco
            out.append(self.table.resolve(target) or "")
        return out

    def fixture_decorator(self, func: ast.AST) -> ast.expr | None:
        for deco in getattr(func, "decorator_list", ()):
            target = deco.func if isinstance(deco, ast.Call) else deco
            if self.table.resolve(target) in FIXTURE_DECORATORS:
                return deco
        return None

    def is_autouse_fixture(self, func: ast.AST) -> bool:
        deco = self.fixture_decorator(func)
        return isinstance(deco, ast.Call) and any(
            kw.arg == "autouse" and isinstance(kw.value, ast.Constant) and kw.value.value is True
            for kw in deco.keywords
        )

    def fixture_named(self, name: str, body: list[ast.stmt] | None = None) -> FunctionNode | None:
        """The fixture ``body`` (default: the module level) defines under ``name`` (its
        function name, or ``@pytest.fixture(name=...)``)."""
        for node in self.tree.body if body is None else body:
            if not isinstance(node, FUNCTION_TYPES):
                continue
            deco = self.fixture_decorator(node)
            if deco is None:
                continue
            given = next((kw.value.value for kw in getattr(deco, "keywords", ())
                          if kw.arg == "name" and isinstance(kw.value, ast.Constant)), None)
            if (given or node.name) == name:
                return node
        return None

    def autouse_fixtures(self, body: list[ast.stmt] | None = None) -> list[FunctionNode]:
        return [n for n in (self.tree.body if body is None else body)
                if isinstance(n, FUNCTION_TYPES) and self.is_autouse_fixture(n)]


@dataclass(frozen=True)
class Definition:
    """What a qualified name stands for in a project module: a function or class node, or the
    value a module-level name is first bound to (``node`` None for a whole module)."""

    module: Module
    node: ast.AST | None
    #: "function", "class", "value" or "module".
    kind: str
    #: For a method: the class it is defined in.
    owner: ast.ClassDef | None = None


class ProjectIndex:
    """The project's own modules, read on demand and at most once per run (see the module doc).

    ``roots`` are the import roots in the order Python searches them: pytest's ``rootdir``,
    its ``src/`` directory when there is one, and the ``pythonpath`` ini option's directories.
    A scanned file adds its own base directory (see :func:`module_name`).
    """

    def __init__(self, rootdir: str, pythonpath: Iterable[str] = (),
                 read: Callable[[str], bytes] | None = None) -> None:
        rootdir = os.path.abspath(rootdir)
        self.rootdir = rootdir
        roots = [os.path.join(rootdir, p) for p in pythonpath]
        roots.append(rootdir)
        src = os.path.join(rootdir, "src")
        if os.path.isdir(src):
            roots.append(src)
        self.roots = tuple(dict.fromkeys(os.path.normpath(r) for r in roots))
        self._read = read or _read_module
        self._paths: dict[tuple[str, tuple[str, ...]], str | None] = {}
        self._modules: dict[str, Module | None] = {}
        self._trees: dict[str, tuple[ast.Module, str]] = {}
        self._canonical: dict[tuple[str, tuple[str, ...]], str] = {}
        self._restore: dict[tuple[int, str, int], list[ast.AST]] = {}
        self._packages: dict[str, tuple[str, str]] = {}
        #: Modules read while answering questions for the current file: path -> digest.
        self._used: dict[str, str] = {}

    # ------------------------------------------------------------------ files and modules
    def remember(self, path: str, tree: ast.Module, data: bytes) -> None:
        """Hand over a module the engine parsed already (a conftest), so it is not parsed again."""
        self._trees[os.path.abspath(path)] = (tree, _digest(data))

    def module_path(self, dotted: str, extra_roots: tuple[str, ...] = ()) -> str | None:
        """The file of project module ``dotted`` (a package's ``__init__.py``), or None."""
        key = (dotted, extra_roots)
        if key not in self._paths:
            found = None
            parts = dotted.split(".")
            if all(p.isidentifier() for p in parts):
                for root in (*extra_roots, *self.roots):
                    base = os.path.join(root, *parts)
                    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
                        if os.path.isfile(candidate):
                            found = candidate
                            break
                    if found:
                        break
            self._paths[key] = found
        return self._paths[key]

    def module(self, dotted: str, extra_roots: tuple[str, ...] = ()) -> Module | None:
        path = self.module_path(dotted, extra_roots)
        return self.module_at(path, dotted) if path else None

    def module_at(self, path: str, name: str | None = None) -> Module | None:
        """The module in file ``path`` (parsed once; None when it cannot be read or parsed)."""
        path = os.path.abspath(path)
        if path not in self._modules:
            self._modules[path] = self._load(path, name)
        found = self._modules[path]
        if found is not None:
            self._used[path] = found.digest
        return found

    def _load(self, path: str, name: str | None) -> Module | None:
        if path in self._trees:
            tree, digest = self._trees.pop(path)
        else:
            try:
                data = self._read(path)
                tree = parse_quietly(data, path)
            except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
                return None
            digest = _digest(data)
        if name is None:
            name = self.module_name(path)[0]
        return summarise(name, path, digest, tree)

    def module_name(self, path: str) -> tuple[str, str]:
        """:func:`module_name`, with the package walk memoised per directory."""
        directory, filename = os.path.split(os.path.abspath(path))
        if directory not in self._packages:
            self._packages[directory] = module_name(os.path.join(directory, "__init__.py"))
        package, base = self._packages[directory]
        if filename == "__init__.py":
            return package, base
        stem = os.path.splitext(filename)[0]
        return (f"{package}.{stem}" if package else stem), base

    # ------------------------------------------------------------------ dependencies
    def start_file(self) -> None:
        """Start recording the modules the next file's analysis reads."""
        self._used = {}

    def dependencies(self) -> tuple[tuple[str, str], ...]:
        """The modules read since :meth:`start_file`, as sorted ``(path, content hash)``."""
        return tuple(sorted(self._used.items()))

    # ------------------------------------------------------------------ names
    def split(self, qualified: str, extra_roots: tuple[str, ...] = ()) -> tuple[Module, list[str]] | None:
        """The longest prefix of ``qualified`` that is a project module, and the rest."""
        parts = qualified.split(".")
        for end in range(len(parts), 0, -1):
            found = self.module(".".join(parts[:end]), extra_roots)
            if found is not None:
                return found, parts[end:]
        return None

    def canonical(self, qualified: str, extra_roots: tuple[str, ...] = ()) -> str:
        """``qualified`` with project re-exports of outside modules followed: ``tests.mock``
        -> ``unittest.mock`` when ``tests`` does ``from unittest import mock``. Only names in
        :data:`REEXPORT_WORDS` are followed; anything else is returned as given."""
        if not REEXPORT_WORDS.intersection(qualified.split(".")[1:]):
            return qualified
        key = (qualified, extra_roots)
        if key not in self._canonical:
            self._canonical[key] = self._follow(qualified, extra_roots, MAX_HOPS)
        return self._canonical[key]

    def _follow(self, qualified: str, extra_roots: tuple[str, ...], hops: int) -> str:
        found = self.split(qualified, extra_roots) if hops else None
        if found is None:
            return qualified
        module, rest = found
        if not rest:
            return qualified
        head = rest[0]
        if head in module.functions or head in module.classes or head in module.values:
            return qualified
        target = module.table.resolve(ast.Name(head))
        if target is None or target == head:
            return qualified
        return self._follow(".".join([target, *rest[1:]]), (), hops - 1)

    def definition(self, qualified: str, extra_roots: tuple[str, ...] = (),
                   inherited: bool = False) -> Definition | None:
        """The project definition ``qualified`` names, through re-exports, or None. With
        ``inherited``, a class attribute its class body does not bind is looked up in the one
        project base class whose body binds it (``Sanic.START_METHOD_SET``, set by the body
        of ``StartupMixin``)."""
        for _ in range(MAX_HOPS):
            found = self.split(qualified, extra_roots)
            if found is None:
                return None
            module, rest = found
            if not rest:
                return Definition(module, None, "module")
            head, tail = rest[0], rest[1:]
            if head in module.classes:
                cls = module.classes[head]
                if not tail:
                    return Definition(module, cls, "class")
                method = self.method(module, cls, tail[0])
                if method is not None and len(tail) == 1:
                    return Definition(method[0], method[1], "function", method[2])
                value = _class_value(cls, tail[0]) if method is None and len(tail) == 1 else None
                if value is None and inherited and method is None and len(tail) == 1 \
                        and not _class_binds(cls, tail[0]):
                    return self._inherited_value(module, cls, tail[0])
                return Definition(module, value, "value", cls) if value is not None else None
            if head in module.functions:
                return Definition(module, module.functions[head], "function") if not tail else None
            if head in module.values:
                return Definition(module, module.values[head], "value") if not tail else None
            target = module.table.resolve(ast.Name(head))
            if target is None or target == head:
                return None
            qualified, extra_roots = ".".join([target, *tail]), ()
        return None

    @staticmethod
    def local_definition(module: Module, expr: ast.expr) -> Definition | None:
        """The function or class ``module`` itself defines under the bare name ``expr``."""
        if not isinstance(expr, ast.Name):
            return None
        if expr.id in module.functions:
            return Definition(module, module.functions[expr.id], "function")
        if expr.id in module.classes:
            return Definition(module, module.classes[expr.id], "class")
        return None

    def autouse_cleanup(self, module: Module, seen: frozenset[str] = frozenset()) -> list[ast.AST]:
        """The portable after-``yield`` code of ``module``'s module-level autouse fixtures and
        of those of the ``pytest_plugins`` modules it names (a conftest's, typically)."""
        memo = self._restore if module.memo is None else module.memo
        key = (id(module), "autouse", 0)
        if key not in memo:
            memo[key] = []
            out: list[ast.AST] = []
            for fixture in module.autouse_fixtures():
                out.extend(self.restore_code(Definition(module, fixture, "function"), "after_yield"))
            for plugin in module.plugins:
                found = self.module(plugin)
                if found is not None and found.path not in seen:
                    out.extend(self.autouse_cleanup(found, seen | {module.path}))
            memo[key] = out
        return memo[key]

    def bases(self, module: Module, cls: ast.ClassDef) -> list[tuple[Module, ast.ClassDef]]:
        """The project classes ``cls`` derives from, transitively, nearest first."""
        out: list[tuple[Module, ast.ClassDef]] = []
        pending = [(module, base) for base in cls.bases]
        seen = {id(cls)}
        while pending and len(out) < 32:
            owner, base = pending.pop(0)
            found = self._class(owner, base)
            if found is None or id(found[1]) in seen:
                continue
            seen.add(id(found[1]))
            out.append(found)
            pending.extend((found[0], b) for b in found[1].bases)
        return out

    def _class(self, module: Module, expr: ast.expr) -> tuple[Module, ast.ClassDef] | None:
        if isinstance(expr, ast.Name) and expr.id in module.classes:
            return module, module.classes[expr.id]
        qualified = module.table.resolve(expr)
        found = self.definition(qualified) if qualified else None
        if found is None or found.kind != "class":
            return None
        return found.module, found.node  # type: ignore[return-value]

    def method(self, module: Module, cls: ast.ClassDef, name: str) -> tuple[Module, FunctionNode, ast.ClassDef] | None:
        """Method ``name`` of ``cls`` or of its nearest project base that defines it."""
        for owner, klass in [(module, cls), *self.bases(module, cls)]:
            for stmt in klass.body:
                if isinstance(stmt, FUNCTION_TYPES) and stmt.name == name:
                    return owner, stmt, klass
        return None

    def initial_value(self, qualified: str, extra_roots: tuple[str, ...] = ()) -> ast.expr | None:
        """The value a project module binds ``module.name`` to at import (bound once), or None;
        a class attribute may come from a project base class (``definition(inherited=True)``)."""
        found = self.definition(qualified, extra_roots, inherited=True)
        return found.node if found is not None and found.kind == "value" else None  # type: ignore[return-value]

    def _inherited_value(self, module: Module, cls: ast.ClassDef, attr: str) -> Definition | None:
        binders = [(owner, klass) for owner, klass in self.bases(module, cls) if _class_binds(klass, attr)]
        if len(binders) != 1:
            return None
        value = _class_value(binders[0][1], attr)
        return Definition(binders[0][0], value, "value", binders[0][1]) if value is not None else None

    def fresh_instance(self, qualified: str, callee: str, extra_roots: tuple[str, ...] = ()) -> bool:
        """Whether a project module makes the value of ``qualified`` at import by calling
        ``callee`` without arguments (``_active = Local()``, ``asgiref.local.Local``), and no
        other module-level statement of that module touches the name (nothing changes the
        fresh object at import)."""
        found = self.definition(qualified, extra_roots, inherited=True)
        value = found.node if found is not None and found.kind == "value" else None
        if not (isinstance(value, ast.Call) and not value.args and not value.keywords) \
                or found.module.qualified(value.func) != callee:  # type: ignore[union-attr]
            return False
        name = qualified.rpartition(".")[2]
        touched = sum(
            1 for stmt in found.module.tree.body if not isinstance(stmt, (*FUNCTION_TYPES, ast.ClassDef))  # type: ignore[union-attr]
            for node in ast.walk(stmt) if isinstance(node, ast.Name) and node.id == name
        )
        return touched <= 1

    # ------------------------------------------------------------------ cleanup code
    def restore_code(self, definition: Definition, how: str) -> list[ast.AST]:
        """The code ``definition`` runs as cleanup, portable (see the module doc):

        * ``"finally"``: a ``@contextmanager`` function's ``finally:`` blocks around its
          ``yield``, a class's ``__exit__`` (a with-helper or decorator: guaranteed to run);
        * ``"after_yield"``: a fixture's (or a with-helper's, when pytest resumes it normally)
          code after its ``yield``, and that of the with-helpers wrapped around the ``yield``;
        * ``"body"``: a function's whole body (a teardown method, a helper a teardown calls).

        Calls to project functions in that code are followed :data:`CALL_DEPTH` levels deep.
        """
        return self._memo_restore(definition, how, CALL_DEPTH)

    def _memo_restore(self, definition: Definition, how: str, depth: int) -> list[ast.AST]:
        memo = self._restore if definition.module.memo is None else definition.module.memo
        key = (id(definition.node), how, depth)
        if key not in memo:
            memo[key] = []  # a recursive helper sees nothing rather than looping
            memo[key] = self._restore_code(definition, how, depth)
        return memo[key]

    def _restore_code(self, definition: Definition, how: str, depth: int) -> list[ast.AST]:
        module, node = definition.module, definition.node
        if isinstance(node, ast.ClassDef):
            if how == "body":
                return []
            found = next((self.method(module, node, m) for m in EXIT_METHODS
                          if self.method(module, node, m)), None)
            if found is None:
                return []
            owner, method, klass = found
            return self._portable(owner, method, method.body, depth, klass)
        if not isinstance(node, FUNCTION_TYPES):
            return []
        if how == "body":
            return self._portable(module, node, node.body, depth, definition.owner)
        yield_line = _yield_line(node)
        if yield_line is None:
            return []
        roots: list[ast.AST] = []
        helpers: list[ast.AST] = []  # portable already
        for stmt in _walk_statements(node.body):
            if isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))) and _spans(stmt.body, yield_line):
                roots.extend(stmt.finalbody)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)) and _spans(stmt.body, yield_line):
                # pytest resumes a fixture's generator normally at teardown, whatever the test
                # did: a helper around its `yield` runs its code after its own `yield` too.
                for item in stmt.items:
                    helpers.extend(self._helper_code(module, item.context_expr, depth, how))
            elif how == "after_yield" and stmt.lineno > yield_line:
                roots.append(stmt)
        if how == "after_yield":
            roots = [r for r in roots if not _nested_in(r, roots)]
        return helpers + self._portable(module, node, roots, depth, definition.owner)

    def helper_code(self, module: Module, expr: ast.expr, depth: int = CALL_DEPTH) -> list[ast.AST]:
        """What a with-item or decorator ``expr`` of ``module`` is guaranteed to undo when it
        ends: the ``finally:`` code around its ``yield`` or its class's ``__exit__``; portable."""
        return self._helper_code(module, expr, CALL_DEPTH, "finally")

    def _helper_code(self, module: Module, expr: ast.expr, depth: int, how: str) -> list[ast.AST]:
        target = expr.func if isinstance(expr, ast.Call) else expr
        found = self.local_definition(module, target)
        if found is None:
            qualified = module.qualified(target)
            found = self.definition(qualified) if qualified else None
        if found is None:
            return []
        if found.kind == "function" and not _decorated_by(found.module, found.node, CONTEXT_MANAGER_DECORATORS):
            return []
        return self._memo_restore(found, how, depth)

    def registered_code(self, definition: Definition) -> list[ast.AST]:
        """The code project function ``definition`` registers to run at cleanup (twisted's
        ``replaceSysPath``: ``self.addCleanup(cleanUpSysPath)``, a local function putting
        ``sys.path`` back), portable: registered lambdas and local functions (also registered
        by decorating them, ``@testCase.addCleanup``), methods of its class, other callables
        as a call of them with the registered arguments."""
        memo = self._restore if definition.module.memo is None else definition.module.memo
        key = (id(definition.node), "registered", 0)
        if key not in memo:
            memo[key] = []
            memo[key] = self._registered_code(definition)
        return memo[key]

    def _registered_code(self, definition: Definition) -> list[ast.AST]:
        module, func = definition.module, definition.node
        if not isinstance(func, FUNCTION_TYPES):
            return []
        roots, own_methods = _registered_callables(func)
        methods: list[ast.AST] = []  # portable already
        for target in own_methods:
            found = self._callee(module, target, definition.owner)
            if found is not None:
                methods.extend(self._memo_restore(found, "body", CALL_DEPTH - 1))
        if not roots and not methods:
            return []
        return methods + self._portable(module, func, roots, CALL_DEPTH - 1, definition.owner)

    def _portable(self, module: Module, func: ast.AST, roots: list[ast.AST], depth: int,
                  owner: ast.ClassDef | None = None) -> list[ast.AST]:
        """Copies of ``roots`` with ``module``'s imported names qualified, plus the portable
        bodies of the project functions they call (``depth`` levels)."""
        qualifier = _Qualifier(module, func)  # (its locals are found once, not per root)
        out = [qualifier.copy(r) for r in roots]
        if depth <= 0:
            return out
        for root in roots:
            for node in ast.walk(root):
                if not isinstance(node, ast.Call):
                    continue
                callee = self._callee(module, node.func, owner)
                if callee is not None:
                    out.extend(self._memo_restore(callee, "body", depth - 1))
        return out

    def _callee(self, module: Module, func: ast.expr, owner: ast.ClassDef | None) -> Definition | None:
        """The project function a call in ``module`` calls: ``helper()``, ``mod.helper()``,
        ``self.helper()`` / ``cls.helper()`` on the method's own class or a project base."""
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id in ("self", "cls") and owner is not None:
            found = self.method(module, owner, func.attr)
            return Definition(found[0], found[1], "function", found[2]) if found else None
        local = self.local_definition(module, func)
        if local is not None:
            return local if local.kind == "function" else None
        qualified = module.table.resolve(func)
        if not qualified:
            return None
        found = self.definition(qualified)
        return found if found is not None and found.kind == "function" else None


# ---------------------------------------------------------------------- module summaries
def _class_value(cls: ast.ClassDef, name: str) -> ast.expr | None:
    """The value the body of ``cls`` binds attribute ``name`` to, when it binds it exactly once
    (``gcp_metadata = None``), or None."""
    values = [
        stmt.value for stmt in statements(cls.body, nested_scopes=False)
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None
        and any(isinstance(t, ast.Name) and t.id == name
                for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]))
    ]
    return values[0] if len(values) == 1 else None


def registered_by_decorator(func: ast.AST) -> bool:
    """``@self.addCleanup`` / ``@case.addCleanup`` over a local function: registered."""
    return any(isinstance(d, ast.Attribute) and d.attr in CLEANUP_REGISTRARS
               for d in getattr(func, "decorator_list", ()))


def self_method(target: ast.expr) -> bool:
    """``self.restore`` / ``cls.restore``: a method of the instance or class at hand."""
    return isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
        and target.value.id in ("self", "cls")


def _registered_callables(func: ast.AST) -> tuple[list[ast.AST], list[ast.Attribute]]:
    """What ``func`` registers to run at cleanup: code (bodies of registered lambdas and local
    functions, other callables as a call with the registered arguments) and the
    ``self.method``/``cls.method`` references it registers."""
    nodes = list(_own_nodes(func))
    local = {n.name: n for n in nodes if isinstance(n, FUNCTION_TYPES)}
    roots: list[ast.AST] = []
    methods: list[ast.Attribute] = []
    for node in nodes:
        if isinstance(node, FUNCTION_TYPES) and registered_by_decorator(node):
            roots.extend(node.body)
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in CLEANUP_REGISTRARS and node.args):
            continue
        target, args = node.args[0], node.args[1:]
        if isinstance(target, ast.Lambda):
            roots.append(target.body)
        elif isinstance(target, ast.Name) and target.id in local:
            roots.extend(local[target.id].body)
        elif self_method(target):
            methods.append(target)  # type: ignore[arg-type]
        else:
            roots.append(ast.copy_location(ast.Call(func=target, args=args, keywords=[]), node))
    return roots, methods


def _class_binds(cls: ast.ClassDef, name: str) -> bool:
    """Whether the body of ``cls`` binds attribute ``name`` (an assignment or a ``def``)."""
    for stmt in statements(cls.body, nested_scopes=False):
        if isinstance(stmt, (*FUNCTION_TYPES, ast.ClassDef)) and stmt.name == name:
            return True
        targets = stmt.targets if isinstance(stmt, ast.Assign) else \
            [stmt.target] if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return False


def _statement_nodes(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The nodes of ``stmt`` outside the statement blocks nested in it."""
    todo: list[ast.AST] = [stmt]
    while todo:
        node = todo.pop()
        yield node
        todo.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.stmt))


def summarise(name: str, path: str, digest: str, tree: ast.Module,
              table: ImportTable | None = None) -> Module:
    """The index's view of one parsed module (``table``: its import table, when made already)."""
    table = table or ImportTable(tree)
    package = name if os.path.basename(path) == "__init__.py" else name.rpartition(".")[0]
    for stmt in statements(tree.body):
        if isinstance(stmt, ast.ImportFrom) and stmt.level:
            base = relative_base(package, stmt.level)
            if base is None:
                continue
            source = ".".join(p for p in (base, stmt.module or "") if p)
            for alias in stmt.names:
                if alias.name != "*":
                    table.bind(alias.asname or alias.name, f"{source}.{alias.name}" if source else alias.name)
    module = Module(name, path, digest, tree, table)
    module.star_imports = tuple(
        stmt.module for stmt in statements(tree.body, nested_scopes=False)
        if isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level
        and any(alias.name == "*" for alias in stmt.names)
    )
    counts: dict[str, int] = {}
    for stmt in tree.body:
        if isinstance(stmt, FUNCTION_TYPES):
            module.functions[stmt.name] = stmt
        elif isinstance(stmt, ast.ClassDef):
            module.classes[stmt.name] = stmt
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    module.values.setdefault(target.id, stmt.value)
                    if target.id == "pytest_plugins":
                        module.plugins = _strings(stmt.value)
    # Every name bound at module level, however (a `global` rebinding inside a function, as a
    # lazy singleton does, leaves the value the module starts with as it is). A name bound once
    # inside a module-level block (`if FASTAPI_AVAILABLE: _middleware = None`) has that value too,
    # unless an import, `def` or `class` binds it as well (`try: import x / except: x = None`).
    nested: dict[str, ast.expr] = {}
    other: set[str] = set()
    top = {id(stmt) for stmt in tree.body}
    for stmt in statements(tree.body, nested_scopes=False):
        if isinstance(stmt, (*FUNCTION_TYPES, ast.ClassDef)):
            module.globals.add(stmt.name)
            other.add(stmt.name)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names = [(a.asname or a.name).split(".")[0] for a in stmt.names]
            module.globals.update(names)
            other.update(names)
        else:
            for node in _statement_nodes(stmt):  # (its nested blocks come on their own)
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                    counts[node.id] = counts.get(node.id, 0) + 1
                    module.globals.add(node.id)
            if id(stmt) not in top and isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        nested.setdefault(target.id, stmt.value)
    for bound, value in nested.items():
        if bound not in other and bound not in module.functions and bound not in module.classes:
            module.values.setdefault(bound, value)
    for bound, count in counts.items():
        if count != 1 or bound in other:
            module.values.pop(bound, None)
    return module


def module_name(path: str) -> tuple[str, str]:
    """What pytest's default ``prepend`` import mode imports ``path`` as: the dotted name and
    the base directory it inserts in ``sys.path`` (the first directory upwards without an
    ``__init__.py``)."""
    path = os.path.abspath(path)
    directory, filename = os.path.split(path)
    parts = [] if filename == "__init__.py" else [os.path.splitext(filename)[0]]
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        directory, package = os.path.split(directory)
        parts.insert(0, package)
        if not package:
            break
    return ".".join(parts), directory


def relative_base(package: str, level: int) -> str | None:
    """The package a relative import of ``level`` dots in ``package`` starts from."""
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    return ".".join(parts[: len(parts) - (level - 1)])


def _strings(value: ast.expr) -> tuple[str, ...]:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return (value.value,)
    if isinstance(value, (ast.List, ast.Tuple)):
        return tuple(e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return ()


def _decorated_by(module: Module, node: ast.AST | None, names: frozenset[str]) -> bool:
    return node is not None and any(n in names for n in module.decorator_names(node))


def _yield_line(func: ast.AST) -> int | None:
    line = None
    for node in _own_nodes(func):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            line = node.lineno if line is None else min(line, node.lineno)
    return line


def _own_nodes(func: ast.AST) -> Iterator[ast.AST]:
    stack = list(getattr(func, "body", []))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (*FUNCTION_TYPES, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _walk_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    return statements(body, nested_scopes=False)


def _spans(body: list[ast.stmt], line: int) -> bool:
    return bool(body) and body[0].lineno <= line <= (body[-1].end_lineno or body[-1].lineno)


def _nested_in(node: ast.AST, roots: list[ast.AST]) -> bool:
    """Whether ``node`` lies inside another statement of ``roots`` (so it is walked already)."""
    start, end = getattr(node, "lineno", 0), getattr(node, "end_lineno", 0)
    return any(
        r is not node and isinstance(r, ast.stmt) and r.lineno <= start and (r.end_lineno or 0) >= end
        and (r.lineno, r.end_lineno) != (start, end)
        for r in roots
    )


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_module(path: str) -> bytes:
    if os.path.getsize(path) > MAX_MODULE_BYTES:
        raise OSError("too large")
    with open(path, "rb") as handle:
        return handle.read()


class _Qualifier:
    """Rewrites a module's code so that any file can read it: the names it imports and its own
    module-level names become qualified (a chain of attributes under a :data:`QUALIFIED_PREFIX`
    name, which every import table resolves as written; a ``global`` rebinding becomes an
    attribute of the module), module-level string constants become their values, and the
    parameters and locals of ``func`` stand for any value (:data:`ANY_VALUE_PREFIX`)."""

    def __init__(self, module: Module, func: ast.AST | None = None) -> None:
        self.module = module
        self.declared: set[str] = set()
        self.local: set[str] = {"self", "cls"}
        if isinstance(func, (*FUNCTION_TYPES, ast.Lambda)):
            args = func.args
            self.local.update(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
            self.local.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
            for node in _own_nodes(func):
                if isinstance(node, ast.Global):
                    self.declared.update(node.names)
                elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                    self.local.add(node.id)
            self.local -= self.declared

    def copy(self, node: ast.AST) -> ast.AST:
        """A copy of ``node`` with each ``Name`` in it rewritten by :meth:`visit_Name` (what
        ``visit_Name`` over ``copy.deepcopy(node)`` gives, in one pass and without the deep
        copier's bookkeeping)."""
        cls = type(node)
        new = cls.__new__(cls)
        fields = new.__dict__
        for key, value in node.__dict__.items():
            if isinstance(value, ast.AST):
                value = self.copy(value)
            elif type(value) is list:
                value = [self.copy(item) if isinstance(item, ast.AST) else item for item in value]
            fields[key] = value
        return self.visit_Name(new) if cls is ast.Name else new  # type: ignore[arg-type]

    def visit_Name(self, node: ast.Name) -> ast.AST:
        name, module = node.id, self.module
        if not isinstance(node.ctx, ast.Load):
            if name in self.declared and module.name:  # `global X; X = None`
                return _with_ctx(qualified_expr(f"{module.name}.{name}", node), node.ctx)
            return node
        if name in self.local:
            if name in ("self", "cls"):
                return node
            # A parameter or local of the helper: it stands for whatever the caller passes
            # (`sys.modules.pop(name)` in `reset_modules(*names)`).
            return ast.copy_location(ast.Name(ANY_VALUE_PREFIX + name, ast.Load()), node)
        value = module.values.get(name)
        if isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)):
            return ast.copy_location(ast.Constant(value.value), node)
        qualified = module.table.resolve(node)
        if qualified is not None and (qualified != name or module.table.binds(name)):
            return qualified_expr(qualified, node)
        if name in module.globals and module.name:
            return qualified_expr(f"{module.name}.{name}", node)
        return node  # a builtin, or a name the module never binds


def _with_ctx(expr: ast.expr, ctx: ast.expr_context) -> ast.expr:
    expr.ctx = ctx
    return expr


def portable(module: Module, node: ast.AST, func: ast.AST | None = None) -> ast.AST:
    """A copy of ``node`` (code of ``module``, inside function ``func``) that any file's
    import table reads as ``module`` meant it (see :class:`_Qualifier`)."""
    return _Qualifier(module, func).copy(node)


def qualified_expr(qualified: str, like: ast.AST) -> ast.expr:
    """``a.b.c`` as ``Attribute(Attribute(Name("\\0a"), "b"), "c")`` at ``like``'s position."""
    first, *rest = qualified.split(".")
    expr: ast.expr = ast.copy_location(ast.Name(QUALIFIED_PREFIX + first, ast.Load()), like)
    for part in rest:
        expr = ast.copy_location(ast.Attribute(expr, part, ast.Load()), like)
    return expr


__all__ = ["ProjectIndex", "Module", "Definition", "module_name", "summarise", "portable",
           "qualified_expr"]
