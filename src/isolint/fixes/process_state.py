"""``cwd_pollution``, ``sys_path_pollution`` and ``sys_modules_pollution``: ``monkeypatch``
instead of changing the worker's working directory, import path or import cache directly.

Where a fixture parameter can be added (see ``fixes.monkeypatch``), as a statement of its own:

======================================  ==========================================================
``os.chdir(p)``                          ``monkeypatch.chdir(p)`` (safe)
``sys.path.insert(0, p)``                ``monkeypatch.syspath_prepend(p)`` (unsafe: it also
``sys.path.append(p)``                   invalidates import caches; ``append`` now prepends)
``sys.modules[k] = m`` and the other     ``monkeypatch.setitem(sys.modules, k, m)`` /
mapping changes (see ``MappingFixer``)   ``monkeypatch.delitem(sys.modules, k)`` (unsafe: the
                                         old entry comes back at teardown while modules imported
                                         meanwhile keep referring to the new one)
======================================  ==========================================================
"""

from __future__ import annotations

import ast

import libcst as cst

from isolint.fixes.cst_util import arg, call_statement
from isolint.fixes.monkeypatch import MappingFixer, MonkeypatchFixer, Rewrite


SYS_PATH_MUTATORS = frozenset({"insert", "append", "extend", "remove", "pop", "clear",
                               "__setitem__", "__delitem__", "__iadd__"})


def _call(stmt: ast.stmt) -> ast.Call | None:
    value = stmt.value if isinstance(stmt, ast.Expr) else None
    return value if isinstance(value, ast.Call) and not value.keywords else None


class CallFixer(MonkeypatchFixer):
    """A call statement becomes ``monkeypatch.<method>(<one of its arguments>)``."""

    method: str = ""

    def argument(self, call: ast.Call, ctx) -> int | None:  # pragma: no cover - abstract
        """Which argument of ``call`` the monkeypatch method gets, or None to leave it."""
        raise NotImplementedError

    def rewrite_for(self, stmt: ast.stmt, ctx) -> Rewrite | None:
        call = _call(stmt)
        if call is None or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        index = self.argument(call, ctx)
        return None if index is None else Rewrite(self.method, extra=index)

    def replacement(self, small: cst.BaseSmallStatement, rewrite: Rewrite, mp: str
                    ) -> list[cst.SimpleStatementLine]:
        value = small.value.args[rewrite.extra].value  # type: ignore[attr-defined]
        return [call_statement(f"{mp}.{self.method}", [arg(value)])]


class CwdFixer(CallFixer):
    rule = "cwd_pollution"
    method = "chdir"

    def change_key(self, node: ast.AST, ctx) -> str | None:
        changes = isinstance(node, ast.Call) and ctx.call_name(node) in ("os.chdir", "os.fchdir")
        return "*" if changes else None

    def argument(self, call: ast.Call, ctx) -> int | None:
        return 0 if ctx.call_name(call) == "os.chdir" and len(call.args) == 1 else None


class SysPathFixer(CallFixer):
    rule = "sys_path_pollution"
    method = "syspath_prepend"

    def change_key(self, node: ast.AST, ctx) -> str | None:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            return "*" if node.func.attr in SYS_PATH_MUTATORS and \
                ctx.qualified_name(node.func.value) == "sys.path" else None
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                base = target.value if isinstance(target, ast.Subscript) else target
                if ctx.qualified_name(base) == "sys.path":
                    return "*"
        return None

    def argument(self, call: ast.Call, ctx) -> int | None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and ctx.qualified_name(func.value) == "sys.path"):
            return None
        if func.attr == "append" and len(call.args) == 1:
            return 0
        first = call.args[0] if call.args else None
        if func.attr == "insert" and len(call.args) == 2 and isinstance(first, ast.Constant) \
                and first.value == 0 and type(first.value) is int:
            return 1
        return None


class SysModulesFixer(MappingFixer):
    rule = "sys_modules_pollution"
    mapping = "sys.modules"
    set_method = "setitem"
    del_method = "delitem"
    pass_mapping = True
