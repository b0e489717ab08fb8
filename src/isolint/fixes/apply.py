"""Apply the fixers to files: plan, rewrite, verify per finding, write atomically.

For each file: read it (an unreadable or unparsable file is reported and never written), scan
it, and for each rule with a fixer (in ``FIX_ORDER``) whose safety the options allow, run the
fixer on the current findings of that rule. The new text must parse with ``ast``, re-scan
without errors, have fewer findings of that rule and no more of any other, and keep every
comment. When the rule's fixes together fail that check, each finding is tried on its own and
what verifies is kept: a failing fix never costs the others. Imports that the fixes left
unused are then removed (verified the same way). Every finding left unfixed carries the reason
(``Finding.unfixed``). The final text is written to a temporary file in the same directory,
given the original's mode, owner and group, and renamed over the original (or written in place
when the file has several hard links), after checking the file did not change on disk in the
meantime; only regular files inside the scanned paths are written (see
:func:`isolint.atomic.rewrite`).

:func:`fix_paths` is the whole ``--fix`` / ``--diff`` run: a scan as ``check`` does it (cache,
worker processes, progress), then the fixers only on the files with fixable findings, over the
same worker processes.
"""

from __future__ import annotations

import ast
import difflib
import io
import math
import os
import tokenize
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Sequence

from isolint.atomic import inside, open_regular, read_all, rewrite
from isolint.config import Settings
from isolint.analysis.context import FileContext
from isolint.discovery import SourceFile
from isolint.engine import (
    SourceError, decode_source, enabled_rules, parse_source, read_source, scan_tree,
)
from isolint.fixes import FIX_ORDER, FIXERS, load_fixer
from isolint.gc_pause import gc_paused
from isolint.fixes.base import FixOptions, FixRequest
from isolint.model import FileError, FileResult, Finding, FixSafety
from isolint.orchestration import ConftestCache, conftests_first
from isolint.pysource import parse_quietly

UNSAFE_REASON = "the fix is unsafe: it needs --unsafe-fixes"
NOT_APPLIED = "the fixer has no rewrite for this case"


class FixError(Exception):
    """A fix that could not be applied safely; the code it would have changed stays as it was.
    ``bug``: the fixer itself failed (it crashed, or wrote code that does not parse), which is
    also reported as an error of the file (exit code 2)."""

    def __init__(self, message: str, bug: bool = False) -> None:
        super().__init__(message)
        self.bug = bug


@dataclass(frozen=True)
class FileFix:
    """What fixing one file did: the findings left, the text before and after, the count fixed."""

    path: str
    result: FileResult
    original: str = ""
    fixed: str = ""
    fixed_count: int = 0

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.original.splitlines(keepends=True), self.fixed.splitlines(keepends=True),
            fromfile=f"a/{self.path}", tofile=f"b/{self.path}",
        ))


def fixable_rules(settings: Settings, path: str, kind: str, unsafe: bool) -> list[str]:
    """Names of the enabled rules on ``path`` whose fixes the options allow, in fix order."""
    allowed = {FixSafety.SAFE, FixSafety.UNSAFE} if unsafe else {FixSafety.SAFE}
    names = {r.name for r in enabled_rules(settings, path, kind) if r.fix_safety in allowed}
    return [name for name in FIX_ORDER if name in names]


def comments(text: str) -> Counter[str]:
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return Counter(t.string.rstrip() for t in tokens if t.type == tokenize.COMMENT)


Identity = tuple[str, str, str, int]


def identities(findings: Iterable[Finding]) -> list[Identity]:
    """A key per finding that survives the line shifts of a fix elsewhere in the file: rule,
    scope, source line, and which of the equal ones it is."""
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for f in findings:
        key = (f.name, f.scope, f.snippet)
        out.append((*key, seen[key]))
        seen[key] += 1
    return out


@dataclass
class _State:
    """The text being fixed, its tree and scan result (and its comments, once counted)."""

    text: str
    tree: ast.Module
    result: FileResult
    _comments: Counter[str] | None = None

    @property
    def comments(self) -> Counter[str]:
        if self._comments is None:
            self._comments = comments(self.text)
        return self._comments


