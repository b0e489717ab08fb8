"""The ``isolint`` command: argument parsing and dispatch to :mod:`isolint.commands`; nothing else."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from isolint._version import __version__
from isolint.errors import EXIT_ERROR, UsageError
from isolint.escaping import line

SEVERITY_CHOICES = ("critical", "high", "medium", "low")


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
    parser.add_argument("--xdist-group-policy", choices=("all", "changed-state", "shared-state"),
                        help="which test classes need an xdist_group marker: those where a test "
                             "changes state the class's tests share (changed-state, the default), "
                             "those whose tests share state (shared-state) or every one (all)")
    parser.add_argument("--dist", metavar="MODE",
                        help="the --dist mode pytest-xdist runs with (overrides the config)")
    parser.add_argument("--report-session-configuration", action="store_true", default=None,
                        help="also report changes that configure the whole session on purpose "
                             "(a conftest's module level and pytest_* hooks, session-scoped "
                             "autouse fixtures), quiet by default")


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
    check.set_defaults(handler="isolint.commands.check:run_check")

    add_report_commands(commands)

    polluters = commands.add_parser(
        "polluters", help="name the earlier tests that polluted each failed test of a runtime report"
    )
    polluters.add_argument("report", metavar="REPORT",
                           help="the JSON report of `pytest --isolint --isolint-report=REPORT`")
    polluters.add_argument("--confirm", action="store_true",
                           help="prove each candidate: run it and the failed test in a fresh process, "
                                "and the failed test alone")
    polluters.add_argument("--all", action="store_true",
                           help="with --confirm: try every candidate, not only up to the first confirmed one")
    polluters.add_argument("--format", choices=("text", "json"), default="text",
                           help="output format (default: text)")
    polluters.set_defaults(handler="isolint.commands.polluters:run_polluters")

    rules = commands.add_parser("rules", help="list every rule with code, name and severity")
    rules.set_defaults(handler="isolint.commands.rules:run_rules")
    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("rule", metavar="NAME", help="rule name or code")
    rule.set_defaults(handler="isolint.commands.rules:run_rule")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on a mistake, with a did-you-mean
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    module, _, function = args.handler.partition(":")
    try:
        # Each command's module is imported only when it runs (start-up stays light).
        handler = getattr(importlib.import_module(module), function)
        return int(handler(args))
    except UsageError as exc:
        print(f"isolint: error: {line(str(exc))}", file=sys.stderr)
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
    report.add_argument("--summary", action="store_true",
                        help="the short version for a pull-request comment (under 65,536 "
                             "characters): counts per rule and per directory, the top files")
    report.set_defaults(handler="isolint.commands.report:run_report")

    baseline = commands.add_parser(
        "baseline", help="record the current findings, so that `check --baseline` fails only on new ones")
    baseline.add_argument("baseline_file", metavar="FILE", help="the baseline to write (JSON)")
    add_scan_arguments(baseline)
    baseline.set_defaults(handler="isolint.commands.baseline:run_baseline")

    trend = commands.add_parser("trend", help="findings per commit over the git history")
    trend.add_argument("rev_range", nargs="?", metavar="REV_RANGE",
                       help="commits to scan, e.g. v1.0..HEAD (default: the last 10 of HEAD)")
    trend.add_argument("--last", type=int, metavar="N",
                       help="only the last N commits (of REV_RANGE; default 10 without it)")
    trend.add_argument("--path", action="append", dest="paths", default=[], metavar="PATH",
                       help="scan only PATH in each commit (repeatable; default: testpaths, else .)")
    add_rule_arguments(trend)
    trend.add_argument("--output-format", "--format", dest="format",
                       choices=("text", "markdown", "json"), default="text",
                       help="table format (default: text)")
    trend.add_argument("-o", "--output", metavar="FILE", help="write the table to FILE")
    trend.add_argument("--chart", metavar="FILE", help="also draw an SVG bar chart to FILE")
    trend.set_defaults(handler="isolint.commands.trend:run_trend")
