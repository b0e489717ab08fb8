"""Cleanup across modules: small projects in ``tmp_path`` whose state changes are undone (or
not) by code in other modules of the project: conftest fixtures, base classes, helpers,
re-exported modules, plugin hooks, the package's own initial values."""

from __future__ import annotations

import textwrap
from pathlib import Path

from isolint.cache import ResultCache
from isolint.config import load_settings
from isolint.orchestration import discover_and_scan


def project(root: Path, files: dict[str, str]) -> Path:
    files = {"pytest.ini": "[pytest]\n", **files}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def findings(root: Path, cache: ResultCache | None = None, jobs: int = 1) -> set[tuple[str, int, str]]:
    settings = load_settings([root], root)
    result = discover_and_scan([root], settings, root, cache=cache, jobs=jobs)
    assert not result.errors, result.errors
    return {(f.path, f.line, f.name) for f in result.findings if f.name != "missing_xdist_group"}


ENV_TEST = """
    import os

    def test_sets():
        os.environ["APP_MODE"] = "1"
    """


SNAPSHOT_CONFTEST = """
    import os
    import pytest

    @pytest.fixture(autouse=True)
    def environment():
        saved = os.environ.copy()
        yield
        os.environ.clear()
        os.environ.update(saved)
    """


def test_conftest_snapshot_of_the_whole_environment(tmp_path: Path) -> None:
    project(tmp_path, {
        "tests/conftest.py": SNAPSHOT_CONFTEST,
        "tests/test_env.py": ENV_TEST,
        "other/test_env.py": ENV_TEST,  # no conftest above it: still a finding
    })
    assert findings(tmp_path) == {("other/test_env.py", 5, "env_var_pollution")}


def test_conftest_fixture_with_a_helper_around_its_yield(tmp_path: Path) -> None:
    project(tmp_path, {
        "tests/__init__.py": "",
        "tests/helpers.py": """
            import contextlib
            import os

            @contextlib.contextmanager
            def reset_env():
                saved = dict(os.environ)
                try:
                    yield
                finally:
                    os.environ.clear()
                    os.environ.update(saved)
            """,
        "tests/conftest.py": """
            import pytest
            from tests.helpers import reset_env

            @pytest.fixture(autouse=True)
            def environment():
                with reset_env():
                    yield
            """,
        "tests/test_env.py": ENV_TEST,
    })
    assert findings(tmp_path) == set()


def test_conftest_fixture_resets_the_package_singletons_two_calls_down(tmp_path: Path) -> None:
    project(tmp_path, {
        "src/pkg/__init__.py": "",
        "src/pkg/client.py": "_client = None\n",
        "src/pkg/testing.py": """
            from pkg import client

            def reset_all():
                _reset_client()

            def _reset_client():
                client._client = None
            """,
        "tests/conftest.py": """
            import pytest
            from pkg.testing import reset_all

            @pytest.fixture(autouse=True)
            def singletons():
                yield
                reset_all()
            """,
        "tests/test_client.py": """
            from pkg import client

            def test_fake_client():
                client._client = object()

            def test_other_attribute():
                client.timeout = 3
            """,
    })
    assert findings(tmp_path) == {("tests/test_client.py", 8, "module_state_pollution")}


def test_base_class_from_another_module(tmp_path: Path) -> None:
    project(tmp_path, {
        "tests/__init__.py": "from tests.base import BaseEnvVar, ChdirBase\n",
        "tests/base.py": """
            import os
            from unittest import TestCase, mock

            class BaseEnvVar(TestCase):
                def setUp(self):
                    self.environ_patch = mock.patch("os.environ", {})
                    self.environ_patch.start()

                def tearDown(self):
                    self.environ_patch.stop()

            class ChdirBase(TestCase):
                def tearDown(self):
                    self.revert()

                def revert(self):
                    os.chdir(self.old)
            """,
        "tests/test_base.py": """
            import os
            from tests import BaseEnvVar, ChdirBase

            class TestEnv(BaseEnvVar):
                def test_sets(self):
                    os.environ["A"] = "1"

            class TestCwd(ChdirBase):
                def test_moves(self):
                    self.old = os.getcwd()
                    os.chdir("/")

                def test_sets_env(self):
                    os.environ["B"] = "1"
            """,
    })
    assert findings(tmp_path) == {("tests/test_base.py", 15, "env_var_pollution")}


