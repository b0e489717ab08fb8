"""A helper that the module's cleanup code calls (after a fixture's `yield`, in a teardown,
in a `finally:`) is a restore: what it writes is put back after each test that uses it
(sentry's `_reset_litellm_executor`)."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from litellm import utils as litellm_utils
from litellm.litellm_core_utils import thread_pool_executor

import app


def _reset_executor():
    thread_pool_executor.executor = ThreadPoolExecutor(max_workers=100)
    litellm_utils.executor = thread_pool_executor.executor


@pytest.fixture()
def reset_executor():
    yield
    _reset_executor()


def test_shuts_down(reset_executor):
    litellm_utils.executor.shutdown(wait=True)
    _reset_executor()


def _restore_mode():
    app.MODE = "normal"


class TestMode:
    def teardown_method(self):
        _restore_mode()

    def test_mode(self):
        assert app.run()


def _set_flag():  # called by a test only
    app.FLAG = True  # expect: module_state_pollution


def test_flag():
    _set_flag()
