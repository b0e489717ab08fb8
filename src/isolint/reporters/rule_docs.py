"""Rule metadata for the reporters: the rules' docstring sections, looked up by code."""

from __future__ import annotations

import re
import textwrap
from typing import Sequence

from isolint.model import Severity

#: SARIF result levels and GitHub annotation commands per severity.
LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}

_HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
_CODE_BLOCK = re.compile(r"```[a-z]*\n(.*?)```", re.DOTALL)


def known_rules(rules: Sequence[type] | None = None) -> tuple[type, ...]:
    """``rules``, or every rule isolint has (reporters take ``rules`` so that tests can pin them)."""
    if rules is not None:
        return tuple(rules)
    from isolint.analysis.rules import ALL_RULES

    return ALL_RULES


def doc_sections(rule) -> dict[str, str]:
    """The rule docstring's ``## Heading`` sections, heading -> dedented text."""
    doc = textwrap.dedent(rule.__doc__ or "").strip()
    parts = _HEADING.split(doc)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def first_paragraph(text: str) -> str:
    """The first paragraph of ``text`` on one line."""
    return " ".join(text.strip().split("\n\n", 1)[0].split())


def first_sentence(text: str) -> str:
    paragraph = first_paragraph(text)
    match = re.search(r"(?<=[.!?])\s", paragraph)
    return paragraph[: match.start()] if match else paragraph


def code_block(text: str) -> str:
    """The first fenced code block in ``text`` (without the fences), or ""."""
    match = _CODE_BLOCK.search(text)
    return match.group(1).rstrip() + "\n" if match else ""
