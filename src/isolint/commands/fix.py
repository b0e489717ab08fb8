"""``isolint check --fix / --diff``: the command-line side of the fixes (output and exit code).

``commands.check.run_check`` hands over here only when ``--fix`` or ``--diff`` is given, so
LibCST is imported only then.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from isolint.model import FileResult, ScanResult
from isolint.wording import count


def fix_options(args: argparse.Namespace, settings):
    from isolint.config import group_name_template_problem
    from isolint.fixes.base import FixOptions

    template = args.xdist_group_name or settings.xdist_group_name
    problem = group_name_template_problem(template)
    if problem:
        from isolint.errors import UsageError

        raise UsageError(f"--xdist-group-name: {problem}")
    return FixOptions(unsafe=bool(args.unsafe_fixes), xdist_group_name=template)


def summary_line(fixed: int, remaining: int, changed_files: int, dry_run: bool) -> str:
    verb = "Would fix" if dry_run else "Fixed"
    return f"{verb} {count(fixed, 'finding')} in {count(changed_files, 'file')} ({remaining} remaining)."


def run_fix(args: argparse.Namespace, settings) -> int:
    """Fix (or with ``--diff`` only show) what ``args.paths`` names; the exit code."""
    from isolint.commands.common import render_check, report_errors, write_output
    from isolint.discovery import default_paths, discover
    from isolint.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, exit_code
    from isolint.fixes.apply import fix_files

    options = fix_options(args, settings)
    cwd = Path.cwd()
    paths = [Path(p) for p in args.paths] or default_paths(settings, cwd)
    files, errors = discover(paths, settings, cwd)
    fixes = fix_files(files, settings, options, write=not args.diff)
    results = [f.result for f in fixes] + [FileResult(e.path, (), (e,)) for e in errors]
    result = ScanResult.build(results)
    changed = [f for f in fixes if f.changed]
    line = summary_line(sum(f.fixed_count for f in fixes), result.summary.total, len(changed),
                        dry_run=args.diff)
    if args.diff:
        write_output("".join(f.diff() for f in changed), args.output)
        print(line, file=sys.stderr)
        report_errors(result)
        if result.errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if changed else EXIT_OK
    write_output(render_check(result, args), args.output)
    to_stdout = args.format in (None, "concise", "full", "text") and not args.output
    if not args.quiet:
        print(line, file=sys.stdout if to_stdout else sys.stderr)
    report_errors(result)
    return exit_code(result, settings.fail_on, args.exit_zero)


__all__ = ["run_fix", "summary_line", "fix_options"]
