"""The module's own counter, changed by middleware one test defines and read by that test only
(sanic's `MIDDLEWARE_INVOKE_COUNTER`): no other test sees it. A container a second test reads,
or one a parametrized test changes (it runs again), still counts."""
import pytest

COUNTER = {"request": 0}
SHARED = {"request": 0}
PARAMS = []
INDIRECT = []


def test_counts_requests(app):
    @app.middleware
    def count(request):
        global COUNTER
        COUNTER["request"] += 1

    SHARED["request"] += 1  # expect: module_state_pollution
    app.run()
    assert COUNTER["request"] == 1


def test_reads_shared():
    assert SHARED["request"] == 0


@pytest.mark.parametrize("n", [1, 2])
def test_parametrized(n):
    PARAMS.append(n)  # expect: module_state_pollution
    assert PARAMS == [n]


def helper():
    return INDIRECT


def test_through_a_helper():
    INDIRECT.append(1)  # expect: module_state_pollution
    assert helper() == [1]


class TestClass:
    def test_method(self):
        COUNTER_IN_CLASS.append(1)
        assert COUNTER_IN_CLASS == [1]

    def test_other(self):
        CLASS_SHARED.append(1)  # expect: module_state_pollution

    def test_other_reads(self):
        assert CLASS_SHARED == []


COUNTER_IN_CLASS = []
CLASS_SHARED = []
