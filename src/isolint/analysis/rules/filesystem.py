"""Rules about the file system state of the worker process: the working directory."""

from __future__ import annotations

import ast

from isolint.analysis.context import FileContext
from isolint.model import FixSafety, Severity
from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.state import StateKind, UnrestoredState, fixture_method

CWD = StateKind(
    functions=frozenset({"os.chdir", "os.fchdir"}),
    bare_methods=frozenset({"chdir"}),
    keyed=False,
    readers=frozenset({"os.getcwd", "os.getcwdb", "pathlib.Path.cwd"}),
    tool="`monkeypatch.chdir()`",
)
#: Context managers that change the working directory and put it back on exit.
CHDIR_CONTEXTS = frozenset({"contextlib.chdir"})


class CwdPollution(UnrestoredState, Rule):
    """
    ## What it does
    Flags each change of the working directory that is not guaranteed to be undone: `os.chdir`
    and `os.fchdir` (through any import form or alias), and py.path's `tmpdir.chdir()`.

    Not flagged: `monkeypatch.chdir(path)` (also a direct change after it in the same function:
    monkeypatch puts back the directory it saw first); changes inside `with
    contextlib.chdir(path):` or `with tmpdir.as_cwd():`; statements that are themselves cleanup
    (a `finally:`, a teardown, after a fixture's `yield`, a cleanup callback); a change that such
    cleanup undoes (`finally: os.chdir(old)`, `self.addCleanup(os.chdir, old)`, or a cleanup that
    a project helper the test called first registered); and the module
    level and `pytest_*` hooks of a `conftest.py`. A change in a function defined in a test is
    not flagged when only `with` blocks of that test that undo it can run the function (a
    `contextlib.chdir`, or a project helper such as prefect's `tmpchdir` that restores the
    directory in its `finally:`): the function is not decorated nor named before its `def`, and
    every other statement of the test after the `def` calls only code that cannot call it back
    (builtins, `monkeypatch` / `mocker` methods, `pathlib` on paths, methods of mocks).

    Session configuration, the same before every test, is not flagged: besides the module level
    and `pytest_*` hooks of a `conftest.py`, its session-scoped autouse fixtures and repeatable
    changes (not `append`/`insert`/`+=`) in autouse fixtures of the root `conftest.py` (in
    pytest's rootdir or the only `testpaths` directory), unless `report-session-configuration
    = true`; nor nose-style `setup`/`teardown` and `setup_package` functions, which pytest >= 8
    never calls.

    ## Why is this bad?
    The working directory belongs to the worker process. After one test changes it, every later
    test on the same pytest-xdist worker resolves relative paths (`open("data.json")`,
    `Path("out")`, subprocesses, config discovery) against a directory that may not exist any
    more (a removed `tmp_path`), so tests fail or write files in the wrong place depending on
    which test ran before them on that worker.

    ## Example
    ```python
    import os

    def test_writes_report(tmp_path):
        os.chdir(tmp_path)
        write_report()
        assert (tmp_path / "report.txt").exists()
    ```

    ## Use instead
    ```python
    def test_writes_report(tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        write_report()
        assert (tmp_path / "report.txt").exists()
    ```
    Or `with contextlib.chdir(tmp_path):` (Python 3.11+).

    ## Fix safety
    In a test function or method and a function-scoped fixture, `os.chdir(p)` becomes
    `monkeypatch.chdir(p)` and the function gets the `monkeypatch` parameter. It is safe: the
    test runs in the same directory; only the later tests of the worker no longer inherit it.
    `os.fchdir` and `tmpdir.chdir()` are not rewritten.
    """

    code = "ISO008"
    name = "cwd_pollution"
    severity = Severity.HIGH
    message = "`{target}` changes the working directory for every later test in this worker; {where}"
    fix = "use `monkeypatch.chdir()` or `with contextlib.chdir(...):`"
    fix_safety = FixSafety.SAFE
    fix_availability = "sometimes"

    kind = CWD

    def managed(self, expr: ast.AST, ctx: FileContext) -> bool:
        """``contextlib.chdir(path)`` / ``tmpdir.as_cwd()`` as a ``with`` item."""
        if ctx.call_name(expr) in CHDIR_CONTEXTS:
            return True
        func = getattr(expr, "func", None)
        return isinstance(func, ast.Attribute) and func.attr == "as_cwd"

    def earlier(self, call: ast.Call, ctx: FileContext) -> bool:
        return fixture_method(call, "monkeypatch", "chdir")
