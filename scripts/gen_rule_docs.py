"""Regenerate the rule pages in docs/rules/ from the rules' docstrings.

    python scripts/gen_rule_docs.py          # write docs/rules/NAME.md and docs/rules/README.md
    python scripts/gen_rule_docs.py --check  # exit 1 (and name the pages) when any is stale

Each page is ``Rule.documentation()``, the same text ``isolint rule NAME`` prints; the index
lists every rule of ``isolint.analysis.rules.ALL_RULES`` in code order. tests/test_rule_docs.py fails
when the committed pages differ from what this script writes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from isolint.analysis.rules import ALL_RULES, RETIRED_RULES, retired_page
from isolint.analysis.rules.base import Rule

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"
INDEX = "README.md"


def fix_summary(rule: type[Rule]) -> str:
    """``safe (always)``, ``unsafe (sometimes)`` or ``none``."""
    if not rule.has_fix():
        return "none"
    return f"{rule.fix_safety.value} ({rule.fix_availability})"


def index_page(rules: tuple[type[Rule], ...] = ALL_RULES) -> str:
    lines = [
        "# Rules",
        "",
        "Generated from the rules' docstrings by `scripts/gen_rule_docs.py`; do not edit by hand.",
        "`isolint rule NAME` prints the same pages.",
        "",
        "| code | name | severity | fix |",
        "|---|---|---|---|",
    ]
    for rule in rules:
        lines.append(
            f"| {rule.code} | [`{rule.name}`]({rule.name}.md) | {rule.severity.name} "
            f"| {fix_summary(rule)} |"
        )
    if RETIRED_RULES:
        lines += ["", "Retired rules (their names and codes still work, as redirects):", ""]
        for code, (name, target, _) in RETIRED_RULES.items():
            lines.append(f"- {code} [`{name}`]({name}.md): merged into {target}")
    return "\n".join(lines) + "\n"


def pages(rules: tuple[type[Rule], ...] = ALL_RULES) -> dict[str, str]:
    """File name (in docs/rules/) -> content, for every rule page and the index."""
    out = {f"{rule.name}.md": rule.documentation() for rule in rules}
    for name, _, _ in RETIRED_RULES.values():
        out[f"{name}.md"] = retired_page(name)  # type: ignore[assignment]
    out[INDEX] = index_page(rules)
    return out


def stale(directory: Path = DOCS) -> list[str]:
    """Pages that are missing or differ, and .md files that no rule has any more."""
    wanted = pages()
    out = [
        name for name, text in wanted.items()
        if not (directory / name).is_file() or (directory / name).read_text(encoding="utf-8") != text
    ]
    out += sorted(p.name for p in directory.glob("*.md") if p.name not in wanted)
    return out


def write(directory: Path = DOCS) -> list[str]:
    """Write every page; remove pages of rules that no longer exist. Returns what changed."""
    changed = stale(directory)
    directory.mkdir(parents=True, exist_ok=True)
    wanted = pages()
    for name in changed:
        path = directory / name
        if name in wanted:
            path.write_text(wanted[name], encoding="utf-8")
        else:
            path.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale pages")
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale()
        for name in out_of_date:
            print(f"docs/rules/{name} is out of date", file=sys.stderr)
        if out_of_date:
            print("run: python scripts/gen_rule_docs.py", file=sys.stderr)
        return 1 if out_of_date else 0
    for name in write():
        print(f"wrote docs/rules/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
