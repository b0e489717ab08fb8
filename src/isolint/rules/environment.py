"""Rules about the process environment (``os.environ``)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from isolint.context import FileContext, expr_key
from isolint.model import FixSafety, Severity
from isolint.rules.base import Rule
from isolint.rules.mock_api import PATCH_DICT

ENVIRON = frozenset({"os.environ", "os.environb"})
MUTATING_METHODS = frozenset(
    {"update", "pop", "popitem", "clear", "setdefault", "__setitem__", "__delitem__", "__ior__"}
)
ENV_FUNCTIONS = frozenset({"os.putenv", "os.unsetenv"})


@dataclass(frozen=True)
class EnvWrite:
    """A change of the process environment: the keys it touches (ast dumps), None for all."""

    node: ast.AST
    target: str
    keys: frozenset[str] | None


_key = expr_key


def _dict_keys(node: ast.AST) -> frozenset[str] | None:
    if isinstance(node, ast.Dict) and all(k is not None for k in node.keys):
        return frozenset(_key(k) for k in node.keys if k is not None)
    return None


def env_writes(node: ast.AST, ctx: FileContext) -> list[EnvWrite]:
    """The environment changes that statement or call ``node`` makes (empty when none)."""
    def is_environ(expr: ast.AST) -> bool:
        return ctx.qualified_name(expr) in ENVIRON

    out: list[EnvWrite] = []
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Subscript) and is_environ(sub.value):
                    out.append(EnvWrite(node, ctx.source_segment(sub.value), frozenset({_key(sub.slice)})))
                elif sub is target and is_environ(sub):
                    # `os.environ = {...}` or `os.environ |= {...}`
                    keys = _dict_keys(node.value) if isinstance(node, ast.AugAssign) else None
                    out.append(EnvWrite(node, ctx.source_segment(sub), keys))
    elif isinstance(node, ast.Call):
        func = node.func
        name = ctx.qualified_name(func)
        if name in ENV_FUNCTIONS:
            keys = frozenset({_key(node.args[0])}) if node.args else None
            out.append(EnvWrite(node, ctx.source_segment(func), keys))
        elif isinstance(func, ast.Attribute) and func.attr in MUTATING_METHODS and is_environ(func.value):
            keys: frozenset[str] | None = None
            if func.attr in ("pop", "setdefault", "__setitem__", "__delitem__") and node.args:
                keys = frozenset({_key(node.args[0])})
            elif func.attr in ("update", "__ior__"):
                if node.args:
                    keys = _dict_keys(node.args[0]) if len(node.args) == 1 and not node.keywords else None
                    if keys is not None:
                        keys |= {_key(ast.Constant(kw.arg)) for kw in node.keywords if kw.arg}
                else:
                    keys = frozenset(_key(ast.Constant(kw.arg)) for kw in node.keywords if kw.arg)
            out.append(EnvWrite(node, ctx.source_segment(func), keys))
    return out


def patches_environ(ctx: FileContext, expr: ast.AST) -> bool:
    """``patch.dict(os.environ, ...)`` / ``patch.dict("os.environ", ...)`` (also via ``mocker``)."""
    if not isinstance(expr, ast.Call) or not expr.args:
        return False
    func = expr.func
    is_patch_dict = ctx.qualified_name(func) == PATCH_DICT or (
        isinstance(func, ast.Attribute)
        and func.attr == "dict"
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "patch"
        and isinstance(func.value.value, ast.Name)
        and func.value.value.id.endswith("mocker")
    )
    if not is_patch_dict:
        return False
    first = expr.args[0]
    if isinstance(first, ast.Constant):
        return first.value in ("os.environ", "os.environb")
    return ctx.qualified_name(first) in ENVIRON


class EnvVarPollution(Rule):
    """
    ## What it does
    Flags each direct change of the process environment that is not guaranteed to be undone:
    `os.environ[k] = v`, `os.environ[k] += v`, `del os.environ[k]`, `os.environ.update/pop/
    popitem/clear/setdefault(...)`, `os.environ |= {...}`, `os.putenv`, `os.unsetenv` and the
    same on `os.environb`, through any import form or alias, anywhere in test code.

    Not flagged: `monkeypatch.setenv` / `delenv`; changes inside `with patch.dict(os.environ)`
    or under a `@patch.dict(os.environ)` decorator, or after `mocker.patch.dict(os.environ)`;
    changes of a copy (`os.environ.copy()`, `dict(os.environ)`); statements that are themselves
    cleanup (in a `finally:`, a teardown, after a fixture's `yield`, in a cleanup callback); and a
    change whose key (or the whole environment) is restored by such cleanup code.

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
    In test functions, methods and function-scoped fixtures the fix rewrites the change into a
    `monkeypatch.setenv` / `monkeypatch.delenv(..., raising=False)` call and adds the
    `monkeypatch` parameter; it is safe there. In `setup_method` it moves to an autouse fixture
    (unsafe: the order of set-up steps can change).
    """

    code = "ISO003"
    name = "env_var_pollution"
    severity = Severity.HIGH
    message = "`{target}` changes the environment for every later test in this worker"
    fix = "use `monkeypatch.setenv()` / `monkeypatch.delenv()`, or `patch.dict(os.environ, ...)`"
    fix_safety = FixSafety.SAFE
    fix_availability = "sometimes"

    def visit_Assign(self, node: ast.AST, ctx: FileContext) -> None:
        self._check(node, ctx)

    visit_AugAssign = visit_AnnAssign = visit_Delete = visit_Call = visit_Assign

    def _check(self, node: ast.AST, ctx: FileContext) -> None:
        writes = env_writes(node, ctx)
        if not writes or ctx.in_cleanup_code():
            return
        if ctx.managed_by(lambda expr: patches_environ(ctx, expr)) or self._mocker_patched(ctx):
            return
        for write in writes:
            if not ctx.restored(lambda n, w=write: _restores(n, w, ctx)):
                ctx.report(self, node, target=self._describe(node, write, ctx))

    def _mocker_patched(self, ctx: FileContext) -> bool:
        func = ctx.enclosing_function()
        if func is None:
            return False
        return any(patches_environ(ctx, n) for n in ast.walk(func))

    def _describe(self, node: ast.AST, write: EnvWrite, ctx: FileContext) -> str:
        text = ctx.source_segment(node)
        return text if len(text) <= 60 else text[:57] + "..."


def _restores(node: ast.AST, write: EnvWrite, ctx: FileContext) -> bool:
    """Whether ``node`` (cleanup code) puts back what ``write`` changed."""
    for restore in env_writes(node, ctx):
        if restore.keys is None:
            return True  # os.environ.clear() / .update(saved) / os.environ = saved
        if write.keys is not None and write.keys <= restore.keys:
            return True
    return False
