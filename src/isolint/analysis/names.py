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
#: A name spelled with this prefix is already qualified (``"\0os"`` is the module ``os``): the
#: project index writes another module's cleanup code this way, so that any file's import table
#: resolves it as that module meant it.
QUALIFIED_PREFIX = "\0"
#: A name spelled with this prefix is a parameter or local variable of another module's helper:
#: as a key of a restore (``sys.modules.pop(name)``) it stands for any key the caller passes.
ANY_VALUE_PREFIX = "\1"
#: Attributes of a module that are another module: ``os.sys`` is ``sys``.
MODULE_ATTRIBUTES = {"os.sys": "sys"}
_BUILTINS = frozenset(dir(builtins))
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_TRY_STATEMENTS = frozenset(c for c in (getattr(ast, "Try", None), getattr(ast, "TryStar", None)) if c)
#: The statements that bind names other than by an import (see ``_collect_stores``).
_BINDING_STATEMENTS = frozenset({
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AugAssign, ast.AnnAssign,
    ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Global, ast.Nonlocal, *_TRY_STATEMENTS,
})
#: The values of ``name = value`` that may make ``name`` an alias (``env = os.environ``).
_ALIAS_VALUES = frozenset({ast.Name, ast.Attribute})
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
        self._shadowed: dict[str, list[tuple[int, int]]] = {}
        alias_candidates: list[tuple[str, ast.expr]] = []
        #: Statements that bind names other than by an import (for :func:`_shadowing`).
        binders: list[ast.stmt] = []
        functions: list[ast.AST] = []
        bound, defined = self._bound, self._locally_defined
        nesting = _NESTING_FIELDS
        # `statements(tree.body)` inlined (the same order): this pass visits every statement
        # of the file, and a generator's resumption per statement cost more than the work.
        pending = tree.body[::-1]
        while pending:
            stmt = pending.pop()
            kind = type(stmt)
            fields = nesting.get(kind)
            if fields is not None:
                _push_nested(stmt, fields, pending)
            if kind is ast.Assign:  # the most frequent statement, first
                if len(stmt.targets) == 1:  # type: ignore[attr-defined]
                    target = stmt.targets[0]  # type: ignore[attr-defined]
                    target_kind = type(target)
                    if target_kind is ast.Name:
                        binders.append(stmt)
                        if type(stmt.value) in _ALIAS_VALUES:  # type: ignore[attr-defined]
                            alias_candidates.append((target.id, stmt.value))  # type: ignore[attr-defined]
                    elif target_kind is not ast.Attribute and target_kind is not ast.Subscript:
                        binders.append(stmt)  # `self.x = ...`, `d[k] = ...` bind no name
                else:
                    binders.append(stmt)
            elif kind in _BINDING_STATEMENTS:
                binders.append(stmt)
                if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                    functions.append(stmt)
                    defined.add(stmt.name)  # type: ignore[attr-defined]
                elif kind is ast.ClassDef:
                    defined.add(stmt.name)  # type: ignore[attr-defined]
            elif kind is ast.Import:
                for alias in stmt.names:  # type: ignore[attr-defined]
                    if alias.asname:
                        bound[alias.asname] = canonical(alias.name)
                    else:
                        top = alias.name.split(".")[0]
                        bound[top] = canonical(top)
            elif kind is ast.ImportFrom:
                if stmt.level or not stmt.module:  # type: ignore[attr-defined]
                    for alias in stmt.names:  # type: ignore[attr-defined]
                        defined.add(alias.asname or alias.name)
                    continue
                for alias in stmt.names:  # type: ignore[attr-defined]
                    if alias.name == "*":
                        continue
                    target = canonical(f"{stmt.module}.{alias.name}")  # type: ignore[attr-defined]
                    bound[alias.asname or alias.name] = target
        for name, value in alias_candidates:
            resolved = self.resolve(value)
            previous = self._aliases.get(name, resolved)
            # A name bound to different things in different places is no alias.
            self._aliases[name] = resolved if previous == resolved else None
        #: Imported or aliased names that a function binds to something else, with the lines
        #: of those functions: there the name is a local variable (``os = FakeOS()``).
        names = set(self._bound) | {n for n, v in self._aliases.items() if v is not None}
        stores: list[tuple[str, int, ast.AST | None]] = []
        if functions:  # else no name is local anywhere
            for stmt in binders:
                if type(stmt) is ast.Assign and len(stmt.targets) == 1 \
                        and type(stmt.targets[0]) is ast.Name:  # type: ignore[attr-defined]
                    name = stmt.targets[0].id  # type: ignore[attr-defined]  # most, quickly
                    if name in names or name[7:] in names:
                        stores.append((name, stmt.lineno, None))
                else:
                    _collect_stores(stmt, stores, names)
        self._shadowed = _shadowing(functions, stores, names)
        #: The last dotted part of what each imported or aliased name resolves to.
        self.tails: dict[str, str] = {
            name: target.rsplit(".", 1)[-1]
            for name, target in [*self._aliases.items(), *self._bound.items()]
            if target is not None
        }

    def resolve(self, node: ast.AST) -> str | None:
        """The qualified name ``node`` refers to, or None when it is not an imported name.
        Iterative: an attribute chain of any length (``os.a.a.a...``) resolves."""
        attrs = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self._resolve_name(node)
        for attr in reversed(attrs):
            if not base:
                return None
            dotted = f"{base}.{attr}"
            base = MODULE_ATTRIBUTES.get(dotted, dotted)
        return base

    def _resolve_name(self, node: ast.Name) -> str | None:
        name = node.id
        if name in self._shadowed and self._is_shadowed(name, node):
            return None
        if name in self._bound:
            return self._bound[name]
        alias = self._aliases.get(name)
        if alias is not None:
            return alias
        if name in _BUILTINS and name not in self._locally_defined and name not in self._aliases:
            return name
        if name[:1] == QUALIFIED_PREFIX:
            return name[1:]
        return None

    def _is_shadowed(self, name: str, node: ast.Name) -> bool:
        line = getattr(node, "lineno", 0)
        return any(first <= line <= last for first, last in self._shadowed[name])

    def binds(self, name: str) -> bool:
        """Whether ``name`` is bound by an import in this module (or is already qualified)."""
        return name in self._bound or name[:1] == QUALIFIED_PREFIX

    def bind(self, name: str, qualified: str) -> None:
        """Bind ``name`` to ``qualified`` (a relative import resolved, a project re-export
        followed), as if an import said so."""
        self._bound[name] = qualified
        self.tails[name] = qualified.rsplit(".", 1)[-1]
        self.__dict__.pop("_import_targets", None)

    def bound(self) -> dict[str, str]:
        """The names imports bind, and what they stand for."""
        return dict(self._bound)

    def may_resolve_under(self, qualified: str) -> bool:
        """Whether any name in this module can resolve to ``qualified`` or below it: only when
        an import binds it, a parent or a child of it (aliases resolve through imports)."""
        targets, parents = self._import_targets
        parts = qualified.split(".")
        if qualified in parents or any(
            ".".join(parts[:end]) in targets for end in range(1, len(parts) + 1)
        ):
            return True
        # `os.sys.modules` reaches `sys.modules` through `import os`.
        return any(
            (qualified == target or qualified.startswith(target + ".")) and self.may_resolve_under(alias)
            for alias, target in MODULE_ATTRIBUTES.items()
        )

    @cached_property
    def _import_targets(self) -> tuple[frozenset[str], frozenset[str]]:
        """What the imports bind, and the dotted parents of those (``os`` of ``os.path``)."""
        targets = frozenset(self._bound.values())
        parents = frozenset(
            target.rsplit(".", depth)[0] for target in targets for depth in range(1, target.count(".") + 1)
        )
        return targets, parents


