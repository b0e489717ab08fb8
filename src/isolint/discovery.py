"""Which files to scan: test modules and conftest files, chosen the way pytest chooses them."""

from __future__ import annotations

import fnmatch
import glob
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from isolint.config import Settings
from isolint.model import FileError

#: Directory names never descended into, whatever ``norecursedirs`` says: version control,
#: environments and tool caches (pytest's own default ``norecursedirs`` is applied as well).
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", ".env", "__pycache__",
        "build", "dist", "node_modules", ".mypy_cache", ".pytest_cache", ".ruff_cache",
        ".isolint_cache", ".eggs", "site-packages", "_build",
    }
)


@dataclass(frozen=True, order=True)
class SourceFile:
    """A file to scan: its display path (relative to cwd when under it) and what pytest sees in it."""

    display: str
    path: str
    #: "test" for a test module, "conftest" for a conftest.py.
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
    name = directory.name
    return (
        name in SKIP_DIRS
        or name.endswith(".egg-info")
        or any(_fnmatch_ex(p, directory.as_posix()) for p in settings.pytest.norecursedirs)
        or _is_venv(directory)
        or _excluded(directory, settings, cwd)
    )


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
    for given in paths:
        absolute = Path(os.path.normpath(given if given.is_absolute() else cwd / given))
        shown = display_path(absolute, cwd)
        try:
            if absolute.is_dir():
                for source in _walk(absolute, settings, cwd, errors, walked):
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
    return sorted(found.values()), errors


def _walk(
    root: Path,
    settings: Settings,
    cwd: Path,
    errors: list[FileError],
    walked: set[tuple[int, int]],
) -> Iterator[SourceFile]:
    """Depth-first, sorted; unreadable directories become errors. A candidate that is no
    regular file (a broken link, a FIFO) is yielded all the same: reading it makes the error."""
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
            path = directory / entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not _skip_dir(path, settings, cwd):
                    subdirs.append(path)
            elif entry.name.endswith(".py") and not _excluded(path, settings, cwd):
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
