"""A module-level function that only module-level code calls runs once, at import, before any
test (twisted's `test_ssl.py`: `def _noSSL(): global SSL; SSL = None` in `except ImportError:`,
called right there): what it sets is the same for every test. Called from a test too, or
handed on, it may run later."""
import logging

try:
    import ssl
except ImportError:

    def _no_ssl():
        global ssl
        ssl = None

    _no_ssl()


def _quiet_logging():
    logging.raiseExceptions = False


_quiet_logging()


def _reset_level():
    logging.root.level = 10  # expect: module_state_pollution


_reset_level()


def test_resets():
    _reset_level()


def _handed_on():
    logging.lastResort = None  # expect: module_state_pollution


CALLBACKS = [_handed_on]
