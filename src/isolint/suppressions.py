"""Inline suppressions: ``# isolint: ignore[name-or-code, ...]`` (or bare ``# isolint: ignore``).

Comments are read with ``tokenize``, so the same text inside a string never suppresses anything.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from typing import Mapping

from isolint.model import Finding

_DIRECTIVE = re.compile(r"#\s*isolint:\s*ignore(?:\[(?P<keys>[^\]]*)\])?", re.IGNORECASE)
ALL = "*"


@dataclass(frozen=True)
class Suppression:
    line: int
    #: Rule names or codes (codes upper-cased), or ``{"*"}`` for every rule.
    keys: frozenset[str]

    def covers(self, finding: Finding) -> bool:
        return ALL in self.keys or finding.name in self.keys or finding.code in self.keys


def parse_suppressions(source: str, redirects: Mapping[str, str] | None = None) -> dict[int, Suppression]:
    """Suppressions by line number. Cheap when the file has none. A key found in ``redirects``
    (a retired rule name or code) also names the rule it redirects to."""
    if "isolint" not in source:
        return {}
    found: dict[int, Suppression] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return {}
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        match = _DIRECTIVE.search(token.string)
        if not match:
            continue
        raw = match.group("keys")
        if raw is None:
            keys = frozenset({ALL})
        else:
            keys = frozenset(
                k.upper() if k.upper().startswith("ISO") else k
                for k in (part.strip() for part in raw.split(","))
                if k
            )
            keys |= {redirects[k] for k in keys if redirects and k in redirects}
        found[token.start[0]] = Suppression(token.start[0], keys)
    return found


def apply_suppressions(findings: list[Finding], suppressions: dict[int, Suppression]) -> list[Finding]:
    """The findings that no suppression on their line covers."""
    if not suppressions:
        return findings
    return [f for f in findings if not (f.line in suppressions and suppressions[f.line].covers(f))]