def test_with_helpers_and_teardown_helpers_from_other_modules(tmp_path: Path) -> None:
    project(tmp_path, {
        "tests/__init__.py": "",
        "tests/utils.py": """
            import contextlib
            import os
            import sys

            @contextlib.contextmanager
            def tmpchdir(path):
                old = os.getcwd()
                os.chdir(path)
                try:
                    yield
                finally:
                    os.chdir(old)

            class reset_modules:
                def __init__(self, *names):
                    self.names = names

                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    for name in self.names:
                        sys.modules.pop(name, None)

            _saved_path = list(sys.path)

            def revert_patch():
                sys.path[:] = _saved_path
            """,
        "tests/test_helpers.py": """
            import os
            import sys
            from tests.utils import reset_modules, revert_patch, tmpchdir

            def test_in_tmpchdir(tmp_path):
                with tmpchdir(tmp_path):
                    os.chdir("sub")

            def test_reset_modules():
                with reset_modules("fake"):
                    sys.modules["fake"] = object()

            @tmpchdir("/")
            def test_decorated():
                os.chdir("/tmp")

            class TestPath:
                def teardown_method(self):
                    revert_patch()

                def test_inserts(self):
                    sys.path.insert(0, "/plugins")

            def test_outside_any_helper():
                sys.modules["fake"] = object()
            """,
    })
    assert findings(tmp_path) == {("tests/test_helpers.py", 26, "sys_modules_pollution")}


def test_reexported_mock_module(tmp_path: Path) -> None:
    project(tmp_path, {
        "tests/__init__.py": "from unittest import mock\n",
        "tests/test_mock.py": """
            import os
            from tests import mock

            def test_patched_environment():
                with mock.patch.dict(os.environ, {"A": "1"}):
                    os.environ["B"] = "2"

            def test_started_patcher_never_stopped():
                mock.patch("app.client").start()
            """,
    })
    assert findings(tmp_path) == {("tests/test_mock.py", 10, "patch_without_context")}


def test_sqlalchemy_plugin_hooks(tmp_path: Path) -> None:
    test = """
        import os

        class TestThing:
            def setup_test(self):
                self.addCleanup(os.environ.pop, "A")

            def teardown_test(self):
                os.environ.pop("B", None)

            def test_sets(self):
                os.environ["A"] = "1"
                os.environ["B"] = "1"
        """
    project(tmp_path, {
        "with_plugin/conftest.py": 'pytest_plugins = ["sqlalchemy.testing.plugin.pytestplugin"]\n',
        "with_plugin/test_thing.py": test,
        "without/test_thing.py": test,
    })
    assert findings(tmp_path) == {
        ("without/test_thing.py", 9, "env_var_pollution"),  # an ordinary method then
        ("without/test_thing.py", 12, "env_var_pollution"),
        ("without/test_thing.py", 13, "env_var_pollution"),
    }


def test_lazy_singleton_reset_to_the_value_the_module_starts_with(tmp_path: Path) -> None:
    project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/mod.py": "_client = None\n_ready = False\n_CONFIGS = {}\n_SEEN = [1]\n",
        "tests/test_mod.py": """
            from pkg import mod

            class TestClient:
                def setup_method(self):
                    mod._client = None
                    mod._ready = False
                    mod._CONFIGS.clear()
                    mod._SEEN.clear()

                def test_configures(self):
                    mod._ready = True
            """,
    })
    assert findings(tmp_path) == {("tests/test_mod.py", 9, "module_state_pollution"),
                                  ("tests/test_mod.py", 12, "module_state_pollution")}


