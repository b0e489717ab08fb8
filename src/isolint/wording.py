"""Counted nouns for messages: ``count(1, "file")`` is "1 file", ``count(2, "entry", "entries")``
"2 entries". Standard library only (the pytest plugin's summary uses it too)."""

from __future__ import annotations


def noun(n: int, word: str, plural: str = "") -> str:
    """``word`` for one, else ``plural`` (default: ``word`` + "s")."""
    return word if n == 1 else plural or word + "s"


def count(n: int, word: str, plural: str = "") -> str:
    """``n`` and the noun that goes with it: "1 finding", "0 findings"."""
    return f"{n} {noun(n, word, plural)}"
