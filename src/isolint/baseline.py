"""Baselines: fingerprints that survive line shifts, and new / known / stale matching.

A finding's fingerprint hashes what identifies it independently of line numbers: the rule, the
file, the enclosing scope (``TestApi.test_get``) and the reported source line with its
whitespace normalised and its comment removed. Findings that share all four (the same line
copied twice in one function) are told apart by their order in the file, an occurrence index.

Pure functions only; the CLI reads and writes the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tokenize
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from isolint._version import __version__
from isolint.model import Finding

BASELINE_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or does not have the baseline format."""


def normalise_snippet(snippet: str) -> str:
    """``snippet`` without its trailing comment and with runs of whitespace collapsed."""
    cut = len(snippet)
    try:
        for token in tokenize.generate_tokens(io.StringIO(snippet).readline):
            if token.type == tokenize.COMMENT:
                cut = token.start[1]
                break
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # an unclosed bracket: the comment, if any, was already seen
    return " ".join(snippet[:cut].split())


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:20]


def fingerprints(
    findings: Sequence[Finding], path_of: Callable[[str], str] = lambda p: p
) -> list[str]:
    """One fingerprint per finding, in the order given.

    ``path_of`` maps a finding's path to the form stored in the fingerprint (the baseline uses
    paths relative to the baseline file, so that it works from any directory).
    """
    keys = [(f.name, path_of(f.path), f.scope, normalise_snippet(f.snippet)) for f in findings]
    # The occurrence index counts equal keys in file order, whatever order we were given.
    order = sorted(range(len(findings)), key=lambda i: (findings[i].line, findings[i].col, i))
    seen: Counter[tuple[str, str, str, str]] = Counter()
    out = [""] * len(findings)
    for i in order:
        out[i] = _digest(*keys[i], str(seen[keys[i]]))
        seen[keys[i]] += 1
    return out


def relative_to(directory: str) -> Callable[[str], str]:
    """A ``path_of`` for :func:`fingerprints`: paths relative to ``directory``, with ``/``."""
    base = os.path.abspath(directory)

    def path_of(path: str) -> str:
        return os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")

    return path_of


@dataclass(frozen=True)
class Entry:
    """One baselined finding."""

    fingerprint: str
    rule: str
    name: str
    path: str
    scope: str
    snippet: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Comparison:
    """What a scan looks like against a baseline."""

    new: tuple[Finding, ...]
    known: tuple[Finding, ...]
    #: Baseline entries no finding matched any more: fixed, or moved to another file.
    stale: tuple[Entry, ...]


def build(findings: Sequence[Finding], directory: str) -> dict[str, Any]:
    """The baseline document for ``findings``, with paths relative to ``directory``."""
    path_of = relative_to(directory)
    entries = [
        Entry(fp, f.code, f.name, path_of(f.path), f.scope, f.snippet, f.line)
        for fp, f in zip(fingerprints(findings, path_of), findings)
    ]
    entries.sort(key=lambda e: (e.path, e.line, e.rule, e.fingerprint))
    return {
        "version": BASELINE_VERSION,
        "tool": "isolint",
        "isolint_version": __version__,
        "findings": [e.to_dict() for e in entries],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def overwrite_problem(name: str, text: str | None) -> str | None:
    """Why ``isolint baseline`` must not write to ``name`` (holding ``text``, None when it does
    not exist), or None when it may: only a new non-Python file, an empty file or an isolint
    baseline may be (over)written."""
    if name.endswith((".py", ".pyi", ".pyw")):
        return "it is a Python file, not a baseline"
    if not text or not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return "it is not an isolint baseline (not JSON)"
    if not isinstance(data, dict) or data.get("tool") != "isolint":
        return "it is not an isolint baseline (no \"tool\": \"isolint\")"
    return None


def loads(text: str, source: str = "baseline") -> tuple[Entry, ...]:
    """Parse a baseline document; :class:`BaselineError` says what is wrong with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{source}: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or data.get("tool") != "isolint":
        raise BaselineError(f"{source}: not an isolint baseline (no \"tool\": \"isolint\")")
    if data.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"{source}: baseline version {data.get('version')!r} is not supported "
            f"(expected {BASELINE_VERSION}); write a new one with `isolint baseline`"
        )
    items = data.get("findings")
    if not isinstance(items, list):
        raise BaselineError(f"{source}: \"findings\" must be a list")
    entries = []
    for index, item in enumerate(items):
        try:
            entries.append(
                Entry(
                    fingerprint=str(item["fingerprint"]),
                    rule=str(item.get("rule", "")),
                    name=str(item.get("name", "")),
                    path=str(item.get("path", "")),
                    scope=str(item.get("scope", "")),
                    snippet=str(item.get("snippet", "")),
                    line=int(item.get("line", 0)),
                )
            )
        except (TypeError, KeyError, ValueError, AttributeError):
            raise BaselineError(f"{source}: findings[{index}] is not a baseline entry") from None
    return tuple(entries)


def compare(
    findings: Sequence[Finding],
    entries: Iterable[Entry],
    directory: str,
    redirects: Mapping[str, str] | None = None,
) -> Comparison:
    """Split ``findings`` into new and known, and find the stale baseline entries.

    ``redirects`` maps retired rule names to the rule that took them over: an entry of a
    retired rule that matches no finding covers a new-rule finding in the same file whose scope
    is the entry's scope or encloses it (``TestA`` for ``TestA.setup_method``), as the merged
    rule reports at the class what the retired one reported inside it."""
    entries = tuple(entries)
    remaining = Counter(e.fingerprint for e in entries)
    path_of = relative_to(directory)
    matched: list[Finding | None] = []
    for fp, finding in zip(fingerprints(findings, path_of), findings):
        if remaining[fp] > 0:
            remaining[fp] -= 1
            matched.append(finding)
        else:
            matched.append(None)
    stale = []
    for entry in entries:
        if remaining[entry.fingerprint] > 0:
            remaining[entry.fingerprint] -= 1
            stale.append(entry)
    if redirects:
        stale = _match_redirected(findings, matched, stale, redirects, path_of)
    new = [f for f, m in zip(findings, matched) if m is None]
    known = [m for m in matched if m is not None]
    return Comparison(tuple(new), tuple(known), tuple(stale))


def _match_redirected(
    findings: Sequence[Finding],
    matched: list[Finding | None],
    stale: list[Entry],
    redirects: Mapping[str, str],
    path_of: Callable[[str], str],
) -> list[Entry]:
    """Mark as known the findings that a stale entry of a retired rule covers; the entries
    left stale."""
    left = []
    for entry in stale:
        target = redirects.get(entry.name)
        hit = None
        for index, finding in enumerate(findings):
            if target is None or matched[index] is not None or finding.name != target:
                continue
            if path_of(finding.path) == entry.path and (
                entry.scope == finding.scope or entry.scope.startswith(finding.scope + ".")
            ):
                hit = index
                break
        if hit is None:
            left.append(entry)
        else:
            matched[hit] = findings[hit]
    # A finding covered by several retired entries (one per attribute) uses up all of them.
    covered = {(path_of(f.path), f.scope, f.name) for f in matched if f is not None}
    return [
        e for e in left
        if not any(
            (e.path, scope, redirects.get(e.name)) in covered
            for scope in _enclosing_scopes(e.scope)
        )
    ]


def _enclosing_scopes(scope: str) -> list[str]:
    parts = scope.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