def test_reset_to_an_initial_container_or_class_attribute(tmp_path: Path) -> None:
    """``cache._imp = [None]`` where the module starts with ``_imp = [None]`` (celery), a class
    attribute put back to the value the class body gives it (sentry's ``gcp_metadata =
    None``), a name bound once in a module-level block (``if FASTAPI_AVAILABLE:``; not one an
    import binds too), and ``None`` in a private attribute of a module outside the project (a lazy
    singleton of a library: opentelemetry's ``trace._TRACER_PROVIDER = None``)."""
    project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/cache.py": (
            "_imp = [None]\nLIMITS = (1, 2)\n\n"
            "class Integration:\n    gcp_metadata = None\n    http = object()\n    _token = ''\n\n"
            "if AVAILABLE:\n    _middleware = None\n"
            "try:\n    import fastjson\nexcept ImportError:\n    fastjson = None\n"
        ),
        "tests/test_cache.py": """
            from opentelemetry import trace
            from pkg import cache
            from pkg.cache import Integration

            def test_resets():
                cache._imp = [None]
                cache.LIMITS = (1, 2)
                Integration.gcp_metadata = None
                trace._TRACER_PROVIDER = None
                trace.__config = None
                cache._middleware = None

            def test_changes():
                cache._imp = [1]
                cache.LIMITS = (1, 3)
                Integration.gcp_metadata = {}
                Integration._token = None
                trace.PROVIDER = None
                trace._TRACER_PROVIDER = object()
                trace.__all__ = None
                cache.fastjson = None
            """,
    })
    assert findings(tmp_path) == {
        ("tests/test_cache.py", line, "module_state_pollution") for line in range(15, 23)
    }


def test_reset_to_a_fresh_instance_a_base_class_value_or_the_conftest_value(tmp_path: Path) -> None:
    """Django's ``trans_real._active = Local()`` where the module starts with ``_active =
    Local()`` (a fresh instance nothing changes at import); sanic's ``Sanic.START_METHOD_SET
    = False``, which the class inherits from the body of its project base ``StartupMixin``;
    and ``Sanic.test_mode``, which the class body starts False but the root conftest sets
    True at import: then True is the reset and False the change."""
    project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/trans.py": (
            "from asgiref.local import Local\n\n"
            "_active = Local()\n_default = Local()\n_default.value = 'en'\n_other = Local(1)\n"
        ),
        "pkg/mixins.py": "class StartupMixin:\n    START_METHOD_SET = False\n    THRESHOLD = 300\n",
        "pkg/app.py": (
            "from pkg.mixins import StartupMixin\n\n"
            "class Base:\n    THRESHOLD = 10\n\n"
            "class Sanic(StartupMixin, Base):\n    test_mode = False\n"
        ),
        "tests/conftest.py": "from pkg.app import Sanic\n\nSanic.test_mode = True\n",
        "tests/test_app.py": """
            from asgiref.local import Local
            from pkg import trans
            from pkg.app import Sanic

            def test_resets():
                trans._active = Local()
                Sanic.START_METHOD_SET = False
                Sanic.test_mode = True

            def test_changes():
                trans._default = Local()
                trans._other = Local()
                Sanic.START_METHOD_SET = True

            def test_more_changes():
                Sanic.test_mode = False
                Sanic.THRESHOLD = 300
            """,
    })
    assert findings(tmp_path) == {
        ("tests/test_app.py", line, "module_state_pollution") for line in (12, 13, 14, 17, 18)
    }


def test_write_into_a_module_a_with_helper_installs_and_discards(tmp_path: Path) -> None:
    """celery's ``with conftest.module_exists('django'): import django; django.VERSION = ...``:
    the import gets the fake module the helper put in ``sys.modules``, and the helper takes it
    out again. A helper that leaves ``sys.modules`` alone, or an import made before the block,
    still counts."""
    project(tmp_path, {
        "t/__init__.py": "",
        "t/conftest.py": """
            import sys
            import types
            from contextlib import contextmanager

            @contextmanager
            def module_exists(*names):
                mods = [types.ModuleType(n) for n in names]
                for mod in mods:
                    sys.modules[mod.__name__] = mod
                try:
                    yield
                finally:
                    for mod in mods:
                        sys.modules.pop(mod.__name__, None)

            @contextmanager
            def quiet():
                yield
            """,
        "t/test_fixup.py": """
            import celery
            from t import conftest

            def test_fixup():
                with conftest.module_exists("django"):
                    import django
                    django.VERSION = (1, 11, 1)

            def test_other_helper():
                with conftest.quiet():
                    import django
                    django.VERSION = (1, 11, 1)

            def test_imported_before():
                with conftest.module_exists("django"):
                    celery.VERSION = (1, 0)
            """,
    })
    assert findings(tmp_path) == {
        ("t/test_fixup.py", 13, "module_state_pollution"),
        ("t/test_fixup.py", 17, "module_state_pollution"),
    }