class _FileFixer:
    """Fixes one file's text: the steps of :func:`fix_source`."""

    def __init__(self, path: str, settings: Settings, kind: str, conftests: tuple,
                 options: FixOptions) -> None:
        self.path, self.settings, self.kind = path, settings, kind
        self.conftests, self.options = conftests, options
        self.reasons: dict[Identity, str] = {}
        self.bugs: list[str] = []

    def scan(self, text: str, tree: ast.Module) -> FileResult:
        return scan_tree(tree, text, self.path, self.settings, self.kind, self.conftests)

    def run(self, source: str, scanned: FileResult | None = None) -> tuple[str, FileResult, int]:
        self.source = source
        tree = parse_source(source, self.path)
        if scanned is None or not _describes(scanned, source):
            scanned = self.scan(source, tree)
        state = _State(source, tree, scanned)
        if state.result.errors:
            return source, state.result, 0
        before = Counter(f.name for f in state.result.findings)
        for rule in fixable_rules(self.settings, self.path, self.kind, self.options.unsafe):
            state = self.fix_rule(rule, state)
        state = self.remove_unused_imports(tree, state)
        after = Counter(f.name for f in state.result.findings)
        count = sum(max(0, n - after[name]) for name, n in before.items())
        return state.text, self.explained(state.result), count

    def fix_rule(self, rule: str, state: _State) -> _State:
        targets = tuple(f for f in state.result.findings if f.name == rule)
        fixer = load_fixer(rule) if targets else None
        if fixer is None:
            return state
        try:
            return self.step(rule, fixer, state, targets)
        except FixError as exc:
            if len(targets) == 1:
                self.refused(identities(targets)[0], targets[0], exc)
                return state
        # Together they fail: each finding on its own, keeping what verifies.
        for wanted in identities(targets):
            current = [f for f in state.result.findings if f.name == rule]
            found = [f for f, key in zip(current, identities(current)) if key == wanted]
            if not found:
                continue
            try:
                state = self.step(rule, fixer, state, tuple(found))
            except FixError as exc:
                self.refused(wanted, found[0], exc)
        return state

    def refused(self, key: Identity, finding: Finding, exc: FixError) -> None:
        self.reasons[key] = str(exc)
        if exc.bug:
            self.bugs.append(f"a fix failed, the other fixes were kept: {finding.code} at line "
                             f"{finding.line}: {exc}")

    def step(self, rule: str, fixer, state: _State, targets: tuple[Finding, ...]) -> _State:
        """``state`` with ``fixer`` applied to ``targets``, verified; :class:`FixError` when
        the result fails a check. The reasons the fixer gives for what it skips are kept."""
        ctx = FileContext(self.path, state.text, state.tree, self.settings, kind=self.kind,
                          conftests=self.conftests)
        request = FixRequest(state.text, state.tree, ctx, targets, self.options)
        try:
            new = fixer.fix(request)
        except Exception as exc:  # a fixer bug must not lose the file
            raise FixError(f"the fixer failed: {type(exc).__name__}: {exc}", bug=True) from exc
        for finding, key in zip(targets, identities(targets)):
            reason = request.skipped.get((finding.line, finding.col))
            if reason:
                self.reasons.setdefault(key, reason)
        if new == state.text:
            return state
        new_state = self.verify(rule, state, new)
        for finding, key in zip(targets, identities(targets)):
            if (finding.line, finding.col) not in request.skipped:
                self.reasons.pop(key, None)
        return new_state

    def verify(self, rule: str | None, state: _State, new: str) -> _State:
        try:
            new_tree = parse_source(new, self.path)
        except SourceError as exc:
            raise FixError(f"the fixed code does not parse ({exc})", bug=True) from None
        new_comments = None if _comment_lines_kept(state.text, new) else comments(new)
        lost = state.comments - new_comments if new_comments is not None else None
        if lost:
            raise FixError(f"the fix would lose the comment {next(iter(lost))!r}")
        fixed = self.scan(new, new_tree)
        if fixed.errors:
            raise FixError(f"the fixed code does not scan: {fixed.errors[0].message}")
        before = Counter(f.name for f in state.result.findings)
        after = Counter(f.name for f in fixed.findings)
        if rule is not None and after[rule] >= before[rule]:
            raise FixError("the fix did not remove the finding")
        grown = sorted(name for name in after if after[name] > before[name])
        if grown:
            raise FixError(f"the fix would add findings of {', '.join(grown)}")
        return _State(new, new_tree, fixed, new_comments)

    def remove_unused_imports(self, original: ast.Module, state: _State) -> _State:
        from isolint.fixes.imports import remove_imports, unused_after_fix

        if state.tree is original:
            return state
        unused = unused_after_fix(original, state.tree, self.source, state.text)
        if not unused:
            return state
        try:
            return self.verify(None, state, remove_imports(state.text, unused))
        except FixError:
            return state

    def explained(self, result: FileResult) -> FileResult:
        """``result`` with each finding of a fixable rule saying why it was left unfixed."""
        allowed = set(fixable_rules(self.settings, self.path, self.kind, self.options.unsafe))
        findings = []
        for finding, key in zip(result.findings, identities(result.findings)):
            if finding.name in FIXERS:
                why = self.reasons.get(key) or (NOT_APPLIED if finding.name in allowed else UNSAFE_REASON)
                finding = replace(finding, unfixed=why)
            findings.append(finding)
        errors = tuple(FileError(self.path, bug) for bug in self.bugs)
        return replace(result, findings=tuple(findings), errors=result.errors + errors)


