"""``missing_teardown_method``: make a teardown of the class call ``gc.collect()``.

Appends the call to the class's own ``teardown_method`` / ``tearDown``; otherwise adds one
(calling the base class's teardown first when the class inherits one), and ``import gc``. When
the class has a base defined elsewhere that may define ``teardown_method``, a new method could
hide it, so an autouse fixture collects after the test instead.
"""

from __future__ import annotations

import ast

import libcst as cst

from isolint.fixes.base import AstIndex, Fixer, FixRequest, teardown_plan
from isolint.fixes.cst_util import PositionedTransformer, add_to_teardown, insert_method, statements, transform_regions
from isolint.fixes.imports import ImportNeed


class TeardownFixer(Fixer):
    rule = "missing_teardown_method"

    def fix(self, request: FixRequest) -> str:
        index = AstIndex(request.tree, request.source)
        plans = {}
        classes = []
        for position in request.positions:
            for cls in index.at(position, ast.ClassDef):
                plans[position] = teardown_plan(cls, request.ctx)  # type: ignore[arg-type]
                classes.append(cls)
        gc_name = ImportNeed(request.tree, "gc", request.source, request.first_party)
        pytest_name = ImportNeed(request.tree, "pytest", request.source, request.first_party)

        class AddCollect(PositionedTransformer):
            def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
                position = self.pos(original)
                if position not in plans:
                    return updated
                plan = plans[position]
                if plan is None:
                    fixture = statements(
                        f"@{pytest_name.use()}.fixture(autouse=True)\n"
                        f"def _collect_garbage_after_test(self):\n"
                        f"    yield\n"
                        f"    {gc_name.use()}.collect()\n"
                    )[0]
                    return insert_method(updated, fixture)
                return add_to_teardown(updated, plan, statements(f"{gc_name.use()}.collect()"))

        fixed = transform_regions(request.source, classes, AddCollect)
        return pytest_name.apply(gc_name.apply(fixed))
