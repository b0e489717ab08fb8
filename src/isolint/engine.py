"""One file: read -> parse once (:mod:`isolint.sources`) -> FileContext -> one walk
dispatching to the enabled rules.

Which files, in what order, in which process and through which cache is
:mod:`isolint.orchestration`'s job, above this module."""

from __future__ import annotations

import ast
import fnmatch
import weakref
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable

from isolint.config import Settings
from isolint.analysis.context import ConftestFacts, FileContext
from isolint.analysis.project_view import ProjectView
from isolint.analysis.script_code import is_main_block
from isolint.analysis.single_test import reused_classes, scope_facts
from isolint.analysis.tree import child_fields
from isolint.analysis.walker import walk_with

#: Node classes without children that the fast walk skips unless a rule visits them.
_MARKERS = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
from isolint.discovery import display_path
from isolint.model import FileError, FileResult, Severity
from isolint.analysis.rules import ALL_RULES, closest_rule_key, rule_by_key
from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.xdist import shared_scope_fixtures
from isolint.analysis.rules.suppression import InvalidSuppression, UnusedSuppression
from isolint.suppressions import apply_suppressions, invalid_findings, parse_suppressions, unused_findings
from isolint.sources import MAX_FILE_BYTES, SourceError, decode_source, parse_source, read_bytes, read_source

#: Rules reported from the suppression comments, not from the walk.
COMMENT_RULES = (InvalidSuppression, UnusedSuppression)

# --------------------------------------------------------------------------- rule selection
def enabled_rules(settings: Settings, path: str = "", kind: str = "test") -> list[type[Rule]]:
    """The rules that run on ``path`` under ``settings`` (select, extend-select, ignore,
    extend-ignore, per-file ignores). A rule that is off by default runs only when named in
    ``select`` or ``extend-select``."""
    chosen = []
    ignored = _rules_named(settings.ignore) | _rules_named(settings.extend_ignore)
    for pattern, keys in settings.per_file_ignores:
        if path and (fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(Path(path).name, pattern)):
            ignored |= _rules_named(keys)
    selected = _rules_named(settings.select)
    extended = _rules_named(settings.extend_select)
    for rule in ALL_RULES:
        if rule in ignored:
            continue
        if rule not in extended:
            if settings.select and rule not in selected:
                continue
            if not settings.select and not rule.default_enabled:
                continue
        if rule.test_modules_only and kind != "test":
            continue
        chosen.append(rule)
    return chosen


def _rules_named(keys: Iterable[str]) -> set[type[Rule]]:
    """The rules that rule names or codes (codes in any case) name; unknown keys name none."""
    return {rule for rule in map(rule_by_key, keys) if rule is not None}


def severity_overrides(settings: Settings) -> dict[str, Severity]:
    """Rule name -> the severity ``[tool.isolint] severity`` gives it."""
    out = {}
    for key, level in settings.severity_overrides:
        rule = rule_by_key(key)
        if rule is not None:
            out[rule.name] = Severity.parse(level)
    return out