def _describes(result: FileResult, text: str) -> bool:
    """Whether ``result`` (from the scan before the fix) is still about ``text``: every finding's
    snippet is the text of its line. Then the fix does not scan the file once more."""
    if result.errors:
        return False
    lines = text.splitlines()
    return all(0 < f.line <= len(lines) and lines[f.line - 1].strip() == f.snippet
               for f in result.findings)


def _comment_lines_kept(old: str, new: str) -> bool:
    """A quick sufficient check that no comment was lost: every line of ``old`` holding a ``#``
    is still a line of ``new`` (as often). When it fails, the comments are counted."""
    marked = Counter(line for line in old.splitlines() if "#" in line)
    if not marked:
        return True
    kept = Counter(line for line in new.splitlines() if "#" in line)
    return not (marked - kept)


def fix_source(
    source: str,
    path: str,
    settings: Settings,
    kind: str = "test",
    conftests: tuple = (),
    options: FixOptions = FixOptions(),
    scanned: FileResult | None = None,
) -> tuple[str, FileResult, int]:
    """``(fixed text, findings left, findings fixed)``; each finding left of a fixable rule
    says why (``Finding.unfixed``). :class:`SourceError` when ``source`` does not parse.
    ``scanned``: the file's scan result, when one was made already."""
    # Trees (ast and LibCST) hold no reference cycles, yet building them triggers the cyclic
    # collector again and again: paused, as the scan does.
    with gc_paused():
        return _FileFixer(path, settings, kind, conftests, options).run(source, scanned)


def explain_unfixed(result: FileResult, settings: Settings, kind: str, unsafe: bool) -> FileResult:
    """``result`` of a file that was not fixed, its findings of fixable rules saying why."""
    allowed = set(fixable_rules(settings, result.path, kind, unsafe))
    findings = tuple(
        replace(f, unfixed=UNSAFE_REASON if f.name not in allowed else NOT_APPLIED)
        if f.name in FIXERS else f
        for f in result.findings
    )
    return replace(result, findings=findings)


def fix_file(source: SourceFile, settings: Settings, conftests: ConftestCache,
             options: FixOptions = FixOptions(), write: bool = True,
             scanned: FileResult | None = None) -> FileFix:
    """Fix one file (``write=False``: only compute the fix, as ``--diff`` does); ``scanned``:
    its scan result, when the caller has it."""
    path = source.display
    facts = conftests.for_file(source.path)
    try:
        text = read_source(source.path)
        fixed, result, count = fix_source(text, path, settings, source.kind, facts, options, scanned)
        fixed = keep_line_endings(text, fixed)
        if write and fixed != text:
            write_fixed(source.path, fixed, text, options.write_roots)
    except SourceError as exc:
        return FileFix(path, FileResult(path, (), (FileError(path, str(exc)),)))
    except FixError as exc:
        return _unchanged(source, text, settings, facts, f"fix failed, file left unchanged: {exc}")
    except (OSError, UnicodeEncodeError) as exc:
        return _unchanged(source, text, settings, facts,
                          f"cannot write the fixed file, left unchanged: {exc}")
    if fixed == text:
        return FileFix(path, result, fixed_count=count)  # no texts to carry back from a worker
    return FileFix(path, result, text, fixed, count)


def _unchanged(source: SourceFile, text: str, settings: Settings, facts: tuple, why: str) -> FileFix:
    result = scan_tree(parse_quietly(text), text, source.display, settings, source.kind, facts)
    error = FileError(source.display, why)
    return FileFix(source.display, replace(result, errors=result.errors + (error,)))


