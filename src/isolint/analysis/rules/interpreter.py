"""Rules about the interpreter's import state: ``sys.path`` and ``sys.modules``."""

from __future__ import annotations

import ast

from isolint.analysis.context import FileContext
from isolint.model import FixSafety, Severity
from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.state import (
    LIST_METHODS,
    MAPPING_METHODS,
    StateKind,
    UnrestoredState,
    fixture_method,
)

SYS_PATH = StateKind(
    names=frozenset({"sys.path", "sys.meta_path", "sys.path_hooks"}),
    methods=LIST_METHODS,
    keyed=False,
    tool="`monkeypatch.syspath_prepend()`",
)
SYS_MODULES = StateKind(
    names=frozenset({"sys.modules"}), methods=MAPPING_METHODS,
    tool="`monkeypatch.setitem(sys.modules, ...)` / `monkeypatch.delitem(sys.modules, ...)`",
)


class SysPathPollution(UnrestoredState, Rule):
    """
    ## What it does
    Flags each change of the import path that is not guaranteed to be undone: `sys.path.insert/
    append/extend/remove/pop/clear(...)`, item and slice assignment or deletion
    (`sys.path[0] = p`, `sys.path[:] = [...]`), `sys.path += [...]`, `sys.path = [...]`, and
    the same on `sys.meta_path` and `sys.path_hooks`, through any import form
    (`from sys import path`, `import sys as s`).

    Not flagged: `monkeypatch.syspath_prepend(p)` (it saves `sys.path` on first use; a later
    direct change in the same function is undone with it); changes inside
    `with patch.object(sys, "path", [...])` / `with patch("sys.path", [...])` or under such a
    decorator, or after `mocker.patch.object(sys, "path", ...)` / `monkeypatch.setattr(sys,
    "path", ...)`; statements that are themselves cleanup (a `finally:`, a teardown, after a
    fixture's `yield`, a cleanup callback, the `__exit__` that undoes `__enter__`); a change that
    such cleanup undoes (`sys.path.remove(p)`, `sys.path[:] = saved`, `sys.path = saved`), also
    when a project helper the test called first (or its set-up calls) registered it (twisted's
    `self.replaceSysPath([...])`, whose registered local function puts `sys.path` back); a
    removal of what the same function added earlier (`sys.path.remove(p)` after
    `sys.path.insert(0, p)`: the restore, reported at the change when not guaranteed to run);
    code handed to another process; and the module level and `pytest_*` hooks of a
    `conftest.py`, which configure the whole session on purpose (prefer pytest's `pythonpath`
    ini option there).

    Session configuration, the same before every test, is not flagged: besides the module level
    and `pytest_*` hooks of a `conftest.py`, its session-scoped autouse fixtures and repeatable
    changes (not `append`/`insert`/`+=`) in autouse fixtures of the root `conftest.py` (in
    pytest's rootdir or the only `testpaths` directory), unless `report-session-configuration
    = true`; nor nose-style `setup`/`teardown` and `setup_package` functions, which pytest >= 8
    never calls.

    ## Why is this bad?
    `sys.path` belongs to the worker process. A directory one test puts in front of it stays
    there for every later test on the same pytest-xdist worker, so a later `import` can find a
    different module (a fixture project's `app.py` instead of the real one), or find a module
    only because an earlier test happened to run first on that worker. Whether the suite passes
    then depends on how xdist distributed the tests.

    ## Example
    ```python
    import sys

    def test_plugin_loads(tmp_path):
        sys.path.insert(0, str(tmp_path))
        (tmp_path / "myplugin.py").write_text("VALUE = 1")
        import myplugin
        assert myplugin.VALUE == 1
    ```

    ## Use instead
    ```python
    def test_plugin_loads(tmp_path, monkeypatch):
        monkeypatch.syspath_prepend(str(tmp_path))
        (tmp_path / "myplugin.py").write_text("VALUE = 1")
        import myplugin
        assert myplugin.VALUE == 1
    ```

    ## Fix safety
    In a test function or method and a function-scoped fixture, `--unsafe-fixes` rewrites
    `sys.path.insert(0, p)` and `sys.path.append(p)` into `monkeypatch.syspath_prepend(p)` and
    adds the `monkeypatch` parameter. It is unsafe: `syspath_prepend` also invalidates import
    caches, an `append` becomes a prepend, and the path is restored at teardown.
    """

    code = "ISO006"
    name = "sys_path_pollution"
    severity = Severity.HIGH
    message = "`{target}` changes the import path for every later test in this worker; {where}"
    fix = "use `monkeypatch.syspath_prepend()`, or restore `sys.path` in a `finally:` / teardown"
    fix_safety = FixSafety.UNSAFE
    fix_availability = "sometimes"

    kind = SYS_PATH

    def earlier(self, call: ast.Call, ctx: FileContext) -> bool:
        return self.managed(call, ctx) or fixture_method(call, "monkeypatch", "syspath_prepend")