def _collect_stores(stmt: ast.stmt, stores: list[tuple[str, int, ast.AST | None]],
                    names: set[str]) -> None:
    """Record the names among ``names`` that ``stmt`` binds other than by an import:
    ``(name, line, the function or class it defines or None)``; a parameter as ``(name, -1,
    its function)``, a ``global`` / ``nonlocal`` declaration as ``("global " + name, line,
    None)``. (A name is kept when it or its part after the first seven characters is among
    ``names``: the test :func:`_shadowing` applies to every store.)"""
    kind = type(stmt)
    line = stmt.lineno
    if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef or kind is ast.ClassDef:
        if kind is not ast.ClassDef:
            args = stmt.args  # type: ignore[attr-defined]
            parameters = args.args
            if args.posonlyargs or args.kwonlyargs or args.vararg or args.kwarg:  # (seldom)
                parameters = [*args.posonlyargs, *parameters, *args.kwonlyargs,
                              *(a for a in (args.vararg, args.kwarg) if a is not None)]
            for a in parameters:
                if a.arg in names or a.arg[7:] in names:
                    stores.append((a.arg, -1, stmt))  # a parameter: the line is the function's own
        name = stmt.name  # type: ignore[attr-defined]
        if name in names or name[7:] in names:
            stores.append((name, line, stmt))
        return
    found: list[tuple[str, int, ast.AST | None]] = []
    if kind in (ast.Assign, ast.AugAssign, ast.For, ast.AsyncFor) or (
            kind is ast.AnnAssign and stmt.value is not None):  # type: ignore[attr-defined]
        targets = stmt.targets if kind is ast.Assign else [stmt.target]  # type: ignore[attr-defined]
        found.extend((name, line, None) for name in _stored(targets))
    elif kind in (ast.With, ast.AsyncWith):
        targets = [i.optional_vars for i in stmt.items if i.optional_vars is not None]  # type: ignore[attr-defined]
        found.extend((name, line, None) for name in _stored(targets))
    elif kind in _TRY_STATEMENTS:
        found.extend((h.name, h.lineno, None) for h in stmt.handlers if h.name)  # type: ignore[attr-defined]
    elif kind in (ast.Global, ast.Nonlocal):
        found.extend(("global " + name, line, None) for name in stmt.names)  # type: ignore[attr-defined]
    stores.extend(store for store in found if store[0] in names or store[0][7:] in names)


