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
    """Fix (or with ``--diff`` only show) what ``args.paths`` names; the exit code.

    Each file is scanned as ``check`` scans it (through the cache, over ``-j`` worker
    processes, with progress on a terminal) and fixed in the same worker when it has findings
    the fixers may rewrite; LibCST never sees the others."""
    from isolint.commands.common import (TERMINAL_FORMATS, progress_format, render_check,
                                         report_errors, result_cache_for, write_output)
    from isolint.discovery import default_paths, discover
    from isolint.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, exit_code
    from isolint.fixes.apply import fix_paths
    from isolint.orchestration import default_jobs
    from isolint.progress import Progress, wants_progress

    options = fix_options(args, settings)
    cwd = Path.cwd()
    paths = [Path(p) for p in args.paths] or default_paths(settings, cwd)
    files, errors = discover(paths, settings, cwd)
    jobs = getattr(args, "jobs", None) or default_jobs()
    shown = wants_progress(len(files), sys.stderr, "text" if args.diff else progress_format(args.format))
    progress = Progress(len(files), sys.stderr, "fixing") if shown else None
    try:
        fixes = fix_paths(files, settings, options, write=not args.diff, jobs=jobs,
                          cache=result_cache_for(args, settings, cwd),
                          advance=progress.advance if progress is not None else None)
    finally:
        if progress is not None:
            progress.close()
    results = [f.result for f in fixes] + [FileResult(e.path, (), (e,)) for e in errors]
    result = ScanResult.build(results)
    changed = sorted((f for f in fixes if f.changed), key=lambda f: f.path)
    line = summary_line(sum(f.fixed_count for f in fixes), result.summary.total, len(changed),
                        dry_run=args.diff)
    if args.diff:
        write_output("".join(f.diff() for f in changed), args.output)
        print(line, file=sys.stderr)
        report_unfixed(result)
        report_errors(result)
        if result.errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if changed else EXIT_OK
    write_output(render_check(result, args), args.output)
    for_people = args.format in (None, *TERMINAL_FORMATS)
    if not args.quiet:
        print(line, file=sys.stdout if for_people and not args.output else sys.stderr)
        if for_people:
            report_unfixed(result)
    report_errors(result)
    return exit_code(result, settings.fail_on, args.exit_zero)


def report_unfixed(result: ScanResult) -> None:
    """On stderr, why each finding a fixer could have rewritten is left (one line each; the
    ones waiting for ``--unsafe-fixes`` counted in one line)."""
    from isolint.fixes.apply import UNSAFE_REASON

    unsafe = 0
    for finding in result.findings:
        if finding.unfixed == UNSAFE_REASON:
            unsafe += 1
        elif finding.unfixed:
            print(f"{finding.path}:{finding.line}:{finding.col}: {finding.code} not fixed: "
                  f"{finding.unfixed}", file=sys.stderr)
    if unsafe:
        noun = "finding has an unsafe fix" if unsafe == 1 else "findings have unsafe fixes"
        print(f"{unsafe} {noun}, applied with --unsafe-fixes.", file=sys.stderr)


__all__ = ["fix_options", "report_unfixed", "run_fix", "summary_line"]
