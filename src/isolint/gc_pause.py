"""Pausing the cyclic garbage collector around work that builds many objects but no garbage."""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector; it resumes (and catches up) afterwards. Building many objects
    that hold no reference cycles would otherwise trigger collections, each traversing every
    tracked object of the process, for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
