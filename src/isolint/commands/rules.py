"""``isolint rules`` (every rule, one line each) and ``isolint rule NAME`` (its docs)."""

from __future__ import annotations

import argparse
import sys

from isolint.commands.common import _check_rule_keys
from isolint.errors import EXIT_OK


def run_rules(args: argparse.Namespace) -> int:
    from isolint.analysis.rules import ALL_RULES

    width = max(len(r.name) for r in ALL_RULES)
    for rule in ALL_RULES:
        fix = f"  fix: {rule.fix_safety.value}" if rule.has_fix() else ""
        off = "" if rule.default_enabled else "  (off unless selected)"
        print(f"{rule.code}  {rule.name:<{width}}  {rule.severity.name:<8}{fix}{off}".rstrip())
    return EXIT_OK


def run_rule(args: argparse.Namespace) -> int:
    from isolint.analysis.rules import retired_page, rule_by_key

    retired = retired_page(args.rule)
    if retired is not None:
        sys.stdout.write(retired)
        return EXIT_OK
    rule = rule_by_key(args.rule)
    if rule is None:
        _check_rule_keys((args.rule,), "rule")
    assert rule is not None
    sys.stdout.write(rule.documentation())
    return EXIT_OK