def fix_files(files: Iterable[SourceFile], settings: Settings, options: FixOptions = FixOptions(),
              write: bool = True, jobs: int = 1,
              advance: Callable[[int], None] | None = None,
              scanned: dict[str, FileResult] | None = None) -> list[FileFix]:
    """Fix ``files`` over up to ``jobs`` worker processes: the conftests first (the files below
    them are scanned with the fixed ones), then the others, largest first (a file's fixing time
    grows with its size, so no worker is left with a big one at the end). ``scanned``: scan
    results by display path, which spare those files their first scan; a file without one is
    read, parsed and scanned once, in the worker that then fixes it (when it has anything to
    fix: LibCST sees only such files)."""
    from isolint.orchestration import run_chunks

    conftests = ConftestCache(settings)
    known = scanned or {}

    def fix_here(chunk: list[tuple[SourceFile, FileResult | None]]) -> list[FileFix]:
        return [fix_file(f, settings, conftests, options, write, r) for f, r in chunk]

    ordered = conftests_first(files)
    waves = [[f for f in ordered if f.kind == "conftest"], [f for f in ordered if f.kind != "conftest"]]
    out: list[FileFix] = []
    for number, wave in enumerate(waves):
        wave.sort(key=_size, reverse=True)
        workers = min(jobs, len(wave) // MIN_FILES_PER_WORKER)
        # Files below a conftest that was just rewritten are scanned afresh.
        fresh = number == 0 or not _rewrote(out)
        items = [(f, known.get(f.display) if fresh else None) for f in wave]
        size = max(1, min(MAX_CHUNK, math.ceil(len(items) / (max(workers, 1) * 8))))
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        out += run_chunks(chunks, fix_here, workers, _init_fix_worker,
                          (settings, options, write), _fix_in_worker, advance)
    return out


def fix_paths(files: list[SourceFile], settings: Settings, options: FixOptions, *, write: bool,
              jobs: int = 1, cache=None, advance: Callable[[int], None] | None = None
              ) -> list[FileFix]:
    """The whole ``--fix`` / ``--diff`` of ``files``, at the cost of a ``check`` plus the fixes.

    A file whose cached scan result shows nothing the options let a fixer rewrite is not even
    parsed (its result, with the reasons, is used as it is); a cached result with fixable
    findings spares the file its first scan; every other file is read, parsed and scanned once,
    in a worker process, and fixed there when it has anything to fix."""
    from isolint.cache import digest
    from isolint.engine import read_bytes
    from isolint.orchestration import ConftestDigests

    scanned: dict[str, FileResult] = {}
    todo: list[SourceFile] = []
    done: list[FileFix] = []
    digests = ConftestDigests(settings.pytest.rootdir) if cache is not None else None
    for source in files:
        hit = None
        if cache is not None and digests is not None:
            try:
                data = read_bytes(source.path)
            except SourceError:
                data = None
            if data is not None:
                hit = cache.load(cache.key(source, digest(data), digests.for_file(source.path)))
        if hit is not None and not hit.errors:
            allowed = set(fixable_rules(settings, hit.path, source.kind, options.unsafe))
            if not any(f.name in allowed for f in hit.findings):
                done.append(FileFix(hit.path, explain_unfixed(hit, settings, source.kind, options.unsafe)))
                if advance is not None:
                    advance(1)
                continue
            scanned[source.display] = hit
        todo.append(source)
    return done + fix_files(todo, settings, options, write, jobs, advance, scanned)


#: Fixing a file takes longer than scanning it: fewer files justify a worker process.
MIN_FILES_PER_WORKER = 8
#: Files per task given to a worker (most files only need scanning).
MAX_CHUNK = 16


def _rewrote(fixes: list[FileFix]) -> bool:
    return any(f.changed for f in fixes)


def _size(source: SourceFile) -> int:
    try:
        return os.path.getsize(source.path)
    except OSError:
        return 0


_worker_conftests: ConftestCache | None = None
_worker_args: tuple = ()


def _init_fix_worker(settings: Settings, options: FixOptions, write: bool) -> None:
    global _worker_conftests, _worker_args
    _worker_conftests = ConftestCache(settings)
    _worker_args = (settings, options, write)


def _fix_in_worker(chunk: list[tuple[SourceFile, FileResult | None]]) -> list[FileFix]:
    settings, options, write = _worker_args
    assert _worker_conftests is not None
    return [fix_file(f, settings, _worker_conftests, options, write, r) for f, r in chunk]


_ENDINGS = ("\r\n", "\r", "\n")


def keep_line_endings(original: str, fixed: str) -> str:
    """``fixed`` ending with the line ending ``original`` ends with (LibCST drops the last
    one of a file with CR-only or mixed line endings)."""
    if fixed == original:
        return fixed
    ending = next((e for e in _ENDINGS if original.endswith(e)), "")
    if ending and not fixed.endswith(("\r", "\n")):
        return fixed + ending
    return fixed


def write_fixed(path: str, text: str, expected: str, roots: Sequence[str] | None = None) -> None:
    """Replace the file at ``path`` (through symlinks whose target lies inside ``roots``, real
    paths) with ``text`` in its own encoding, keeping its mode, owner and links, unless it no
    longer holds ``expected``."""
    real = os.path.realpath(path)
    if roots is not None and not any(inside(real, root) for root in roots):
        raise FixError(f"it is a symbolic link to {real}, outside the scanned paths; not written")
    fd = open_regular(real)
    try:
        data = read_all(fd)
    finally:
        os.close(fd)
    try:
        if decode_source(data) != expected:
            raise FixError("the file changed on disk while it was being fixed")
    except SourceError as exc:
        raise FixError(f"the file changed on disk: {exc}") from None
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    rewrite(real, data, text.encode(encoding))


__all__ = ["FileFix", "FixError", "explain_unfixed", "fix_file", "fix_files", "fix_paths", "fix_source",
           "write_fixed"]
