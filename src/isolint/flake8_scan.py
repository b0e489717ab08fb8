"""The scanning side of the flake8 plugin (:mod:`isolint.flake8_plugin`): one file's findings,
with the project's settings found once per directory and each conftest parsed once per run."""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

from isolint.config import ConfigError, Settings
from isolint.discovery import is_test_module
from isolint.engine import scan_tree
from isolint.model import Finding
from isolint.orchestration import ConftestCache, load_settings

#: flake8's name for a file read from standard input without ``--stdin-display-name``.
STDIN_NAMES = ("stdin", "-")

_settings: dict[str, Settings] = {}
_conftests: dict[Settings, ConftestCache] = {}


def settings_for(directory: str) -> Settings:
    """The settings ``isolint check`` would use for a file in ``directory`` (memoised)."""
    if directory not in _settings:
        try:
            _settings[directory] = load_settings([Path(directory)], Path(directory))
        except ConfigError as exc:
            print(f"isolint: {exc}; checking with the default settings", file=sys.stderr)
            _settings[directory] = Settings()
    return _settings[directory]


def findings_for(tree: ast.AST, filename: str, source: str) -> tuple[Finding, ...]:
    """isolint's findings in one file flake8 checks; none when pytest would not collect it."""
    if filename in STDIN_NAMES:
        path, kind = os.path.join(os.getcwd(), "test_stdin.py"), "test"
    else:
        path = os.path.abspath(filename)
        kind = "conftest" if os.path.basename(path) == "conftest.py" else "test"
    settings = settings_for(os.path.dirname(path))
    if kind == "test" and not is_test_module(Path(path).as_posix(), settings):
        return ()
    if not isinstance(tree, ast.Module):
        return ()
    conftests = _conftests.setdefault(settings, ConftestCache(settings))
    facts = conftests.for_file(path)
    result = scan_tree(tree, source, filename, settings, kind, facts)
    for error in result.errors:
        print(f"{filename}: isolint: {error.message}", file=sys.stderr)
    return result.findings
