"""The project index: finding the project's own modules and reading what they define, re-export
and run as cleanup (small projects laid out in ``tmp_path``)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from isolint.analysis.names import ImportTable
from isolint.analysis.project_index import ProjectIndex, module_name


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def resolved_calls(code: list[ast.AST]) -> set[str]:
    """What the calls in portable ``code`` resolve to from a module that imports nothing."""
    table = ImportTable(ast.parse(""))
    return {
        name for root in code for node in ast.walk(root)
        if isinstance(node, ast.Call) and (name := table.resolve(node.func))
    }


def test_reexported_module_is_followed_to_the_standard_library(tmp_path: Path) -> None:
    write(tmp_path, {
        "tests/__init__.py": "from unittest import mock\nimport mock as backport\n",
        "awscli/testutils.py": "from unittest import mock\n",
    })
    index = ProjectIndex(str(tmp_path))
    assert index.canonical("tests.mock.patch") == "unittest.mock.patch"
    assert index.canonical("tests.backport.patch.object") == "unittest.mock.patch.object"
    assert index.canonical("awscli.testutils.mock") == "unittest.mock"
    # Not a re-export word: left as written, and nothing is read for it.
    assert index.canonical("tests.Symbol") == "tests.Symbol"
    assert index.canonical("requests.mock") == "requests.mock"  # not a project module


def test_definitions_through_relative_reexports_and_src_layout(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/pkg/__init__.py": "from .core import helper\nfrom . import state\n",
        "src/pkg/core.py": "def helper():\n    return 1\n",
        "src/pkg/state.py": "_client = None\nLIMIT = 3\nLIMIT = 4\n",
    })
    index = ProjectIndex(str(tmp_path))
    found = index.definition("pkg.helper")
    assert found is not None and found.kind == "function"
    assert found.module.path.endswith("core.py")
    value = index.initial_value("pkg.state._client")
    assert isinstance(value, ast.Constant) and value.value is None
    assert index.initial_value("pkg.state.LIMIT") is None  # bound twice: no initial value
    assert index.definition("os.path") is None  # the standard library stays out


def test_pythonpath_option_is_an_import_root(tmp_path: Path) -> None:
    write(tmp_path, {"lib/helpers.py": "def reset():\n    pass\n"})
    assert ProjectIndex(str(tmp_path)).definition("helpers.reset") is None
    assert ProjectIndex(str(tmp_path), pythonpath=["lib"]).definition("helpers.reset") is not None


def test_module_name_follows_packages_like_pytest(tmp_path: Path) -> None:
    write(tmp_path, {"tests/__init__.py": "", "tests/unit/__init__.py": "", "tests/unit/test_a.py": "",
                     "loose/test_b.py": ""})
    assert module_name(str(tmp_path / "tests/unit/test_a.py")) == ("tests.unit.test_a", str(tmp_path))
    assert module_name(str(tmp_path / "loose/test_b.py")) == ("test_b", str(tmp_path / "loose"))
    index = ProjectIndex(str(tmp_path))  # the same, memoised per directory
    for name in ("tests/unit/test_a.py", "loose/test_b.py", "tests/unit/__init__.py"):
        assert index.module_name(str(tmp_path / name)) == module_name(str(tmp_path / name))


def test_base_class_teardown_in_another_module(tmp_path: Path) -> None:
    write(tmp_path, {
        "tests/__init__.py": "from tests.base import BaseEnvVar\n",
        "tests/base.py": """
            import os
            from unittest import TestCase, mock

            class Root(TestCase):
                def tearDown(self):
                    self.revert()

                def revert(self):
                    os.environ.clear()

            class BaseEnvVar(Root):
                def setUp(self):
                    self.environ_patch = mock.patch("os.environ", {})
                    self.environ_patch.start()
            """,
    })
    index = ProjectIndex(str(tmp_path))
    found = index.definition("tests.BaseEnvVar")
    assert found is not None and found.kind == "class"
    teardown = index.method(found.module, found.node, "tearDown")
    assert teardown is not None and teardown[2].name == "Root"
    from isolint.analysis.project_index import Definition

    code = index.restore_code(Definition(teardown[0], teardown[1], "function", teardown[2]), "body")
    assert "os.environ.clear" in resolved_calls(code)  # through self.revert(), one level down


def test_conftest_fixture_restores_after_yield_through_helpers(tmp_path: Path) -> None:
    write(tmp_path, {
        "tests/helpers.py": """
            import contextlib
            import os as operating_system
            from pkg import singletons

            @contextlib.contextmanager
            def reset_env():
                saved = dict(operating_system.environ)
                try:
                    yield
                finally:
                    operating_system.environ.clear()
                    operating_system.environ.update(saved)

            def reset_all():
                singletons.reset()
            """,
        "pkg/__init__.py": "",
        "pkg/singletons.py": """
            from pkg import client

            def reset():
                _reset_client()

            def _reset_client():
                client._client = None
            """,
        "pkg/client.py": "_client = None\n",
        "tests/conftest.py": """
            import os
            import pytest
            from tests.helpers import reset_env, reset_all

            @pytest.fixture(autouse=True)
            def snapshot():
                saved = os.environ.copy()
                yield
                os.environ.clear()
                os.environ.update(saved)

            @pytest.fixture(autouse=True)
            def wrapped():
                with reset_env():
                    yield

            @pytest.fixture(autouse=True)
            def singletons():
                yield
                reset_all()
            """,
    })
    index = ProjectIndex(str(tmp_path))
    conftest = index.module_at(str(tmp_path / "tests/conftest.py"))
    assert conftest is not None and conftest.name == "conftest"
    fixtures = {f.name: f for f in conftest.autouse_fixtures()}
    from isolint.analysis.project_index import Definition

    def after(name: str) -> list[ast.AST]:
        return index.restore_code(Definition(conftest, fixtures[name], "function"), "after_yield")

    assert {"os.environ.clear", "os.environ.update"} <= resolved_calls(after("snapshot"))
    assert {"os.environ.clear", "os.environ.update"} <= resolved_calls(after("wrapped"))
    # reset_all() -> singletons.reset() -> _reset_client(): two levels below the fixture.
    writes = [n for root in after("singletons") for n in ast.walk(root) if isinstance(n, ast.Assign)]
    table = ImportTable(ast.parse(""))
    assert [table.resolve(w.targets[0]) for w in writes] == ["pkg.client._client"]
    # Each module read is recorded with its content hash, for the cache.
    assert {Path(p).name for p, _ in index.dependencies()} >= {"conftest.py", "helpers.py", "singletons.py"}


def test_unreadable_and_broken_modules_are_not_in_the_index(tmp_path: Path) -> None:
    write(tmp_path, {"tests/broken.py": "def (:\n", "tests/__init__.py": ""})
    index = ProjectIndex(str(tmp_path))
    assert index.definition("tests.broken.x") is None
    assert index.canonical("tests.broken.mock") == "tests.broken.mock"
