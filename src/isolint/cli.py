"""The ``isolint`` command: argument parsing, exit codes and writing output; nothing else."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from isolint import __version__
from isolint.wording import count

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITY_CHOICES = ("critical", "high", "medium", "low")


class UsageError(Exception):
    """A mistake in how isolint was called (exit code 2)."""


def _csv(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _check_rule_keys(keys: tuple[str, ...] | None, option: str) -> None:
    from isolint.rules import closest_rule_key, rule_by_key

    for key in keys or ():
        if rule_by_key(key) is None:
            close = closest_rule_key(key)
            hint = f" (did you mean {close!r}?)" if close else ""
            raise UsageError(f"{option}: unknown rule {key!r}{hint}; `isolint rules` lists them")


def add_scan_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that scans (check, report, baseline)."""
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or directories (default: pytest's testpaths, else .)")
    add_rule_arguments(parser)
    config = parser.add_mutually_exclusive_group()
    config.add_argument("--config", metavar="FILE",
                        help="read isolint's settings from FILE (a pyproject.toml with "
                             "[tool.isolint], or an isolint.toml) instead of the nearest "
                             "pyproject.toml")
    config.add_argument("--isolated", action="store_true",
                        help="ignore [tool.isolint] and every --config (pytest's own "
                             "configuration is still read: it says which files are tests)")
    parser.add_argument("-j", "--jobs", type=_jobs, metavar="N",
                        help="scan with N processes (default: the number of CPUs)")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the result cache")
    parser.add_argument("--cache-dir", metavar="DIR",
                        help="where to keep the result cache (default: .isolint_cache in the "
                             "project root)")


def add_rule_arguments(parser: argparse.ArgumentParser) -> None:
    """Options that change what a scan reports (check, report, baseline, trend)."""
    parser.add_argument("--select", action="append", metavar="RULES",
                        help="only these rules (names or codes, comma-separated)")
    parser.add_argument("--ignore", action="append", metavar="RULES",
                        help="skip these rules (names or codes, comma-separated)")
    parser.add_argument("--extend-select", action="append", metavar="RULES",
                        help="add these rules to the selection (e.g. the off-by-default "
                             "unused_suppression)")
    parser.add_argument("--extend-ignore", action="append", metavar="RULES",
                        help="skip these rules as well as the configured ignore")
    parser.add_argument("--exclude", action="append", metavar="GLOB",
                        help="skip files and directories matching GLOB (repeatable)")
    parser.add_argument("--xdist-group-policy", choices=("all", "shared-state"),
                        help="which test classes need an xdist_group marker")
    parser.add_argument("--dist", metavar="MODE",
                        help="the --dist mode pytest-xdist runs with (overrides the config)")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    from isolint.argparsing import Parser

    parser = Parser(
        prog="isolint",
        description="Find and prove test-isolation hazards in pytest suites.",
    )
    parser.add_argument("--version", action="version", version=f"isolint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="scan test files and report hazards")
    add_scan_arguments(check)
    from isolint.reporters import FORMATS

    check.add_argument("--output-format", "--format", dest="format", choices=sorted(FORMATS),
                       help="concise: one line per finding; full: with the source line and the "
                            "fix (default on a terminal, else concise); text: concise's old "
                            "name; json, sarif, github")
    check.add_argument("--show-source", dest="format", action="store_const", const="full",
                       help="the same as --output-format full")
    check.add_argument("--statistics", action="store_true",
                       help="print only the number of findings per rule")
    check.add_argument("-q", "--quiet", action="store_true",
                       help="print the findings and nothing else (no summary, no notes)")
    check.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    check.add_argument("--fail-on", choices=SEVERITY_CHOICES,
                       help="exit 1 only for findings at or above this severity (default: any)")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when there are findings (errors still exit 2)")
    check.add_argument("--runtime-report", metavar="FILE",
                       help="mark findings confirmed by the pytest plugin's JSON report")
    check.add_argument("--baseline", metavar="FILE",
                       help="report and fail only on findings not in this baseline "
                            "(see `isolint baseline`)")
    check.add_argument("--test-files-only", action="store_true",
                       help="of the files named, scan only test modules and conftest.py "
                            "(for pre-commit, which passes every staged Python file)")
    check.add_argument("--fix", action="store_true",
                       help="rewrite the fixable hazards into the safe idioms (safe fixes only)")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix or --diff: also apply fixes that can change behaviour")
    check.add_argument("--diff", action="store_true",
                       help="print the fixes as unified diffs, write nothing (exit 1 if any)")
    check.add_argument("--xdist-group-name", metavar="TEMPLATE",
                       help="xdist_group name the fix adds: {stem}, {dir}, {module}, {cls} "
                            "(default: {stem}, the file name without test_)")
    check.set_defaults(handler=run_check)

    add_report_commands(commands)

    rules = commands.add_parser("rules", help="list every rule with code, name and severity")
    rules.set_defaults(handler=run_rules)
    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("rule", metavar="NAME", help="rule name or code")
    rule.set_defaults(handler=run_rule)
    return parser


def load_settings_for(args: argparse.Namespace):
    """The project's settings with the command line's options applied on top."""
    from isolint.config import ConfigError, load_settings

    paths = [Path(p) for p in args.paths]
    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:
        raise UsageError(f"path does not exist: {missing[0]}")
    config = getattr(args, "config", None)
    try:
        settings = load_settings(paths or None, Path.cwd(), config_file=Path(config) if config else None,
                                 isolated=getattr(args, "isolated", False))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return apply_overrides(args, settings)


def apply_overrides(args: argparse.Namespace, settings):
    """``settings`` with the command line's rule options applied on top."""
    select, ignore = _csv(args.select), _csv(args.ignore)
    extend_select, extend_ignore = _csv(args.extend_select), _csv(args.extend_ignore)
    for keys, option in ((select, "--select"), (ignore, "--ignore"),
                         (extend_select, "--extend-select"), (extend_ignore, "--extend-ignore")):
        _check_rule_keys(keys, option)
    exclude = settings.exclude + tuple(args.exclude or ())
    changes: dict[str, object] = {
        "select": select,
        "ignore": ignore,
        "extend_select": settings.extend_select + extend_select if extend_select else None,
        "extend_ignore": settings.extend_ignore + extend_ignore if extend_ignore else None,
        "exclude": exclude if args.exclude else None,
        "xdist_group_policy": args.xdist_group_policy,
        "fail_on": getattr(args, "fail_on", None),
    }
    if args.dist:
        from dataclasses import replace

        from isolint.config import DIST_MODES

        if args.dist not in DIST_MODES:
            raise UsageError(f"--dist: unknown mode {args.dist!r} (choose from {', '.join(DIST_MODES)})")
        changes["pytest"] = replace(settings.pytest, dist_mode=args.dist, dist_source="--dist option")
    return settings.with_overrides(**changes)


def scan_paths_for(args: argparse.Namespace, settings):
    """Scan what ``args.paths`` names (default: testpaths, else the current directory)."""
    from isolint import discovery
    from isolint.parallel import default_jobs, scan_paths

    cwd = Path.cwd()
    paths = [Path(p) for p in args.paths] or discovery.default_paths(settings, cwd)
    cache = None
    if not getattr(args, "no_cache", False):
        from isolint.cache import ResultCache, default_cache_dir

        cache_dir = getattr(args, "cache_dir", None)
        cache = ResultCache(Path(cache_dir) if cache_dir else default_cache_dir(settings, cwd), settings)
    jobs = getattr(args, "jobs", None) or default_jobs()
    from isolint.progress import Progress, wants_progress

    fmt = getattr(args, "format", None) or "text"
    fmt = "text" if fmt in ("concise", "full") else fmt

    def progress_for(files: int):
        return Progress(files, sys.stderr) if wants_progress(files, sys.stderr, fmt) else None

    return scan_paths(paths, settings, cwd, jobs=jobs, cache=cache, progress_for=progress_for)


def exit_code(result, fail_on: str, exit_zero: bool = False) -> int:
    from isolint.model import Severity

    if result.errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_OK
    threshold = Severity.parse(fail_on) if fail_on else Severity.LOW
    return EXIT_FINDINGS if any(f.severity >= threshold for f in result.findings) else EXIT_OK


def write_output(text: str, output: str | None) -> None:
    if output:
        from isolint.atomic import write_atomic

        try:
            write_atomic(output, text.encode("utf-8"))
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)


def report_errors(result) -> None:
    for error in result.errors:
        print(f"{error.path}: error: {error.message}", file=sys.stderr)


def run_check(args: argparse.Namespace) -> int:
    settings = load_settings_for(args)
    if args.fix or args.diff:
        from isolint.fixes.command import run_fix

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


def render_check(result, args: argparse.Namespace) -> str:
    """The check's output: per-rule counts (``--statistics``), or the chosen format (default:
    ``full`` on a terminal, else ``concise``); ``--quiet`` drops the summary line."""
    from isolint.reporters import renderer
    from isolint.reporters.text import statistics

    if args.statistics:
        return statistics(result)
    from isolint.progress import is_terminal

    fmt = args.format or ("full" if not args.output and is_terminal(sys.stdout) else "concise")
    text = renderer(fmt)(result)
    if args.quiet and fmt in ("concise", "full", "text"):
        text = text[: text.rstrip("\n").rfind("\n") + 1]  # the summary is the last line
    return text


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


def run_rules(args: argparse.Namespace) -> int:
    from isolint.rules import ALL_RULES

    width = max(len(r.name) for r in ALL_RULES)
    for rule in ALL_RULES:
        fix = f"  fix: {rule.fix_safety.value}" if rule.has_fix() else ""
        off = "" if rule.default_enabled else "  (off unless selected)"
        print(f"{rule.code}  {rule.name:<{width}}  {rule.severity.name:<8}{fix}{off}".rstrip())
    return EXIT_OK


def run_rule(args: argparse.Namespace) -> int:
    from isolint.rules import rule_by_key

    rule = rule_by_key(args.rule)
    if rule is None:
        _check_rule_keys((args.rule,), "rule")
    assert rule is not None
    sys.stdout.write(rule.documentation())
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on a mistake, with a did-you-mean
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return int(args.handler(args))
    except UsageError as exc:
        print(f"isolint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR


# ------------------------------------------------------------------------------------------
# reports, baseline, trend


def add_report_commands(commands) -> None:
    report = commands.add_parser("report", help="write a Markdown report for a team")
    add_scan_arguments(report)
    report.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    report.set_defaults(handler=run_report)

    baseline = commands.add_parser(
        "baseline", help="record the current findings, so that `check --baseline` fails only on new ones")
    baseline.add_argument("baseline_file", metavar="FILE", help="the baseline to write (JSON)")
    add_scan_arguments(baseline)
    baseline.set_defaults(handler=run_baseline)

    trend = commands.add_parser("trend", help="findings per commit over the git history")
    trend.add_argument("rev_range", nargs="?", metavar="REV_RANGE",
                       help="commits to scan, e.g. v1.0..HEAD (default: the last 10 of HEAD)")
    trend.add_argument("--last", type=int, metavar="N",
                       help="only the last N commits (of REV_RANGE; default 10 without it)")
    trend.add_argument("--path", action="append", dest="paths", default=[], metavar="PATH",
                       help="scan only PATH in each commit (repeatable; default: testpaths, else .)")
    add_rule_arguments(trend)
    trend.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                       help="table format (default: text)")
    trend.add_argument("-o", "--output", metavar="FILE", help="write the table to FILE")
    trend.add_argument("--chart", metavar="FILE", help="also draw an SVG bar chart to FILE")
    trend.set_defaults(handler=run_trend)


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
    comparison = compare(result.findings, entries, directory)
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


def run_report(args: argparse.Namespace) -> int:
    import datetime

    from isolint.reporters.markdown import render

    settings = load_settings_for(args)
    result = scan_paths_for(args, settings)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    generated = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
        if epoch.isdigit() else datetime.date.today()
    )
    write_output(render(result, settings, generated), args.output)
    report_errors(result)
    return exit_code(result, settings.fail_on, exit_zero=True)


