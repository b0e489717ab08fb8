"""The one shared sample result of the reporter tests: built here, not scanned, so that the
golden files change only when a format changes, never when a rule does."""

from __future__ import annotations

from isolint.config import PytestConfig, Settings
from isolint.model import FileError, FileResult, Finding, FixSafety, ScanResult, Severity
from isolint.analysis.rules.base import Rule


class SampleTeardown(Rule):
    """
    ## What it does
    Flags a test class that keeps mocks on `self` (`MagicMock`, `AsyncMock`) that no teardown
    releases.

    ## Why is this bad?
    pytest keeps every test-class instance until the session ends, so each test's mocks stay
    in the worker's memory:

    - about 0.75 MiB per test in the measured suite;
    - `gc.collect()` frees none of it.

    ## Example
    ```python
    class TestClient:
        def setup_method(self):
            self.client = MagicMock()
    ```

    ## Use instead
    ```python
    class TestClient:
        def setup_method(self):
            self.client = MagicMock()

        def teardown_method(self):
            self.client = None
    ```
    Or keep the mock in a fixture.
    """

    code = "ISO001"
    name = "missing_teardown_method"
    severity = Severity.CRITICAL
    message = "class `{cls}` keeps mocks alive after its tests: {retained}"
    fix_safety = FixSafety.SAFE
    fix_availability = "always"


class SampleGroup(Rule):
    """
    ## What it does
    Flags a test class without an `xdist_group` marker.

    ## Why is this bad?
    Its tests may be split across workers.

    ## Example
    ```python
    class TestOrders: ...
    ```

    ## Use instead
    ```python
    @pytest.mark.xdist_group(name="orders")
    class TestOrders: ...
    ```
    """

    code = "ISO002"
    name = "missing_xdist_group"
    severity = Severity.HIGH
    message = "test class `{cls}` has no `xdist_group` marker"


class SampleEnv(Rule):
    """
    ## What it does
    Flags direct changes of `os.environ`.

    ## Why is this bad?
    The environment belongs to the whole worker process.

    ## Example
    ```python
    os.environ["A"] = "1"
    ```

    ## Use instead
    ```python
    def test_a(monkeypatch):
        monkeypatch.setenv("A", "1")
    ```
    """

    code = "ISO003"
    name = "env_var_pollution"
    severity = Severity.HIGH
    message = "`{target}` changes the environment"


class SamplePatch(Rule):
    """
    ## What it does
    Flags a patcher's `.start()` that is not guaranteed to be stopped.

    ## Why is this bad?
    The patch outlives a failing test.

    ## Example
    ```python
    patch("a.b").start()
    ```

    ## Use instead
    ```python
    with patch("a.b"):
        ...
    ```
    """

    code = "ISO004"
    name = "patch_without_context"
    severity = Severity.MEDIUM
    message = "`{target}` is not guaranteed to be stopped"


class SamplePort(Rule):
    """
    ## What it does
    Flags fixed ports.

    ## Why is this bad?
    Two workers cannot bind the same port.

    ## Example
    ```python
    server.bind(("", 8080))
    ```

    ## Use instead
    ```python
    server.bind(("", 0))
    ```
    """

    code = "ISO010"
    name = "hardcoded_port"
    severity = Severity.LOW
    message = "port {port} is fixed"


SAMPLE_RULES = (SampleTeardown, SampleGroup, SampleEnv, SamplePatch, SamplePort)


def _finding(path, line, col, rule, message, scope="", snippet="", fix="", end_line=0, end_col=0):
    return Finding(path, line, col, rule.code, rule.name, rule.severity, message, fix, scope,
                   snippet, end_line or line, end_col or col + len(snippet))


def sample_result() -> ScanResult:
    api = "tests/api/test_client.py"
    env = "tests/api/test_config_env.py"
    core = "tests/core/test_patching.py"
    net = "tests/test_server.py"
    files = [
        FileResult("tests/conftest.py"),
        FileResult(api, (
            _finding(api, 9, 1, SampleTeardown,
                     "class `TestStock` keeps mocks alive after its tests: `self.client` (line 11); "
                     "no teardown releases them",
                     "TestStock", "class TestStock:  # two hazards",
                     "release them in `teardown_method` (`self.client = None`)",
                     end_line=19, end_col=43),
            _finding(api, 9, 1, SampleGroup, "test class `TestStock` has no `xdist_group` marker",
                     "TestStock", "class TestStock:  # two hazards", end_line=19, end_col=43),
            _finding(api, 30, 1, SampleGroup, "test class `TestPrice` has no `xdist_group` marker",
                     "TestPrice", "class TestPrice:", end_line=40, end_col=20),
        )),
        FileResult(env, (
            _finding(env, 13, 5, SampleEnv, '`os.environ["DEBUG"] = "1"` changes the environment',
                     "test_debug", 'os.environ["DEBUG"] = "1"', "use `monkeypatch.setenv()`"),
            _finding(env, 14, 5, SampleEnv, '`os.environ["DEBUG"] = "1"` changes the environment',
                     "test_debug", 'os.environ["DEBUG"] = "1"', "use `monkeypatch.setenv()`"),
            _finding(env, 3, 1, SampleEnv,
                     "`os.environ.update(A=1, B=2)` changes the environment: 100% | of workers",
                     "", "os.environ.update(A=1, B=2)", "use `monkeypatch.setenv()`"),
        )),
        FileResult(core, (
            _finding(core, 13, 5, SamplePatch, "`patcher.start()` is not guaranteed to be stopped",
                     "TestPatching.test_start", "patcher.start()"),
        )),
        FileResult(net, (
            _finding(net, 7, 17, SamplePort, "port 8080 is fixed", "test_serve",
                     'server.bind(("", 8080))'),
        )),
        FileResult("tests/test_broken.py", (), (
            FileError("tests/test_broken.py", "syntax error at line 3, column 8: invalid syntax"),
        )),
    ]
    return ScanResult.build(files)


def sample_settings(dist_mode: str = "loadgroup") -> Settings:
    source = "pytest.ini [pytest] addopts" if dist_mode else ""
    return Settings(pytest=PytestConfig(dist_mode=dist_mode, dist_source=source,
                                        numprocesses="auto" if dist_mode else ""))
