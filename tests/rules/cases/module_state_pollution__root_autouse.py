# kind: conftest
"""An autouse fixture of the root conftest (this case is scanned as one) sets a package's
attribute before every test: every test starts from the same state (celery's
`task_join_will_not_block`, sentry's re-installed `capture_internal_exception`). Adding to
a counter each time changes it, and a fixture that is not autouse runs for some tests only."""
import pytest

import app.state
import app.utils


@pytest.fixture(autouse=True)
def same_before_every_test():
    app.state.join_will_block = lambda: False
    app.utils.capture_internal_exception = print
    yield


@pytest.fixture(autouse=True)
def grows_every_test():
    app.state.calls += 1  # expect: module_state_pollution
    yield


@pytest.fixture
def some_tests_only():
    app.state.join_will_block = lambda: True  # expect: module_state_pollution
