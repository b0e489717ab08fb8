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
import bisect
import functools
import os
import re
from typing import Iterable, Iterator

from isolint.atomic import read_regular
from isolint.pysource import parse_quietly

#: An import statement at the start of a line; tried only on the lines where ``bytes.find``
#: sees the word ``import`` (several times faster than letting the pattern scan the file).
_IMPORT = re.compile(
    rb"[ \t]*(?:from[ \t]+(?P<from>\.*[\w.]*)[ \t]+import[ \t]*(?P<names>\([^)]*\)|[^\n;#]*)"
    rb"|import[ \t]+(?P<imports>[^\n;#]*))",
)
_TYPE_CHECKING = re.compile(
    rb"\n([ \t]*)if[ \t]+(?:typing\.)?TYPE_CHECKING[ \t]*:[ \t]*(?:#[^\n]*)?(?=\n)"
)
_LINE = re.compile(rb"\n([ \t]*)([^ \t\n#])")
_PLUGINS = re.compile(rb"^pytest_plugins\b", re.MULTILINE)
_MAX_BYTES = 10 * 1024 * 1024
#: Directory names that hold a package's own tests and their helpers.
_TEST_DIRECTORIES = frozenset({"test", "tests", "testing"})


def _string_spans(data: bytes, end: int) -> list[tuple[int, int]]:
    """Where the triple-quoted strings of ``data`` that start at or before ``end`` are (a delimiter
    inside a one-line string or a comment can mislead it; for finding imports that is an
    acceptable approximation)."""
    spans: list[tuple[int, int]] = []
    position = 0
    # The next occurrence of each delimiter at or after ``position`` (-1: none left), each
    # searched again only once passed, so the whole pass stays linear.
    following = {b'"""': data.find(b'"""'), b"'''": data.find(b"'''")}
    while True:
        for delimiter, found in following.items():
            if 0 <= found < position:
                following[delimiter] = data.find(delimiter, position)
        candidates = [found for found in following.values() if found >= 0]
        if not candidates:
            return spans
        start = min(candidates)
        if start > end:
            return spans
        close = data.find(data[start:start + 3], start + 3)
        if close < 0:
            spans.append((start, len(data)))
            return spans
        spans.append((start, close + 3))
        position = close + 3


def _type_checking_spans(data: bytes) -> list[tuple[int, int]]:
    """The bodies of ``if TYPE_CHECKING:`` blocks, whose imports never run."""
    spans = []
    for match in _TYPE_CHECKING.finditer(data):
        indent = len(match.group(1))
        end = len(data)
        for line in _LINE.finditer(data, match.end()):
            if len(line.group(1)) <= indent:
                end = line.start()
                break
        spans.append((match.end(), end))
    return spans


def imports(data: bytes) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """``(level, module, names)`` for each import statement that starts a line outside
    triple-quoted strings: ``from ..a import b, c`` is ``(2, "a", ("b", "c"))``, ``import a.b``
    is ``(0, "a.b", ())``. Imports under ``if TYPE_CHECKING:`` are left out. One line-anchored
    regular expression, no parse."""
    data = b"\n" + data
    matches = list(_import_lines(data))
    if not matches:
        return
    # Only the strings that start at or before the last import line can hold one (most files
    # import at the top: the rest of the file is not searched for strings).
    spans = _string_spans(data, matches[-1].start())
    if b"TYPE_CHECKING" in data:
        spans = sorted(spans + _type_checking_spans(data))
    span = 0
    for match in matches:
        position = match.start()
        while span < len(spans) and spans[span][1] <= position:
            span += 1
        if span < len(spans) and spans[span][0] <= position:
            continue
        yield from _statement(match.group("from"), match.group("names"), match.group("imports"))


def _import_lines(data: bytes) -> Iterator[re.Match[bytes]]:
    """The import statements that start a line of ``data`` (which starts with a newline)."""
    position = data.find(b"import")
    line = -1
    while position >= 0:
        start = data.rfind(b"\n", 0, position) + 1
        if start != line:
            line = start
            match = _IMPORT.match(data, start)
            if match:
                yield match
        position = data.find(b"import", position + 6)


@functools.lru_cache(maxsize=8192)
def _statement(
    source: bytes | None, names: bytes | None, imported: bytes | None
) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """One import statement's ``(level, module, names)`` entries (memoised: a suite repeats the
    same import lines in file after file)."""
    if imported is not None:
        return tuple((0, module, ()) for module in _names(imported))
    text = (source or b"").decode("ascii", "replace")
    level = len(text) - len(text.lstrip("."))
    return ((level, text[level:], tuple(_names(names or b""))),)


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
        tree = parse_quietly(data)
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


