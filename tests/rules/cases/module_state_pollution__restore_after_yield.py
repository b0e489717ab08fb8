"""Pattern 7: a helper's `.clear()` after its `yield` is its restore, not a change."""
import contextlib

from app import REGISTRY


@contextlib.contextmanager
def clean_registry():
    yield
    REGISTRY.clear()


@contextlib.contextmanager
def registered(name):
    REGISTRY[name] = object()  # expect: module_state_pollution
    yield
    REGISTRY.clear()


@contextlib.contextmanager
def registered_safely(name):
    REGISTRY[name] = object()
    try:
        yield
    finally:
        REGISTRY.clear()
