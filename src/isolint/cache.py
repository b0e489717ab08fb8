"""The per-file result cache (ruff's idea): a file scanned before with the same content, the
same isolint and the same settings is not even parsed again.

A result is stored as one small JSON file, ``.isolint_cache/<version>/<key[:2]>/<key>.json``,
where the key is the SHA-256 of

* the isolint version and a fingerprint of its own source files (so an edited rule in a
  development install never serves stale results),
* the settings that change what a file reports (``repr`` of the frozen ``Settings``, without
  ``exclude`` and ``fail_on``, which only choose files and exit codes),
* the file's display path and kind (paths appear in findings; ``per-file-ignores`` match them),
* the content of every ``conftest.py`` that applies to the file (its facts, such as an
  autouse fixture that collects garbage, change the file's findings), and
* the file's own content.

Entries are written to a temporary file and moved into place with ``os.replace``, so two runs
writing at once never leave a torn entry; an unreadable or corrupt entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path

from isolint import __version__
from isolint.config import Settings
from isolint.discovery import SourceFile
from isolint.model import FileError, FileResult, Finding

CACHE_DIR_NAME = ".isolint_cache"
#: Bumped when the entry layout changes.
FORMAT = 1


def default_cache_dir(settings: Settings, cwd: Path) -> Path:
    """``.isolint_cache`` in the project root: the directory of the file holding
    ``[tool.isolint]`` or the pytest configuration, else ``cwd``."""
    for config in (settings.config_file, settings.pytest.inifile):
        if config:
            return Path(config).parent / CACHE_DIR_NAME
    return cwd / CACHE_DIR_NAME


def settings_fingerprint(settings: Settings) -> str:
    """A stable text of the settings that change a file's result."""
    return repr(replace(settings, exclude=(), fail_on=""))


def code_fingerprint() -> str:
    """Size and modification time of isolint's own modules (cheap: a few dozen ``stat``s)."""
    package = Path(__file__).parent
    parts = []
    for directory, subdirs, names in os.walk(package):
        subdirs[:] = sorted(d for d in subdirs if d not in ("__pycache__", "plugin"))
        for name in sorted(names):
            if name.endswith(".py"):
                status = os.stat(os.path.join(directory, name))
                parts.append(f"{os.path.relpath(os.path.join(directory, name), package)}"
                             f":{status.st_size}:{status.st_mtime_ns}")
    return "\n".join(parts)


def digest(data: bytes) -> bytes:
    """The content hash the cache keys are built from."""
    return hashlib.sha256(data).digest()


class ResultCache:
    """Read and write cached :class:`FileResult` values under ``directory``."""

    def __init__(self, directory: Path | str, settings: Settings) -> None:
        self.root = Path(directory)
        self.directory = self.root / __version__
        salt = f"{FORMAT}\0{__version__}\0{code_fingerprint()}\0{settings_fingerprint(settings)}"
        self._salt = hashlib.sha256(salt.encode("utf-8", "surrogateescape")).digest()
        self._prepared = False

    def key(self, source: SourceFile, content: bytes, conftests: tuple[bytes, ...] = ()) -> str:
        """The key of ``source`` whose content hashes to ``content`` (see :func:`digest`) under
        the conftests whose contents hash to ``conftests``."""
        h = hashlib.sha256(self._salt)
        h.update(f"{source.display}\0{source.kind}\0{len(conftests)}\0".encode("utf-8", "surrogateescape"))
        for conftest in conftests:
            h.update(conftest)
        h.update(content)
        return h.hexdigest()

    def _entry(self, key: str) -> str:
        return os.path.join(self.directory, key[:2], key + ".json")

    def load(self, key: str) -> FileResult | None:
        """The stored result for ``key``, or None (absent, unreadable or corrupt)."""
        try:
            with open(self._entry(key), "rb") as handle:
                data = json.loads(handle.read())
            return FileResult(
                data["path"],
                tuple(Finding.from_dict(f) for f in data["findings"]),
                tuple(FileError(e["path"], e["message"]) for e in data["errors"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, key: str, result: FileResult) -> None:
        """Write ``result`` under ``key``; a failure to write only costs the next run time."""
        entry = self._entry(key)
        payload = json.dumps(
            {
                "path": result.path,
                "findings": [f.to_dict() for f in result.findings],
                "errors": [e.to_dict() for e in result.errors],
            },
            separators=(",", ":"),
        )
        tmp = f"{entry}.{os.getpid()}.tmp"
        try:
            self._prepare()
            try:
                handle = open(tmp, "w", encoding="utf-8")
            except FileNotFoundError:
                os.makedirs(os.path.dirname(entry), exist_ok=True)
                handle = open(tmp, "w", encoding="utf-8")
            with handle:
                handle.write(payload)
            os.replace(tmp, entry)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass

    def _prepare(self) -> None:
        """Create the cache directory with a ``.gitignore`` that ignores all of it."""
        if self._prepared:
            return
        os.makedirs(self.directory, exist_ok=True)
        ignore = self.root / ".gitignore"
        if not ignore.exists():
            tmp = self.root / f".gitignore.{os.getpid()}.tmp"
            tmp.write_text("# Created by isolint.\n*\n", encoding="utf-8")
            os.replace(tmp, ignore)
        tag = self.root / "CACHEDIR.TAG"
        if not tag.exists():
            tmp = self.root / f"CACHEDIR.TAG.{os.getpid()}.tmp"
            tmp.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                           "# This file is a cache directory tag created by isolint.\n",
                           encoding="utf-8")
            os.replace(tmp, tag)
        self._prepared = True
