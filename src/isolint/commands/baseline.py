"""``isolint baseline FILE``: record the current findings for ``check --baseline``."""

from __future__ import annotations

import argparse
import os
import sys

from isolint.commands.common import load_settings_for, report_errors, scan_paths_for, write_output
from isolint.errors import exit_code


def run_baseline(args: argparse.Namespace) -> int:
    from isolint.baseline import build, dumps

    settings = load_settings_for(args)
    result = scan_paths_for(args, settings)
    directory = os.path.dirname(os.path.abspath(args.baseline_file))
    write_output(dumps(build(result.findings, directory)), args.baseline_file)
    report_errors(result)
    count = len(result.findings)
    print(f"isolint: wrote {count} finding{'' if count == 1 else 's'} to {args.baseline_file}",
          file=sys.stderr)
    return exit_code(result, settings.fail_on, exit_zero=True)
