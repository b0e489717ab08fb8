"""Golden files per fixer: ``golden/<rule>[__case].py`` fixed must equal ``<same>.fixed.py``.

The fix runs with only that rule selected, on the path ``tests/api/test_api_versioning.py``
(so the xdist group is ``api_versioning``); a first line ``# unsafe-fixes`` allows unsafe fixes
(a rule whose fix is unsafe always runs with them). Lines marked ``# stays`` in the input must
still be reported after the fix, and nothing else of the rule. The fixed text must parse, and
fixing it again must change nothing. ``ISOLINT_UPDATE_GOLDENS=1`` rewrites the ``.fixed.py``
files.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from isolint.config import Settings
from isolint.engine import scan_source
from isolint.fixes.apply import comments, fix_source
from isolint.fixes.base import FixOptions
from isolint.model import FixSafety
from isolint.analysis.rules import rule_by_key

GOLDEN = Path(__file__).parent / "golden"
INPUTS = sorted(p for p in GOLDEN.glob("*.py") if not p.name.endswith(".fixed.py"))
PATH = "tests/api/test_api_versioning.py"


def settings(rule: str) -> Settings:
    """Only ``rule``; every test class asks for an xdist_group (the fixer does not depend on
    which classes the policy picks)."""
    return Settings(select=(rule,), xdist_group_policy="all")


def fix(source: str, rule: str) -> tuple[str, object]:
    unsafe = source.startswith("# unsafe-fixes") or rule_by_key(rule).fix_safety is FixSafety.UNSAFE
    fixed, result, _count = fix_source(source, PATH, settings(rule),
                                       options=FixOptions(unsafe=unsafe))
    return fixed, result


def stays(source: str) -> int:
    return sum("# stays" in line for line in source.splitlines())


@pytest.mark.parametrize("case", INPUTS, ids=[p.stem for p in INPUTS])
def test_golden(case: Path) -> None:
    rule = case.stem.split("__")[0]
    source = case.read_text(encoding="utf-8")
    before = scan_source(source, PATH, settings(rule))
    assert len(before.findings) > stays(source), "the input must have findings to fix"
    fixed, result = fix(source, rule)
    expected_file = case.with_name(case.stem + ".fixed.py")
    if os.environ.get("ISOLINT_UPDATE_GOLDENS"):
        expected_file.write_text(fixed, encoding="utf-8")
    assert fixed == expected_file.read_text(encoding="utf-8")
    ast.parse(fixed)
    assert not comments(source) - comments(fixed), "a comment was lost"
    remaining = {f.snippet for f in result.findings}
    assert len(result.findings) == stays(source), remaining
    assert all("# stays" in snippet for snippet in remaining), remaining
    again, _ = fix(fixed, rule)
    assert again == fixed, "a second --fix changed the file"


def test_every_fixer_has_a_golden_file() -> None:
    from isolint.fixes import FIXERS
    from isolint.analysis.rules import ALL_RULES

    fixable = {r.name for r in ALL_RULES if r.fix_safety is not FixSafety.NONE and r.name in FIXERS}
    covered = {p.stem.split("__")[0] for p in INPUTS}
    assert fixable <= covered, sorted(fixable - covered)
