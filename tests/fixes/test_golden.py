"""Golden files per fixer: ``golden/<rule>[__case].py`` fixed must equal ``<same>.fixed.py``.

The fix runs with only that rule selected, on the path ``tests/api/test_api_versioning.py``
(so the xdist group is ``api_versioning``); a first line ``# unsafe-fixes`` allows unsafe fixes
(a rule whose fix is unsafe always runs with them). Lines marked ``# stays`` in the input must
still be reported after the fix, and nothing else of the rule. The fixed text must parse, and
fixing it again must change nothing. ``ISOLINT_UPDATE_GOLDENS=1`` rewrites the ``.fixed.py``
files.

A golden input with ``# runs with pytest`` in its first line is a real test module: it and its
``.fixed.py`` are run with pytest (next to ``golden/_support``), and every test must have the
same outcome before and after the fix.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
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


RUNNABLE = [p for p in INPUTS if p.read_text(encoding="utf-8").startswith("# runs with pytest")]


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


def outcomes(module: Path, tmp_path: Path) -> dict[str, str]:
    """Each test of ``module`` and its outcome, run by pytest in a fresh process."""
    work = tmp_path / module.name.replace(".", "_")
    work.mkdir()
    for helper in (GOLDEN / "_support").glob("*.py"):
        shutil.copy(helper, work)
    shutil.copy(module, work / "test_golden_case.py")
    report = work / "report.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ISOLINT_GOLDEN"))}
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                    f"--junitxml={report}", "test_golden_case.py"],
                   cwd=work, env=env, capture_output=True, check=False, timeout=120)
    result = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        result[case.get("name", "")] = kinds[0] if kinds else "passed"
    return result


@pytest.mark.parametrize("case", RUNNABLE, ids=[p.stem for p in RUNNABLE])
def test_golden_tests_pass_before_and_after_the_fix(case: Path, tmp_path: Path) -> None:
    before = outcomes(case, tmp_path)
    after = outcomes(case.with_name(case.stem + ".fixed.py"), tmp_path)
    assert before and set(before.values()) == {"passed"}, before
    assert after == before
