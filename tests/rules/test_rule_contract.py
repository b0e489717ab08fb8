"""`Rule.__init_subclass__` refuses a rule whose metadata or docs are incomplete or inconsistent."""

from __future__ import annotations

import re

import pytest

from isolint.model import FixSafety, Severity
from isolint.analysis.rules import ALL_RULES
from isolint.analysis.rules.base import Rule

DOC = """
## What it does
x
## Why is this bad?
x
## Example
x
## Use instead
x
"""


def make(**attrs):
    body = {"code": "ISO999", "name": "sample_rule", "severity": Severity.LOW,
            "message": "m", "__doc__": DOC, **attrs}
    return type("Sample", (Rule,), body)


def test_a_complete_rule_is_accepted():
    assert not make().has_fix()
    assert make(fix_safety=FixSafety.UNSAFE, fix_availability="sometimes").has_fix()


@pytest.mark.parametrize(
    ("attrs", "complaint"),
    [
        ({"code": "X1"}, "is not ISO + three digits"),
        ({"name": "SampleRule"}, "is not snake_case"),
        ({"severity": "HIGH"}, "severity must be a Severity"),
        ({"__doc__": "## What it does\nx"}, "docstring lacks"),
        ({"fix_availability": "often"}, "bad fix_availability"),
        ({"fix_safety": FixSafety.SAFE}, "does not go with fix_availability 'never'"),
        ({"fix_availability": "always"}, "'none' does not go with fix_availability 'always'"),
    ],
)
def test_an_inconsistent_rule_is_refused(attrs, complaint):
    with pytest.raises(TypeError, match=re.escape(complaint)):
        make(**attrs)


def test_codes_and_names_are_unique():
    assert len({r.code for r in ALL_RULES}) == len({r.name for r in ALL_RULES}) == len(ALL_RULES)
