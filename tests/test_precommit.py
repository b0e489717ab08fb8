"""The pre-commit hook for real: a throwaway repository uses isolint's `.pre-commit-hooks.yaml`.

pre-commit clones a snapshot of this working tree (a git repository made here from `src/`,
`pyproject.toml` and the hook file), pip-installs it into its own environment (from PyPI, so
this test needs the package index) and runs the hook on the staged files of a small project.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None or shutil.which("git") is None,
    reason="needs pre-commit (the [test] extra) and git",
)

CONFTEST = textwrap.dedent(
    """\
    import gc

    import pytest


    @pytest.fixture(autouse=True)
    def collect():
        yield
        gc.collect()
    """
)
MOCK_CLASS = textwrap.dedent(
    """\
    from unittest.mock import MagicMock

    import pytest


    @pytest.mark.xdist_group(name="mocks")
    class TestMocks:
        def test_mock(self):
            assert MagicMock()
    """
)
ENV_LEAK = 'import os\n\n\ndef test_env():\n    os.environ["A"] = "1"\n'
ENV_SAFE = 'def test_env(monkeypatch):\n    monkeypatch.setenv("A", "1")\n'


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
         "-c", "commit.gpgsign=false", *args],
        env=env, check=True, capture_output=True, text=True,
    )
    return done.stdout.strip()


def snapshot_of_isolint(target: Path) -> str:
    """A git repository holding what pip needs to install isolint; returns its commit."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(ROOT / "src", target / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot")
    return git(target, "rev-parse", "HEAD")


def pre_commit(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1", "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--color", "never"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )


def test_hook_checks_staged_test_files_with_project_config_and_conftests(tmp_path: Path) -> None:
    hooks = tmp_path / "isolint-hooks"
    sha = snapshot_of_isolint(hooks)

    project = tmp_path / "project"
    files = {
        # The project's own python_files: check_*.py are its test modules, test_*.py are not.
        "pytest.ini": "[pytest]\npython_files = check_*.py\n",
        # The autouse fixture collects garbage for every test below it...
        "tests/conftest.py": CONFTEST,
        # ...so this mock-using class needs no teardown of its own (no missing_teardown_method).
        "tests/unit/check_mocks.py": MOCK_CLASS,
        "tests/unit/check_env.py": ENV_LEAK,
        "tests/unit/test_not_a_test_module_here.py": ENV_LEAK,
        "src/app.py": ENV_LEAK,
        ".pre-commit-config.yaml": textwrap.dedent(
            f"""\
            repos:
              - repo: {hooks.as_posix()}
                rev: {sha}
                hooks:
                  - id: isolint
            """
        ),
    }
    for name, content in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(content)
    git(project, "init", "-q")
    git(project, "add", "-A")

    failed = pre_commit(project, tmp_path / "pre-commit-home")
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "tests/unit/check_env.py:5:5: ISO003 [HIGH]" in output
    assert "Found 1 finding" in output, output
    # The source line and the fix, although pre-commit's output is not a terminal.
    assert "= fix: use `monkeypatch.setenv()`" in output, output
    for quiet in ("check_mocks.py", "test_not_a_test_module_here.py", "src/app.py", "ISO001"):
        assert quiet not in output, output

    (project / "tests/unit/check_env.py").write_text(ENV_SAFE)
    git(project, "add", "-A")
    passed = pre_commit(project, tmp_path / "pre-commit-home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
