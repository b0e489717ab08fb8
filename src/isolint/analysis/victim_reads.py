"""What a test reads: the state its code, its fixtures and the project functions it calls look at.

``isolint polluters`` ranks a failed test's candidate polluters by whether the test reads the
state they left changed. This module answers that statically, with the import table of
:mod:`isolint.names`: starting from the test function (and its class's set-up methods), it follows
the fixtures it requests (its module, its classes, the ``conftest.py`` chain; autouse ones too)
and the calls it makes into the project's own modules (modules found as files under the rootdir,
``src/`` or the test's directories; third-party and standard-library code is not followed), and
collects:

* ``names``: qualified names loaded (``os.environ``, ``shop.settings._CURRENCY``, a class
  attribute read through ``cls``/``self``/the class, ``shop.catalog.Catalog._items``);
* ``strings``: string constants (environment variable names, paths, module names);
* ``imports``: modules imported.

The walk is bounded (:data:`MAX_FUNCTIONS`): a test's reads are a ranking signal, not a proof
(``--confirm`` is the proof).
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from isolint.analysis.names import ImportTable
from isolint.discovery import conftest_chain

#: How many functions one test's walk follows at most.
MAX_FUNCTIONS = 400

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SETUP_METHODS = ("setup_method", "setUp", "setup_class", "setUpClass", "setup", "asyncSetUp")
_MODULE_SETUPS = ("setup_module", "setUpModule", "setup_function")


@dataclass
class Reads:
    """What one test's code reads (see the module docstring)."""

    names: set[str] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)
    #: Whether the test was found (False: its file or function could not be read).
    found: bool = False

    def reads_name(self, qualified: str) -> bool:
        return qualified in self.names

    def reads_under(self, prefix: str) -> bool:
        """Whether a name at or below ``prefix`` (a module or class) is read or imported."""
        dotted = prefix + "."
        return any(n == prefix or n.startswith(dotted) for n in [*self.names, *self.imports])


@dataclass
class _Module:
    name: str
    path: Path
    tree: ast.Module
    table: ImportTable
    globals: frozenset[str]
    classes: dict[str, ast.ClassDef]
    functions: dict[str, ast.AST]


class Sources:
    """The project's modules, each read and parsed once per run by ``parse(path)`` (the
    engine's reader: None for a file that cannot be read or parsed)."""

    def __init__(self, parse: Callable[[str], ast.Module | None]) -> None:
        self.parse = parse
        self._modules: dict[str, _Module | None] = {}

    def load(self, path: str, name: str) -> _Module | None:
        if path not in self._modules:
            tree = self.parse(path)
            self._modules[path] = None if tree is None else _module(name, path, tree)
        return self._modules[path]


def _module(name: str, path: str, tree: ast.Module) -> _Module:
    names: set[str] = set()
    classes: dict[str, ast.ClassDef] = {}
    functions: dict[str, ast.AST] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef):
            classes[stmt.name] = stmt
        elif isinstance(stmt, _FUNCTIONS):
            functions[stmt.name] = stmt
        for target in _assigned(stmt):
            names.add(target)
    return _Module(name, Path(path), tree, ImportTable(tree), frozenset(names) | set(classes) | set(functions), classes, functions)


def _assigned(stmt: ast.stmt) -> list[str]:
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        targets = [stmt.target]
    return [t.id for t in targets if isinstance(t, ast.Name)]


class ProjectModules:
    """Finds the project's own modules by name (files under the search roots)."""

    def __init__(self, rootdir: Path, test_file: Path, sources: Sources) -> None:
        self.sources = sources
        roots = [rootdir, rootdir / "src"]
        directory = test_file.parent
        while True:  # the test's directories: pytest's rootdir-relative "prepend" import mode
            roots.append(directory)
            if directory == rootdir or directory.parent == directory:
                break
            directory = directory.parent
        self.roots = [r for r in dict.fromkeys(roots) if r.is_dir()]

    def find(self, qualified: str) -> tuple[_Module, list[str]] | None:
        """The longest module prefix of ``qualified`` that is a project file, and the rest."""
        parts = qualified.split(".")
        for end in range(len(parts), 0, -1):
            relative = Path(*parts[:end])
            for root in self.roots:
                for candidate in (root / relative.with_suffix(".py"), root / relative / "__init__.py"):
                    if candidate.is_file():
                        module = self.sources.load(str(candidate), ".".join(parts[:end]))
                        if module is not None:
                            return module, parts[end:]
        return None


