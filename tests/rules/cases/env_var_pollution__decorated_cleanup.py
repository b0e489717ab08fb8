"""A local function registered by decorating it (twisted's `addTZCleanup`: `@testCase.addCleanup`
over `def resetTZ(): setTZ(tzIn)`) runs at cleanup: its writes are the restore, and they restore
what the test changes afterwards. Without the decorator it is only a local function."""
import os


def test_registers_by_decorator(request):
    saved = os.environ.get("TZ")

    @request.addfinalizer
    def reset():
        os.environ["TZ"] = saved

    os.environ["TZ"] = "UTC"


def test_local_function_not_registered():
    saved = os.environ.get("TZ")

    def reset():
        os.environ["TZ"] = saved  # expect: env_var_pollution

    os.environ["TZ"] = "UTC"  # expect: env_var_pollution
    reset()
