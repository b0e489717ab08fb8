"""``missing_xdist_group``: decorate the class with ``@pytest.mark.xdist_group(name=...)``.

The name comes from the file's place in the suite, through the ``xdist-group-name`` template
(default ``{stem}``: ``tests/api/test_api_versioning.py`` -> ``api_versioning``). The mark is a
line of its own inserted above the class's first decorator (or its ``class`` line), at its
indentation: no parser is needed, so this most common fix costs nothing on a large file. No fix
under a configured dist mode in which the marker is inert: it would only trade this finding for
an ``inert_xdist_group`` one.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from isolint.analysis.rules.xdist import inert_dist_mode
from isolint.fixes.base import AstIndex, Fixer, FixRequest
from isolint.fixes.imports import ImportNeed, from_import_alias


def group_name(template: str, path: str, cls: str) -> str:
    """The group name for class ``cls`` of the test module at ``path`` (relative, with ``/``):
    ``{stem}`` is the file name without ``.py`` and the ``test_`` prefix or ``_test`` suffix,
    ``{dir}`` its directory's name, ``{module}`` the dotted path, ``{cls}`` the class name.
    Only these plain fields are filled (no attribute, index, conversion or format spec:
    :func:`isolint.config.group_name_template_problem` rejects them before a fix starts)."""
    from isolint.config import group_name_template_problem

    problem = group_name_template_problem(template)
    if problem:
        raise ValueError(problem)
    pure = PurePosixPath(path)
    stem = re.sub(r"^test_|_test$", "", pure.stem) or pure.stem
    module = ".".join(p for p in [*pure.parent.parts, pure.stem] if p not in ("", ".", "..", "/"))
    return template.format(stem=stem, dir=pure.parent.name, module=module, cls=cls)


def string_literal(text: str) -> str:
    """``text`` as a double-quoted Python string literal (quotes, backslashes and control
    characters escaped)."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        return '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


class XdistGroupFixer(Fixer):
    rule = "missing_xdist_group"

    def fix(self, request: FixRequest) -> str:
        if inert_dist_mode(request.ctx.settings):
            for position in request.positions:
                request.skip(position, "the configured dist mode makes the marker inert: the "
                             "dist mode must change first (`--dist loadgroup`)")
            return request.source
        pytest_name = ImportNeed(request.tree, "pytest", request.source, request.first_party)
        mark = None if not pytest_name.missing else from_import_alias(request.tree, "pytest", "mark")
        classes = _classes(request.tree, request.source)
        targets = [classes[p] for p in sorted(request.positions) if p in classes]
        marked = {id(c) for c, _ in targets}
        lines = request.source.splitlines(keepends=True)
        inserts: list[tuple[int, str]] = []
        for cls, outer in targets:
            # A mark on an enclosing class already applies to a nested one.
            if any(id(a) in marked for a in outer):
                continue
            first = min([cls.lineno, *(d.lineno for d in cls.decorator_list)])  # type: ignore[attr-defined]
            line = lines[first - 1]
            indent = line[: len(line) - len(line.lstrip())]
            ending = line[len(line.rstrip("\r\n")):] or "\n"
            prefix = mark if mark else f"{pytest_name.use()}.mark"
            name = group_name(request.options.xdist_group_name, request.ctx.path, cls.name)  # type: ignore[attr-defined]
            inserts.append((first, f"{indent}@{prefix}.xdist_group(name={string_literal(name)}){ending}"))
        for first, text in sorted(inserts, reverse=True):
            lines.insert(first - 1, text)
        return pytest_name.apply("".join(lines))


def _classes(tree: ast.Module, source: str) -> dict[tuple[int, int], tuple[ast.ClassDef, list[ast.ClassDef]]]:
    """Every class statement by its (line, 1-based character column), with the classes that
    enclose it; only statements are visited, not expressions."""
    from isolint.analysis.names import blocks

    index = AstIndex(tree, source)
    out: dict[tuple[int, int], tuple[ast.ClassDef, list[ast.ClassDef]]] = {}
    stack: list[tuple[ast.stmt, list[ast.ClassDef]]] = [(s, []) for s in tree.body]
    while stack:
        stmt, outer = stack.pop()
        inner = outer
        if isinstance(stmt, ast.ClassDef):
            out[index.position(stmt)] = (stmt, outer)
            inner = [*outer, stmt]
        for block in blocks(stmt):
            stack.extend((s, inner) for s in block)
    return out
