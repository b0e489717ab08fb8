"""The modules of the test tree that pytest imports although they are not test modules.

When pytest imports a test module or a conftest, Python also imports

* the ``__init__.py`` of each package the module is in (pytest's ``Package`` collector imports
  it too), and
* whatever the module imports: helper modules such as ``tests/helpers.py`` or
  ``tests/cli/cli_utils.py`` that hold fixtures, base classes and context managers, and the
  ``pytest_plugins`` a conftest names;

and so on, transitively. Those modules run in the test process as much as the tests do, so
isolint scans the ones that lie inside the directories it walks (the test tree); imports that
resolve elsewhere (the package under test, third-party code) are not followed.

Imports are found without parsing: one regular-expression pass over the source that skips
string literals and comments (so the code pytester tests keep in strings is not mistaken for
imports). Absolute imports resolve the way pytest's default ``prepend`` import mode makes them
resolve: against the importing file's base directory (the first parent that is not a package),
``rootdir``, the ``pythonpath`` ini option and the base directories of the other collected
files; relative imports against the file's package.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path
from typing import Iterable, Iterator

_SCAN = re.compile(
    rb"""(?P<skip>[rRbBuUfF]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\""""
    rb"""|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")|\#[^\n]*)"""
    rb"""|^[ \t]*from[ \t]+(?P<from>\.*[\w.]*)[ \t]+import[ \t]*(?P<names>\([^)]*\)|[^\n;#]*)"""
    rb"""|^[ \t]*import[ \t]+(?P<imports>[^\n;#]*)""",
    re.MULTILINE,
)
_PLUGINS = re.compile(rb"^pytest_plugins\b", re.MULTILINE)
_MAX_BYTES = 10 * 1024 * 1024


def imports(data: bytes) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """``(level, module, names)`` for each import statement outside strings and comments:
    ``from ..a import b, c`` is ``(2, "a", ("b", "c"))``, ``import a.b`` is ``(0, "a.b", ())``."""
    for match in _SCAN.finditer(data):
        if match.group("skip") is not None:
            continue
        imported = match.group("imports")
        if imported is not None:
            for module in _names(imported):
                yield 0, module, ()
            continue
        source = match.group("from").decode("ascii", "replace")
        level = len(source) - len(source.lstrip("."))
        yield level, source[level:], tuple(_names(match.group("names")))


def _names(text: bytes) -> list[str]:
    cleaned = text.decode("utf-8", "replace").replace("\\\n", " ").strip().strip("()")
    names = []
    for part in cleaned.replace("\n", ",").split(","):
        name = part.split("#", 1)[0].strip().split(" as ", 1)[0].strip()
        if name and name != "*" and all(piece.isidentifier() for piece in name.split(".")):
            names.append(name)
    return names


def pytest_plugins(data: bytes) -> list[str]:
    """The module names of a literal ``pytest_plugins`` assignment (a string, list or tuple)."""
    if not _PLUGINS.search(data):
        return []
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return []
    found: list[str] = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in targets):
                value = stmt.value
                elements = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
                found.extend(
                    e.value for e in elements
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                )
    return found


def base_directory(path: Path) -> Path:
    """The directory pytest's ``prepend`` import mode puts on ``sys.path`` for ``path``: the
    first parent that has no ``__init__.py``."""
    directory = path.parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        directory = directory.parent
    return directory


def package_inits(path: Path, inside: Path) -> Iterator[Path]:
    """The ``__init__.py`` of each package ``path`` is in, up to (and including) ``inside``."""
    directory = path.parent
    while True:
        init = directory / "__init__.py"
        if not init.is_file() or init == path:
            return
        yield init
        if directory == inside or directory.parent == directory:
            return
        directory = directory.parent


class SupportResolver:
    """Follows the imports of the collected files to the modules of the test tree they import."""

    def __init__(self, roots: Iterable[Path], import_roots: Iterable[Path]) -> None:
        #: The directories walked: only modules inside one of them are scanned.
        self.roots = tuple(roots)
        self.import_roots = list(dict.fromkeys(import_roots))
        self._exists: dict[str, bool] = {}

    def inside(self, path: Path) -> Path | None:
        """The walked root ``path`` lies under, if any."""
        text = str(path)
        for root in self.roots:
            prefix = str(root).rstrip(os.sep) + os.sep
            if text.startswith(prefix):
                return root
        return None

    def _file(self, path: Path) -> bool:
        key = str(path)
        if key not in self._exists:
            self._exists[key] = path.is_file()
        return self._exists[key]

    def _directory(self, path: Path) -> bool:
        key = str(path) + os.sep
        if key not in self._exists:
            self._exists[key] = path.is_dir()
        return self._exists[key]

    def _module_files(self, base: Path, dotted: str, names: tuple[str, ...]) -> list[Path]:
        """The files importing ``dotted`` (and ``names`` from it) loads, starting at ``base``:
        each package's ``__init__.py`` on the way, the module, and the submodules named."""
        files: list[Path] = []
        directory = base
        parts = [p for p in dotted.split(".") if p] if dotted else []
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            module = directory / f"{part}.py"
            package = directory / part / "__init__.py"
            if self._file(package):
                files.append(package)
                directory = directory / part
            elif last and self._file(module):
                return files + [module]
            elif self._directory(directory / part):  # a namespace package
                directory = directory / part
            else:
                return files
        for name in names:
            for candidate in (directory / f"{name}.py", directory / name / "__init__.py"):
                if self._file(candidate):
                    files.append(candidate)
                    break
        return files

    def resolve(self, importer: Path, level: int, dotted: str, names: tuple[str, ...]) -> list[Path]:
        """The files an import statement in ``importer`` loads (any location)."""
        if level:
            base = importer.parent
            for _ in range(level - 1):
                base = base.parent
            return self._module_files(base, dotted, names)
        top = dotted.split(".", 1)[0]
        if not top:
            return []
        roots = (base_directory(importer), *self.import_roots)
        for root in roots:
            if self._file(root / f"{top}.py") or self._file(root / top / "__init__.py"):
                return self._module_files(root, dotted, names)
        for root in roots:  # namespace packages come last, as in Python's path finder
            if self._directory(root / top):
                return self._module_files(root, dotted, names)
        return []


def support_modules(
    collected: Iterable[Path], roots: Iterable[Path], import_roots: Iterable[Path],
    known: set[str],
) -> list[Path]:
    """The package ``__init__.py`` files and imported modules inside ``roots`` that importing
    ``collected`` (test modules and conftests) loads, excluding paths in ``known``."""
    collected = list(collected)
    resolver = SupportResolver(
        roots, [*import_roots, *(base_directory(path) for path in collected)]
    )
    seen = set(known)
    found: list[Path] = []
    pending = list(collected)

    def add(path: Path) -> None:
        key = os.path.normpath(path)
        if key not in seen and resolver.inside(Path(key)) is not None:
            seen.add(key)
            found.append(Path(key))
            pending.append(Path(key))

    while pending:
        path = pending.pop()
        root = resolver.inside(path)
        if root is not None:
            for init in package_inits(path, root):
                add(init)
        try:
            if path.stat().st_size > _MAX_BYTES:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        for level, dotted, names in imports(data):
            for target in resolver.resolve(path, level, dotted, names):
                add(target)
        if path.name == "conftest.py":
            for plugin in pytest_plugins(data):
                for target in resolver.resolve(path, 0, plugin, ()):
                    add(target)
    return sorted(found)