# --------------------------------------------------------------------------- the walk
class _Dispatcher:
    """One walk over the tree calling each rule's ``visit_X`` / ``leave_X`` for node type X."""

    def __init__(self, rules: list[Rule], ctx: FileContext, errors: list[FileError]) -> None:
        self.ctx = ctx
        self.errors = errors
        self.visit: dict[str, list[tuple[Rule, Callable]]] = defaultdict(list)
        self.leave: dict[str, list[tuple[Rule, Callable]]] = defaultdict(list)
        self.failed: set[int] = set()
        for rule in rules:
            for attr in _hooks(type(rule)):
                table = self.visit if attr.startswith("visit_") else self.leave
                table[attr[6:]].append((rule, getattr(rule, attr)))
        calls = self.visit.get("Call", [])
        if any(rule.call_words is not None for rule, _ in calls):
            gate = _CallGate(calls, self)
            self.visit["Call"] = [(gate, gate.visit_Call)]  # type: ignore[list-item]
        _AssignGate.install(self)
        # The same tables keyed by node class, for the hot loop.
        self._visit = _by_class(self.visit)
        self._leave = _by_class(self.leave)

    def _call(self, rule: Rule, method: Callable, node: ast.AST) -> None:
        if id(rule) in self.failed:
            return
        try:
            method(node, self.ctx)
        except Exception as exc:  # a crashing rule must not lose the file
            self._crashed(rule, exc, node)

    def _crashed(self, rule: Rule, exc: Exception, node: ast.AST) -> None:
        """Report the crash and call the rule no more on this file."""
        if id(rule) in self.failed:
            return
        self.failed.add(id(rule))
        self.errors.append(
            FileError(self.ctx.path, f"rule {rule.name} crashed at line "
                      f"{getattr(node, 'lineno', '?')}: {type(exc).__name__}: {exc}")
        )
        for table in (self._visit, self._leave):
            for cls, methods in list(table.items()):
                table[cls] = [(r, m) for r, m in methods if r is not rule]  # read at each node

    def walk(self, node: ast.AST) -> None:
        node = _without_main_block(node)
        if any(issubclass(cls, _MARKERS) for cls in (*self._visit, *self._leave)):
            self._walk_all(node)  # some rule looks at Load()/Add()... nodes: visit those too
            return
        # One generated function per node class (see isolint.analysis.walker): a child is
        # entered only if its class is enterable: marker nodes, childless nodes no rule visits
        # (most Name and Constant nodes), None and the strings of fields such as Global.names
        # are not.
        enterable = _enterable(frozenset(self._visit) | frozenset(self._leave))
        walk_with(node, self.ctx.stack, self.ctx, self._visit, self._leave, enterable, self._crashed)

    def _walk_all(self, node: ast.AST) -> None:
        stack = self.ctx.stack
        stack.append(node)
        kind = type(node).__name__
        for rule, method in self.visit.get(kind, ()):
            self._call(rule, method, node)
        for child in ast.iter_child_nodes(node):
            self._walk_all(child)
        for rule, method in self.leave.get(kind, ()):
            self._call(rule, method, node)
        stack.pop()


_HOOKS: dict[type, tuple[str, ...]] = {}


def _without_main_block(node: ast.AST) -> ast.AST:
    """A module without its top-level ``if __name__ == "__main__":`` blocks (their ``else``
    kept): pytest imports a module, so that code never runs in a test process (a
    ``uvicorn.run(app, port=8001)`` there binds no port when a worker imports the module).
    The tree itself is left as it is for the analyses that read it."""
    if not isinstance(node, ast.Module) or not any(is_main_block(s) for s in node.body):
        return node
    body: list[ast.stmt] = []
    for stmt in node.body:
        if is_main_block(stmt):
            body.extend(stmt.orelse)  # type: ignore[attr-defined]
        else:
            body.append(stmt)
    return ast.Module(body=body, type_ignores=node.type_ignores)


def _hooks(cls: type[Rule]) -> tuple[str, ...]:
    """The ``visit_X`` and ``leave_X`` methods of rule class ``cls``, by name."""
    if cls not in _HOOKS:
        _HOOKS[cls] = tuple(a for a in dir(cls) if a.startswith(("visit_", "leave_")))
    return _HOOKS[cls]


class _Gate:
    """Calls the visitors a gate chose for a node, skipping the rules that crashed on the file."""

    def __init__(self, dispatcher: _Dispatcher) -> None:
        # A proxy: the dispatcher's tables hold this gate, and a reference cycle would keep the
        # syntax tree alive until the cyclic collector runs.
        self.dispatcher = weakref.proxy(dispatcher)

    def _run(self, chosen: list[tuple[Rule, Callable]], node: ast.AST, ctx: FileContext) -> None:
        failed = self.dispatcher.failed
        for rule, method in chosen:
            if id(rule) in failed:
                continue  # a rule that crashed on this file is called no more
            try:
                method(node, ctx)
            except Exception as exc:  # a crashing rule must not lose the file
                self.dispatcher._crashed(rule, exc, node)


class _CallGate(_Gate):
    """The rules' ``visit_Call`` methods, each called only for the calls whose callee may end
    with one of its rule's ``call_words`` (every call when it declares none): one lookup per
    call instead of one method call per rule."""

    name = "call dispatch"

    def __init__(self, visitors: list[tuple[Rule, Callable]], dispatcher: _Dispatcher) -> None:
        super().__init__(dispatcher)
        self.visitors = visitors
        self._by_word: dict[str | None, list[tuple[Rule, Callable]]] = {}

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        word = ctx.callee_word(node)
        chosen = self._by_word.get(word)
        if chosen is None:
            chosen = self._by_word[word] = [
                (rule, method) for rule, method in self.visitors
                if rule.call_words is None or word in rule.call_words
            ]
        if chosen:  # most calls: no rule looks at them
            self._run(chosen, node, ctx)


