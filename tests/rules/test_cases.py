"""Scores every fixture file in ``cases/``: each ``# expect: NAME`` line must be reported for
rule NAME, and nothing else may be.

A case file is named after its rule (``env_var_pollution.py``, or ``env_var_pollution__more.py``)
and only that rule runs on it. An optional first line ``# settings: {json}`` sets Settings fields
(a ``select`` there replaces the file's rule: list it too);
``# kind: conftest`` scans it as a conftest; ``# whole scan`` also runs the whole-scan pass
(:mod:`isolint.shared_values`) over the file as if it were the only file scanned;
``# no findings expected`` marks a file of safe idioms only.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from isolint.config import PytestConfig, Settings
from isolint.engine import scan_source
from isolint.shared_values import drop_single_test_values
from isolint.analysis.rules import rule_by_key

CASES = sorted((Path(__file__).parent / "cases").glob("*.py"))
EXPECT = re.compile(r"#\s*expect:\s*([a-z_,\s]+)")


def expected(source: str) -> set[tuple[int, str]]:
    out = set()
    for number, line in enumerate(source.splitlines(), 1):
        match = EXPECT.search(line)
        if match:
            out.update((number, name.strip()) for name in match.group(1).split(",") if name.strip())
    return out


def settings_for(source: str, rule: str) -> Settings:
    first = source.splitlines()[0] if source else ""
    fields: dict = {}
    if first.startswith("# settings:"):
        fields = json.loads(first.split(":", 1)[1])
    pytest_fields = fields.pop("pytest", {})
    select = tuple(fields.pop("select", (rule,)))
    return replace(Settings(select=select, **fields), pytest=PytestConfig(**pytest_fields))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case_file(case: Path) -> None:
    rule = case.stem.split("__")[0]
    assert rule_by_key(rule) is not None, f"{case.name}: no rule named {rule!r}"
    source = case.read_text(encoding="utf-8")
    kind = "conftest" if "# kind: conftest" in source else "test"
    result = scan_source(source, case.name, settings_for(source, rule), kind=kind)
    if "# whole scan" in source:
        [result] = drop_single_test_values([result])
    assert not result.errors, result.errors
    reported = {(f.line, f.name) for f in result.findings}
    want = expected(source)
    assert want or "# no findings expected" in source, f"{case.name} has no `# expect:` line"
    missing = sorted(want - reported)
    unexpected = sorted(reported - want)
    assert not missing and not unexpected, (
        f"\nmissed (line, rule): {missing}\nunexpected (line, rule): {unexpected}"
    )


def test_every_rule_has_a_case_file() -> None:
    from isolint.analysis.rules import ALL_RULES

    covered = {c.stem.split("__")[0] for c in CASES}
    assert {r.name for r in ALL_RULES} <= covered
