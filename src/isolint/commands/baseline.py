"""``isolint baseline FILE``: record the current findings for ``check --baseline``."""

from __future__ import annotations

import argparse
import os
import sys

from isolint.commands.common import load_settings_for, report_errors, scan_paths_for, write_output
from isolint.errors import UsageError, exit_code
from isolint.wording import count


def run_baseline(args: argparse.Namespace) -> int:
    from isolint.baseline import build, dumps

    check_baseline_target(args.baseline_file)
    settings = load_settings_for(args)
    result = scan_paths_for(args, settings)
    directory = os.path.dirname(os.path.abspath(args.baseline_file))
    write_output(dumps(build(result.findings, directory)), args.baseline_file)
    report_errors(result)
    print(f"isolint: wrote {count(len(result.findings), 'finding')} to {args.baseline_file}",
          file=sys.stderr)
    return exit_code(result, settings.fail_on, exit_zero=True)


def check_baseline_target(name: str) -> None:
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
