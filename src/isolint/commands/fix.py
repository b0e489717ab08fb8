"""``isolint check --fix / --diff``: the command-line side of the fixes (output and exit code).

``commands.check.run_check`` hands over here only when ``--fix`` or ``--diff`` is given, so
LibCST is imported only then.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from isolint.model import FileResult, ScanResult


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
    noun = "finding" if fixed == 1 else "findings"
    files = "file" if changed_files == 1 else "files"
    return f"{verb} {fixed} {noun} in {changed_files} {files} ({remaining} remaining)."


def run_fix(args: argparse.Namespace, settings) -> int:
    """Fix (or with ``--diff`` only show) what ``args.paths`` names; the exit code.

    The files are scanned as ``check`` scans them (cache, ``-j`` worker processes, progress on
    a terminal); only those with findings the fixers may rewrite are then fixed, over the same
    number of processes, so LibCST never sees the others."""
    from isolint.commands.common import report_errors, result_cache_for, write_output
    from isolint.discovery import default_paths, discover
    from isolint.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, exit_code
    from isolint.fixes.apply import explain_unfixed, fix_files, fixable_rules
    from isolint.orchestration import default_jobs, scan_files
    from isolint.progress import Progress, wants_progress
    from isolint.reporters import renderer

    options = fix_options(args, settings)
    cwd = Path.cwd()
    paths = [Path(p) for p in args.paths] or default_paths(settings, cwd)
    files, errors = discover(paths, settings, cwd)
    jobs = getattr(args, "jobs", None) or default_jobs()
    shown = wants_progress(len(files), sys.stderr, "text" if args.diff else args.format)
    progress = Progress(len(files), sys.stderr) if shown else None
    try:
        scanned = scan_files(files, settings, jobs=jobs, cache=result_cache_for(args, settings, cwd),
                             progress=progress)
    finally:
        if progress is not None:
            progress.close()
    by_path = {f.display: f for f in files}
    todo = []
    for scan in scanned:
        source = by_path.get(scan.path)
        if source is None or scan.errors:
            continue
        allowed = set(fixable_rules(settings, scan.path, source.kind, options.unsafe))
        if any(f.name in allowed for f in scan.findings):
            todo.append(source)
    progress = Progress(len(todo), sys.stderr, "fixing") if shown and todo else None
    try:
        fixes = fix_files(todo, settings, options, write=not args.diff, jobs=jobs,
                          advance=progress.advance if progress is not None else None,
                          scanned={r.path: r for r in scanned})
    finally:
        if progress is not None:
            progress.close()
    done = {f.path for f in fixes}
    results = [f.result for f in fixes]
    results += [explain_unfixed(r, settings, by_path[r.path].kind if r.path in by_path else "test",
                                options.unsafe) for r in scanned if r.path not in done]
    results += [FileResult(e.path, (), (e,)) for e in errors]
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
    write_output(renderer(args.format)(result), args.output)
    to_stdout = args.format == "text" and not args.output
    print(line, file=sys.stdout if to_stdout else sys.stderr)
    if args.format == "text":
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
