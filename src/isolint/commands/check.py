"""``isolint check``: scan, mark runtime-confirmed findings, apply a baseline, report."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from isolint.commands.common import (
    load_settings_for,
    render_check,
    report_errors,
    scan_paths_for,
    write_output,
)
from isolint.errors import UsageError, exit_code
from isolint.wording import count


def run_check(args: argparse.Namespace) -> int:
    settings = load_settings_for(args)
    if args.fix or args.diff:
        from isolint.commands.fix import run_fix

        return run_fix(args, settings)
    if args.unsafe_fixes:
        raise UsageError("--unsafe-fixes needs --fix or --diff")
    if args.test_files_only:
        args.paths = _test_files_only(args.paths, settings)
    result = scan_paths_for(args, settings) if args.paths is not None else _empty_result()
    if args.paths is not None and not args.quiet:
        warn_if_no_test_files(result, args, settings)
    if args.runtime_report:
        result = _mark_confirmed(result, args.runtime_report)
    stale, hidden = (), 0
    if args.baseline:
        known = len(result.findings)
        result, stale = _apply_baseline(result, args.baseline)
        hidden = known - len(result.findings)
    write_output(render_check(result, args), args.output)
    report_errors(result)
    if not args.quiet:
        _report_stale(stale, args.baseline)
        if args.baseline:
            print(f"isolint: {count(hidden, 'known finding')} in the baseline {args.baseline} "
                  f"{'was' if hidden == 1 else 'were'} not reported", file=sys.stderr)
    return exit_code(result, settings.fail_on, args.exit_zero)


def warn_if_no_test_files(result, args: argparse.Namespace, settings) -> None:
    """A scan that found no file to scan says where it looked and with which patterns."""
    if result.summary.files_scanned or result.errors:
        return
    from isolint import discovery

    cwd = Path.cwd()
    where = args.paths or [discovery.display_path(p, cwd) for p in discovery.default_paths(settings, cwd)]
    patterns = " ".join(settings.pytest.python_files)
    print(f"isolint: warning: no test files found in {', '.join(where) or '.'} "
          f"(python_files: {patterns}; and conftest.py)", file=sys.stderr)


def _mark_confirmed(result, report_path: str):
    """Findings the runtime plugin confirmed get " (confirmed at runtime)" in their message."""
    from dataclasses import replace

    from isolint.runtime import is_confirmed, load_runtime_report

    try:
        report = load_runtime_report(report_path)
    except (OSError, ValueError) as exc:
        raise UsageError(f"--runtime-report: {exc}") from None
    findings = tuple(
        replace(f, message=f"{f.message} (confirmed at runtime)") if is_confirmed(f, report) else f
        for f in result.findings
    )
    return replace(result, findings=findings)


def _empty_result():
    from isolint.model import ScanResult

    return ScanResult.build([])


def _test_files_only(paths: list[str], settings) -> list[str] | None:
    """The named files pytest would collect (test modules, conftest.py) and every directory;
    None when files were named and none of them is one."""
    from isolint.discovery import is_test_module

    kept = [
        p for p in paths
        if Path(p).is_dir() or Path(p).name == "conftest.py"
        or is_test_module(Path(os.path.abspath(p)).as_posix(), settings)
    ]
    return kept if kept or not paths else None


def _apply_baseline(result, baseline_path: str):
    """``result`` with only the findings not in the baseline, and the stale baseline entries."""
    from dataclasses import replace

    from isolint.baseline import BaselineError, compare, loads
    from isolint.model import Summary

    try:
        text = Path(baseline_path).read_text(encoding="utf-8")
        entries = loads(text, baseline_path)
    except OSError as exc:
        raise UsageError(f"--baseline: {baseline_path}: {exc.strerror or exc}") from None
    except (BaselineError, UnicodeDecodeError) as exc:
        raise UsageError(f"--baseline: {exc}") from None
    directory = os.path.dirname(os.path.abspath(baseline_path))
    from isolint.analysis.rules import RULE_REDIRECTS

    comparison = compare(result.findings, entries, directory, RULE_REDIRECTS)
    summary = Summary.build(result.summary.files_scanned, comparison.new, len(result.errors))
    return replace(result, findings=comparison.new, summary=summary), comparison.stale


def _report_stale(stale, baseline_path: str | None) -> None:
    """Baseline entries that no longer match a finding: fixed (or moved), so remove them."""
    for entry in stale:
        where = f" in `{entry.scope}`" if entry.scope else ""
        print(f"{entry.path}: stale baseline entry: {entry.rule} {entry.name}{where}: "
              f"{entry.snippet}", file=sys.stderr)
    if stale:
        print(f"isolint: {count(len(stale), 'baseline entry', 'baseline entries')} no longer "
              f"{'matches' if len(stale) == 1 else 'match'} a finding (fixed?); "
              f"refresh with `isolint baseline {baseline_path}`", file=sys.stderr)
