"""Parsing the scanned project's Python source: quietly, whatever warning filters are in force."""

from __future__ import annotations

import ast
import warnings


def parse_quietly(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse`` without the warnings compiling emits about the scanned code.

    An invalid escape such as ``"\\d"`` makes the compiler warn (DeprecationWarning on Python
    3.11, SyntaxWarning from 3.12). That is the scanned project's business: shown, it would fill
    isolint's output with the project's warnings, and under ``-W error`` or
    ``PYTHONWARNINGS=error`` the compiler raises it as a SyntaxError, so a valid file would
    become a per-file error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, filename)
