"""Scanning many files: which files, conftests first, the result cache, then what is left
over worker processes. The engine below scans one file; this module decides which, where and
in what order, and is the only one that calls it for many.

The parent reads and hashes each file and looks its key up in the cache (a hit is not even
parsed). The misses are scanned in this process when they are few, else in chunks by a pool
of ``jobs`` worker processes, which return them to this process; it stores them in the cache
and writes them as one pack at the end. Results come back sorted by path, so the output does
not depend on ``jobs`` or on which worker was faster.
"""

from __future__ import annotations

import ast
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Protocol, TypeVar

from dataclasses import replace
from functools import cached_property

from isolint.cache import ModuleDigests, ResultCache, digest
from isolint.config import Settings
from isolint.config import _suggest
from isolint.config import load_settings as load_config
from isolint.discovery import SourceFile, conftest_chain, default_paths, discover
from isolint.gc_pause import gc_paused
from isolint.model import FileError, FileResult, ScanResult
from isolint.shared_values import drop_single_test_values
from isolint.sources import SourceError, parse_source, read_bytes, read_source

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from isolint.analysis.context import ConftestFacts
    from isolint.analysis.project_index import ProjectIndex

# The engine and the analysis (the rules, the project index) are imported where a file is
# scanned: a warm run, whose every file is a cache hit, never loads them.

#: Below this many files per worker, starting a process costs more than it saves.
MIN_FILES_PER_JOB = 24
#: A chunk is the unit a worker is given: big enough to amortise the round trip, small
#: enough to balance the load and to keep progress moving.
MAX_CHUNK = 48


class Progress(Protocol):
    def advance(self, count: int = 1) -> None: ...