def test_cached_result_is_rescanned_when_a_module_it_read_changes(tmp_path: Path) -> None:
    helper = """
        import contextlib
        import os

        @contextlib.contextmanager
        def tmpchdir(path):
            old = os.getcwd()
            try:
                yield
            finally:
                {restore}
        """
    project(tmp_path, {
        "tests/__init__.py": "",
        "tests/utils.py": helper.format(restore="os.chdir(old)"),
        "tests/test_cwd.py": """
            import os
            from tests.utils import tmpchdir

            def test_moves():
                with tmpchdir("/"):
                    os.chdir("/tmp")
            """,
        "tests/test_unrelated.py": "def test_nothing():\n    pass\n",
    })
    cache_dir = tmp_path / ".isolint_cache"
    settings = load_settings([tmp_path], tmp_path)
    assert findings(tmp_path, ResultCache(cache_dir, settings)) == set()
    (tmp_path / "tests/utils.py").write_text(textwrap.dedent(helper.format(restore="pass")))
    assert findings(tmp_path, ResultCache(cache_dir, settings)) == {("tests/test_cwd.py", 7, "cwd_pollution")}


def test_same_findings_with_worker_processes(tmp_path: Path) -> None:
    files = {"tests/__init__.py": "from unittest import mock\n"}
    for number in range(60):
        files[f"tests/test_{number}.py"] = (
            "import os\nfrom tests import mock\n\ndef test_a():\n    mock.patch('x').start()\n"
            "    os.environ['A'] = '1'\n"
        )
    project(tmp_path, files)
    assert findings(tmp_path, jobs=2) == findings(tmp_path, jobs=1)
    assert len(findings(tmp_path)) == 120


def test_fixture_helper_restoring_after_its_yield_without_finally(tmp_path: Path) -> None:
    # pytest resumes a fixture normally at teardown: the helper's code after its own `yield`
    # runs whatever the test did (poetry's `isolated_environment`). In a test body it would not.
    project(tmp_path, {
        "tests/__init__.py": "",
        "tests/helpers.py": """
            import contextlib
            import os

            @contextlib.contextmanager
            def isolated_environment():
                original = dict(os.environ)
                yield
                os.environ.clear()
                os.environ.update(original)
            """,
        "tests/conftest.py": """
            import os
            import pytest
            from tests.helpers import isolated_environment

            @pytest.fixture(autouse=True)
            def isolate_environ():
                with isolated_environment():
                    for var in list(os.environ):
                        if var.startswith("APP_"):
                            del os.environ[var]
                    yield
            """,
        "tests/test_env.py": ENV_TEST,
        "other/test_body.py": """
            import os
            from tests.helpers import isolated_environment

            def test_in_body():
                with isolated_environment():
                    os.environ["A"] = "1"
            """,
    })
    assert findings(tmp_path) == {("other/test_body.py", 7, "env_var_pollution")}


def test_test_rebinding_a_patcher_its_base_set_up_started(tmp_path: Path) -> None:
    # botocore: BaseEnvVar.setUp starts self.environ_patch; a test starting another patcher
    # into the same attribute leaves the first one running for good.
    project(tmp_path, {
        "tests/__init__.py": """
            import unittest
            from unittest import mock

            class BaseEnvVar(unittest.TestCase):
                def setUp(self):
                    self.environ_patch = mock.patch("os.environ", {})
                    self.environ_patch.start()

                def tearDown(self):
                    self.environ_patch.stop()
            """,
        "tests/test_s3.py": """
            from tests import BaseEnvVar, mock

            class TestS3(BaseEnvVar):
                def test_rebinds(self):
                    self.environ_patch = mock.patch("os.environ", {"A": "1"})
                    self.environ_patch.start()

                def test_stops_first(self):
                    self.environ_patch.stop()
                    self.environ_patch = mock.patch("os.environ", {"A": "1"})
                    self.environ_patch.start()
            """,
    })
    assert findings(tmp_path) == {("tests/test_s3.py", 7, "patch_without_context")}


