"""Which files to scan: test modules and conftest files, chosen the way pytest chooses them."""

from __future__ import annotations

import fnmatch
import glob
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from isolint.atomic import read_regular
from isolint.collect_ignore import ConftestIgnores, read_ignores
from isolint.config import Settings
from isolint.model import FileError
from isolint.pysource import parse_quietly
from isolint.support_modules import support_modules


@dataclass(frozen=True, order=True)
class SourceFile:
    """A file to scan: its display path (relative to cwd when under it) and what pytest sees
    in it."""

    display: str
    path: str
    #: "test" for a test module, "conftest" for a conftest.py, "support" for a module of the
    #: test tree that they import (a package ``__init__.py``, a helper module, a plugin).
    kind: str


def display_path(path: Path, cwd: Path) -> str:
    """``path`` relative to ``cwd`` when it is under it, else absolute; always with ``/``."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def _fnmatch_ex(pattern: str, path: str) -> bool:
    """pytest's ``fnmatch_ex``: a pattern without ``/`` matches the basename, one with ``/``
    matches the end of the path."""
    if "/" not in pattern:
        return fnmatch.fnmatch(path.rsplit("/", 1)[-1], pattern)
    if not pattern.startswith("/"):
        pattern = "*/" + pattern
    return fnmatch.fnmatch(path, pattern)


def is_test_module(name: str, settings: Settings) -> bool:
    """Whether pytest's ``python_files`` selects ``name`` (a basename or a ``/`` path)."""
    return any(_fnmatch_ex(pattern, name) for pattern in settings.pytest.python_files)


def _glob_variants(pattern: str) -> list[str]:
    """``pattern`` as fnmatch patterns, where each ``**/`` may also match no directory."""
    head, sep, tail = pattern.partition("**/")
    if not sep:
        return [pattern]
    rests = _glob_variants(tail)
    return [head + rest for rest in rests] + [head + "*/" + rest for rest in rests]


def _excluded(path: Path, settings: Settings, cwd: Path) -> bool:
    """ruff-style ``exclude``: a glob matches the path relative to cwd (or to the directory of
    the ``pyproject.toml`` holding the setting), the absolute path, or the entry's own name."""
    if not settings.exclude:
        return False
    candidates = {display_path(path, cwd), path.as_posix()}
    if settings.config_file:
        candidates.add(display_path(path, Path(settings.config_file).parent))
    for raw in settings.exclude:
        pattern = raw.removeprefix("./").rstrip("/") or raw
        if "/" not in pattern and fnmatch.fnmatch(path.name, pattern):
            return True
        for variant in _glob_variants(pattern):
            if any(fnmatch.fnmatch(candidate, variant) for candidate in candidates):
                return True
    return False


def _is_venv(directory: Path) -> bool:
    """pytest's ``_in_venv``: a virtualenv (``pyvenv.cfg``) or a conda environment."""
    try:
        return (directory / "pyvenv.cfg").is_file() or (
            directory / "conda-meta" / "history"
        ).is_file()
    except OSError:
        return False


def _skip_dir(directory: Path, settings: Settings, cwd: Path) -> bool:
    """pytest's ``pytest_ignore_collect`` for a directory (``__pycache__``, virtual
    environments, ``norecursedirs``: its defaults when unset, nothing wider), plus ``exclude``."""
    return (
        directory.name == "__pycache__"
        or any(_fnmatch_ex(p, directory.as_posix()) for p in settings.pytest.norecursedirs)
        or _is_venv(directory)
        or _excluded(directory, settings, cwd)
    )


class CollectIgnores:
    """What ``collect_ignore`` / ``collect_ignore_glob`` (and ``--ignore`` / ``--ignore-glob``
    in ``addopts``) leave out, per directory: for each name, the nearest conftest at or above
    the directory (up to rootdir) that defines it wins, as in pytest."""

    def __init__(self, settings: Settings, cwd: Path) -> None:
        self.rootdir = Path(settings.pytest.rootdir)
        paths, globs = _ignore_options(settings.pytest.addopts)
        self.option_paths = frozenset(os.path.normpath(cwd / p) for p in paths)
        self.option_globs = tuple(os.path.normpath(cwd / g) for g in globs)
        self._dirs: dict[Path, tuple[frozenset[str], tuple[str, ...]]] = {}

    def _lists(self, directory: Path) -> tuple[frozenset[str], tuple[str, ...]]:
        if directory in self._dirs:
            return self._dirs[directory]
        if directory == self.rootdir or directory.parent == directory:
            inherited: tuple[frozenset[str], tuple[str, ...]] = (frozenset(), ())
        else:
            inherited = self._lists(directory.parent)
        own = _conftest_ignores(directory / "conftest.py")
        lists = (
            inherited[0] if own.paths is None
            else frozenset(os.path.normpath(directory / p) for p in own.paths),
            inherited[1] if own.globs is None
            else tuple(os.path.normpath(directory / g) for g in own.globs),
        )
        self._dirs[directory] = lists
        return lists

    def ignored(self, path: Path) -> bool:
        """Whether pytest leaves ``path`` (an entry of a directory it walks) out."""
        text = str(path)
        paths, globs = self._lists(path.parent)
        return (
            text in paths
            or text in self.option_paths
            or any(fnmatch.fnmatch(text, g) for g in globs)
            or any(fnmatch.fnmatch(text, g) for g in self.option_globs)
        )


def _conftest_ignores(path: Path) -> ConftestIgnores:
    try:
        data = read_regular(path)  # a FIFO named conftest.py must not block the walk
    except OSError:
        return ConftestIgnores()
    if b"collect_ignore" not in data:
        return ConftestIgnores()
    try:
        tree = parse_quietly(data, str(path))
    except (SyntaxError, ValueError):
        return ConftestIgnores()
    return read_ignores(tree)


