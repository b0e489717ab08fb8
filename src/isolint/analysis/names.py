"""Import table and qualified-name resolution (ruff's ``resolve_qualified_name`` idea).

Rules never compare spellings: ``os.environ``, ``from os import environ``, ``import os as o``
and ``env = os.environ`` all resolve to ``"os.environ"``.
"""

from __future__ import annotations

import ast
import builtins
from functools import cached_property

#: Modules that are other spellings of a canonical one (the ``mock`` backport is unittest.mock).
CANONICAL_MODULES = {
    "mock": "unittest.mock",
    "asynctest.mock": "unittest.mock",
}
_BUILTINS = frozenset(dir(builtins))
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
#: The statements the import table is built from.
_TABLE_STATEMENTS = frozenset({ast.Import, ast.ImportFrom, ast.Assign, *_SCOPES})


def canonical(qualified: str) -> str:
    """Map an alternative module spelling onto the canonical one."""
    for alias, target in CANONICAL_MODULES.items():
        if qualified == alias or qualified.startswith(alias + "."):
            return target + qualified[len(alias) :]
    return qualified


class ImportTable:
    """Maps the names bound in a module to the qualified names they stand for.

    Built from every import statement in the file (function-local ones included), plus simple
    aliases ``name = <qualified expression>`` that are bound to one qualified name throughout.
    """

    def __init__(self, tree: ast.Module) -> None:
        self._bound: dict[str, str] = {}
        self._aliases: dict[str, str | None] = {}
        self._locally_defined: set[str] = set()
        alias_candidates: list[tuple[str, ast.expr]] = []
        for stmt in statements(tree.body):
            if type(stmt) not in _TABLE_STATEMENTS:
                continue  # most statements bind no import, definition or alias
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname:
                        self._bound[alias.asname] = canonical(alias.name)
                    else:
                        top = alias.name.split(".")[0]
                        self._bound[top] = canonical(top)
            elif isinstance(stmt, ast.ImportFrom):
                if stmt.level or not stmt.module:
                    for alias in stmt.names:
                        self._locally_defined.add(alias.asname or alias.name)
                    continue
                for alias in stmt.names:
                    if alias.name == "*":
                        continue
                    target = canonical(f"{stmt.module}.{alias.name}")
                    self._bound[alias.asname or alias.name] = target
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._locally_defined.add(stmt.name)
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if isinstance(target, ast.Name) and isinstance(
                    stmt.value, (ast.Name, ast.Attribute)
                ):
                    alias_candidates.append((target.id, stmt.value))
        for name, value in alias_candidates:
            resolved = self.resolve(value)
            previous = self._aliases.get(name, resolved)
            # A name bound to different things in different places is no alias.
            self._aliases[name] = resolved if previous == resolved else None
        #: The last dotted part of what each imported or aliased name resolves to.
        self.tails: dict[str, str] = {
            name: target.rsplit(".", 1)[-1]
            for name, target in [*self._aliases.items(), *self._bound.items()]
            if target is not None
        }

    def resolve(self, node: ast.AST) -> str | None:
        """The qualified name ``node`` refers to, or None when it is not an imported name."""
        if isinstance(node, ast.Name):
            name = node.id
            if name in self._bound:
                return self._bound[name]
            alias = self._aliases.get(name)
            if alias is not None:
                return alias
            if name in _BUILTINS and name not in self._locally_defined and name not in self._aliases:
                return name
            return None
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def binds(self, name: str) -> bool:
        """Whether ``name`` is bound by an import in this module."""
        return name in self._bound

    def may_resolve_under(self, qualified: str) -> bool:
        """Whether any name in this module can resolve to ``qualified`` or below it: only when
        an import binds it, a parent or a child of it (aliases resolve through imports)."""
        targets, parents = self._import_targets
        parts = qualified.split(".")
        return qualified in parents or any(
            ".".join(parts[:end]) in targets for end in range(1, len(parts) + 1)
        )

    @cached_property
    def _import_targets(self) -> tuple[frozenset[str], frozenset[str]]:
        """What the imports bind, and the dotted parents of those (``os`` of ``os.path``)."""
        targets = frozenset(self._bound.values())
        parents = frozenset(
            target.rsplit(".", depth)[0] for target in targets for depth in range(1, target.count(".") + 1)
        )
        return targets, parents


def statements(body: list[ast.stmt], nested_scopes: bool = True):
    """Every statement in ``body`` and in the bodies nested in it (not expressions), in
    source order; without ``nested_scopes``, not those in nested functions and classes."""
    stack = body[::-1]
    while stack:
        stmt = stack.pop()
        yield stmt
        if type(stmt) not in _NESTING or (not nested_scopes and isinstance(stmt, _SCOPES)):
            continue  # most statements (assignments, calls, returns...) nest none
        stack.extend(reversed([s for block in blocks(stmt) for s in block]))


def blocks(stmt: ast.AST):
    """The statement lists nested in ``stmt``: its body, else, finally, handler and case blocks."""
    for field in ("body", "orelse", "finalbody"):
        body = getattr(stmt, field, None)
        if isinstance(body, list):
            yield body
    for handler in getattr(stmt, "handlers", ()) or ():
        yield handler.body
    for case in getattr(stmt, "cases", ()) or ():
        yield case.body


#: Statement classes that can nest statement blocks (see :func:`blocks`).
_NESTING = frozenset(
    c for c in vars(ast).values()
    if isinstance(c, type) and issubclass(c, ast.stmt)
    and {"body", "orelse", "finalbody", "handlers", "cases"} & set(c._fields)
)
