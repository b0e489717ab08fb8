"""A Python file's text and syntax tree, or a :class:`SourceError` saying why there is none:
read (size limit, no FIFO or device), decode (PEP 263, no NUL byte), parse. Nothing here knows
a rule: the result cache reads and hashes files through this module without importing the
analysis (a warm run never loads it)."""

from __future__ import annotations

import ast
import io
import os
import tokenize

from isolint.atomic import NotRegular, TooLarge, read_regular
from isolint.pysource import parse_quietly

#: Files larger than this are reported as errors instead of being parsed.
MAX_FILE_BYTES = 10 * 1024 * 1024


class SourceError(Exception):
    """A file whose text cannot be had; the message says why."""


def read_source(path: str) -> str:
    """The decoded text of a Python file, or :class:`SourceError` with a clear reason."""
    return decode_source(read_bytes(path))


def read_bytes(path: str) -> bytes:
    """The raw content of a Python file, or :class:`SourceError` with a clear reason (a FIFO
    or a device is not read: opening it could block forever)."""
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except TooLarge as exc:
        raise SourceError(f"file too large ({exc.size} bytes; limit {MAX_FILE_BYTES})") from None
    except NotRegular as exc:
        raise SourceError(str(exc)) from None
    except FileNotFoundError:
        if os.path.islink(path):
            raise SourceError("broken symbolic link") from None
        raise SourceError("no such file or directory") from None
    except IsADirectoryError:
        raise SourceError("is a directory") from None
    except PermissionError:
        raise SourceError("permission denied") from None
    except OSError as exc:
        raise SourceError(exc.strerror or str(exc)) from None
    return data


def decode_source(data: bytes) -> str:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceError(f"contains a NUL byte at offset {nul}")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "unknown encoding" in str(exc) or "encoding problem" in str(exc):
            raise SourceError(f"bad encoding declaration: {exc}") from None
        encoding = "utf-8"  # no usable declaration: decoding says precisely what is wrong
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"not valid {exc.encoding.upper()}: byte {data[exc.start]:#04x} at offset {exc.start}"
        ) from None
    except LookupError:
        raise SourceError(f"unknown encoding {encoding!r}") from None
    return text[1:] if text.startswith("\ufeff") else text


def parse_source(text: str, path: str) -> ast.Module:
    try:
        return parse_quietly(text, path)
    except SyntaxError as exc:
        where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
        raise SourceError(f"syntax error at {where}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise SourceError("too deeply nested to parse") from None
    except ValueError as exc:
        raise SourceError(f"cannot parse: {exc}") from None
