"""``collect_ignore`` / ``collect_ignore_glob`` of a ``conftest.py``, read without importing it.

pytest imports each conftest and reads the two module attributes when it decides whether to
collect a path (``pytest_ignore_collect``): the nearest conftest that defines one of them wins
for that name, and its entries are paths relative to the conftest's directory. isolint reads the
same values statically from the module's top-level statements, in order:

* ``collect_ignore = [...]`` (also annotated, and ``[...] + [...]``), ``collect_ignore += [...]``,
  ``collect_ignore.append("x")``, ``collect_ignore.extend([...])``;
* inside ``if`` statements whose test is a comparison of ``sys.version_info`` (or
  ``sys.version_info[:N]`` / ``.major`` / ``.minor``) or ``sys.platform`` with constants, combined
  with ``and`` / ``or`` / ``not``: evaluated for the interpreter running isolint, as pytest would;
* a statement isolint cannot evaluate (a computed value, an ``if`` on something else) is skipped,
  so a path is never ignored on a guess.
"""

from __future__ import annotations

import ast
import operator
import sys
from dataclasses import dataclass
from typing import Any

NAMES = ("collect_ignore", "collect_ignore_glob")
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


class _Unknown(Exception):
    """A value or condition that cannot be evaluated statically."""


@dataclass(frozen=True)
class ConftestIgnores:
    """The two lists as a conftest defines them; ``None`` when it does not define the name."""

    paths: tuple[str, ...] | None = None
    globs: tuple[str, ...] | None = None


def read_ignores(tree: ast.Module) -> ConftestIgnores:
    """Evaluate the conftest's top-level ``collect_ignore`` and ``collect_ignore_glob``."""
    values: dict[str, list[str] | None] = {name: None for name in NAMES}
    _run(tree.body, values)
    paths, globs = values["collect_ignore"], values["collect_ignore_glob"]
    return ConftestIgnores(
        None if paths is None else tuple(paths), None if globs is None else tuple(globs)
    )


def _run(body: list[ast.stmt], values: dict[str, list[str] | None]) -> None:
    for stmt in body:
        try:
            _statement(stmt, values)
        except _Unknown:
            continue


def _statement(stmt: ast.stmt, values: dict[str, list[str] | None]) -> None:
    if isinstance(stmt, ast.If):
        _run(stmt.body if _truth(stmt.test) else stmt.orelse, values)
    elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id in values and stmt.value is not None:
                values[target.id] = _strings(stmt.value)
    elif isinstance(stmt, ast.AugAssign):
        name = stmt.target.id if isinstance(stmt.target, ast.Name) else None
        if name in values and isinstance(stmt.op, ast.Add):
            values[name] = _current(values, name) + _strings(stmt.value)
    elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in values
            and func.attr in ("append", "extend")
            and len(call.args) == 1
            and not call.keywords
        ):
            name = func.value.id
            added = [_string(call.args[0])] if func.attr == "append" else _strings(call.args[0])
            values[name] = _current(values, name) + added


def _current(values: dict[str, list[str] | None], name: str) -> list[str]:
    current = values[name]
    if current is None:  # a NameError when pytest imports the conftest; nothing to go on
        raise _Unknown
    return current


def _string(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    raise _Unknown


def _strings(node: ast.expr) -> list[str]:
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_string(element) for element in node.elts]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _strings(node.left) + _strings(node.right)
    raise _Unknown


def _truth(node: ast.expr) -> bool:
    if isinstance(node, ast.BoolOp):
        results = (_truth(value) for value in node.values)
        return all(results) if isinstance(node.op, ast.And) else any(results)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _truth(node.operand)
    if isinstance(node, ast.Compare):
        left = _value(node.left)
        for op, right_node in zip(node.ops, node.comparators):
            right = _value(right_node)
            compare = _COMPARE.get(type(op))
            if compare is None or not compare(left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Constant):
        return bool(node.value)
    raise _Unknown


def _value(node: ast.expr) -> Any:
    """A constant, a tuple of constants, or ``sys.version_info`` / ``sys.platform`` (and
    slices, indexes and ``major``/``minor``/``micro`` of ``sys.version_info``)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple):
        return tuple(_value(element) for element in node.elts)
    if isinstance(node, ast.Attribute) and _is_sys(node.value):
        if node.attr == "version_info":
            return tuple(sys.version_info)
        if node.attr == "platform":
            return sys.platform
    if isinstance(node, ast.Attribute) and node.attr in ("major", "minor", "micro"):
        version = _value(node.value)
        if isinstance(version, tuple) and len(version) >= 3:
            return version[("major", "minor", "micro").index(node.attr)]
    if isinstance(node, ast.Subscript):
        container = _value(node.value)
        if isinstance(container, tuple):
            index = node.slice
            if isinstance(index, ast.Slice) and index.step is None:
                lower = _value(index.lower) if index.lower is not None else None
                upper = _value(index.upper) if index.upper is not None else None
                if isinstance(lower, (int, type(None))) and isinstance(upper, (int, type(None))):
                    return container[lower:upper]
            elif isinstance(index, ast.Constant) and isinstance(index.value, int):
                try:
                    return container[index.value]
                except IndexError:
                    raise _Unknown from None
    raise _Unknown


def _is_sys(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "sys"
