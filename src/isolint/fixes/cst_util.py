"""LibCST helpers the fixers share: positions, parameters, imports, methods and teardowns."""

from __future__ import annotations

import ast
import textwrap
from typing import Callable, Iterable, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from isolint.fixes.base import Position, TeardownPlan

SETUP_NAMES = ("setup_class", "setUpClass", "setup_method", "setUp", "asyncSetUp")


class PositionedTransformer(cst.CSTTransformer):
    """A transformer that knows each original node's (line, 1-based column) in the file, also
    when it runs on one region of it (``line_offset``: lines of the file above the region)."""

    METADATA_DEPENDENCIES = (PositionProvider,)
    line_offset = 0

    def pos(self, node: cst.CSTNode) -> Position:
        start = self.get_metadata(PositionProvider, node).start
        return start.line + self.line_offset, start.column + 1


def transform(source: str, transformer: cst.CSTTransformer) -> cst.Module:
    """``transformer`` applied to the whole of ``source`` (see :func:`transform_regions`)."""
    return MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True).visit(transformer)


#: The header that makes an indented region (a method) parse as a module of its own.
_WRAPPER = "if 1:\n"


def region_span(node: ast.AST) -> tuple[int, int]:
    """The lines (first, last; 1-based) of a ``def`` or ``class`` statement, decorators included."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])  # type: ignore[attr-defined]
    return first, node.end_lineno  # type: ignore[attr-defined]


def transform_regions(source: str, anchors: Iterable[ast.AST],
                      make: Callable[[], PositionedTransformer]) -> str:
    """``source`` with a transformer from ``make()`` applied to each ``def``/``class`` statement
    in ``anchors`` (an anchor inside another is covered by the outer one), and nothing else.

    LibCST parses only these statements, not the whole file: an indented one is parsed under an
    ``if 1:`` header, which keeps its own indentation, and the transformer sees positions in
    the file (``line_offset``). What is outside the regions stays byte for byte."""
    spans = sorted({region_span(a) for a in anchors})
    outer: list[tuple[int, int]] = []
    for first, last in spans:
        if outer and first <= outer[-1][1]:
            outer[-1] = (outer[-1][0], max(last, outer[-1][1]))
        else:
            outer.append((first, last))
    if not outer:
        return source
    lines = source.splitlines(keepends=True)
    pieces: list[str] = []
    done = 0
    for first, last in outer:
        chunk = "".join(lines[first - 1 : last])
        indented = chunk[:1] in (" ", "\t", "\f")
        first_line = lines[first - 1]
        newline = first_line[len(first_line.rstrip("\r\n")):] or "\n"
        # LibCST writes new lines with the newline of the module's first line: the file's own.
        prefix = _WRAPPER.replace("\n", newline) if indented else ""
        transformer = make()
        transformer.line_offset = first - 1 - (1 if indented else 0)
        module = cst.parse_module(prefix + chunk)
        code = MetadataWrapper(module, unsafe_skip_copy=True).visit(transformer).code
        pieces.append("".join(lines[done : first - 1]))
        pieces.append(code[len(prefix):])
        done = last
    pieces.append("".join(lines[done:]))
    return "".join(pieces)


def statements(code: str) -> list[cst.BaseStatement]:
    """Statements parsed from ``code`` (dedented; 4-space blocks take the module's indent)."""
    return list(cst.parse_module(textwrap.dedent(code).strip("\n") + "\n").body)


def expression(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code)


def call_statement(func: str, args: Sequence[cst.Arg]) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Expr(cst.Call(func=expression(func), args=list(args)))])


