"""Fuzzing with generated mutants (issue 16): no input makes the scanner or the fixer raise.

Mutants of the rule case files (lines deleted, duplicated, swapped, re-indented, cut short,
hostile characters and deep nesting spliced in) are scanned and fixed; the only acceptable
outcomes are a result (with findings or per-file errors) and, for ``--fix``, a fix or a
:class:`FixError` / :class:`SourceError`. Deterministic (a fixed seed) and bounded: at most
:data:`MUTANTS` mutants and :data:`BUDGET_SECONDS` seconds per test (a slow, shared machine
gets fewer mutants, never a failure for slowness). ``ISOLINT_FUZZ_MUTANTS=N`` runs N.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from isolint.config import Settings
from isolint.engine import SourceError, scan_source
from isolint.fixes.apply import FixError, fix_source
from isolint.fixes.base import FixOptions
from isolint.pysource import parse_quietly

CASES = sorted((Path(__file__).parent / "rules" / "cases").glob("*.py"))
MUTANTS = int(os.environ.get("ISOLINT_FUZZ_MUTANTS", "300"))
BUDGET_SECONDS = 20.0
SPLICES = (
    "\x00", "\r", "\r\n", "\t", "\ufeff", "'''", '"', "\\", "`", "os" + ".a" * 600,
    "(" * 150 + ")" * 150, "[" * 90 + "]" * 90, "lambda: " * 60 + "0", "yield", "await x",
    "finally:", "del os.environ['A']", "os.environ['\\n::error::x'] = '1'", "@pytest.fixture",
    "monkeypatch.setenv('A', '1')", "patch('os.getcwd').start()", "global x", "nonlocal y",
    "class T(unittest.TestCase):", "def teardown_method(self):", "sys.path = None",
)


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True) or ["\n"]
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        i = rng.randrange(len(lines))
        if op == 0 and len(lines) > 1:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = " " * rng.choice((1, 4, 8)) + lines[i]
        elif op == 4:
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: rng.randrange(len(lines[-1]) + 1)]
        else:
            at = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:at] + rng.choice(SPLICES) + lines[i][at:]
    return "".join(lines)


def mutants():
    rng = random.Random(16)
    deadline = time.monotonic() + BUDGET_SECONDS
    for number in range(MUTANTS):
        if time.monotonic() > deadline:
            return
        case = CASES[number % len(CASES)]
        yield case.name, mutate(case.read_text(encoding="utf-8"), rng)


def test_scanning_mutants_never_raises():
    scanned = 0
    for name, text in mutants():
        kind = "conftest" if "conftest" in name else "test"
        result = scan_source(text, f"tests/{name}", Settings(), kind=kind)
        assert all(e.message for e in result.errors)
        scanned += 1
    assert scanned >= min(MUTANTS, 20)


def test_fixing_mutants_never_raises_nor_breaks_the_code():
    fixed = 0
    for name, text in mutants():
        try:
            new, _, _ = fix_source(text, f"tests/{name}", Settings(), options=FixOptions(unsafe=True))
        except (FixError, SourceError):
            continue
        if new != text:
            parse_quietly(new)  # what --fix writes always parses
            fixed += 1
    assert fixed > 0
