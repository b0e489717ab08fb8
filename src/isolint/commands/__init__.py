"""The ``isolint`` commands, one module each (check, report, fix, baseline, trend, rules).

Each takes the parsed arguments and returns an exit code; ``cli`` only parses and dispatches.
Exit codes and errors come from :mod:`isolint.errors`; nothing here imports the CLI.
"""
