"""``missing_xdist_group``: decorate the class with ``@pytest.mark.xdist_group(name=...)``.

The name comes from the file's place in the suite, through the ``xdist-group-name`` template
(default ``{stem}``: ``tests/api/test_api_versioning.py`` -> ``api_versioning``). No fix under
a configured dist mode in which the marker is inert: it would only trade this finding for an
``inert_xdist_group`` one.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import libcst as cst

from isolint.fixes.base import Fixer, FixRequest
from isolint.analysis.rules.xdist import inert_dist_mode
from isolint.fixes.cst_util import (
    ImportNeed, PositionedTransformer, arg, expression, from_import_alias, string, transform,
)


def group_name(template: str, path: str, cls: str) -> str:
    """The group name for class ``cls`` of the test module at ``path`` (relative, with ``/``):
    ``{stem}`` is the file name without ``.py`` and the ``test_`` prefix or ``_test`` suffix,
    ``{dir}`` its directory's name, ``{module}`` the dotted path, ``{cls}`` the class name."""
    pure = PurePosixPath(path)
    stem = re.sub(r"^test_|_test$", "", pure.stem) or pure.stem
    module = ".".join(p for p in [*pure.parent.parts, pure.stem] if p not in ("", ".", "..", "/"))
    return template.format(stem=stem, dir=pure.parent.name, module=module, cls=cls)


class XdistGroupFixer(Fixer):
    rule = "missing_xdist_group"

    def fix(self, request: FixRequest) -> str:
        if inert_dist_mode(request.ctx.settings):
            return request.source  # the marker would be inert: the dist mode must change first
        module = cst.parse_module(request.source)
        pytest_name = ImportNeed(module, "pytest")
        mark = None if not pytest_name.missing else from_import_alias(module, "pytest", "mark")
        path = request.ctx.path
        options = request.options

        class Decorate(PositionedTransformer):
            def __init__(self) -> None:
                super().__init__()
                self.marking: list[bool] = []

            def visit_ClassDef(self, node: cst.ClassDef) -> None:
                # A mark on an enclosing class already applies to a nested one.
                self.marking.append(self.pos(node) in request.positions and not any(self.marking))

            def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
                if not self.marking.pop():
                    return updated
                prefix = mark if mark else f"{pytest_name.use()}.mark"
                name = group_name(options.xdist_group_name, path, original.name.value)
                call = cst.Call(expression(f"{prefix}.xdist_group"), args=[arg(string(name), "name")])
                decorator = cst.Decorator(call)
                if updated.decorators:
                    # The mark goes first; the comments above the class stay above it.
                    first = updated.decorators[0]
                    decorator = decorator.with_changes(leading_lines=first.leading_lines)
                    rest = [first.with_changes(leading_lines=()), *updated.decorators[1:]]
                    return updated.with_changes(decorators=[decorator, *rest])
                return updated.with_changes(decorators=[decorator])

        return pytest_name.apply(transform(request.source, Decorate())).code