def arg(value: cst.BaseExpression, keyword: str | None = None) -> cst.Arg:
    """A fresh argument (no comma or whitespace of the place ``value`` came from)."""
    if keyword:
        return cst.Arg(value, keyword=cst.Name(keyword),
                       equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
    return cst.Arg(value)


def string(text: str) -> cst.SimpleString:
    return cst.SimpleString('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')


# --------------------------------------------------------------------------- parameters
def add_param(func: cst.FunctionDef, name: str, annotation: str | None = None,
              index: int | None = None, column: int | None = None) -> cst.FunctionDef:
    """``func`` with a parameter ``name`` (kept as is when it has one) at ``index`` among the
    positional ones (default: before the first with a default, else last), laid out like its
    neighbours: on its own line with the same indentation and a trailing comma when the
    signature has one parameter per line. A signature the new parameter makes longer than
    :data:`LINE_LENGTH` (``column``: where its ``def`` starts) is split as black splits it."""
    params = func.params
    existing = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    if name in existing:
        return func
    plain = list(params.params)
    if index is None:
        index = next((i for i, p in enumerate(plain) if p.default is not None), len(plain))
    index -= len(params.posonly_params)
    index = max(0, min(index, len(plain)))
    exploded = _one_per_line(func)
    if exploded is not None:
        separator = cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(), indent=True, last_line=cst.SimpleWhitespace(exploded)))
    else:
        separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    new = cst.Param(cst.Name(name), annotation=cst.Annotation(expression(annotation)) if annotation else None)
    later = not isinstance(params.star_arg, cst.MaybeSentinel) or bool(params.kwonly_params) \
        or params.star_kwarg is not None
    if index < len(plain):
        new = new.with_changes(comma=separator)
    elif plain:
        last = plain[-1]
        if isinstance(last.comma, cst.Comma):
            new = new.with_changes(comma=last.comma)
        elif exploded is not None:
            new = new.with_changes(comma=cst.Comma(whitespace_after=last.whitespace_after_param))
            last = last.with_changes(whitespace_after_param=cst.SimpleWhitespace(""))
        else:
            new = new.with_changes(whitespace_after_param=last.whitespace_after_param)
            last = last.with_changes(whitespace_after_param=cst.SimpleWhitespace(""))
        plain[-1] = last.with_changes(comma=separator)
    elif params.posonly_params or later:
        new = new.with_changes(comma=separator)
    plain.insert(index, new)
    func = func.with_changes(params=params.with_changes(params=plain))
    if exploded is None and column is not None and _header_length(func, column) > LINE_LENGTH:
        func = _hug(func)
    if exploded is None and isinstance(func.whitespace_before_params, cst.ParenthesizedWhitespace):
        func = _explode_if_long(func, column or 0)
    return func


def _header_length(func: cst.FunctionDef, column: int) -> int:
    """The length of the first line of ``func``'s ``def`` statement, starting at ``column``."""
    if isinstance(func.whitespace_before_params, cst.ParenthesizedWhitespace):
        return 0
    bare = func.with_changes(decorators=[], leading_lines=[],
                             body=cst.SimpleStatementSuite([cst.Pass()]))
    first = cst.Module([]).code_for_node(bare).split("\n")[0]
    return column + len(first) - len(" pass")


def _hug(func: cst.FunctionDef) -> cst.FunctionDef:
    """``func`` with its parameters on a line of their own, one level deeper, and the closing
    parenthesis on the next (black's layout when the signature does not fit on one line)."""
    params = func.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    if not every or params.star_kwarg is not None or not isinstance(params.star_arg, cst.MaybeSentinel):
        return func
    last = every[-1]
    if isinstance(last.comma, cst.Comma):
        return func  # a magic trailing comma: leave the layout to the formatter
    opening = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(), indent=True,
                                          last_line=cst.SimpleWhitespace("    "))
    closing = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(), indent=True,
                                          last_line=cst.SimpleWhitespace(""))
    moved = last.with_changes(whitespace_after_param=closing)

    def swap(group):
        return [moved if p is last else p for p in group]

    return func.with_changes(whitespace_before_params=opening, params=params.with_changes(
        posonly_params=swap(params.posonly_params), params=swap(params.params),
        kwonly_params=swap(params.kwonly_params)))


#: Black's (and ruff format's) default line length: a longer parameter line is split.
LINE_LENGTH = 88


def _explode_if_long(func: cst.FunctionDef, column: int = 0) -> cst.FunctionDef:
    """``func``, whose parameters sit together on their own line (black's layout for a
    signature too long for one line), with one parameter per line and a trailing comma when
    that line is now longer than :data:`LINE_LENGTH`, as black would format it."""
    indent = func.whitespace_before_params.last_line.value  # type: ignore[attr-defined]
    code = cst.Module([]).code_for_node(func.params).rstrip()
    if "\n" in code or column + len(indent) + len(code) <= LINE_LENGTH:
        return func  # already split, or short enough
    params = func.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    if params.star_kwarg is not None or not isinstance(params.star_arg, cst.MaybeSentinel) or not every:
        return func
    separator = cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(), indent=True, last_line=cst.SimpleWhitespace(indent)))
    last = every[-1]
    closing = last.whitespace_after_param
    if isinstance(last.comma, cst.Comma):
        closing = last.comma.whitespace_after
    if not isinstance(closing, cst.ParenthesizedWhitespace):
        return func
    changed = {}
    for param in every[:-1]:
        changed[id(param)] = param.with_changes(comma=separator, whitespace_after_param=cst.SimpleWhitespace(""))
    changed[id(last)] = last.with_changes(comma=cst.Comma(whitespace_after=closing),
                                          whitespace_after_param=cst.SimpleWhitespace(""))

    def swap(group):
        return [changed.get(id(p), p) for p in group]

    return func.with_changes(params=params.with_changes(
        posonly_params=swap(params.posonly_params), params=swap(params.params),
        kwonly_params=swap(params.kwonly_params)))


def _one_per_line(func: cst.FunctionDef) -> str | None:
    """The indentation of the parameters when each sits on its own line, else None."""
    opening = func.whitespace_before_params
    if not isinstance(opening, cst.ParenthesizedWhitespace):
        return None
    params = [*func.params.posonly_params, *func.params.params, *func.params.kwonly_params]
    for param in params[:-1]:
        comma = param.comma
        if not (isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)):
            return None
    return opening.last_line.value


