"""Syntax-tree helpers every analysis uses: fast walks without marker nodes, the ancestors
of a node, spellings of expressions. No knowledge of pytest, of cleanup or of a file."""

from __future__ import annotations

import ast
from collections import deque
from typing import Iterable, Iterator

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_SCOPE_CLASSES = frozenset(SCOPE_NODES)


def last_parts(qualified_names: Iterable[str]) -> frozenset[str]:
    """The last dotted parts of ``qualified_names``: the ``words`` of
    :meth:`~isolint.analysis.context.FileContext.call_name_among` for calls that may resolve
    to one of them."""
    return frozenset(name.rsplit(".", 1)[-1] for name in qualified_names)


def expr_key(node: ast.AST) -> str:
    """A comparable spelling of an expression, the same whether it is read or assigned (the
    unparser's; a dotted name, the most frequent, is spelled without it)."""
    dotted = dotted_key(node)
    return ast.unparse(node) if dotted is None else dotted


def dotted_key(node: ast.AST) -> str | None:
    """The unparser's spelling of a dotted name (``a.b.c``: it writes exactly that) without the
    unparser; None for any other expression (of which only ``None``, ``True`` and
    ``False`` are spelled like a name)."""
    parts = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)  # type: ignore[attr-defined]
        node = node.value  # type: ignore[attr-defined]
    if type(node) is not ast.Name:
        return None
    parts.append(node.id)  # type: ignore[attr-defined]
    return ".".join(reversed(parts))


def call_argument(call: ast.Call, index: int | None, keyword: str) -> ast.expr | None:
    """The argument of ``call`` given as ``keyword=`` or at position ``index`` (None: keyword
    only), or None when it is not given or hidden in ``*args``."""
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if index is not None and len(call.args) > index:
        arg = call.args[index]
        return None if isinstance(arg, ast.Starred) else arg
    return None


def stored_names(target: ast.AST | None) -> list[str]:
    """The names a binding target (``a``, ``a, *b``, ``(a, b)``) binds; not ``x.a`` or ``x[a]``."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return stored_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for elt in target.elts for name in stored_names(elt)]
    return []


#: Fields that only ever hold names, numbers or flags, never a node.
_LEAF_FIELDS = frozenset(
    {"id", "attr", "arg", "name", "module", "level", "asname", "kind", "type_comment",
     "is_async", "conversion", "simple", "tag", "kwd_attrs"}
)
#: Fields that only hold the childless singletons ``Load()``, ``Store()``, ``Add()``, ``Eq()``...
#: (expression contexts and operators): no question a rule asks is about them as nodes.
MARKER_FIELDS = frozenset({"ctx", "op", "ops"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def enclosing_class(stack: list[ast.AST], func: ast.AST) -> ast.ClassDef | None:
    """The class ``func`` is directly defined in, if any, from the walk's ancestor ``stack``."""
    if func not in stack:
        return None
    index = stack.index(func)
    parent = stack[index - 1] if index else None
    return parent if isinstance(parent, ast.ClassDef) else None


def child_fields(cls: type) -> tuple[str, ...]:
    """The fields of node class ``cls`` that can hold child nodes, markers excluded."""
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        skip = _LEAF_FIELDS | MARKER_FIELDS
        if cls.__name__ == "TypeAlias":  # `type X = ...` (3.12): its name is a Name node
            skip = skip - {"name"}
        fields = () if cls is ast.Constant else tuple(f for f in cls._fields if f not in skip)
        _CHILD_FIELDS[cls] = fields
    return fields


def iter_children(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.iter_child_nodes`` without the marker nodes of :data:`MARKER_FIELDS`, and faster."""
    for name in child_fields(type(node)):
        value = getattr(node, name, None)
        if type(value) is list:
            for item in value:
                if isinstance(item, ast.AST):
                    yield item
        elif isinstance(value, ast.AST):
            yield value


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk`` (breadth-first, in the same order) without marker nodes, and faster."""
    todo = deque([node])
    fields = _CHILD_FIELDS
    while todo:
        node = todo.popleft()
        names = fields.get(type(node))
        if names is None:
            names = child_fields(type(node))
        for name in names:
            value = getattr(node, name, None)
            if type(value) is list:
                todo.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                todo.append(value)
        yield node

def walk_own(func: ast.AST) -> Iterator[ast.AST]:
    """Every node inside ``func``'s body, not descending into nested functions or classes."""
    stack = list(reversed(getattr(func, "body", [])))
    fields = _CHILD_FIELDS
    while stack:
        node = stack.pop()
        yield node
        kind = type(node)
        if kind in _SCOPE_CLASSES:
            continue
        names = fields.get(kind)
        if names is None:
            names = child_fields(kind)
        if not names:
            continue  # Name, Constant...: most nodes have no children
        children: list[ast.AST] = []
        for name in names:  # iter_children, inlined
            value = getattr(node, name, None)
            if type(value) is list:
                children += [item for item in value if isinstance(item, ast.AST)]
            elif isinstance(value, ast.AST):
                children.append(value)
        children.reverse()
        stack += children


def enclosing(stack: list[ast.AST], *types: type) -> ast.AST | None:
    """The innermost ancestor of one of ``types`` on ``stack`` (excluding its last node)."""
    for node in reversed(stack[:-1]):
        if isinstance(node, types):
            return node
    return None


def enclosing_function(stack: list[ast.AST]) -> FunctionNode | None:
    """The function whose body the last node of ``stack`` is in (None in a class body)."""
    for node in reversed(stack[:-1]):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node
        if isinstance(node, ast.ClassDef):
            return None
    return None
