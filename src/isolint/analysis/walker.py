"""The engine's walk, compiled: one small function per node class, generated from the class's
fields, so that entering a node costs one call and direct attribute reads.

The walk keeps the ancestor stack (``push``/``pop``), calls the visitors a table gives for the
node's class before its children and the leavers after them, and enters a child only when its
class is *enterable* (it has children, or something visits or leaves it): ``Load()``, most
``Name`` and ``Constant`` nodes, the strings of ``Global.names`` and ``None`` are not entered.
It is the same walk, node for node, as a generic loop over :func:`child_fields` with
``getattr``; the generated form spends no time on field names, ``getattr`` defaults or
``type(value) is list`` checks. A class's function is generated the first time the process
meets the class (compiling costs, so only the classes files contain); each walk makes its
closures over the file's stack and tables as it meets each class.
"""

from __future__ import annotations

import ast
import re
from typing import Callable

from isolint.analysis.tree import child_fields

#: A field in a node class's signature, ``expr* args`` or ``expr? returns``.
_FIELD = re.compile(r"(\w+)([*?]?) (\w+)")

Visitors = dict[type, list[tuple[object, Callable]]]
Crashed = Callable[[object, Exception, ast.AST], None]


def _list_fields(cls: type) -> dict[str, bool | None]:
    """For each child field of ``cls``: whether it holds a list (from the class's signature
    in its docstring, ``Call(expr func, expr* args, keyword* keywords)``), None if unknown."""
    doc = (cls.__doc__ or "").split("\n", 1)[0]
    kinds = {name: mark == "*" for _type, mark, name in _FIELD.findall(doc)}
    return {name: kinds.get(name) for name in child_fields(cls)}


def _calls(table: str) -> list[str]:
    return [
        f"  for rule, method in {table}[C]:",
        "   try: method(node, ctx)",
        "   except Exception as exc: crashed(rule, exc, node)",  # a crash must not lose the file
    ]


def _source(cls: type, visits: bool, leaves: bool) -> str:
    """``make(...)``, which returns the function entering a node of class ``cls`` (``C``)."""
    lines = ["def make(push, pop, ctx, table, visit, leave, crashed):", " def e(node):"]
    fields = _list_fields(cls)
    if not visits and not leaves and len(fields) == 1 and False in fields.values():
        # One child node (``x.attr``, ``f(key=value)``, an expression statement): on the stack
        # only while that child is walked, not at all when it is not entered (most are not).
        lines += [f"  c = node.{next(iter(fields))}", "  f = table[type(c)]",
                  "  if f is not None: push(node); f(c); pop()", " return e"]
        return "\n".join(lines) + "\n"
    lines.append("  push(node)")
    if visits:
        lines += _calls("visit")
    for name, is_list in fields.items():
        if is_list is None:  # not in the signature: decided at run time, as a generic walk does
            lines += [f"  v = getattr(node, {name!r}, None)",
                      "  for c in (v if type(v) is list else (v,)):",
                      "   f = table[type(c)]",
                      "   if f is not None: f(c)"]
        elif is_list:
            lines += [f"  for c in node.{name}:", "   f = table[type(c)]", "   if f is not None: f(c)"]
        else:
            lines += [f"  c = node.{name}", "  f = table[type(c)]", "  if f is not None: f(c)"]
    if leaves:
        lines += _calls("leave")
    lines += ["  pop()", " return e"]
    return "\n".join(lines) + "\n"


#: (class, visited, left) -> the compiled ``make`` of :func:`_source`.
_MAKERS: dict[tuple[type, bool, bool], Callable] = {}


def _maker(cls: type, visits: bool, leaves: bool) -> Callable:
    key = (cls, visits, leaves)
    make = _MAKERS.get(key)
    if make is None:
        namespace: dict[str, object] = {"C": cls}
        exec(compile(_source(cls, visits, leaves), f"<isolint walk {cls.__name__}>", "exec"), namespace)
        make = _MAKERS[key] = namespace["make"]  # type: ignore[assignment]
    return make  # type: ignore[return-value]


class _Table(dict):
    """Node class -> the walk's function for it (None: not entered), made on first use."""

    def __init__(self, args: tuple, enterable: frozenset[type], visit: Visitors, leave: Visitors) -> None:
        super().__init__()
        self.args = args
        self.enterable = enterable
        self.visit = visit
        self.leave = leave

    def __missing__(self, cls: type) -> Callable | None:
        enter = None
        if cls in self.enterable:
            enter = _maker(cls, cls in self.visit, cls in self.leave)(*self.args)
        self[cls] = enter
        return enter


def walk_with(node: ast.AST, stack: list[ast.AST], ctx: object, visit: Visitors, leave: Visitors,
              enterable: frozenset[type], crashed: Crashed) -> None:
    """Walk ``node``: ``visit[cls]`` before a node's children, ``leave[cls]`` after, each
    called as ``method(node, ctx)``; an exception in one goes to ``crashed(rule, exc, node)``.
    ``visit`` and ``leave`` are read at each node (a crashed rule may be taken out of them)."""
    table = _Table((), enterable, visit, leave)
    table.args = (stack.append, stack.pop, ctx, table, visit, leave, crashed)
    try:
        enter = table[type(node)]
        if enter is not None:
            enter(node)
    finally:
        table.clear()  # the functions and the table refer to each other: break the cycle now
        table.args = ()
