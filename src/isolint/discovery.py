"""Which files to scan: test modules and conftest files, chosen the way pytest chooses them."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from isolint.config import Settings
from isolint.model import FileError

#: Directory names never descended into (pytest's norecursedirs plus tool caches).
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


def is_test_module(name: str, settings: Settings) -> bool:
    return any(fnmatch.fnmatch(name, pat) for pat in settings.pytest.python_files)


def _excluded(rel: str, name: str, settings: Settings) -> bool:
    return any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(name, pat) for pat in settings.exclude)


def _is_venv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def discover(
    paths: list[Path], settings: Settings, cwd: Path
) -> tuple[list[SourceFile], list[FileError]]:
    """Expand ``paths`` into the files pytest would collect, plus errors for bad paths.

    A file named explicitly is scanned whatever its name; directories are walked for files
    matching ``python_files`` and for ``conftest.py``.
    """
    found: dict[str, SourceFile] = {}
    errors: list[FileError] = []
    for given in paths:
        absolute = given if given.is_absolute() else cwd / given
        shown = display_path(Path(os.path.normpath(absolute)), cwd)
        if absolute.is_symlink() and not absolute.exists():
            errors.append(FileError(shown, "broken symbolic link"))
        elif absolute.is_dir():
            for source in _walk(Path(os.path.normpath(absolute)), settings, cwd):
                found.setdefault(source.path, source)
        elif absolute.exists():
            kind = "conftest" if absolute.name == "conftest.py" else "test"
            normal = Path(os.path.normpath(absolute))
            found.setdefault(str(normal), SourceFile(shown, str(normal), kind))
        else:
            errors.append(FileError(shown, "no such file or directory"))
    return sorted(found.values()), errors


def _walk(root: Path, settings: Settings, cwd: Path):
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            sub = here / name
            rel = display_path(sub, cwd)
            if name in SKIP_DIRS or name.endswith(".egg-info") or _is_venv(sub):
                continue
            if _excluded(rel, name, settings):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            full = here / name
            rel = display_path(full, cwd)
            if _excluded(rel, name, settings):
                continue
            if name == "conftest.py":
                yield SourceFile(rel, str(full), "conftest")
            elif is_test_module(name, settings):
                yield SourceFile(rel, str(full), "test")


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