def test_requested_fixture_restores_after_its_yield(tmp_path: Path) -> None:
    project(tmp_path, {
        "tests/conftest.py": """
            import os
            import pytest

            @pytest.fixture(name="clean_env")
            def _clean_env():
                saved = dict(os.environ)
                yield
                os.environ.clear()
                os.environ.update(saved)
            """,
        "tests/test_requested.py": """
            import os
            import pytest

            @pytest.fixture
            def mp():
                cwd = os.getcwd()
                yield
                os.chdir(cwd)

            def test_moves(mp, tmp_path):
                os.chdir(tmp_path)

            def test_env(clean_env):
                os.environ["A"] = "1"

            def test_unprotected():
                os.environ["B"] = "1"
            """,
    })
    assert findings(tmp_path) == {("tests/test_requested.py", 18, "env_var_pollution")}


def test_local_function_run_only_inside_a_with_helper_from_the_package(tmp_path: Path) -> None:
    # prefect's tests/deployment/test_steps.py: the step function is installed with monkeypatch
    # and run by `run_steps` inside `with tmpchdir(...)` (src/prefect/utilities/filesystem).
    project(tmp_path, {
        "src/app/__init__.py": "",
        "src/app/filesystem.py": """
            import os
            from contextlib import contextmanager

            @contextmanager
            def tmpchdir(path):
                owd = os.getcwd()
                try:
                    os.chdir(path)
                    yield path
                finally:
                    os.chdir(owd)

            @contextmanager
            def chdir_for_good(path):
                os.chdir(path)
                yield path
            """,
        "tests/test_steps.py": """
            import os
            from app.filesystem import chdir_for_good, tmpchdir
            from app.steps import run_steps

            async def test_restored(monkeypatch, tmp_path):
                def set_working_directory(directory):
                    os.chdir(directory)
                    return {}

                monkeypatch.setattr("app.steps.lookup", lambda fqn: set_working_directory)
                with tmpchdir(tmp_path):
                    output = await run_steps([{"cd": str(tmp_path / "a")}])
                assert output == {}

            async def test_not_restored(monkeypatch, tmp_path):
                def set_working_directory(directory):
                    os.chdir(directory)
                    return {}

                monkeypatch.setattr("app.steps.lookup", lambda fqn: set_working_directory)
                with chdir_for_good(tmp_path):
                    await run_steps([{"cd": str(tmp_path / "a")}])
            """,
    })
    assert findings(tmp_path) == {("tests/test_steps.py", 18, "cwd_pollution")}


def test_conftest_above_the_scanned_directory(tmp_path: Path, monkeypatch) -> None:
    # pytest loads the conftests between its rootdir and the collected files: `pytest tests/sub`
    # runs tests/conftest.py's autouse fixture, and so its restore counts for `isolint check
    # tests/sub` (and `tests/sub/test_a.py`), run from the root, from elsewhere, or with no
    # `pytest.ini` (pytest's rootdir is then the common ancestor of the arguments and the cwd).
    from isolint.cli import main

    project(tmp_path, {
        "tests/conftest.py": SNAPSHOT_CONFTEST,
        "tests/sub/test_a.py": ENV_TEST,
    })
    args = ["--select", "env_var_pollution", "--no-cache"]
    monkeypatch.chdir(tmp_path)
    assert main(["check", "tests/sub", *args]) == 0
    assert main(["check", "tests/sub/test_a.py", *args]) == 0
    monkeypatch.chdir(tmp_path.parent)
    assert main(["check", str(tmp_path / "tests" / "sub"), *args]) == 0
    (tmp_path / "pytest.ini").unlink()
    monkeypatch.chdir(tmp_path)
    assert main(["check", "tests/sub", *args]) == 0
    # From inside tests/sub with no configuration file, pytest's rootdir (and the directory it
    # loads conftests below) is tests/sub: tests/conftest.py is not loaded, the change leaks.
    monkeypatch.chdir(tmp_path / "tests" / "sub")
    assert main(["check", ".", *args]) == 1


