"""A change in a function defined in a test, which only `with` blocks that undo the change can
run (prefect's tests/deployment/test_steps.py: a step function installed with monkeypatch and
run inside `with tmpchdir(...)`)."""
import contextlib
import os

import pytest

from app import run_steps


async def test_step_runs_inside_the_with(monkeypatch, tmp_path):
    recovered = tmp_path / "recovered"

    def set_working_directory(directory):
        os.chdir(directory)  # quiet: only the `with contextlib.chdir` block can run it
        return {"directory": str(directory)}

    monkeypatch.setattr("app.steps", lambda name: {"cd": set_working_directory}[name])
    steps = [{"cd": {"directory": str(recovered)}}]
    with contextlib.chdir(tmp_path):
        output = await run_steps(steps)
    assert output["directory"] == str(recovered.resolve())


async def test_step_runs_again_after_the_with(monkeypatch, tmp_path):
    def set_working_directory(directory):
        os.chdir(directory)  # expect: cwd_pollution
        return {}

    monkeypatch.setattr("app.steps", lambda name: set_working_directory)
    with contextlib.chdir(tmp_path):
        await run_steps([{"cd": {"directory": "a"}}])
    await run_steps([{"cd": {"directory": "b"}}])  # outside: may run it


def test_called_by_name_outside_the_with(tmp_path):
    def enter(directory):
        os.chdir(directory)  # expect: cwd_pollution

    with contextlib.chdir(tmp_path):
        enter(tmp_path)
    enter(tmp_path)


def test_with_that_does_not_restore(monkeypatch, tmp_path):
    def enter(directory):
        os.chdir(directory)  # expect: cwd_pollution

    monkeypatch.setattr("app.hook", enter)
    with pytest.raises(RuntimeError):
        run_steps([])


def test_named_by_an_earlier_closure(monkeypatch, tmp_path):
    monkeypatch.setattr("app.hook", lambda: enter(tmp_path))

    def enter(directory):
        os.chdir(directory)  # expect: cwd_pollution

    with contextlib.chdir(tmp_path):
        run_steps([])


def test_decorated_local_function(tmp_path):
    @register
    def enter():
        os.chdir(tmp_path)  # expect: cwd_pollution

    with contextlib.chdir(tmp_path):
        run_steps([])


@pytest.fixture
def fixture_with_local_function(tmp_path):
    def enter():
        os.chdir(tmp_path)  # expect: cwd_pollution

    with contextlib.chdir(tmp_path):
        run_steps([enter])
    yield


class TestSteps:
    def test_method(self, tmp_path):
        def enter():
            os.chdir(tmp_path)  # quiet: the method's only `with` undoes it

        with contextlib.chdir(tmp_path):
            run_steps([enter])
