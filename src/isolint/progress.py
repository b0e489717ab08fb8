"""A one-line progress counter on an interactive terminal: ``[  812/10234] scanning...``.

Shown only for a scan of many files, only when the stream is a terminal and the output format
is text; never in machine-readable output or in a log.
"""

from __future__ import annotations

import time
from typing import TextIO

#: Scans of fewer files finish before a counter would be worth reading.
MIN_FILES = 200
#: Seconds between redraws.
INTERVAL = 0.1


def wants_progress(total: int, stream: TextIO, fmt: str) -> bool:
    """Whether a scan of ``total`` files in format ``fmt`` shows progress on ``stream``."""
    if fmt != "text" or total <= MIN_FILES:
        return False
    return is_terminal(stream)


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (False for no ``isatty`` or a closed stream)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    """Redraws ``\\r[done/total] scanning...`` (or another ``label``: ``fixing``) at most every
    :data:`INTERVAL` seconds; the line is erased by :meth:`close`."""

    def __init__(self, total: int, stream: TextIO, label: str = "scanning") -> None:
        self.total = total
        self.label = label
        self.stream = stream
        self.done = 0
        self._last = 0.0
        self._width = len(str(total))
        self._shown = False

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._last >= INTERVAL or self.done >= self.total:
            self._last = now
            self._draw()

    def _line(self) -> str:
        return f"[{self.done:>{self._width}}/{self.total}] {self.label}..."

    def _draw(self) -> None:
        self.stream.write("\r" + self._line())
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * len(self._line()) + "\r")
            self.stream.flush()
            self._shown = False

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
