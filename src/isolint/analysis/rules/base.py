"""The Rule abstraction: metadata as class attributes, docs in the docstring, logic in visitors."""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING, Any, ClassVar

from isolint.model import FixSafety, Severity

if TYPE_CHECKING:
    from isolint.analysis.context import FileContext

_CODE = re.compile(r"^ISO\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
DOC_HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


class Rule:
    """Base class of every rule.

    A rule instance lives for one file. The engine calls ``visit_<NodeType>(node, ctx)`` before
    a node's children are walked and ``leave_<NodeType>(node, ctx)`` after, for every node type a
    rule defines a method for, and ``finish(ctx)`` once the module has been walked.
    Rules report with ``ctx.report(self, node, **message_fields)``.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    #: One line, code in backticks; ``str.format`` fields filled from ``ctx.report`` kwargs.
    message: ClassVar[str]
    #: Default fix advice shown with every finding (the "fix" of the JSON output).
    fix: ClassVar[str] = ""
    #: Whether ``--fix`` can rewrite this rule's findings, and how safely.
    fix_safety: ClassVar[FixSafety] = FixSafety.NONE
    #: "always", "sometimes" or "never": how often a fix is available for a finding.
    fix_availability: ClassVar[str] = "never"
    #: Only run on test modules (``python_files``) and not on conftest files.
    test_modules_only: ClassVar[bool] = False
    #: When set, the engine calls ``visit_Call`` only for calls whose callee may end with one
    #: of these words (:meth:`FileContext.may_call`): like :meth:`may_fire`, only a true
    #: necessary condition.
    call_words: ClassVar[frozenset[str] | None] = None
    #: When set, the engine calls the assignment visitors (``visit_Assign``, ``visit_AugAssign``,
    #: ``visit_AnnAssign``, ``visit_Delete``) only for the statements with a target (tuples
    #: unpacked) of one of these shapes: ``"attribute"`` (``x.a``), ``"subscript"``
    #: (``x[k]``), ``"global"`` (a name the enclosing function declares ``global``),
    #: ``"imported"`` (``name += ...`` to a name the import table resolves). Like
    #: :meth:`may_fire`, only a true necessary condition.
    assign_targets: ClassVar[frozenset[str] | None] = None
    #: False for a rule that runs only when selected by name or code (ruff's RUF100 style):
    #: ``select``/``extend-select`` naming it; a blanket selection does not.
    default_enabled: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attr in ("code", "name", "severity", "message"):
            if not hasattr(cls, attr):
                raise TypeError(f"rule {cls.__name__} lacks the class attribute {attr!r}")
        if not _CODE.match(cls.code):
            raise TypeError(f"rule {cls.__name__}: code {cls.code!r} is not ISO + three digits")
        if not _NAME.match(cls.name):
            raise TypeError(f"rule {cls.__name__}: name {cls.name!r} is not snake_case")
        if not isinstance(cls.severity, Severity):
            raise TypeError(f"rule {cls.__name__}: severity must be a Severity")
        if cls.fix_availability not in ("always", "sometimes", "never"):
            raise TypeError(f"rule {cls.__name__}: bad fix_availability {cls.fix_availability!r}")
        if (cls.fix_safety is FixSafety.NONE) != (cls.fix_availability == "never"):
            raise TypeError(
                f"rule {cls.__name__}: fix_safety {cls.fix_safety.value!r} does not go with "
                f"fix_availability {cls.fix_availability!r}"
            )
        doc = cls.__doc__ or ""
        missing = [h for h in DOC_HEADINGS if h not in doc]
        if missing:
            raise TypeError(f"rule {cls.__name__}: docstring lacks {', '.join(missing)}")

    @classmethod
    def has_fix(cls) -> bool:
        """Whether ``--fix`` can rewrite some of this rule's findings."""
        return cls.fix_safety is not FixSafety.NONE

    @classmethod
    def documentation(cls) -> str:
        """The rule's page: a title line, its metadata, then the docstring."""
        body = textwrap.dedent(cls.__doc__ or "").strip()
        if not cls.has_fix():
            fix = "No automatic fix."
        else:
            fix = f"Fix is {cls.fix_availability} available ({cls.fix_safety.value})."
        head = (
            f"# {cls.name} ({cls.code})\n\n"
            f"Severity: **{cls.severity.name}**. {fix}\n"
        )
        return f"{head}\n{body}\n"

    def may_fire(self, ctx: "FileContext") -> bool:
        """Whether this rule can report anything on ``ctx``'s file at all; when not, the engine
        does not dispatch to it. Only a true necessary condition (``os`` is imported, a word
        occurs in the source): it saves time and must never change the findings."""
        return True

    def finish(self, ctx: "FileContext") -> None:
        """Called once after the whole module has been walked."""
