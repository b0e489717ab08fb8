"""``--format json``: one JSON object with ``findings``, ``errors`` and ``summary``."""

from __future__ import annotations

import json

from isolint._version import __version__
from isolint.model import ScanResult


def render(result: ScanResult) -> str:
    data = result.to_dict()
    data["version"] = __version__
    return json.dumps(data, indent=2) + "\n"