def annotated(func: ast.AST, method: bool) -> bool:
    """Whether the function's own parameters (not ``self``) carry annotations, so that a new
    parameter should too (with none: whether it annotates its return)."""
    args = func.args  # type: ignore[attr-defined]
    params = [*args.posonlyargs, *args.args][1 if method else 0 :] + list(args.kwonlyargs)
    if params:
        return all(p.annotation is not None for p in params)
    return func.returns is not None  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- classes
def _body(block: cst.BaseSuite) -> list[cst.BaseStatement]:
    if isinstance(block, cst.IndentedBlock):
        return list(block.body)
    return [cst.SimpleStatementLine(list(block.body))]  # type: ignore[attr-defined]


def _with_blank_line(stmt: cst.BaseStatement) -> cst.BaseStatement:
    lines = list(getattr(stmt, "leading_lines", ()))
    if lines and isinstance(lines[0], cst.EmptyLine) and lines[0].comment is None:
        return stmt
    return stmt.with_changes(leading_lines=[cst.EmptyLine(indent=False), *lines])


def insert_method(cls: cst.ClassDef, method: cst.BaseStatement, after: Sequence[str] = SETUP_NAMES,
                  before: str | None = None) -> cst.ClassDef:
    """``cls`` with ``method`` after its last method named in ``after`` (or before the method
    named ``before``, or before its first method), separated by blank lines."""
    body = _body(cls.body)
    names = [s.name.value if isinstance(s, cst.FunctionDef) else None for s in body]
    if before is not None and before in names:
        index = names.index(before)
    else:
        hits = [i for i, n in enumerate(names) if n in after]
        if hits:
            index = hits[-1] + 1
        else:
            index = next((i for i, n in enumerate(names) if n is not None), len(body))
    if index > 0:
        method = _with_blank_line(method)
    else:
        lines = list(getattr(method, "leading_lines", ()))
        while lines and isinstance(lines[0], cst.EmptyLine) and lines[0].comment is None:
            lines.pop(0)
        method = method.with_changes(leading_lines=lines)
    if index < len(body):
        body[index] = _with_blank_line(body[index])
    body.insert(index, method)
    return cls.with_changes(body=_block(cls.body, body))


def _block(old: cst.BaseSuite, body: list[cst.BaseStatement]) -> cst.BaseSuite:
    if isinstance(old, cst.IndentedBlock):
        return old.with_changes(body=body)
    return cst.IndentedBlock(body=body)


def append_to_function(func: cst.FunctionDef, stmts: Sequence[cst.BaseStatement]) -> cst.FunctionDef:
    """``func`` with ``stmts`` at the end of its body (before a final ``return``)."""
    body = _body(func.body)
    if len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine) and \
            all(isinstance(s, cst.Pass) for s in body[0].body) and not body[0].leading_lines:
        body = []  # a lone `pass` gives way
    index = len(body)
    last = body[-1] if body else None
    if isinstance(last, cst.SimpleStatementLine) and any(isinstance(s, cst.Return) for s in last.body):
        index -= 1
    body[index:index] = list(stmts)
    return func.with_changes(body=_block(func.body, body))


def add_to_teardown(cls: cst.ClassDef, plan: TeardownPlan, stmts: Sequence[cst.BaseStatement]
                    ) -> cst.ClassDef:
    """``cls`` with ``stmts`` running after each test, the way ``plan`` says."""
    if plan.existing is not None:
        body = _body(cls.body)
        for index, stmt in enumerate(body):
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == plan.existing:
                body[index] = append_to_function(stmt, stmts)
                return cls.with_changes(body=_block(cls.body, body))
        raise LookupError(f"no method {plan.existing} in class {cls.name.value}")
    head = f"{plan.super_call}\n" if plan.super_call else ""
    method = statements(f"def {plan.name}({plan.params}):\n    {head or 'pass'}\n")[0]
    assert isinstance(method, cst.FunctionDef)
    kept = list(method.body.body)[:1] if plan.super_call else []  # type: ignore[attr-defined]
    method = method.with_changes(body=method.body.with_changes(body=[*kept, *stmts]))
    return insert_method(cls, method)


def contains_comment(node: cst.CSTNode) -> bool:
    """Whether a comment sits anywhere inside ``node`` (a rewrite of it would lose it)."""
    found = False

    class _Finder(cst.CSTVisitor):
        def visit_Comment(self, _node: cst.Comment) -> bool:
            nonlocal found
            found = True
            return False

    node.visit(_Finder())
    return found


__all__ = [
    "PositionedTransformer", "add_param", "add_to_teardown", "annotated",
    "region_span", "transform_regions",
    "append_to_function", "arg", "call_statement", "contains_comment", "expression",
    "insert_method", "statements", "string", "transform",
]
