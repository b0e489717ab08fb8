"""Rules about the process environment (``os.environ``)."""

from __future__ import annotations


from isolint.model import FixSafety, Severity
from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.state import MAPPING_METHODS, StateKind, UnrestoredState

ENVIRON = frozenset({"os.environ", "os.environb"})
ENV_FUNCTIONS = frozenset({"os.putenv", "os.unsetenv"})
ENVIRONMENT = StateKind(
    names=ENVIRON,
    methods=MAPPING_METHODS,
    functions=ENV_FUNCTIONS,
    readers=frozenset({"os.getenv", "os.getenvb"}),
    tool="`monkeypatch.setenv()` / `monkeypatch.delenv()`",
)


class EnvVarPollution(UnrestoredState, Rule):
    """
    ## What it does
    Flags each direct change of the process environment that is not guaranteed to be undone:
    `os.environ[k] = v`, `os.environ[k] += v`, `del os.environ[k]`, `os.environ.update/pop/
    popitem/clear/setdefault(...)`, `os.environ |= {...}`, `os.putenv`, `os.unsetenv` and the
    same on `os.environb`, through any import form or alias, anywhere in test code.

    Not flagged: `monkeypatch.setenv` / `delenv`; changes inside `with patch.dict(os.environ)`
    or under a `@patch.dict(os.environ)` decorator, or after `mocker.patch.dict(os.environ)`;
    changes of a copy (`os.environ.copy()`, `dict(os.environ)`); statements that are themselves
    cleanup (in a `finally:`, a teardown, `__exit__`, after the `yield` of a fixture or
    `@contextmanager`, in a cleanup callback); a change whose key (or the whole environment) is
    restored by such cleanup code (`self.addCleanup(operator.delitem, os.environ, k)` and a
    method the class registers, `self.addCleanup(self.restore_env, saved)`, a local function
    registered by decorating it, `@request.addfinalizer`, and what a project helper the test
    called first registers, `add_tz_cleanup(self)`, too); a removal of a key that the same function set earlier (`del
    os.environ["A"]` after `os.environ["A"] = "1"`: the restore, reported at the change when it
    is not guaranteed to run); and code in a function handed to another process
    (`multiprocessing.Process(target=f)`, `Pool(initializer=f)`, `ProcessPoolExecutor(initializer=f)`).
    A restore under `if prev:` where `prev = os.environ.get(k)` does not count: it skips the usual
    case, a variable that was not set before.

    Session configuration is not flagged either: it is the same before every test. That is the
    module level and `pytest_*` hooks of a `conftest.py` or of a non-test module imported at
    collection (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)`), session-scoped autouse
    fixtures of a `conftest.py`, and repeatable changes (not `+=`) in autouse fixtures of the
    root `conftest.py` (in pytest's rootdir or the only `testpaths` directory); `[tool.isolint]
    report-session-configuration = true` reports them too. Nor is code
    pytest >= 8 never calls: nose-style `setup` / `teardown` module functions and
    `setup_package` / `teardown_package` in a package `__init__.py`, unless the module names
    them. A test module's own module level is reported: it changes what the modules and tests
    collected after it see.

    ## Why is this bad?
    The environment belongs to the whole worker process. A variable set by one test is still set
    for every later test on the same pytest-xdist worker, so results depend on test order and on
    how xdist happened to schedule the tests; a test that passes alone fails in the full run.

    ## Example
    ```python
    import os

    def test_debug_mode():
        os.environ["APP_DEBUG"] = "1"
        assert load_config().debug
    ```

    ## Use instead
    ```python
    def test_debug_mode(monkeypatch):
        monkeypatch.setenv("APP_DEBUG", "1")
        assert load_config().debug
    ```

    ## Fix safety
    In test functions, methods and function-scoped fixtures the fix rewrites `os.environ[k] = v`,
    `+=`, `del`, `.pop`, `.setdefault` and `.update({...})` statements into `monkeypatch.setenv`
    / `monkeypatch.delenv` calls (`raising=False` for `pop(k, default)`; `del` and `pop(k)` still
    raise for a missing key) and adds the `monkeypatch` parameter; it is safe there. In
    `setup_method` it moves to an autouse fixture (unsafe: the order of set-up steps can change).
    """

    code = "ISO003"
    name = "env_var_pollution"
    severity = Severity.HIGH
    message = "`{target}` changes the environment for every later test in this worker; {where}"
    fix = "use `monkeypatch.setenv()` / `monkeypatch.delenv()`, or `patch.dict(os.environ, ...)`"
    fix_safety = FixSafety.SAFE
    fix_availability = "sometimes"

    kind = ENVIRONMENT