class SysModulesPollution(UnrestoredState, Rule):
    """
    ## What it does
    Flags each change of `sys.modules` that is not guaranteed to be undone: an entry set
    (`sys.modules["requests"] = fake`), deleted (`del sys.modules["app.config"]`) or changed
    through `.pop/.popitem/.update/.setdefault/.clear(...)` or `|=`, through any import form
    (`os.sys.modules` too). A restore under `if prev:` where `prev = sys.modules.get(k)` does not
    count: it skips the usual case, a module that was not imported before.

    Not flagged: `monkeypatch.setitem(sys.modules, name, module)` / `monkeypatch.delitem(...)`,
    and later direct writes to the same key (or, after one in a loop `for k in keys:`, to any
    `keys[i]`): monkeypatch saved the entry and puts it back; entries popped into a list of
    (key, module) pairs that a `finally:` walks to put each back; changes inside `with patch.dict(sys.modules, {...})` or under that decorator, or after
    `mocker.patch.dict(sys.modules, ...)` in the same function; statements that are themselves
    cleanup (a `finally:`, a teardown, after a fixture's `yield`, a cleanup callback); a change
    whose entry such cleanup puts back (`sys.modules.pop(name, None)`, `del sys.modules[name]`,
    `sys.modules.update(saved)`), a method the class registers as a cleanup included
    (`self.addCleanup(self.replace_module, sys.modules.get(name))`, whose own writes of an entry
    another method of the class changes are that restore), and the `__exit__` of a context
    manager class (its own or a base's in any project module, with what it calls) for what its
    `__enter__` changes, or a helper only `__enter__` and `__exit__` call; and the module level
    and `pytest_*` hooks of a `conftest.py`.

    Session configuration, the same before every test, is not flagged: besides the module level
    and `pytest_*` hooks of a `conftest.py`, its session-scoped autouse fixtures and repeatable
    changes (not `append`/`insert`/`+=`) in autouse fixtures of the root `conftest.py` (in
    pytest's rootdir or the only `testpaths` directory), unless `report-session-configuration
    = true`; nor nose-style `setup`/`teardown` and `setup_package` functions, which pytest >= 8
    never calls.

    ## Why is this bad?
    `sys.modules` is the import cache of the worker process. A fake module one test puts there
    is what every later `import` on the same pytest-xdist worker gets; an entry one test deletes
    makes the next import execute the module again, so objects created before and after have
    different classes (`isinstance` fails, module-level registries are reset). Which tests see
    that depends on how xdist distributed them.

    ## Example
    ```python
    import sys
    from unittest.mock import MagicMock

    def test_without_network():
        sys.modules["requests"] = MagicMock()
        assert fetch_status() == "offline"
    ```

    ## Use instead
    ```python
    import sys
    from unittest.mock import MagicMock, patch

    def test_without_network():
        with patch.dict(sys.modules, {"requests": MagicMock()}):
            assert fetch_status() == "offline"
    ```
    Or `monkeypatch.setitem(sys.modules, "requests", MagicMock())`.

    ## Fix safety
    In a test function or method and a function-scoped fixture, `--unsafe-fixes` rewrites
    `sys.modules[k] = m`, `del sys.modules[k]`, `.pop(k[, default])`, `.setdefault` and
    `.update({...})` into `monkeypatch.setitem(sys.modules, ...)` /
    `monkeypatch.delitem(sys.modules, ...)` and adds the `monkeypatch` parameter. It is unsafe:
    the old entry comes back at teardown while modules imported meanwhile keep referring to the
    new one, which a rewrite cannot prove harmless.
    """

    code = "ISO007"
    name = "sys_modules_pollution"
    severity = Severity.HIGH
    message = "`{target}` changes `sys.modules` for every later test in this worker; {where}"
    fix = "use `patch.dict(sys.modules, {{...}})` or `monkeypatch.setitem(sys.modules, ...)`"
    fix_safety = FixSafety.UNSAFE
    fix_availability = "sometimes"

    kind = SYS_MODULES

    def earlier(self, call: ast.Call, ctx: FileContext) -> bool:
        # `monkeypatch.setitem(sys.modules, k, v)` restores only its own key.
        return self.managed(call, ctx) and not any(
            fixture_method(call, "monkeypatch", method) for method in ("setitem", "delitem")
        )