def default_jobs() -> int:
    """The CPUs this process may run on."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return max(1, counter() or 1)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class ConftestDigests:
    """The content hashes of the ``conftest.py`` files that apply to a file, outermost first
    (the chain :func:`isolint.discovery.conftest_chain` finds), memoised per directory."""

    def __init__(self, rootdir: str) -> None:
        self.rootdir = os.path.abspath(rootdir)
        self._chains: dict[str, tuple[tuple[str, bytes], ...]] = {}

    def _chain(self, directory: str) -> tuple[tuple[str, bytes], ...]:
        if directory in self._chains:
            return self._chains[directory]
        parent = os.path.dirname(directory)
        outer = () if directory == self.rootdir or parent == directory else self._chain(parent)
        candidate = os.path.join(directory, "conftest.py")
        try:
            own = ((candidate, digest(read_bytes(candidate))),) if os.path.isfile(candidate) else ()
        except SourceError:
            own = ((candidate, b"unreadable"),)
        self._chains[directory] = chain = outer + own
        return chain

    def for_file(self, path: str) -> tuple[bytes, ...]:
        return tuple(h for p, h in self._chain(os.path.dirname(path)) if p != path)


# ------------------------------------------------------------------------- conftests
def conftests_first(files: Iterable[SourceFile]) -> list[SourceFile]:
    """``files`` with the conftests first: scanned in this order, each conftest is parsed once
    and its facts are ready for the test modules below it."""
    return sorted(files, key=lambda f: (f.kind != "conftest", f.display))


def project_index(settings: Settings) -> ProjectIndex:
    """The run's project index: rootdir, ``src/`` and the ``pythonpath`` ini option as roots
    (``pythonpath`` entries are relative to the ini file's directory)."""
    from isolint.analysis.project_index import ProjectIndex

    pytest = settings.pytest
    base = os.path.dirname(pytest.inifile) if pytest.inifile else pytest.rootdir
    return ProjectIndex(pytest.rootdir, [os.path.join(base, p) for p in pytest.pythonpath])


class ConftestCache:
    """Conftest facts by absolute path, each conftest parsed at most once per scan; a parsed
    conftest is handed to the project ``index`` too."""

    def __init__(self, settings: Settings, index: ProjectIndex | None = None) -> None:
        self.settings = settings
        self.index = index
        self._facts: dict[str, ConftestFacts | None] = {}
        self._chains: dict[str, tuple[ConftestFacts, ...]] = {}

    def remember(self, path: str, tree: ast.Module, data: bytes | None = None) -> None:
        from isolint.engine import conftest_facts

        self._facts[path] = conftest_facts(tree, path, self.settings)
        if self.index is not None and data is not None:
            self.index.remember(path, tree, data)

    def get(self, path: str) -> ConftestFacts | None:
        if path not in self._facts:
            try:
                tree = parse_source(read_source(path), path)
            except SourceError:
                self._facts[path] = None
            else:
                self.remember(path, tree)
        return self._facts[path]

    def for_file(self, path: str) -> tuple[ConftestFacts, ...]:
        # Memoised per directory, except for a conftest itself (its chain may include itself).
        directory = None if os.path.basename(path) == "conftest.py" else os.path.dirname(path)
        if directory is not None and directory in self._chains:
            return self._chains[directory]
        rootdir = Path(self.settings.pytest.rootdir)
        chain = conftest_chain(Path(path), rootdir)
        facts = tuple(f for f in (self.get(str(p)) for p in chain) if f is not None)
        if directory is not None:
            self._chains[directory] = facts
        return facts


def scan_data(
    source: SourceFile, data: bytes, settings: Settings, conftests: ConftestCache
) -> FileResult:
    """Scan the content ``data`` already read from ``source``."""
    # A syntax tree holds no reference cycles and is freed as soon as the file is scanned,
    # yet building it triggers the cyclic collector again and again.
    with gc_paused():
        return _scan_data(source, data, settings, conftests)


def _scan_data(
    source: SourceFile, data: bytes, settings: Settings, conftests: ConftestCache
) -> FileResult:
    from isolint.analysis.project_view import ProjectView
    from isolint.engine import parse_data, scan_tree

    try:
        text, tree = parse_data(data, source.display)
    except SourceError as exc:
        return FileResult(source.display, (), (FileError(source.display, str(exc)),))
    if source.kind == "conftest":
        conftests.remember(source.path, tree, data)
    facts = conftests.for_file(source.path)
    index = conftests.index
    if index is None:
        return scan_tree(tree, text, source.display, settings, source.kind, facts)
    index.start_file()
    chain = [f.path for f in facts if f.path != source.path]
    view = ProjectView(index, source.path, chain)
    result = scan_tree(tree, text, source.display, settings, source.kind, facts, view)
    depends = tuple(d for d in index.dependencies() if d[0] != source.path)
    return replace(result, depends=depends) if depends else result


# --------------------------------------------------------------------------- processes
class _Scanner:
    """Scans files; one per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def conftests(self) -> ConftestCache:
        """Made at the first file scanned (with the project index): none on a warm run."""
        return ConftestCache(self.settings, project_index(self.settings))

    def scan(self, source: SourceFile, data: bytes) -> FileResult:
        return scan_data(source, data, self.settings, self.conftests)

    def scan_chunk(
        self, chunk: list[tuple[SourceFile, str | None, bytes | None]]
    ) -> list[tuple[str | None, FileResult]]:
        """Each file's result, with the key to cache it under (None: do not cache it)."""
        results: list[tuple[str | None, FileResult]] = []
        for source, key, content in chunk:
            try:
                data = read_bytes(source.path)
            except SourceError as exc:
                results.append((None, _error(source, exc)))
                continue
            if content is not None and digest(data) != content:
                key = None  # changed since it was hashed: scan what is there, cache nothing
            results.append((key, self.scan(source, data)))
        return results


def _error(source: SourceFile, exc: Exception) -> FileResult:
    return FileResult(source.display, (), (FileError(source.display, str(exc)),))


_worker: _Scanner | None = None


def _init_worker(settings: Settings) -> None:
    global _worker
    _worker = _Scanner(settings)


def _scan_in_worker(
    chunk: list[tuple[SourceFile, str | None, bytes | None]]
) -> list[tuple[str | None, FileResult]]:
    assert _worker is not None
    return _worker.scan_chunk(chunk)


def rule_key_problem(key: str) -> str | None:
    """Why ``key`` names no rule of the registry (``unknown rule 'x'`` with a suggestion), or
    None when it does; every key passes while the registry is empty."""
    from isolint.analysis import rules as registry

    rules = registry.ALL_RULES  # looked up now: a test may replace the registry
    if not rules or registry.rule_by_key(key) is not None:
        return None
    known = [rule.name for rule in rules] + [rule.code for rule in rules]
    return f"unknown rule {key!r}{_suggest(key, known)}"


def load_settings(
    paths: list[Path] | None = None,
    cwd: Path | None = None,
    *,
    config_file: Path | None = None,
    isolated: bool = False,
) -> Settings:
    """The configuration that applies to ``paths`` (:func:`isolint.config.load_settings`),
    with its rule names and codes checked against the rule registry."""
    return load_config(paths, cwd, config_file=config_file, isolated=isolated,
                       rule_key_problem=rule_key_problem)


def scan_paths(
    paths: Iterable[str | os.PathLike[str]] = (),
    settings: Settings | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> ScanResult:
    """Scan files and directories the way ``isolint check`` does; returns the whole result."""
    cwd_path = Path(cwd or Path.cwd()).resolve()
    path_list = [Path(p) for p in paths]
    settings = settings or load_settings(path_list or None, cwd_path)
    if not path_list:
        path_list = default_paths(settings, cwd_path)
    return discover_and_scan(path_list, settings, cwd_path)


def discover_and_scan(
    paths: list[Path],
    settings: Settings,
    cwd: Path,
    *,
    jobs: int = 1,
    cache: ResultCache | None = None,
    progress_for: Callable[[int], Progress | None] | None = None,
) -> ScanResult:
    """Discover the files ``paths`` name and scan them; paths that cannot be scanned become
    errors of the result. ``progress_for(number_of_files)`` may return a progress display."""
    files, errors = discover(paths, settings, cwd)
    progress = progress_for(len(files)) if progress_for else None
    try:
        results = scan_files(files, settings, jobs=jobs, cache=cache, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    results.extend(FileResult(e.path, (), (e,)) for e in errors)
    return ScanResult.build(results)


def scan_files(
    files: Iterable[SourceFile],
    settings: Settings,
    *,
    jobs: int = 1,
    cache: ResultCache | None = None,
    progress: Progress | None = None,
) -> list[FileResult]:
    """Scan ``files`` with up to ``jobs`` processes, through ``cache`` when given, then
    drop the findings on fixed values only one test uses (:mod:`isolint.shared_values`).

    The result is the same, in the same order (sorted by path), whatever ``jobs`` is.
    """
    ordered = conftests_first(files)
    scanner = _Scanner(settings)
    serial = jobs <= 1 or len(ordered) < 2 * MIN_FILES_PER_JOB
    digests = ConftestDigests(settings.pytest.rootdir) if cache is not None else None
    modules = ModuleDigests()
    results: list[FileResult] = []
    misses: list[tuple[SourceFile, str | None, bytes | None]] = []
    for source in ordered:
        if cache is None or digests is None:
            if serial:
                results.extend(r for _, r in scanner.scan_chunk([(source, None, None)]))
                _advance(progress)
            else:
                misses.append((source, None, None))
            continue
        try:
            data = read_bytes(source.path)
        except SourceError as exc:
            results.append(_error(source, exc))
            _advance(progress)
            continue
        content = digest(data)
        key = cache.key(source, content, digests.for_file(source.path))
        hit = cache.load(key)
        if hit is not None and not modules.fresh(hit):
            hit = None  # a module its analysis read has changed since
        if hit is not None:
            results.append(hit)
        elif serial:
            result = scanner.scan(source, data)
            cache.store(key, result)
            results.append(result)
        else:
            misses.append((source, key, content))
            continue
        _advance(progress)
    if misses:
        for key, result in _scan_misses(misses, scanner, jobs, progress):
            if key is not None and cache is not None:
                cache.store(key, result)
            results.append(result)
    if cache is not None:
        cache.flush()
    results.sort(key=lambda r: r.path)
    return drop_single_test_values(results)


def _advance(progress: Progress | None, count: int = 1) -> None:
    if progress is not None:
        progress.advance(count)


def _scan_misses(
    misses: list[tuple[SourceFile, str | None, bytes | None]],
    scanner: _Scanner,
    jobs: int,
    progress: Progress | None,
) -> list[tuple[str | None, FileResult]]:
    workers = min(jobs, len(misses) // MIN_FILES_PER_JOB)
    size = max(4, min(MAX_CHUNK, math.ceil(len(misses) / (max(workers, 1) * 8))))
    # Largest files first: the last chunks, whose workers finish last, are the quickest ones,
    # so no worker is left scanning a big file while the other idles (results are sorted).
    misses = sorted(misses, key=_size, reverse=True)
    chunks = [misses[i : i + size] for i in range(0, len(misses), size)]
    if workers < 2:
        chunks = [misses]
    advance = progress.advance if progress is not None else None
    return run_chunks(chunks, scanner.scan_chunk, workers, _init_worker, (scanner.settings,),
                      _scan_in_worker, advance)


T = TypeVar("T")
R = TypeVar("R")


def run_chunks(
    chunks: list[list[T]],
    local: Callable[[list[T]], list[R]],
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple,
    remote: Callable[[list[T]], list[R]],
    advance: Callable[[int], None] | None = None,
) -> list[R]:
    """Each chunk's results, in the order they complete: through ``remote`` in a pool of
    ``workers`` processes (set up by ``initializer(*initargs)``), or through ``local`` in this
    process when fewer than two workers are asked for. A chunk whose worker died (out of
    memory, a crash in C) is redone here. ``advance(n)`` is told of each finished chunk."""
    results: list[R] = []

    def finished(done: list[R]) -> None:
        results.extend(done)
        if advance is not None:
            advance(len(done))

    if workers < 2:
        for chunk in chunks:
            finished(local(chunk))
        return results
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    pool = _start_pool(workers, initializer, initargs)
    try:
        futures: dict = {}
        unsent: list[list[T]] = []
        for index, chunk in enumerate(chunks):
            try:
                futures[pool.submit(remote, chunk)] = chunk
            except BrokenProcessPool:  # a worker died before every chunk was handed out
                unsent = chunks[index:]
                break
        for future in as_completed(futures):
            try:
                done = future.result()
            except Exception:  # a worker died: redo it here
                done = local(futures[future])
            finished(done)
        for chunk in unsent:  # never reached a worker: done here
            finished(local(chunk))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _size(miss: tuple[SourceFile, str | None, bytes | None]) -> int:
    try:
        return os.path.getsize(miss[0].path)
    except OSError:
        return 0


def _start_pool(workers: int, initializer: Callable[..., None], initargs: tuple) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, each set up by ``initializer(*initargs)``. It forks
    where that is available and safe (no other threads): a worker then starts in milliseconds
    with isolint already imported. (Imported here: a small scan never pays for
    multiprocessing.)"""
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    context = None
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=initializer,
                               initargs=initargs)