#: The statements that bind or delete targets, as the visitors name them.
_ASSIGNMENTS = ("Assign", "AugAssign", "AnnAssign", "Delete")
#: A bit per target shape of :attr:`Rule.assign_targets`; OTHER (never made by the parser)
#: sends the statement to every rule.
_ATTRIBUTE, _SUBSCRIPT, _GLOBAL, _IMPORTED, _OTHER = 1, 2, 4, 8, 16
_SHAPE_BITS = {"attribute": _ATTRIBUTE, "subscript": _SUBSCRIPT, "global": _GLOBAL, "imported": _IMPORTED}


class _AssignGate(_Gate):
    """The rules' visitors of assignments and ``del`` statements, each called only for the
    statements with a target of a shape its rule's ``assign_targets`` names (every statement
    when it declares none). The shapes are found once per statement; most statements bind
    plain local names (``x = ...``), which no gated rule acts on."""

    name = "assignment dispatch"

    @classmethod
    def install(cls, dispatcher: _Dispatcher) -> None:
        """Put one gate in front of the dispatcher's assignment visitors, if a rule is gated."""
        tables = {kind: dispatcher.visit[kind] for kind in _ASSIGNMENTS if dispatcher.visit.get(kind)}
        if any(rule.assign_targets is not None for visitors in tables.values() for rule, _ in visitors):
            gate = cls(dispatcher)
            for kind, visitors in tables.items():
                dispatcher.visit[kind] = [(gate, gate.visitor(visitors))]  # type: ignore[list-item]

    def visitor(self, visitors: list[tuple[Rule, Callable]]) -> Callable[[ast.AST, FileContext], None]:
        """The gate's visitor of one statement type, whose rules' visitors are ``visitors``."""
        masks = [(_mask(rule.assign_targets), rule, method) for rule, method in visitors]
        by_shape: dict[int, list[tuple[Rule, Callable]]] = {}

        def visit(node: ast.AST, ctx: FileContext) -> None:
            shape = _shape(node, ctx)
            chosen = by_shape.get(shape)
            if chosen is None:
                chosen = by_shape[shape] = [
                    (rule, method) for mask, rule, method in masks if mask & shape or shape & _OTHER
                ]
            if chosen:
                self._run(chosen, node, ctx)

        return visit


def _mask(shapes: frozenset[str] | None) -> int:
    """The bits of ``shapes`` (None: every shape)."""
    if shapes is None:
        return -1
    return sum(_SHAPE_BITS[shape] for shape in shapes)


def _shape(node: ast.AST, ctx: FileContext) -> int:
    """The bits of the shapes of ``node``'s targets (tuples and starred targets unpacked)."""
    kind = type(node)
    targets = node.targets if kind is ast.Assign or kind is ast.Delete else [node.target]  # type: ignore[attr-defined]
    shape = 0
    todo = list(targets)
    while todo:
        target = todo.pop()
        cls = type(target)
        if cls is ast.Name:
            if ctx.bindings.declares_global(target.id):  # type: ignore[attr-defined]
                shape |= _GLOBAL
            if kind is ast.AugAssign and ctx.qualified_name(target) is not None:
                shape |= _IMPORTED
        elif cls is ast.Attribute:
            shape |= _ATTRIBUTE
        elif cls is ast.Subscript:
            shape |= _SUBSCRIPT
        elif cls is ast.Tuple or cls is ast.List:
            todo.extend(target.elts)  # type: ignore[attr-defined]
        elif cls is ast.Starred:
            todo.append(target.value)  # type: ignore[attr-defined]
        else:
            shape |= _OTHER
    return shape


def _by_class(table: dict[str, list[tuple[Rule, Callable]]]) -> dict[type, list[tuple[Rule, Callable]]]:
    out = {}
    for name, methods in table.items():
        cls = getattr(ast, name, None)
        if isinstance(cls, type) and issubclass(cls, ast.AST):
            out[cls] = list(methods)
    return out


_NODE_CLASSES = tuple(
    c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.AST) and c._fields is not None
)
_ENTERABLE: dict[frozenset[type], frozenset[type]] = {}


def _enterable(handled: frozenset[type]) -> frozenset[type]:
    """Node classes the walk enters: those with children, and those a rule visits or leaves."""
    if handled not in _ENTERABLE:
        _ENTERABLE[handled] = frozenset(
            c for c in _NODE_CLASSES if child_fields(c) or any(issubclass(c, h) for h in handled)
        )
    return _ENTERABLE[handled]


