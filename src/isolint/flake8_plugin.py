"""isolint as a flake8 plugin (entry point group ``flake8.extension``, code prefix ``ISO``), so that
every editor and CI set-up that runs flake8 shows isolint's findings.

flake8 imports this module at start-up for every run, on every file it checks: it imports only
the standard library; the scanner is imported when the first file is checked. A file that
pytest would not collect (its ``python_files``, or ``conftest.py``) gets no findings, so
running flake8 over a whole project reports on the test code only. Settings come from the
project's configuration as for ``isolint check`` (pytest's configuration and
``[tool.isolint]``), found from the file's directory; flake8's own ``--select``,
``--extend-ignore`` and ``# noqa`` apply on top, as for any plugin.
"""

from __future__ import annotations

import ast
import os
from typing import Any, Iterator

from isolint._version import __version__


class Plugin:
    """flake8's AST plugin protocol: ``Plugin(tree, filename, lines).run()`` yields
    ``(line, column, "ISO003 message", type)`` with a 0-based column."""

    name = "isolint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str = "stdin", lines: list[str] | None = None) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines or []

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        from isolint.flake8_scan import findings_for

        for finding in findings_for(self.tree, self.filename, "".join(self.lines)):
            yield finding.line, max(finding.col - 1, 0), f"{finding.code} {finding.message}", type(self)
