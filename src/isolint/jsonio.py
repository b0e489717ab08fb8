"""Reading JSON that may be hostile (a baseline, a runtime report, cache packs): whatever the
input, the only exception is :class:`JSONInputError`, a ``ValueError`` with the reason.

Numbers are range-checked while parsing (at most :data:`MAX_INT_DIGITS` digits, finite
floats, no ``NaN``/``Infinity``), and nesting too deep for the parser is an error, not a
``RecursionError``. The values are checked against their schema by the readers, with
:func:`integer` and :func:`string`.
"""

from __future__ import annotations

import json
import math
from typing import Any

#: Longer integers are no count, line or size isolint writes (and ``int()`` of a long digit
#: string is slow).
MAX_INT_DIGITS = 18


class JSONInputError(ValueError):
    """JSON that is malformed or does not fit its schema."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JSONInputError(f"number out of range: {text[:20]}...")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONInputError(f"number out of range: {text[:20]}")
    return value


def _constant(text: str) -> Any:
    raise JSONInputError(f"{text} is not a number JSON allows")


def loads(data: str | bytes) -> Any:
    """The value of the JSON document ``data``; :class:`JSONInputError` when it is not valid
    JSON, nests too deeply or holds a number out of range."""
    try:
        return json.loads(data, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except JSONInputError:
        raise
    except json.JSONDecodeError as exc:
        raise JSONInputError(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise JSONInputError("nested too deeply") from None
    except (ValueError, TypeError, MemoryError) as exc:
        raise JSONInputError(f"not JSON ({exc})") from None


def integer(value: Any, what: str, low: int = 0, high: int = 10**MAX_INT_DIGITS) -> int:
    """``value`` when it is an integer (not a bool) in ``[low, high]``."""
    if type(value) is not int or not low <= value <= high:
        raise JSONInputError(f"{what}: expected an integer from {low} to {high}, got {value!r:.40}")
    return value


def string(value: Any, what: str) -> str:
    """``value`` when it is a string."""
    if type(value) is not str:
        raise JSONInputError(f"{what}: expected a string, got {type(value).__name__}")
    return value