def test_mocks_on_self_of_a_test_case_whose_base_is_in_another_module(tmp_path: Path) -> None:
    # botocore: `class TestConfigFileProvider(BaseEnvVar)` with `BaseEnvVar(unittest.TestCase)`
    # in tests/__init__.py, reached through a re-export and an in-module base. pytest drops a
    # TestCase instance after its test; a plain base class keeps it for the session.
    project(tmp_path, {
        "tests/__init__.py": "from tests.base import BaseEnvVar, PlainBase\n",
        "tests/base.py": """
            import unittest

            class BaseEnvVar(unittest.TestCase):
                pass

            class PlainBase:
                pass
            """,
        "tests/test_mocks.py": """
            from unittest import mock
            from tests import BaseEnvVar, PlainBase

            class Middle(BaseEnvVar):
                pass

            class TestCaseKeeps(Middle):
                def setUp(self):
                    self.parser = mock.Mock()

                def test_parses(self):
                    assert self.parser

            class TestPlainKeeps(PlainBase):
                def setup_method(self):
                    self.parser = mock.Mock()

                def test_parses(self):
                    assert self.parser
            """,
    })
    assert findings(tmp_path) == {("tests/test_mocks.py", 15, "missing_teardown_method")}


XDIST_CONFTEST = """
    import pytest

    @pytest.fixture(scope="module")
    def registry():
        return {}

    @pytest.fixture(scope="class")
    def client():
        return object()
    """


def test_class_changing_a_conftest_fixture_shared_by_its_tests(tmp_path: Path) -> None:
    """The default policy (changed-state) knows the class- and module-scoped fixtures of the
    conftests above a module: a test changing one its class's tests share is reported, a class
    only reading it is not, nor one whose module overrides it with a per-test fixture."""
    project(tmp_path, {
        "tests/conftest.py": XDIST_CONFTEST,
        "tests/test_shared.py": """
            class TestChanges:
                def test_a(self, registry):
                    registry["k"] = 1

                def test_b(self, registry):
                    assert registry["k"] == 1

            class TestSetsAttribute:
                def test_a(self, client):
                    client.timeout = 1

                def test_b(self, client):
                    pass

            class TestReads:
                def test_a(self, registry):
                    assert "k" not in registry

                def test_b(self, registry, client):
                    assert client is not None
            """,
        "tests/test_overridden.py": """
            import pytest

            @pytest.fixture
            def registry():
                return {}

            class TestOwnRegistry:
                def test_a(self, registry):
                    registry["k"] = 1

                def test_b(self, registry):
                    registry.clear()
            """,
        "other/test_no_conftest.py": """
            class TestLocalName:
                def test_a(self, registry):
                    registry["k"] = 1

                def test_b(self, registry):
                    pass
            """,
    })
    settings = load_settings([tmp_path], tmp_path)
    result = discover_and_scan([tmp_path], settings, tmp_path)
    found = {(f.path, f.line, f.message.split(": ", 1)[-1]) for f in result.findings
             if f.name == "missing_xdist_group"}
    assert found == {
        ("tests/test_shared.py", 2,
         'module-scoped fixture `registry`, changed by `registry["k"] = 1` in `test_a` (line 4)'),
        ("tests/test_shared.py", 9,
         "class-scoped fixture `client`, changed by `client.timeout = 1` in `test_a` (line 11)"),
    }


def test_registered_cleanup_method_of_a_base_in_another_module(tmp_path: Path) -> None:
    # twisted's FDDetectorTests registers `self.replaceResourceModule`; here the method lives
    # in a base class of another module, found through the project index.
    project(tmp_path, {
        "tests/helpers.py": """
            import sys
            import unittest

            class ModuleTestCase(unittest.TestCase):
                def put_module_back(self, value):
                    if value is None:
                        sys.modules.pop("resource", None)
                    else:
                        sys.modules["resource"] = value
            """,
        "tests/test_resource.py": """
            import sys
            from tests.helpers import ModuleTestCase

            class TestHidden(ModuleTestCase):
                def setUp(self):
                    self.addCleanup(self.put_module_back, sys.modules.get("resource"))

                def test_hidden(self):
                    sys.modules["resource"] = None
                    sys.modules["fcntl"] = None

            class TestNotRegistered(ModuleTestCase):
                def test_hidden(self):
                    sys.modules["resource"] = None
            """,
    })
    assert findings(tmp_path) == {
        ("tests/test_resource.py", 11, "sys_modules_pollution"),  # another key
        ("tests/test_resource.py", 15, "sys_modules_pollution"),  # nothing registered
        # The helper module on its own does not see that a class elsewhere registers the
        # method as a cleanup: its writes stay reported there.
        ("tests/helpers.py", 8, "sys_modules_pollution"),
        ("tests/helpers.py", 10, "sys_modules_pollution"),
    }