def _shadowing(functions: list[ast.AST], stores: list[tuple[str, int, ast.AST | None]],
               names: set[str]) -> dict[str, list[tuple[int, int]]]:
    """For each of ``names``, the line ranges of the functions that bind it as a local
    variable (a parameter, an assignment, a loop or ``with`` target, an ``except ... as``, a
    nested ``def`` or ``class``), unless they declare it ``global`` or ``nonlocal``."""
    wanted = [(n, line, node) for n, line, node in stores if n in names or n[7:] in names]
    if not wanted or not functions:
        return {}
    local: dict[int, set[str]] = {}
    declared: dict[int, set[str]] = {}
    by_id = {id(f): f for f in functions}
    for name, line, node in wanted:
        owner = node if line == -1 else _innermost(functions, line, node)
        if owner is None:
            continue
        if name.startswith("global "):
            declared.setdefault(id(owner), set()).add(name[7:])
        else:
            local.setdefault(id(owner), set()).add(name)
    out: dict[str, list[tuple[int, int]]] = {}
    for key, bound in local.items():
        func = by_id[key]
        for name in bound - declared.get(key, set()):
            out.setdefault(name, []).append((func.lineno, func.end_lineno or func.lineno))  # type: ignore[attr-defined]
    return out


def _innermost(functions: list[ast.AST], line: int, exclude: ast.AST | None) -> ast.AST | None:
    best = None
    for func in functions:
        if func is exclude:
            continue
        if func.lineno <= line <= (func.end_lineno or func.lineno):  # type: ignore[attr-defined]
            if best is None or func.lineno >= best.lineno:  # type: ignore[attr-defined]
                best = func
    return best


def _stored(targets: list[ast.expr]) -> set[str]:
    found = set()
    pending = list(targets)
    while pending:
        target = pending.pop()
        if isinstance(target, ast.Name):
            found.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            pending.extend(target.elts)
        elif isinstance(target, ast.Starred):
            pending.append(target.value)
    return found


def statements(body: list[ast.stmt], nested_scopes: bool = True):
    """Every statement in ``body`` and in the bodies nested in it (not expressions), in
    source order; without ``nested_scopes``, not those in nested functions and classes.
    (The blocks of a statement come in :func:`blocks`' order: a ``try``'s handlers last.)"""
    stack = body[::-1]
    nesting = _NESTING_FIELDS
    while stack:
        stmt = stack.pop()
        yield stmt
        fields = nesting.get(type(stmt))
        if fields is None or (not nested_scopes and isinstance(stmt, _SCOPES)):
            continue  # most statements (assignments, calls, returns...) nest none
        _push_nested(stmt, fields, stack)


def _push_nested(stmt: ast.stmt, fields: tuple[str, ...], stack: list[ast.stmt]) -> None:
    """Put the statements nested in ``stmt`` (its block ``fields``) on ``stack``, the first
    on top."""
    nested: list[ast.stmt] = []
    for field in fields:
        if field == "handlers" or field == "cases":
            for part in getattr(stmt, field, None) or ():
                nested += part.body
        else:
            value = getattr(stmt, field, None)
            if type(value) is list:
                nested += value
    nested.reverse()
    stack += nested


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
#: Their fields that hold blocks (or handlers and cases, which hold one), in :func:`blocks`' order.
_NESTING_FIELDS = {
    c: tuple(f for f in ("body", "orelse", "finalbody", "handlers", "cases") if f in c._fields)
    for c in _NESTING
}