def _ignore_options(addopts: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The ``--ignore`` and ``--ignore-glob`` values in ``addopts``."""
    found: dict[str, list[str]] = {"--ignore": [], "--ignore-glob": []}
    tokens = iter(addopts)
    for token in tokens:
        option, equals, value = token.partition("=")
        if option in found:
            if not equals:
                value = next(tokens, "")
            if value:
                found[option].append(value)
    return found["--ignore"], found["--ignore-glob"]


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def default_paths(settings: Settings, cwd: Path) -> list[Path]:
    """What pytest collects when given no paths: the ``testpaths`` globs, resolved against
    rootdir, when run from rootdir and when they match something; else ``cwd``."""
    rootdir = Path(settings.pytest.rootdir)
    if settings.pytest.testpaths and Path(os.path.abspath(cwd)) == rootdir:
        found: list[Path] = []
        for pattern in settings.pytest.testpaths:
            matches = glob.glob(pattern, root_dir=rootdir, recursive=True)
            found.extend(rootdir / match for match in sorted(matches))
        if found:
            return found
    return [cwd]


def discover(
    paths: list[Path], settings: Settings, cwd: Path
) -> tuple[list[SourceFile], list[FileError]]:
    """Expand ``paths`` into the files pytest would collect, plus errors for bad paths.

    A file named explicitly is scanned whatever its name (and even when ``exclude`` matches
    it, as in ruff without ``--force-exclude``); directories are walked for files matching
    ``python_files`` and for ``conftest.py``. Symbolic links to directories are followed, but
    each real directory is walked once, so link loops end.
    """
    found: dict[str, SourceFile] = {}
    errors: list[FileError] = []
    walked: set[tuple[int, int]] = set()
    ignores = CollectIgnores(settings, cwd)
    trees: list[Path] = []
    for given in paths:
        absolute = Path(os.path.normpath(given if given.is_absolute() else cwd / given))
        shown = display_path(absolute, cwd)
        try:
            if absolute.is_dir():
                trees.append(absolute)
                for source in _walk(absolute, settings, cwd, errors, walked, ignores):
                    found.setdefault(source.path, source)
            elif absolute.is_file():
                kind = "conftest" if absolute.name == "conftest.py" else "test"
                found.setdefault(str(absolute), SourceFile(shown, str(absolute), kind))
            elif absolute.is_symlink():
                errors.append(FileError(shown, "broken symbolic link"))
            elif absolute.exists():
                errors.append(FileError(shown, "not a regular file or directory"))
            else:
                errors.append(FileError(shown, "no such file or directory"))
        except OSError as exc:
            errors.append(FileError(shown, _reason(exc)))
    if trees:
        for path in _support(found, trees, settings):
            if not _excluded_with_parents(Path(path), trees, settings, cwd):
                found[path] = SourceFile(display_path(Path(path), cwd), path, "support")
    return sorted(found.values()), errors


def _excluded_with_parents(path: Path, trees: list[Path], settings: Settings, cwd: Path) -> bool:
    """Whether ``exclude`` matches ``path`` or a directory between it and its walked tree."""
    if not settings.exclude:
        return False
    while path not in trees and path.parent != path:
        if _excluded(path, settings, cwd):
            return True
        path = path.parent
    return False


def _support(found: dict[str, SourceFile], trees: list[Path], settings: Settings) -> list[str]:
    """The modules of the walked trees that the collected files make pytest import."""
    rootdir = settings.pytest.rootdir
    import_roots = [rootdir, *(os.path.normpath(os.path.join(rootdir, entry))
                               for entry in settings.pytest.pythonpath)]
    collected = [source.path for source in found.values()]
    return support_modules(collected, [str(tree) for tree in trees], import_roots, set(found))


def _walk(
    root: Path,
    settings: Settings,
    cwd: Path,
    errors: list[FileError],
    walked: set[tuple[int, int]],
    ignores: CollectIgnores,
) -> Iterator[SourceFile]:
    """Depth-first, sorted; unreadable directories become errors; entries pytest ignores are
    left out. A candidate that is no regular file (a broken link, a FIFO) is yielded all the
    same: reading it makes the per-file error."""
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            status = directory.stat()
            if (status.st_dev, status.st_ino) in walked:
                continue
            walked.add((status.st_dev, status.st_ino))
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            errors.append(FileError(display_path(directory, cwd), _reason(exc)))
            continue
        subdirs = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir and not entry.name.endswith(".py"):
                continue  # neither walked nor scanned, ignored or not
            path = directory / entry.name
            if ignores.ignored(path):
                continue
            if is_dir:
                if not _skip_dir(path, settings, cwd):
                    subdirs.append(path)
            elif not _excluded(path, settings, cwd):
                # Not only regular files: a broken link or a FIFO named like a test module is
                # yielded too, and reading it reports why it cannot be scanned.
                if entry.name == "conftest.py":
                    yield SourceFile(display_path(path, cwd), str(path), "conftest")
                elif is_test_module(path.as_posix(), settings):
                    yield SourceFile(display_path(path, cwd), str(path), "test")
        pending.extend(reversed(subdirs))


def conftest_chain(path: Path, rootdir: Path) -> list[Path]:
    """The ``conftest.py`` files that apply to ``path``: its directory and each parent up to
    ``rootdir`` (or the filesystem root when ``path`` is outside it), outermost first."""
    chain = []
    directory = path.parent
    while True:
        candidate = directory / "conftest.py"
        if candidate.is_file() and candidate != path:
            chain.append(candidate)
        if directory == rootdir or directory.parent == directory:
            break
        directory = directory.parent
    return list(reversed(chain))