class SupportResolver:
    """Resolves the imports of collected files to files, with every file-system question and
    every resolution memoised (a suite imports the same few names thousands of times)."""

    def __init__(self, roots: Iterable[str], import_roots: Iterable[str]) -> None:
        #: The directories walked (with a trailing separator): only modules inside them count.
        self.roots = tuple(root.rstrip(os.sep) + os.sep for root in roots)
        self.import_roots = tuple(dict.fromkeys(import_roots))
        self._files: dict[str, bool] = {}
        self._dirs: dict[str, bool] = {}
        self._bases: dict[str, str] = {}
        self._resolved: dict[
            tuple[str, int, str, tuple[str, ...]], tuple[list[str], str | None]
        ] = {}
        self._tops: dict[str, tuple[str, bool] | None] = {}
        self._listings: dict[str, frozenset[str]] = {}

    def inside(self, path: str) -> str | None:
        """The walked root ``path`` lies under, if any."""
        for root in self.roots:
            if path.startswith(root):
                return root
        return None

    def is_file(self, path: str) -> bool:
        if path not in self._files:
            self._files[path] = os.path.isfile(path)
        return self._files[path]

    def _is_dir(self, path: str) -> bool:
        if path not in self._dirs:
            self._dirs[path] = os.path.isdir(path)
        return self._dirs[path]

    def base_directory(self, directory: str) -> str:
        """The directory pytest's ``prepend`` import mode puts on ``sys.path`` for a module in
        ``directory``: the first one, going up, without ``__init__.py``."""
        if directory not in self._bases:
            parent = os.path.dirname(directory)
            if parent != directory and self.is_file(os.path.join(directory, "__init__.py")):
                self._bases[directory] = self.base_directory(parent)
            else:
                self._bases[directory] = directory
        return self._bases[directory]

    def package_top(self, path: str) -> str | None:
        """The top-level package (``root/top``) module ``path`` is in, or None outside one."""
        directory = os.path.dirname(path)
        base = self.base_directory(directory)
        if base == directory:
            return None
        return os.path.join(base, os.path.relpath(directory, base).split(os.sep)[0])

    def package_inits(self, path: str, inside: str) -> Iterator[str]:
        """The ``__init__.py`` of each package ``path`` is in, within the walked root ``inside``."""
        directory = os.path.dirname(path)
        while (directory + os.sep).startswith(inside):
            init = os.path.join(directory, "__init__.py")
            if init == path or not self.is_file(init):
                return
            yield init
            parent = os.path.dirname(directory)
            if parent == directory:
                return
            directory = parent

    def _module_files(self, base: str, dotted: str, names: tuple[str, ...]) -> list[str]:
        """The files importing ``dotted`` (and ``names`` from it) loads, starting at ``base``:
        each package's ``__init__.py`` on the way, the module, and the submodules named."""
        files: list[str] = []
        directory = base
        parts = [p for p in dotted.split(".") if p]
        for index, part in enumerate(parts):
            inner = os.path.join(directory, part)
            if self.is_file(os.path.join(inner, "__init__.py")):
                files.append(os.path.join(inner, "__init__.py"))
                directory = inner
            elif index == len(parts) - 1 and self.is_file(inner + ".py"):
                return files + [inner + ".py"]
            elif self._is_dir(inner):  # a namespace package
                directory = inner
            else:
                return files
        for name in names:
            inner = os.path.join(directory, name)
            for candidate in (inner + ".py", os.path.join(inner, "__init__.py")):
                if self.is_file(candidate):
                    files.append(candidate)
                    break
        return files

    def resolve(
        self, importer: str, level: int, dotted: str, names: tuple[str, ...]
    ) -> tuple[list[str], str | None]:
        """The files an import statement in ``importer`` loads (wherever they are), and for an
        absolute import the top-level module or package they belong to (``root/top``)."""
        directory = os.path.dirname(importer)
        if level:
            for _ in range(level - 1):
                directory = os.path.dirname(directory)
            return self._module_files(directory, dotted, names), None
        base = self.base_directory(directory)
        key = (base, level, dotted, names)
        if key not in self._resolved:
            self._resolved[key] = self._absolute(base, dotted, names)
        return self._resolved[key]

    def _absolute(
        self, base: str, dotted: str, names: tuple[str, ...]
    ) -> tuple[list[str], str | None]:
        top = dotted.split(".", 1)[0]
        root = self._top_root(base, top) if top else None
        if root is None:
            return [], None
        return self._module_files(root, dotted, names), os.path.join(root, top)

    def _top_root(self, base: str, top: str) -> str | None:
        """The import root where the top-level name ``top`` is found, as Python's path finder
        looks: a module or regular package in the first root that has one, else a namespace
        package (a plain directory)."""
        if top not in self._tops:
            self._tops[top] = self._find(self.import_roots, top)
        shared = self._tops[top]
        own = self._find((base,), top)
        if own is not None and (own[1] or shared is None or not shared[1]):
            return own[0]
        return None if shared is None else shared[0]

    def _find(self, roots: Iterable[str], top: str) -> tuple[str, bool] | None:
        """``(root, regular)``: the first root with a module or package ``top`` (regular), else
        the first with a directory ``top`` (a namespace package)."""
        namespace = None
        for root in roots:
            entries = self._entries(root)
            if top + ".py" in entries or (
                top in entries and self.is_file(os.path.join(root, top, "__init__.py"))
            ):
                return root, True
            if namespace is None and top in entries and self._is_dir(os.path.join(root, top)):
                namespace = root
        return None if namespace is None else (namespace, False)

    def _entries(self, directory: str) -> frozenset[str]:
        if directory not in self._listings:
            try:
                self._listings[directory] = frozenset(os.listdir(directory))
            except OSError:
                self._listings[directory] = frozenset()
        return self._listings[directory]


