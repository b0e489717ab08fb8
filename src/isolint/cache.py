"""The per-file result cache (ruff's idea): a file scanned before with the same content, the
same isolint and the same settings is not even parsed again.

Results live in packs, ``.isolint_cache/<version>/packs/<content-hash>.json``, each a JSON
object mapping keys to serialized results. A key is the SHA-256 of

* the isolint version and a fingerprint of its own source files (so an edited rule in a
  development install never serves stale results),
* the settings that change what a file reports (``repr`` of the frozen ``Settings``, without
  ``exclude`` and ``fail_on``, which only choose files and exit codes),
* the file's display path and kind (paths appear in findings; ``per-file-ignores`` match them),
* the content of every ``conftest.py`` that applies to the file (its facts, such as an
  autouse fixture that collects garbage, change the file's findings), and
* the file's own content.

An entry also lists the other project modules its analysis read (a base class's module, a
helper's), with the hashes of their contents; a hit counts only while each is unchanged
(:class:`ModuleDigests`), so editing a helper re-scans exactly the files that consulted it.

The first lookup of a run reads all packs of the version into one dict; the run's new results
are kept in memory and written by :meth:`ResultCache.flush` as one new pack (a temporary file
moved into place with ``os.replace``). When there are more than :data:`MAX_PACKS` packs, the
flush merges them into one new pack and then deletes the merged ones. Keys are content
addressed, so runs writing or merging at once can only lose hits, never serve a wrong result:
a pack that vanishes between listing and reading (another run merged it) or that is corrupt
is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path

import isolint.jsonio as jsonio
from isolint._version import __version__
from isolint.atomic import read_regular, write_atomic
from isolint.config import Settings
from isolint.discovery import SourceFile
from isolint.model import FileError, FileResult, Finding, ValueUse

CACHE_DIR_NAME = ".isolint_cache"
#: Bumped when the entry layout changes.
FORMAT = 4
#: More packs than this are merged into one by the next run that writes.
MAX_PACKS = 8
PACKS = "packs"


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


class ModuleDigests:
    """The content hash of each project module a cached result depends on, read once per run."""

    def __init__(self) -> None:
        self._known: dict[str, str | None] = {}

    def current(self, path: str) -> str | None:
        if path not in self._known:
            try:
                with open(path, "rb") as handle:
                    self._known[path] = hashlib.sha256(handle.read()).hexdigest()
            except OSError:
                self._known[path] = None
        return self._known[path]

    def fresh(self, result: FileResult) -> bool:
        """Whether every module ``result`` depends on still has the content it was read with."""
        return all(self.current(path) == digest for path, digest in result.depends)


def _use(data: object) -> ValueUse:
    """The :class:`ValueUse` stored as ``[rule, value, user, line, col]``; ``ValueError`` (or
    ``TypeError``) when ``data`` is not that (a corrupt entry is a miss)."""
    rule, value, user, line, col = data  # type: ignore[misc]
    return ValueUse(jsonio.string(rule, "rule"), jsonio.string(value, "value"),
                    jsonio.string(user, "user"), jsonio.integer(line, "line"),
                    jsonio.integer(col, "col"))


class ResultCache:
    """Read and write cached :class:`FileResult` values under ``directory``.

    :meth:`load` looks a key up in the packs (read once, on the first lookup) and in this
    run's own results; :meth:`store` keeps a result in memory; :meth:`flush` writes what was
    stored as one new pack (and merges the packs when there are too many).
    """

    def __init__(self, directory: Path | str, settings: Settings) -> None:
        self.root = Path(directory)
        self.directory = self.root / __version__
        self.packs = self.directory / PACKS
        salt = f"{FORMAT}\0{__version__}\0{code_fingerprint()}\0{settings_fingerprint(settings)}"
        self._salt = hashlib.sha256(salt.encode("utf-8", "surrogateescape")).digest()
        self._prepared = False
        self._known: dict[str, object] | None = None
        self._new: dict[str, dict] = {}

    def key(self, source: SourceFile, content: bytes, conftests: tuple[bytes, ...] = ()) -> str:
        """The key of ``source`` whose content hashes to ``content`` (see :func:`digest`) under
        the conftests whose contents hash to ``conftests``."""
        h = hashlib.sha256(self._salt)
        h.update(f"{source.display}\0{source.kind}\0{len(conftests)}\0".encode("utf-8", "surrogateescape"))
        for conftest in conftests:
            h.update(conftest)
        h.update(content)
        return h.hexdigest()

    # ------------------------------------------------------------------------- reading
    def _pack_names(self) -> list[str]:
        try:
            return sorted(n for n in os.listdir(self.packs) if n.endswith(".json"))
        except OSError:
            return []

    def _read_pack(self, name: str) -> dict | None:
        """The entries of pack ``name``, or None when it is gone (merged by another run),
        unreadable or corrupt."""
        try:
            data = jsonio.loads(read_regular(os.path.join(self.packs, name)))
            entries = data["entries"] if data.get("format") == FORMAT else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # a FIFO is not read (it would block), a bad pack is no pack
        return entries if isinstance(entries, dict) else None

    def _entries(self) -> dict[str, object]:
        if self._known is None:
            known: dict[str, object] = {}
            for name in self._pack_names():
                entries = self._read_pack(name)
                if entries:
                    known.update(entries)
            self._known = known
        return self._known

    def load(self, key: str) -> FileResult | None:
        """The stored result for ``key``, or None (absent, unreadable or corrupt)."""
        data = self._new.get(key)
        if data is None:
            data = self._entries().get(key)
            if data is None:
                return None
        try:
            return FileResult(
                jsonio.string(data["path"], "path"),
                tuple(Finding.from_dict(f) for f in data["findings"]),
                tuple(FileError(jsonio.string(e["path"], "path"),
                                jsonio.string(e["message"], "message")) for e in data["errors"]),
                tuple((str(p), str(h)) for p, h in data.get("depends", ())),
                tuple(_use(u) for u in data.get("uses", ())),
                tuple(jsonio.string(c, "class") for c in data.get("reused_classes", ())),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None  # a corrupt entry is a miss

    # ------------------------------------------------------------------------- writing
    def store(self, key: str, result: FileResult) -> None:
        """Keep ``result`` under ``key``, to be written by :meth:`flush`."""
        self._new[key] = {
            "path": result.path,
            "findings": [f.to_dict() for f in result.findings],
            "errors": [e.to_dict() for e in result.errors],
        }
        if result.depends:
            self._new[key]["depends"] = [list(d) for d in result.depends]
        if result.uses:
            self._new[key]["uses"] = [[u.rule, u.value, u.user, u.line, u.col] for u in result.uses]
        if result.reused_classes:
            self._new[key]["reused_classes"] = list(result.reused_classes)

    def flush(self) -> None:
        """Write the results stored since the last flush as one new pack, then merge the packs
        if there are more than :data:`MAX_PACKS`. A failure to write only costs the next run
        time."""
        if not self._new:
            return
        new, self._new = self._new, {}
        if self._known is not None:
            self._known.update(new)
        try:
            self._prepare()
            self._write_pack(new)
            names = self._pack_names()
            if len(names) > MAX_PACKS:
                self._merge(names)
        except OSError:
            pass

    def _write_pack(self, entries: dict) -> str:
        """Write ``entries`` as a pack named after its content; its file name."""
        payload = json.dumps({"format": FORMAT, "entries": entries}, separators=(",", ":"))
        data = payload.encode("utf-8", "surrogateescape")
        name = hashlib.sha256(data).hexdigest()[:32] + ".json"
        write_atomic(os.path.join(self.packs, name), data)
        return name

    def _merge(self, names: list[str]) -> None:
        """Merge the packs ``names`` into one new pack, then delete them. Another run merging
        at the same time can only make this one lose entries, never corrupt one."""
        merged: dict = {}
        for name in names:
            entries = self._read_pack(name)
            if entries:
                merged.update(entries)
        kept = self._write_pack(merged)
        for name in names:
            if name != kept:
                try:
                    os.unlink(os.path.join(self.packs, name))
                except OSError:
                    pass

    def _prepare(self) -> None:
        """Create the pack directory, with a ``.gitignore`` that ignores all of the cache and
        a ``CACHEDIR.TAG``."""
        if self._prepared:
            return
        os.makedirs(self.packs, exist_ok=True)
        ignore = self.root / ".gitignore"
        if not ignore.exists():
            write_atomic(ignore, b"# Created by isolint.\n*\n")
        tag = self.root / "CACHEDIR.TAG"
        if not tag.exists():
            write_atomic(tag, b"Signature: 8a477f597d28d172789f06886806bc55\n"
                              b"# This file is a cache directory tag created by isolint.\n")
        self._prepared = True
