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
    cleanup (in a `finally:`, a teardown, after a fixture's `yield`, in a cleanup callback); a
    change whose key (or the whole environment) is restored by such cleanup code; session
    configuration, the same before every test: the module level and `pytest_*` hooks of a
    `conftest.py` or of a non-test module imported at collection, and session-scoped autouse
    fixtures of a `conftest.py`; and nose-style `setup_package` / `setup` functions, which
    pytest >= 8 never calls. (A test module's own module level is reported: it changes what the
    modules and tests collected after it see.)

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
