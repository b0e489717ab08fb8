"""A lazy memo fills state once per process: `if X is None: X = compute()` after `global X`,
`if not CACHE: CACHE[k] = ...` (sanic's conftest saving the original methods once), `if
settings.cache is None: settings.cache = {}`. Every later test finds the same value. A write
under another condition, or in the `if`'s `else`, counts."""
import pytest

from app import TouchUp, settings

CACHE = {}
_PROC = None
OTHER = {}


@pytest.fixture
def app():
    if not CACHE:
        for target, name in TouchUp.registry:
            CACHE[name] = getattr(target, name)
    yield
    for target, name in TouchUp.registry:
        setattr(target, name, CACHE[name])


def get_proc():
    global _PROC
    if _PROC is None:
        _PROC = object()
    return _PROC


def test_other_condition(flag):
    if not flag:
        OTHER["k"] = 1  # expect: module_state_pollution
    if settings.cache is None:
        settings.cache = {}
    else:
        settings.debug = True  # expect: module_state_pollution
    assert get_proc() and OTHER


def test_reads_other():
    assert not OTHER
