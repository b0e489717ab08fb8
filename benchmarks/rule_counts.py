"""Findings per rule over real suites: how much of a default scan two rules take.

    python benchmarks/rule_counts.py /work/suites/celery-5.4.0 /work/suites/pip-6d309205 ...

Runs ``isolint check --format json --no-cache --exit-zero`` from each suite's root (so the
suite's own pytest configuration applies, and pytest's ``testpaths`` when it has them), and
prints a Markdown table: findings per rule per suite, the total, and the share of
``missing_teardown_method`` + ``missing_xdist_group``. Extra arguments after ``--`` go to
every ``isolint check`` (e.g. ``-- --xdist-group-policy all``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

TRACKED = ("missing_teardown_method", "missing_xdist_group")


def counts(suite: Path, extra: list[str]) -> tuple[Counter[str], int, str]:
    """Findings per rule name, errors, and the warnings isolint printed."""
    proc = subprocess.run(
        [sys.executable, "-m", "isolint", "check", "--format", "json", "--no-cache",
         "--exit-zero", *extra],
        cwd=suite, capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0 and not proc.stdout.strip():
        raise SystemExit(f"{suite}: isolint failed ({proc.returncode}): {proc.stderr.strip()}")
    data = json.loads(proc.stdout)
    warnings = " ".join(line for line in proc.stderr.splitlines() if "warning" in line)
    return Counter(f["name"] for f in data["findings"]), len(data["errors"]), warnings


def main(argv: list[str]) -> int:
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    suites = [Path(a) for a in (argv[: argv.index("--")] if "--" in argv else argv)]
    table: dict[str, Counter[str]] = {}
    for suite in suites:
        found, errors, warnings = counts(suite, extra)
        table[suite.name] = found
        note = f" ({errors} files unreadable)" if errors else ""
        print(f"{suite.name}: {sum(found.values())} findings{note}", file=sys.stderr)
        if warnings:
            print(f"  {warnings}", file=sys.stderr)
    rules = sorted({name for found in table.values() for name in found})
    print("| suite | " + " | ".join(rules) + " | total | ISO001+ISO002 |")
    print("|---|" + "---|" * (len(rules) + 2))
    overall: Counter[str] = Counter()
    for suite, found in table.items():
        overall.update(found)
        total = sum(found.values())
        tracked = sum(found[r] for r in TRACKED)
        share = f"{tracked} ({tracked / total:.0%})" if total else "0"
        print(f"| {suite} | " + " | ".join(str(found[r]) for r in rules) + f" | {total} | {share} |")
    total = sum(overall.values())
    tracked = sum(overall[r] for r in TRACKED)
    share = f"{tracked} ({tracked / total:.1%})" if total else "0"
    print("| **all** | " + " | ".join(str(overall[r]) for r in rules) + f" | {total} | {share} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
