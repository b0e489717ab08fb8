"""LibCST helpers the fixers share: positions, parameters, imports, methods and teardowns."""

from __future__ import annotations

import textwrap
from typing import Sequence

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from isolint.fixes.base import Position, TeardownPlan

SETUP_NAMES = ("setup_class", "setUpClass", "setup_method", "setUp", "asyncSetUp")


class PositionedTransformer(cst.CSTTransformer):
    """A transformer that knows each original node's (line, 1-based column)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def pos(self, node: cst.CSTNode) -> Position:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column + 1


def transform(source: str, transformer: cst.CSTTransformer) -> cst.Module:
    return MetadataWrapper(cst.parse_module(source)).visit(transformer)


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
def add_param(func: cst.FunctionDef, name: str) -> cst.FunctionDef:
    """``func`` with a parameter ``name`` (kept as is when it has one): before the first
    parameter with a default, else last among the positional ones, commas styled like theirs."""
    params = func.params
    existing = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    if name in existing:
        return func
    plain = list(params.params)
    index = next((i for i, p in enumerate(plain) if p.default is not None), len(plain))
    comma: cst.Comma | cst.MaybeSentinel = cst.MaybeSentinel.DEFAULT
    if index < len(plain):
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        if index > 0 and isinstance(plain[index - 1].comma, cst.Comma):
            comma = plain[index - 1].comma
    elif plain and isinstance(plain[-1].comma, cst.Comma):
        # A trailing comma: the new last parameter takes it, the old last copies its neighbour's.
        comma = plain[-1].comma
        before = plain[-2].comma if len(plain) > 1 and isinstance(plain[-2].comma, cst.Comma) else \
            cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        plain[-1] = plain[-1].with_changes(comma=before)
    plain.insert(index, cst.Param(cst.Name(name), comma=comma))
    return func.with_changes(params=params.with_changes(params=plain))


# --------------------------------------------------------------------------- imports
def module_alias(module: cst.Module, name: str) -> str | None:
    """The name a top-level ``import name`` / ``import name as alias`` binds, or None."""
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if get_full_name_for_node(alias.name) == name:
                        return alias.asname.name.value if alias.asname else name  # type: ignore[union-attr]
    return None


def from_import_alias(module: cst.Module, module_name: str, name: str) -> str | None:
    """The name a top-level ``from module_name import name [as alias]`` binds, or None."""
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if (isinstance(small, cst.ImportFrom) and small.module is not None
                    and not small.relative
                    and get_full_name_for_node(small.module) == module_name
                    and not isinstance(small.names, cst.ImportStar)):
                for alias in small.names:
                    if alias.name.value == name:  # type: ignore[union-attr]
                        return alias.asname.name.value if alias.asname else name  # type: ignore[union-attr]
    return None


def add_import(module: cst.Module, name: str) -> cst.Module:
    """``module`` with ``import name`` among its imports (unchanged when it is there)."""
    if module_alias(module, name) == name:
        return module
    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, name)
    return AddImportsVisitor(context).transform_module(module)


class ImportNeed:
    """The name under which a module is usable, and whether ``import module`` must be added."""

    def __init__(self, module: cst.Module, name: str) -> None:
        self.module_name = name
        alias = module_alias(module, name)
        self.alias = alias or name
        self.missing = alias is None
        self.used = False

    def use(self) -> str:
        self.used = True
        return self.alias

    def apply(self, module: cst.Module) -> cst.Module:
        return add_import(module, self.module_name) if self.used and self.missing else module


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
    "ImportNeed", "PositionedTransformer", "add_import", "add_param", "add_to_teardown",
    "append_to_function", "arg", "call_statement", "contains_comment", "expression",
    "from_import_alias", "insert_method", "module_alias", "statements", "string", "transform",
]