def module_name(path: Path, rootdir: Path) -> str:
    """A dotted name for a test file (its path under the rootdir, as rootdir-relative imports spell it)."""
    try:
        relative = path.resolve().relative_to(rootdir.resolve())
    except ValueError:
        relative = Path(path.name)
    return ".".join(relative.with_suffix("").parts)


class _Walker:
    def __init__(self, rootdir: Path, test_file: Path, sources: Sources) -> None:
        self.rootdir = rootdir
        self.modules = ProjectModules(rootdir, test_file, sources)
        self.reads = Reads()
        self.seen: set[int] = set()
        self.queue: list[tuple[_Module, ast.AST, ast.ClassDef | None]] = []

    def add(self, module: _Module, func: ast.AST, cls: ast.ClassDef | None) -> None:
        if id(func) not in self.seen and len(self.seen) < MAX_FUNCTIONS:
            self.seen.add(id(func))
            self.queue.append((module, func, cls))

    def run(self, conftests: list[_Module]) -> None:
        while self.queue:
            module, func, cls = self.queue.pop()
            self.walk(module, func, cls, conftests)

    def walk(self, module: _Module, func: ast.AST, cls: ast.ClassDef | None, conftests: list[_Module]) -> None:
        reads = self.reads
        if isinstance(func, _FUNCTIONS):
            for arg in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]:
                self.fixture(arg.arg, module, cls, conftests)
        for node in ast.walk(func):
            kind = type(node)
            if kind is ast.Constant and isinstance(node.value, str):  # type: ignore[attr-defined]
                reads.strings.add(node.value)  # type: ignore[attr-defined]
            elif kind is ast.Name or kind is ast.Attribute:
                qualified = self.qualify(module, node, cls)
                if qualified:
                    reads.names.add(qualified)
            elif kind is ast.Import:
                reads.imports.update(alias.name for alias in node.names)  # type: ignore[attr-defined]
            elif kind is ast.ImportFrom and node.module and not node.level:  # type: ignore[attr-defined]
                reads.imports.add(node.module)  # type: ignore[attr-defined]
                reads.imports.update(f"{node.module}.{a.name}" for a in node.names)  # type: ignore[attr-defined]
            elif kind is ast.Call:
                self.call(module, node.func, cls)  # type: ignore[attr-defined]

    def qualify(self, module: _Module, node: ast.AST, cls: ast.ClassDef | None) -> str | None:
        """The qualified name a Name/Attribute loads: through imports, the module's globals, or
        the enclosing class (``self.x`` / ``cls.x`` / ``Class.x``)."""
        resolved = module.table.resolve(node)
        if resolved:
            return resolved
        if isinstance(node, ast.Name):
            return f"{module.name}.{node.id}" if node.id in module.globals else None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            base = node.value.id
            if cls is not None and base in ("self", "cls"):
                return f"{module.name}.{cls.name}.{node.attr}"
            if base in module.classes:
                return f"{module.name}.{base}.{node.attr}"
        return None

    def call(self, module: _Module, func: ast.expr, cls: ast.ClassDef | None) -> None:
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and cls is not None and func.value.id in ("self", "cls"):
            method = _method(cls, func.attr)
            if method is not None:
                self.add(module, method, cls)
            return
        if isinstance(func, ast.Name) and func.id in module.functions and not module.table.binds(func.id):
            self.add(module, module.functions[func.id], None)
            return
        if isinstance(func, ast.Name) and func.id in module.classes:
            self.add_class(module, module.classes[func.id])
            return
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in module.classes:
            klass = module.classes[func.value.id]
            method = _method(klass, func.attr)
            if method is not None:
                self.add(module, method, klass)
            return
        qualified = module.table.resolve(func)
        if not qualified:
            return
        found = self.modules.find(qualified)
        if found is None:
            return
        target, rest = found
        if not rest:
            return
        if rest[0] in target.functions and len(rest) == 1:
            self.add(target, target.functions[rest[0]], None)
        elif rest[0] in target.classes:
            klass = target.classes[rest[0]]
            if len(rest) == 1:
                self.add_class(target, klass)
            else:
                method = _method(klass, rest[1])
                if method is not None:
                    self.add(target, method, klass)

    def add_class(self, module: _Module, cls: ast.ClassDef) -> None:
        """A class called (instantiated): its ``__init__``/``__post_init__``/``__new__``."""
        for name in ("__init__", "__post_init__", "__new__"):
            method = _method(cls, name)
            if method is not None:
                self.add(module, method, cls)

    def fixture(self, name: str, module: _Module, cls: ast.ClassDef | None, conftests: list[_Module]) -> None:
        """The fixture ``name`` as pytest would pick it: the class's, the module's, the nearest conftest's."""
        places: list[tuple[_Module, ast.ClassDef | None, dict[str, ast.AST]]] = []
        if cls is not None:
            places.append((module, cls, {f.name: f for f in cls.body if isinstance(f, _FUNCTIONS)}))
        places.append((module, None, module.functions))
        places += [(c, None, c.functions) for c in reversed(conftests)]
        for where, klass, functions in places:
            candidate = functions.get(name)
            if candidate is not None and _is_fixture(candidate):
                self.add(where, candidate, klass)
                return