def test_attribute_patched_by_a_base_set_up_in_another_module(tmp_path: Path) -> None:
    # trial's TestCase.patch in a base's setUp: the tests write into the patched-in object.
    project(tmp_path, {
        "tests/__init__.py": "",
        "tests/registry.py": """
            resolver = None
            other = None
            """,
        "tests/base.py": """
            from twisted.trial import unittest
            from tests import registry

            class Fake:
                pass

            class ResolverCase(unittest.TestCase):
                def setUp(self):
                    self.patch(registry, "resolver", Fake())
            """,
        "tests/test_lookup.py": """
            from tests import registry
            from tests.base import ResolverCase

            class TestLookup(ResolverCase):
                def test_results(self):
                    registry.resolver.results = []
                    registry.other = 1
            """,
    })
    assert findings(tmp_path) == {("tests/test_lookup.py", 8, "module_state_pollution")}


def test_enter_undone_by_the_exit_of_a_base_in_another_module(tmp_path: Path) -> None:
    # twisted's AlternateReactor(NoReactor(SetAsideModule)): NoReactor.__exit__ calls
    # SetAsideModule.__exit__ (another module), which puts the saved modules back.
    project(tmp_path, {
        "tests/__init__.py": "",
        "tests/test_setaside.py": """
            import sys

            class SetAsideModule:
                def __init__(self, name):
                    self.name = name

                def __enter__(self):
                    self.modules = {self.name: sys.modules.pop(self.name, None)}

                def __exit__(self, *exc):
                    sys.modules.pop(self.name, None)
                    sys.modules.update(self.modules)

            def test_nothing():
                pass
            """,
        "tests/helpers.py": """
            import sys
            from tests.test_setaside import SetAsideModule

            class NoReactor(SetAsideModule):
                def __init__(self):
                    SetAsideModule.__init__(self, "app.reactor")

                def __exit__(self, *exc):
                    SetAsideModule.__exit__(self, *exc)

            class AlternateReactor(NoReactor):
                def __init__(self, reactor):
                    NoReactor.__init__(self)
                    self.alternate = reactor

                def __enter__(self):
                    NoReactor.__enter__(self)
                    sys.modules["app.reactor"] = self.alternate

            class NoRestore:
                def __enter__(self):
                    sys.modules["app.reactor"] = None

                def __exit__(self, *exc):
                    pass
            """,
        "tests/test_reactor.py": """
            from tests.helpers import AlternateReactor, NoRestore

            def test_alternate():
                with AlternateReactor(object()), NoRestore():
                    pass
            """,
    })
    assert findings(tmp_path) == {("tests/helpers.py", 23, "sys_modules_pollution")}


def test_helper_called_first_registers_the_restore(tmp_path: Path) -> None:
    # twisted's TwistedModulesMixin.replaceSysPath registers a local function that puts all of
    # sys.path back; tests call it, then append to sys.path. A change made before the call is
    # not covered (the helper saves the state it finds).
    project(tmp_path, {
        "tests/__init__.py": "",
        "tests/helpers.py": """
            import os
            import sys

            class ModulesMixin:
                def replace_sys_path(self, entries):
                    original = sys.path[:]

                    def clean_up():
                        sys.path[:] = original

                    self.addCleanup(clean_up)
                    sys.path[:] = entries

            def add_home_cleanup(case):
                saved = os.environ.get("HOME")

                @case.addCleanup
                def reset():
                    os.environ["HOME"] = saved
            """,
        "tests/test_paths.py": """
            import os
            import sys
            import unittest
            from tests.helpers import ModulesMixin, add_home_cleanup

            class TestWalk(ModulesMixin, unittest.TestCase):
                def test_nonexistent(self):
                    self.replace_sys_path(["/a"])
                    sys.path.append("/nonexistent")

                def test_too_late(self):
                    sys.path.append("/nonexistent")
                    self.replace_sys_path(["/a"])

                def test_home(self):
                    add_home_cleanup(self)
                    os.environ["HOME"] = "/tmp"
                    os.environ["USER"] = "x"
            """,
    })
    assert findings(tmp_path) == {
        ("tests/test_paths.py", 13, "sys_path_pollution"),
        ("tests/test_paths.py", 19, "env_var_pollution"),
    }
