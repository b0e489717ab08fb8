"""Apply the fixers to files: scan, rewrite, check, write atomically.

For each file: read it (an unreadable or unparsable file is reported and never written), scan
it, and for each rule whose fix safety is allowed (in ``FIX_ORDER``) run its fixer on the
current findings of that rule. After each fixer the new text must parse with ``ast``, re-scan
without errors, have fewer findings of that rule and no more of any other, and keep every
comment. If any step fails the whole file is left untouched and the failure becomes an error
entry. The final text is written to a temporary file in the same directory, given the
original's mode, and renamed over the original, after checking the file did not change on disk
in the meantime.
"""

from __future__ import annotations

import ast
import difflib
import io
import os
import stat
import tokenize
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable

from isolint.atomic import write_atomic
from isolint.config import Settings
from isolint.analysis.context import FileContext
from isolint.discovery import SourceFile
from isolint.engine import (
    SourceError, decode_source, enabled_rules, parse_source, read_source, scan_tree,
)
from isolint.fixes import FIX_ORDER, load_fixer
from isolint.fixes.base import FixOptions, FixRequest
from isolint.model import FileError, FileResult, FixSafety
from isolint.orchestration import ConftestCache, conftests_first


class FixError(Exception):
    """A fix that could not be applied safely; the file stays as it was."""


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


def fix_source(
    source: str,
    path: str,
    settings: Settings,
    kind: str = "test",
    conftests: tuple = (),
    options: FixOptions = FixOptions(),
) -> tuple[str, FileResult, int]:
    """``(fixed text, findings left, findings fixed)``; :class:`FixError` when a fix fails,
    :class:`SourceError` when ``source`` does not parse."""
    tree = parse_source(source, path)
    result = scan_tree(tree, source, path, settings, kind, conftests)
    if result.errors:
        return source, result, 0
    before = Counter(f.name for f in result.findings)
    text, current = source, result
    for rule in fixable_rules(settings, path, kind, options.unsafe):
        targets = tuple(f for f in current.findings if f.name == rule)
        fixer = load_fixer(rule) if targets else None
        if fixer is None:
            continue
        ctx = FileContext(path, text, tree, settings, kind=kind, conftests=conftests)
        try:
            new = fixer.fix(FixRequest(text, tree, ctx, targets, options))
        except Exception as exc:  # a fixer bug must not lose the file
            raise FixError(f"{rule}: the fixer failed: {type(exc).__name__}: {exc}") from exc
        if new == text:
            continue
        try:
            new_tree = parse_source(new, path)
        except SourceError as exc:
            raise FixError(f"{rule}: the fixed code does not parse ({exc})") from None
        fixed = scan_tree(new_tree, new, path, settings, kind, conftests)
        _check_step(rule, text, new, current, fixed)
        text, tree, current = new, new_tree, fixed
    after = Counter(f.name for f in current.findings)
    count = sum(max(0, n - after[name]) for name, n in before.items())
    return text, current, count


def _check_step(rule: str, old: str, new: str, current: FileResult, fixed: FileResult) -> None:
    if fixed.errors:
        raise FixError(f"{rule}: the fixed code does not scan: {fixed.errors[0].message}")
    before = Counter(f.name for f in current.findings)
    after = Counter(f.name for f in fixed.findings)
    if after[rule] >= before[rule]:
        raise FixError(f"{rule}: the fix did not remove a finding")
    grown = sorted(name for name in after if after[name] > before[name])
    if grown:
        raise FixError(f"{rule}: the fix would add findings of {', '.join(grown)}")
    lost = comments(old) - comments(new)
    if lost:
        raise FixError(f"{rule}: the fix would lose the comment {next(iter(lost))!r}")


def fix_file(source: SourceFile, settings: Settings, conftests: ConftestCache,
             options: FixOptions = FixOptions(), write: bool = True) -> FileFix:
    """Fix one file (``write=False``: only compute the fix, as ``--diff`` does)."""
    path = source.display
    facts = conftests.for_file(source.path)
    try:
        text = read_source(source.path)
        fixed, result, count = fix_source(text, path, settings, source.kind, facts, options)
        if write and fixed != text:
            write_fixed(source.path, fixed, text)
    except SourceError as exc:
        return FileFix(path, FileResult(path, (), (FileError(path, str(exc)),)))
    except FixError as exc:
        return _unchanged(source, text, settings, facts, f"fix failed, file left unchanged: {exc}")
    except (OSError, UnicodeEncodeError) as exc:
        return _unchanged(source, text, settings, facts,
                          f"cannot write the fixed file, left unchanged: {exc}")
    return FileFix(path, result, text, fixed, count)


def _unchanged(source: SourceFile, text: str, settings: Settings, facts: tuple, why: str) -> FileFix:
    result = scan_tree(ast.parse(text), text, source.display, settings, source.kind, facts)
    error = FileError(source.display, why)
    return FileFix(source.display, replace(result, errors=result.errors + (error,)), text, text)


def fix_files(files: Iterable[SourceFile], settings: Settings, options: FixOptions = FixOptions(),
              write: bool = True) -> list[FileFix]:
    conftests = ConftestCache(settings)
    ordered = conftests_first(files)
    return [fix_file(f, settings, conftests, options, write) for f in ordered]


def write_fixed(path: str, text: str, expected: str) -> None:
    """Replace the file at ``path`` (through symlinks) with ``text`` in its own encoding and
    mode, unless it no longer holds ``expected``."""
    real = os.path.realpath(path)
    with open(real, "rb") as handle:
        data = handle.read()
    try:
        if decode_source(data) != expected:
            raise FixError("the file changed on disk while it was being fixed")
    except SourceError as exc:
        raise FixError(f"the file changed on disk: {exc}") from None
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    payload = text.encode(encoding)
    write_atomic(real, payload, mode=stat.S_IMODE(os.stat(real).st_mode), durable=True)


__all__ = ["FileFix", "FixError", "fix_file", "fix_files", "fix_source", "write_fixed"]