def run_baseline(args: argparse.Namespace) -> int:
    from isolint.baseline import build, dumps

    _check_baseline_target(args.baseline_file)
    settings = load_settings_for(args)
    result = scan_paths_for(args, settings)
    directory = os.path.dirname(os.path.abspath(args.baseline_file))
    write_output(dumps(build(result.findings, directory)), args.baseline_file)
    report_errors(result)
    print(f"isolint: wrote {count(len(result.findings), 'finding')} to {args.baseline_file}",
          file=sys.stderr)
    return exit_code(result, settings.fail_on, exit_zero=True)


def _check_baseline_target(name: str) -> None:
    """Refuse to write a baseline over anything but a baseline (a test file least of all)."""
    from isolint.baseline import overwrite_problem

    text = None
    if os.path.lexists(name):
        if not os.path.isfile(name) or os.path.islink(name):
            raise UsageError(f"refusing to write the baseline to {name}: not a regular file")
        try:
            with open(name, "rb") as handle:
                text = handle.read(1 << 20).decode("utf-8", "replace")
        except OSError as exc:
            raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    problem = overwrite_problem(name, text)
    if problem:
        raise UsageError(
            f"refusing to write the baseline to {name}: {problem}. `isolint baseline FILE "
            f"[PATH ...]` takes the baseline file first, e.g. `isolint baseline "
            f".isolint-baseline.json {name}`")


def run_trend(args: argparse.Namespace) -> int:
    from isolint import trend

    _check_rule_keys(_csv(args.select), "--select")
    _check_rule_keys(_csv(args.ignore), "--ignore")
    if args.last is not None and args.last < 1:
        raise UsageError(f"--last: must be at least 1, not {args.last}")
    cwd = Path.cwd().resolve()
    try:
        root = trend.repo_root(cwd)
        paths = [trend.relative_to_root(root, p, cwd) for p in args.paths]
        history = trend.commits(root, args.rev_range, args.last or (None if args.rev_range else 10))
        points = trend.collect(root, history, paths, trend.relative_to_root(root, ".", cwd),
                               lambda settings: apply_overrides(args, settings))
    except trend.GitError as exc:
        raise UsageError(str(exc)) from None
    write_output(trend.FORMATS[args.format](points), args.output)
    if args.chart:
        write_output(trend.render_svg(points), args.chart)
    return EXIT_OK