def conftest_facts(tree: ast.Module, path: str, settings: Settings) -> ConftestFacts:
    """What ``conftest.py`` at ``path`` contributes to the modules below it."""
    ctx = FileContext(path, "", tree, settings, kind="conftest")
    collects = False
    for func in ctx.pytest.autouse_fixtures(tree.body):
        for stmt in ctx.cleanup.after_yield(func):
            if any(ctx.call_name(n) == "gc.collect" for n in ast.walk(stmt)):
                collects = True
    params, repeats = scope_facts(ctx.pytest, tree.body)
    return ConftestFacts(path=path, autouse_gc_collect=collects, parametrized_fixtures=params,
                         repeats_tests=repeats, shared_fixtures=shared_scope_fixtures(ctx))


def scan_tree(
    tree: ast.Module,
    source: str,
    path: str,
    settings: Settings,
    kind: str = "test",
    conftests: tuple[ConftestFacts, ...] = (),
    project: ProjectView | None = None,
) -> FileResult:
    """Run the enabled rules over one parsed module (``project``: what the project index
    tells about it; without it, the file is analysed on its own)."""
    errors: list[FileError] = []
    try:
        ctx = FileContext(path, source, tree, settings, kind=kind, conftests=conftests,
                          severity_overrides=severity_overrides(settings), project=project)
        enabled = enabled_rules(settings, path, kind)
        comment_rules = [rule for rule in enabled if rule in COMMENT_RULES]
        rules = [rule() for rule in enabled if rule not in COMMENT_RULES]
        # Rules that cannot fire on this file (a necessary condition fails) are not dispatched to.
        rules = [rule for rule in rules if rule.may_fire(ctx)]
        dispatcher = _Dispatcher(rules, ctx, errors)
        dispatcher.walk(tree)
        for rule in rules:
            dispatcher._call(rule, lambda _node, c, r=rule: r.finish(c), tree)
    except RecursionError:
        errors.append(FileError(path, "too deeply nested to analyse"))
        return FileResult(path, (), tuple(errors))
    findings = _suppressed(ctx, set(enabled), comment_rules)
    reused = reused_classes(ctx.pytest) if ctx.uses or kind == "test" else ()
    return FileResult(path, tuple(sorted(set(findings))), tuple(errors),
                      uses=tuple(sorted(set(ctx.uses))), reused_classes=reused)


def _canonical_name(key: str) -> str | None:
    """The name of the rule ``key`` (a name, a code, an old name) names, or None."""
    rule = rule_by_key(key)
    return rule.name if rule is not None else None


def _suppressed(ctx: FileContext, enabled: set[type[Rule]], comment_rules: list[type[Rule]]) -> list:
    """The context's findings minus the suppressed ones, plus the findings about the
    suppression comments (``invalid_suppression``, ``unused_suppression``) when enabled."""
    suppressions = parse_suppressions(ctx.source, _canonical_name)
    if not suppressions:
        return ctx.findings
    lines = ctx.source.splitlines()
    findings = list(ctx.findings)

    def severity(rule: type[Rule]) -> Severity:
        return ctx.severity_overrides.get(rule.name, rule.severity)

    if InvalidSuppression in comment_rules:
        findings += invalid_findings(suppressions, InvalidSuppression, ctx.path, lines, ctx.tree,
                                     severity(InvalidSuppression), closest_rule_key)
    applied = apply_suppressions(findings, suppressions)
    if UnusedSuppression in comment_rules:
        applied.findings += unused_findings(
            suppressions, applied.used, ctx.honoured_suppressions, {rule.name for rule in enabled},
            UnusedSuppression,
            ctx.path, lines, ctx.tree, severity(UnusedSuppression))
    return applied.findings


def scan_source(
    source: str,
    path: str = "<string>",
    settings: Settings | None = None,
    kind: str = "test",
    conftests: tuple[ConftestFacts, ...] = (),
) -> FileResult:
    """Scan Python source text; a parse failure becomes an error entry."""
    settings = settings or Settings()
    try:
        tree = parse_source(source, path)
    except SourceError as exc:
        return FileResult(path, (), (FileError(path, str(exc)),))
    return scan_tree(tree, source, path, settings, kind, conftests)


def parse_data(data: bytes, path: str) -> tuple[str, ast.Module]:
    """The text of ``data`` read from ``path`` and its syntax tree, or :class:`SourceError`."""
    text = decode_source(data)
    return text, parse_source(text, path)


__all__ = ["scan_source", "scan_tree", "parse_data", "display_path",
           # from isolint.sources, as callers have long imported them from here
           "MAX_FILE_BYTES", "SourceError", "decode_source", "parse_source", "read_bytes", "read_source"]
