"""Reporters: pure ``render(result) -> str`` functions, one module per format, imported lazily."""

from __future__ import annotations

import importlib
from typing import Callable

from isolint.model import ScanResult

#: Format name -> module holding its ``render``. Only the chosen one is imported.
FORMATS: dict[str, str] = {
    "concise": "isolint.reporters.text",
    "full": "isolint.reporters.full",
    "text": "isolint.reporters.text",  # the old name of "concise"
    "json": "isolint.reporters.json",
    "sarif": "isolint.reporters.sarif",
    "github": "isolint.reporters.github",
}
#: ``isolint report``'s Markdown is not a ``check --format``: it needs the settings (dist mode).


def renderer(fmt: str) -> Callable[[ScanResult], str]:
    return importlib.import_module(FORMATS[fmt]).render  # type: ignore[no-any-return]
