"""Inline suppressions, in isolint's spelling and in flake8's and ruff's:

* ``# isolint: ignore[name-or-code, ...]`` (or a bare ``# isolint: ignore``: every rule);
* ``# noqa: ISO003,ISO004`` (codes or rule names, commas or spaces between them) and a bare
  ``# noqa`` (every rule, as for flake8 and ruff).

A suppression covers the findings reported on its own line. Only real comments count (string
literals are skipped as ``tokenize`` skips them), so the same text inside a string never
suppresses anything.

Keys are resolved through the rule registry's lookup (codes in any case, names, and the old
names of merged rules), so a suppression stores canonical rule names. A key of an isolint
directive that names no rule, and an ``ISO`` code in a ``noqa`` that names none, is kept as
*unknown* for the ``invalid_suppression`` rule; other codes in a ``noqa`` (``E501``) belong to
other tools and are left alone.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from isolint.model import Finding, Severity

_CHEAP = re.compile(r"isolint|noqa", re.IGNORECASE)
_ISOLINT = re.compile(r"#\s*isolint:\s*ignore\b(?:\[(?P<keys>[^\]]*)\])?", re.IGNORECASE)
#: flake8's and ruff's form: ``# noqa``, ``# NOQA:E501``, ``# noqa: ISO003, ISO004``.
_NOQA = re.compile(r"#\s*noqa\b(?::(?P<keys>[^#]*))?", re.IGNORECASE)
_ISO_CODE = re.compile(r"^ISO\d+$", re.IGNORECASE)
ALL = "*"


@dataclass(frozen=True)
class Suppression:
    """One directive in one comment."""

    line: int
    #: 1-based column of the directive's ``#``.
    col: int
    #: The directive as written (``# noqa: ISO003``).
    text: str
    #: Canonical rule names, or ``{"*"}`` for every rule.
    keys: frozenset[str]
    #: (key as written, canonical rule name) for every key that names a rule, in order.
    named: tuple[tuple[str, str], ...] = ()
    #: (key as written, its 1-based column) for every key that names no rule.
    unknown: tuple[tuple[str, int], ...] = ()

    @property
    def blanket(self) -> bool:
        return ALL in self.keys

    @property
    def is_noqa(self) -> bool:
        return self.text.lstrip("#").lstrip().lower().startswith("noqa")

    def covers(self, finding: Finding) -> bool:
        return ALL in self.keys or finding.name in self.keys


Lookup = Callable[[str], "str | None"]


def _last_mention(source: str) -> int:
    """Where ``source`` last says ``isolint`` or ``noqa`` in any case (-1: nowhere). An ASCII
    source is lowered and searched in C (a case-insensitive pattern scans it 15 times slower);
    another keeps the pattern, whose case folding also matches the dotless i and the long s."""
    if source.isascii():
        lowered = source.lower()
        return max(lowered.rfind("isolint"), lowered.rfind("noqa"))
    last = -1
    for match in _CHEAP.finditer(source):
        last = match.start()
    return last


def parse_suppressions(source: str, lookup: Lookup) -> dict[int, tuple[Suppression, ...]]:
    """Suppressions by line number. Cheap when the file has none.

    ``lookup`` maps a key (rule name or code) to the canonical rule name, or None: the rule
    registry's lookup, which the engine passes (this module knows no rule).
    """
    last = _last_mention(source)
    if last < 0:
        return {}
    found: dict[int, tuple[Suppression, ...]] = {}
    # No comment after the last mention can hold a directive: the lexing stops there.
    for line, col, comment in comments(source, end=last):
        if _CHEAP.search(comment):
            directives = _directives(comment, line, col, lookup)
            if directives:
                found[line] = found.get(line, ()) + directives
    return found


#: Comments and string literals, in the order they occur: a ``#`` inside a string is consumed
#: with the string, so every match that starts with ``#`` is a real comment (what ``tokenize``
#: calls one), found by one regular-expression scan instead of a Python loop per token. Every
#: alternative starts with ``#``, ``"`` or ``'`` (no group around one), so the scan skips to
#: the next such character in C; the string bodies are written as runs of plain characters
#: between escapes and lone quotes, not one alternation per character.
_LEX = re.compile(
    r"#[^\r\n]*"
    r'|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    r'|"[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*"'
    r"|'[^'\\\r\n]*(?:\\.[^'\\\r\n]*)*'",
    re.DOTALL,
)


def comments(source: str, end: int | None = None) -> Iterator[tuple[int, int, str]]:
    """(line, 0-based column, text) of every comment in ``source`` (valid Python); with
    ``end``, of those that start at or before that offset."""
    line, line_start, pos = 1, 0, 0
    for match in _LEX.finditer(source):
        start = match.start()
        if end is not None and start > end:
            return
        if source[start] != "#":
            continue
        newlines = source.count("\n", pos, start)
        if newlines:
            line += newlines
            line_start = source.rfind("\n", 0, start) + 1
        pos = start
        yield line, start - line_start, match.group()


def _directives(comment: str, line: int, col: int, lookup: Lookup) -> tuple[Suppression, ...]:
    out = []
    for pattern, noqa in ((_ISOLINT, False), (_NOQA, True)):
        for match in pattern.finditer(comment):
            raw = match.group("keys")
            if noqa and raw is not None and not raw.strip():
                raw = None  # `# noqa:` without codes: a blanket, as for ruff
            start = col + match.start() + 1
            if raw is None:
                out.append(Suppression(line, start, match.group(0), frozenset({ALL})))
                continue
            named, unknown = [], []
            offset = col + match.start("keys") + 1
            for key in re.finditer(r"[^,\s]+", raw):
                name = lookup(key.group())
                if name is not None:
                    named.append((key.group(), name))
                elif not noqa or _ISO_CODE.match(key.group()):
                    unknown.append((key.group(), offset + key.start()))
            out.append(Suppression(line, start, match.group(0).rstrip(),
                                   frozenset(n for _, n in named), tuple(named), tuple(unknown)))
    return tuple(sorted(out, key=lambda s: s.col))


@dataclass
class Applied:
    """Findings left after the suppressions, and which suppression keys silenced something."""

    findings: list[Finding]
    #: (line, col, canonical name or "*") of every key that covered a finding.
    used: set[tuple[int, int, str]]


def apply_suppressions(
    findings: Iterable[Finding], suppressions: dict[int, tuple[Suppression, ...]]
) -> Applied:
    """The findings that no suppression on their line covers, and the keys that were used."""
    if not suppressions:
        return Applied(list(findings), set())
    kept, used = [], set()
    for finding in findings:
        covering = [s for s in suppressions.get(finding.line, ()) if s.covers(finding)]
        if not covering:
            kept.append(finding)
        for s in covering:
            used.add((s.line, s.col, finding.name if finding.name in s.keys else ALL))
    return Applied(kept, used)


# ------------------------------------------------------------------ findings about suppressions
def invalid_findings(
    suppressions: dict[int, tuple[Suppression, ...]],
    rule: type,
    path: str,
    lines: list[str],
    tree: ast.AST | None,
    severity: Severity,
    suggest: Callable[[str], "str | None"],
) -> list[Finding]:
    """One ``invalid_suppression`` finding per unknown key."""
    out = []
    for directive in _all(suppressions):
        for key, col in directive.unknown:
            close = suggest(key)
            hint = f"; did you mean `{close}`?" if close else ""
            out.append(_finding(rule, directive, path, lines, tree, severity, col,
                                key=key, directive=directive.text, hint=hint))
    return out


def unused_findings(
    suppressions: dict[int, tuple[Suppression, ...]],
    used: set[tuple[int, int, str]],
    honoured: set[tuple[int, str]],
    enabled: set[str],
    rule: type,
    path: str,
    lines: list[str],
    tree: ast.AST | None,
    severity: Severity,
) -> list[Finding]:
    """One ``unused_suppression`` finding per directive with keys that silenced nothing.

    A bare ``# noqa`` and a ``noqa`` naming no isolint rule are other tools' business too
    (flake8, ruff) and are never reported. A directive that names ``unused_suppression``
    itself is not reported.
    """
    out = []
    for directive in _all(suppressions):
        if rule.name in directive.keys:
            continue
        if directive.blanket:
            if directive.is_noqa or (directive.line, directive.col, ALL) in used:
                continue
            if any(line == directive.line for line, _ in honoured):
                continue
            out.append(_finding(rule, directive, path, lines, tree, severity, directive.col,
                                directive=directive.text, unused="no finding on this line"))
            continue
        unused = []
        for written, name in directive.named:
            if (directive.line, directive.col, name) in used or (directive.line, name) in honoured:
                continue
            unused.append(f"`{written}`" + ("" if name in enabled else " (not enabled)"))
        if unused:
            out.append(_finding(rule, directive, path, lines, tree, severity, directive.col,
                                directive=directive.text, unused="unused: " + ", ".join(unused)))
    return out


def _all(suppressions: dict[int, tuple[Suppression, ...]]) -> list[Suppression]:
    return [s for line in sorted(suppressions) for s in suppressions[line]]


def _finding(rule, at: Suppression, path: str, lines: list[str], tree, severity: Severity,
             col: int, **fields: str) -> Finding:
    text = lines[at.line - 1] if 0 < at.line <= len(lines) else ""
    return Finding(
        path=path,
        line=at.line,
        col=col,
        code=rule.code,
        name=rule.name,
        severity=severity,
        message=rule.message.format(**fields),
        fix=rule.fix.format(**fields) if rule.fix else "",
        scope=scope_at(tree, at.line) if tree is not None else "",
        snippet=text.strip(),
        end_line=at.line,
        end_col=at.col + len(at.text),
    )


def scope_at(tree: ast.AST, line: int) -> str:
    """Dotted names of the classes and functions whose lines contain ``line``."""
    names: list[str] = []
    body = getattr(tree, "body", [])
    while True:
        for node in body:
            if (isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                    and node.lineno <= line <= (node.end_lineno or node.lineno)):
                names.append(node.name)
                body = node.body
                break
        else:
            return ".".join(names)


__all__ = ["Suppression", "parse_suppressions", "apply_suppressions", "invalid_findings",
           "unused_findings"]
