"""``isolint report``: a Markdown report for a team."""

from __future__ import annotations

import argparse
import os

from isolint.commands.common import load_settings_for, report_errors, scan_paths_for, write_output
from isolint.errors import exit_code


def run_report(args: argparse.Namespace) -> int:
    import datetime

    from isolint.reporters.markdown import render, render_summary

    settings = load_settings_for(args)
    result = scan_paths_for(args, settings)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    generated = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
        if epoch.isdigit() else datetime.date.today()
    )
    write_output((render_summary if args.summary else render)(result, settings, generated), args.output)
    report_errors(result)
    return exit_code(result, settings.fail_on, exit_zero=True)
