"""``missing_teardown_method``: release the mocks a test class keeps, after each test.

The statements come from the finding's fix advice (``self.x = None``, ``_MOCKS.clear()``, the
ones the rule found unreleased). They are appended to the class's own ``teardown_method``
(``tearDown`` in a ``unittest.TestCase``); otherwise that method is added, calling the base
class's teardown first only when a base defines one. When a base class defined elsewhere may
define ``teardown_method``, a new method could hide it, so an autouse fixture releases them
after its ``yield`` instead. A class that also keeps mocks on the class itself (``cls.x``,
released in ``teardown_class``) is left for the user.
"""

from __future__ import annotations

import ast
import re

import libcst as cst

from isolint.fixes.base import AstIndex, Fixer, FixRequest, teardown_plan
from isolint.fixes.cst_util import (
    PositionedTransformer, add_to_teardown, insert_method, statements, transform_regions,
)
from isolint.fixes.imports import ImportNeed

#: "release them in `teardown_method` (`self.a = None`, `_M.clear()`)": the per-test part.
_PER_TEST = re.compile(r"`(?:teardown_method|tearDown)` \(((?:`[^`]+`(?:, )?)+)\)")
_CODE = re.compile(r"`([^`]+)`")


def releases(advice: str) -> list[str] | None:
    """The per-test release statements of a finding's fix advice; None when the advice also
    asks for a per-class teardown (not fixed automatically) or names none."""
    if "teardown_class" in advice or "tearDownClass" in advice:
        return None
    match = _PER_TEST.search(advice)
    code = _CODE.findall(match.group(1)) if match else []
    # `NAME = None` for a `global NAME` would need the declaration too: left for the user.
    return code if code and not any(re.match(r"^\w+ = ", line) for line in code) else None


class TeardownFixer(Fixer):
    rule = "missing_teardown_method"

    def fix(self, request: FixRequest) -> str:
        index = AstIndex(request.tree, request.source)
        plans = {}
        classes = []
        for finding in request.findings:
            position = (finding.line, finding.col)
            code = releases(finding.fix)
            if not code:
                request.skip(position, "the mocks are also kept on the class (released in "
                             "`teardown_class`) or the release needs a `global`: left for the user")
                continue
            for cls in index.at(position, ast.ClassDef):
                plans[position] = (teardown_plan(cls, request.ctx), code)  # type: ignore[arg-type]
                classes.append(cls)
        if not plans:
            return request.source
        pytest_name = ImportNeed(request.tree, "pytest", request.source, request.first_party)

        class Release(PositionedTransformer):
            def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
                position = self.pos(original)
                if position not in plans:
                    return updated
                plan, code = plans[position]
                if plan is None:
                    body = "".join(f"    {line}\n" for line in code)
                    fixture = statements(
                        f"@{pytest_name.use()}.fixture(autouse=True)\n"
                        f"def _release_mocks_after_test(self):\n"
                        f"    yield\n{body}"
                    )[0]
                    return insert_method(updated, fixture)
                if plan.self_name != "self":
                    code = [re.sub(r"^self\.", f"{plan.self_name}.", line) for line in code]
                return add_to_teardown(updated, plan, statements("\n".join(code) + "\n"))

        fixed = transform_regions(request.source, classes, Release)
        return pytest_name.apply(fixed)