def _method(cls: ast.ClassDef, name: str) -> ast.AST | None:
    for stmt in cls.body:
        if isinstance(stmt, _FUNCTIONS) and stmt.name == name:
            return stmt
    return None


def _is_fixture(func: ast.AST) -> bool:
    for decorator in getattr(func, "decorator_list", ()):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "fixture":
            return True
    return False


def _is_autouse(func: ast.AST) -> bool:
    for decorator in getattr(func, "decorator_list", ()):
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "autouse" and isinstance(keyword.value, ast.Constant) and keyword.value.value:
                    return True
    return False


def test_reads(rootdir: str | os.PathLike[str], nodeid: str, sources: Sources) -> Reads:
    """What the test ``nodeid`` (relative to ``rootdir``) reads; ``found`` False when its file or
    function cannot be read."""
    root = Path(rootdir)
    parts = nodeid.split("::")
    path = root / parts[0]
    module = sources.load(str(path), module_name(path, root)) if path.suffix == ".py" else None
    if module is None:
        return Reads()
    walker = _Walker(root, path, sources)
    conftests = [c for c in (sources.load(str(p), module_name(p, root)) for p in conftest_chain(path, root)) if c is not None]
    names = [part.split("[", 1)[0] for part in parts[1:]]
    cls: ast.ClassDef | None = None
    scope: list[ast.stmt] = module.tree.body
    for name in names[:-1]:  # classes (nested ones too)
        found = next((s for s in scope if isinstance(s, ast.ClassDef) and s.name == name), None)
        if found is None:
            return walker.reads
        cls, scope = found, found.body
    test = next((s for s in scope if isinstance(s, _FUNCTIONS) and s.name == (names[-1] if names else "")), None)
    if test is None and cls is not None:  # inherited from an in-module base class
        for base in cls.bases:
            if isinstance(base, ast.Name) and base.id in module.classes:
                test = _method(module.classes[base.id], names[-1])
                if test is not None:
                    break
    if test is None:
        return walker.reads
    walker.reads.found = True
    walker.add(module, test, cls)
    if cls is not None:
        for name in _SETUP_METHODS:
            method = _method(cls, name)
            if method is not None:
                walker.add(module, method, cls)
    for name in _MODULE_SETUPS:
        if name in module.functions:
            walker.add(module, module.functions[name], None)
    for where in [*conftests, module]:  # autouse fixtures apply to every test below them
        for func in where.functions.values():
            if _is_fixture(func) and _is_autouse(func):
                walker.add(where, func, None)
    # module-level code of the test module (constants it computes, imports it makes)
    walker.add(module, ast.Module(body=[s for s in module.tree.body if not isinstance(s, (*_FUNCTIONS, ast.ClassDef))], type_ignores=[]), None)
    walker.run(conftests)
    return walker.reads

