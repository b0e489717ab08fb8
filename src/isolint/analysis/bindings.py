"""Bindings and constants: which names a function binds locally or declares global, what
the module binds each name to, and the value of a name bound exactly once."""

from __future__ import annotations

import ast
import re
from functools import cached_property

from isolint.analysis.names import statements
from isolint.analysis.tree import enclosing_function, stored_names, walk_own

#: A dotted name, alone on the rest of its line (a comment allowed).
#: Statements that bind the name they define.
_DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
_DOTTED_VALUE = re.compile(r"[A-Za-z_]\w*(?:\.\w+)+[ \t]*(?:#[^\n]*)?(?:\n|$)")


class Bindings:
    """Binding questions about the module ``tree`` and the node on top of ``stack``."""

    def __init__(self, tree: ast.Module, source: str, stack: list[ast.AST]) -> None:
        self.tree = tree
        self.source = source
        self.stack = stack
        self._memo: dict[tuple[str, int], object] = {}
        self._dotted: dict[str, bool] = {}

    def binds_locally(self, name: str) -> bool:
        """Whether ``name`` is a parameter or a local variable of a function (or lambda) that
        encloses the current node, rather than the module-level (or imported) name."""
        for node in reversed(self.stack[:-1]):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                if name in self._local_names(node):
                    return True
                if name in self._global_names(node):
                    return False
        return False

    def _local_names(self, func: ast.AST) -> frozenset[str]:
        key = ("locals", id(func))
        if key not in self._memo:
            args = func.args  # type: ignore[attr-defined]
            names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
            names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
            if not isinstance(func, ast.Lambda):
                for node in walk_own(func):  # exact classes: a parsed tree has no subclasses
                    kind = type(node)
                    if kind is ast.Name:
                        if type(node.ctx) is not ast.Load:  # type: ignore[attr-defined]  # Store, Del
                            names.add(node.id)  # type: ignore[attr-defined]
                    elif kind in _DEFINITIONS or (kind is ast.ExceptHandler and node.name):  # type: ignore[attr-defined]
                        names.add(node.name)  # type: ignore[attr-defined]
                names -= self._global_names(func)
            self._memo[key] = frozenset(names)
        return self._memo[key]  # type: ignore[return-value]

    def _global_names(self, func: ast.AST) -> frozenset[str]:
        key = ("globals", id(func))
        if key not in self._memo:
            names: set[str] = set()
            # No `global` statement anywhere without the keyword in the text: skip the walk.
            if not isinstance(func, ast.Lambda) and self._may_declare_global:
                for node in statements(func.body, nested_scopes=False):  # type: ignore[attr-defined]
                    if isinstance(node, ast.Global):
                        names.update(node.names)
            self._memo[key] = frozenset(names)
        return self._memo[key]  # type: ignore[return-value]

    @cached_property
    def _may_declare_global(self) -> bool:
        """No ``global`` statement anywhere without the keyword in the text (a source-less
        context, as in some tests, is walked)."""
        return not self.source or "global" in self.source

    def assigned_dotted_name(self, name: str) -> bool:
        """Whether some line reads ``name = a.b`` (``cls = pkg.mod.C``): a cheap necessary
        condition for a local alias of an imported attribute (memoised per name)."""
        found = self._dotted.get(name)
        if found is None:
            found = False
            source, needle = self.source, f"{name} = "
            start = source.find(needle)
            while start >= 0 and not found:
                line_start = source.rfind("\n", 0, start) + 1
                found = not source[line_start:start].strip() and bool(
                    _DOTTED_VALUE.match(source, start + len(needle))
                )
                start = source.find(needle, start + 1)
            self._dotted[name] = found
        return found

    def declares_global(self, name: str) -> bool:
        """Whether the innermost enclosing function declares ``global name``."""
        if not self._may_declare_global:
            return False
        func = enclosing_function(self.stack)
        return func is not None and name in self._global_names(func)

    @cached_property
    def module_bindings(self) -> dict[str, list[ast.expr | None]]:
        """What each name bound at module level (class and function bodies excluded) is bound
        to: the value of ``name = value`` / ``name: T = value``; None for any other binding
        (an import, a ``def``, a loop target, tuple unpacking, ``+=``...)."""
        out: dict[str, list[ast.expr | None]] = {}
        for stmt in statements(self.tree.body, nested_scopes=False):
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        out.setdefault(target.id, []).append(stmt.value)
                    else:
                        for name in stored_names(target):
                            out.setdefault(name, []).append(None)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out.setdefault(stmt.name, []).append(None)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    out.setdefault((alias.asname or alias.name).split(".")[0], []).append(None)
            else:
                stores = [getattr(stmt, "target", None)]
                stores += [item.optional_vars for item in getattr(stmt, "items", ())]
                for store in stores:
                    for name in stored_names(store):
                        out.setdefault(name, []).append(None)
        return out

    @cached_property
    def module_imports(self) -> frozenset[str]:
        """Names bound to a module object by ``import x`` / ``import x.y`` / ``import x as y``."""
        return frozenset(
            alias.asname or alias.name.split(".")[0]
            for stmt in statements(self.tree.body)
            if isinstance(stmt, ast.Import)
            for alias in stmt.names
        )

    def constant_value(self, name: str) -> ast.expr | None:
        """What ``name`` holds at the current node when it is bound exactly once, by ``name =
        value``: in the innermost enclosing function if it binds ``name`` there (a parameter
        or a loop variable is not a constant), else at module level."""
        func = enclosing_function(self.stack)
        if func is not None and name in self._local_names(func):
            return self._function_constants(func).get(name)
        if self.binds_locally(name):
            return None
        return self.module_constant(name)

    def function_constants(self, func: ast.AST) -> dict[str, ast.expr]:
        """The names ``func`` itself binds exactly once, by ``name = value``, with the values."""
        return self._function_constants(func)

    def _function_constants(self, func: ast.AST) -> dict[str, ast.expr]:
        """The names ``func`` itself binds exactly once, by ``name = value`` (one target, and
        no other store or ``del`` of the name): their values. One walk per function."""
        key = ("constants", id(func))
        if key not in self._memo:
            values: dict[str, list[ast.expr]] = {}
            stores: dict[str, int] = {}
            for n in walk_own(func):  # exact classes: a parsed tree has no subclasses
                kind = type(n)
                if kind is ast.Name:
                    if type(n.ctx) is not ast.Load:  # type: ignore[attr-defined]
                        stores[n.id] = stores.get(n.id, 0) + 1  # type: ignore[attr-defined]
                elif kind is ast.Assign and len(n.targets) == 1:  # type: ignore[attr-defined]
                    target = n.targets[0]  # type: ignore[attr-defined]
                    if type(target) is ast.Name:
                        values.setdefault(target.id, []).append(n.value)  # type: ignore[attr-defined]
                    elif type(target) is ast.Tuple and type(n.value) is ast.Tuple \
                            and len(target.elts) == len(n.value.elts):  # type: ignore[attr-defined]  # `prev, x = x, new`
                        for element, value in zip(target.elts, n.value.elts):  # type: ignore[attr-defined]
                            if type(element) is ast.Name:
                                values.setdefault(element.id, []).append(value)  # type: ignore[attr-defined]
            self._memo[key] = {
                name: found[0] for name, found in values.items()
                if len(found) == 1 and stores.get(name) == 1
            }
        return self._memo[key]  # type: ignore[return-value]

    def module_constant(self, name: str) -> ast.expr | None:
        """The value of ``name`` when the module binds it exactly once, by ``name = value``."""
        values = self.module_bindings.get(name, [])
        return values[0] if len(values) == 1 else None