def support_modules(
    collected: Iterable[str], roots: Iterable[str], import_roots: Iterable[str], known: set[str],
) -> list[str]:
    """The package ``__init__.py`` files and imported modules inside ``roots`` (absolute,
    normalised paths) that importing ``collected`` (test modules and conftests) loads, other
    than the paths in ``known``: the packages the collected files are in, and the imported
    modules of the test tree (not the package under test when a project's root is walked)."""
    collected = list(collected)
    resolver = SupportResolver(roots, ())
    resolver.import_roots = tuple(dict.fromkeys(
        [*import_roots, *(resolver.base_directory(os.path.dirname(p)) for p in collected)]
    ))
    seen = set(known)
    found: list[str] = []
    pending = list(collected)

    # An absolutely imported module is test support when its top-level package holds collected
    # test modules (``tests.helpers``, celery's ``t.skip``), or when it is a top-level module
    # beside collected test modules (``import helpers``); otherwise it belongs to the package
    # under test (a project's root walked with ``pythonpath = .``). Relative imports stay in
    # the importer's package.
    test_modules = sorted(p for p in collected if os.path.basename(p) != "conftest.py")
    directories = {os.path.dirname(p) for p in test_modules}
    tops: dict[str, bool] = {}

    def test_support(top: str | None) -> bool:
        if top is None:
            return True
        if top not in tops:
            if os.path.isfile(top + ".py"):
                tops[top] = os.path.dirname(top) in directories
            else:
                prefix = top + os.sep
                index = bisect.bisect_left(test_modules, prefix)
                tops[top] = index < len(test_modules) and test_modules[index].startswith(prefix)
        return tops[top]

    def in_source_layout(target: str) -> bool:
        # Under a ``src/`` directory of a walked root: the package under test in the src
        # layout, even when a file there is named like a test module and collected (the
        # reference project's ``src/<pkg>/core/test_helpers.py`` made its whole package look
        # like test support when the project's root was walked).
        root = resolver.inside(target)
        return root is not None and "src" in os.path.relpath(target, root).split(os.sep)[:-1]

    layouts: dict[str, bool] = {}

    def in_package_tests(top: str) -> bool:
        # The package keeps all its tests in its own ``test``/``tests`` directories (twisted's
        # ``twisted/internet/test/``, gevent's ``gevent/tests/``): the package under test.
        # (celery's ``t`` package also holds ``t/unit/app/test_app.py``: a test package.)
        if top not in layouts:
            prefix = top + os.sep
            start = bisect.bisect_left(test_modules, prefix)
            inside = False
            for module in test_modules[start:]:
                if not module.startswith(prefix):
                    break
                inside = True
                if not _TEST_DIRECTORIES & set(os.path.dirname(module)[len(prefix):].split(os.sep)):
                    inside = False
                    break
            layouts[top] = inside
        return layouts[top]

    def package_code(target: str, top: str | None) -> bool:
        # A module of such a package outside its test directories (twisted's
        # ``twisted/internet/main.py``): code under test, not test support, whatever the tests
        # import from it.
        if top is None or os.path.isfile(top + ".py") or not in_package_tests(top):
            return False
        relative = os.path.relpath(os.path.dirname(os.path.normpath(target)), os.path.dirname(top))
        return not _TEST_DIRECTORIES & set(relative.split(os.sep)) and not near_test_modules(target)

    def near_test_modules(target: str) -> bool:
        # In or below a directory that holds collected test modules (``src/pkg/tests/helpers.py``).
        directory = os.path.dirname(os.path.normpath(target))
        return any(directory == d or directory.startswith(d + os.sep) for d in directories)

    def add(path: str) -> None:
        path = os.path.normpath(path)
        if path not in seen and resolver.inside(path) is not None:
            seen.add(path)
            found.append(path)
            pending.append(path)

    while pending:
        path = pending.pop()
        root = resolver.inside(path)
        if root is not None:
            for init in resolver.package_inits(path, root):
                add(init)
        try:  # never blocks: a FIFO named like a module is no regular file, skipped
            data = read_regular(path, _MAX_BYTES)
        except OSError:
            continue
        statements = [*imports(data)]
        if os.path.basename(path) == "conftest.py":
            statements += [(0, plugin, ()) for plugin in pytest_plugins(data)]
        for level, dotted, names in statements:
            targets, top = resolver.resolve(path, level, dotted, names)
            if targets and test_support(top):
                # A relative import stays in the importer's top-level package: package code
                # when that package keeps its tests in test directories (twisted/python/
                # __init__.py's `from .deprecate import ...`).
                owner = top if top is not None or not level else resolver.package_top(path)
                for target in targets:
                    if (not in_source_layout(target) or near_test_modules(target)) \
                            and not package_code(target, owner):
                        add(target)
    return sorted(found)
