"""The source text of one file as findings and rules quote it: lines, segments, columns."""

from __future__ import annotations

import ast
import io
from functools import cached_property


class SourceLines:
    """Lines and segments of ``source``, split only when first needed."""

    def __init__(self, source: str) -> None:
        self.source = source

    def source_segment(self, node: ast.AST) -> str:
        """The source text of ``node`` (first line only for multi-line nodes).

        ``ast.get_source_segment`` without splitting the whole source again on every call."""
        lineno, end_lineno = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        col, end_col = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if lineno is None or end_lineno is None or col is None or end_col is None:
            return ""
        lines = self.segment_lines
        if not 0 < lineno <= len(lines):
            return ""
        if end_lineno == lineno:
            text = lines[lineno - 1].encode()[col:end_col].decode()
        else:
            text = "".join([lines[lineno - 1].encode()[col:].decode(), *lines[lineno:end_lineno - 1],
                            lines[end_lineno - 1].encode()[:end_col].decode()])
        return text.split("\n", 1)[0]

    @cached_property
    def segment_lines(self) -> list[str]:
        """The source's lines split the way ``ast`` counts them (``\r\n``, ``\n``, ``\r`` only)."""
        return io.StringIO(self.source, newline="").readlines()

    def line_text(self, lineno: int) -> str:
        return self._lines[lineno - 1] if 0 < lineno <= len(self._lines) else ""

    @cached_property
    def _lines(self) -> list[str]:
        """The source's lines (split when a finding first needs one)."""
        return self.source.splitlines()

    def column(self, lineno: int, byte_offset: int) -> int:
        """1-based character column from ast's UTF-8 byte offset."""
        text = self.line_text(lineno)
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1


def name_positions(source: str, name: str) -> list[int]:
    """Where identifier ``name`` is spelled in ``source`` as a name of its own, not as the
    attribute of something (``x.name``) nor as part of a longer word: ``str.find`` steps, so a
    large file costs a fast substring search, not a regular expression tried at every
    character."""
    found: list[int] = []
    size = len(name)
    position = source.find(name)
    while position >= 0:
        before = source[position - 1] if position else " "
        after = source[position + size:position + size + 1]
        if not (before.isalnum() or before in "_.") and not (after.isalnum() or after == "_"):
            found.append(position)
        position = source.find(name, position + size)
    return found
