"""Rules about pytest-xdist's scheduling markers."""

from __future__ import annotations

import ast
import re
from collections import deque
from functools import cached_property
from typing import Iterator

from isolint.config import Settings
from isolint.analysis.cleanup import RESTORING_NODES
from isolint.analysis.context import FileContext
from isolint.analysis.pytest_view import SETUP_METHODS
from isolint.analysis.single_test import repeats_any, scope_facts
from isolint.analysis.tree import FunctionNode, iter_children
from isolint.model import FixSafety, Severity
from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.module_state import MUTABLE_DISPLAYS, MUTABLE_FACTORIES, MUTATING_METHODS

XDIST_GROUP = "pytest.mark.xdist_group"
USEFIXTURES = "pytest.mark.usefixtures"
#: Dist modes under which isolint does not call a marker inert: "" (not configured: CI may pass
#: `--dist` on its command line), "no" (not distributed as configured; `-n 0` in addopts is
#: often overridden by `-n auto` in CI) and "loadgroup" (the marker works).
NOT_INERT_MODES = frozenset({"", "no", "loadgroup"})
#: Dist modes that already keep a class's tests on one worker (or run every test on every
#: worker): `missing_xdist_group` has nothing to ask for there.
CLASS_KEPT_TOGETHER_MODES = frozenset({"loadscope", "loadfile", "each"})
#: `self.__class__`, and `type(self)`: ``type`` followed by an opening parenthesis, whatever
#: lies between (spaces, line breaks, comments, a backslash): the class of a test whatever it
#: is called.
_ANY_CLASS_REF = re.compile(r"\b__class__\b|\btype\s*[(#\\]")
_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def inert_dist_mode(settings: Settings) -> str:
    """The configured dist mode under which `xdist_group` markers do nothing, or ""."""
    mode = settings.pytest.dist_mode
    return "" if mode in NOT_INERT_MODES else mode


def describe_dist(settings: Settings) -> str:
    """``"`--dist loadscope` (from pytest.ini [pytest] addopts)"``."""
    source = settings.pytest.dist_source
    return f"`--dist {settings.pytest.dist_mode}`" + (f" (from {source})" if source else "")


def _mark_expressions(ctx: FileContext, value: ast.AST, marker_names: set[str]) -> bool:
    """Whether the expression ``value`` (a mark, or a list/tuple of marks) holds an xdist_group."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and ctx.qualified_name(node.func) == XDIST_GROUP:
            return True
        if ctx.qualified_name(node) == XDIST_GROUP:
            return True
        if isinstance(node, ast.Name) and node.id in marker_names:
            return True
    return False


def _pytestmark_values(body: list[ast.stmt]) -> list[ast.expr]:
    values = []
    for stmt in body:
        if isinstance(stmt, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets):
                values.append(stmt.value)
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            if isinstance(stmt.target, ast.Name) and stmt.target.id == "pytestmark" and stmt.value:
                values.append(stmt.value)
    return values


def module_marker_names(ctx: FileContext) -> set[str]:
    """Module-level names bound to an xdist_group mark: ``db_group = pytest.mark.xdist_group("db")``."""
    names = set()
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
            if ctx.qualified_name(stmt.value.func) == XDIST_GROUP:
                # `pytestmark = ...` applies the mark to the module; it names no reusable mark.
                names.update(
                    t.id for t in stmt.targets if isinstance(t, ast.Name) and t.id != "pytestmark"
                )
    return names


def class_has_xdist_group(ctx: FileContext, cls: ast.ClassDef, marker_names: set[str]) -> bool:
    """A decorator or class-level ``pytestmark`` of ``cls`` or of an in-module base."""
    for klass in [cls, *ctx.pytest.base_classes(cls)]:
        if any(_mark_expressions(ctx, d, marker_names) for d in klass.decorator_list):
            return True
        if any(_mark_expressions(ctx, v, marker_names) for v in _pytestmark_values(klass.body)):
            return True
    return False


def module_has_xdist_group(ctx: FileContext, marker_names: set[str]) -> bool:
    return any(_mark_expressions(ctx, v, marker_names) for v in _pytestmark_values(ctx.tree.body))


def first_xdist_group_marker(ctx: FileContext) -> ast.AST | None:
    """The first place (in source order) where the module applies an `xdist_group` mark: a
    decorator, a class or module `pytestmark`, `pytest.param(marks=...)`, `add_marker(...)`.
    The definition of a named mark (`group = pytest.mark.xdist_group("db")`) is not itself an
    application; its uses are."""
    names = module_marker_names(ctx)
    definitions = {
        id(sub)
        for stmt in ctx.tree.body
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in names for t in stmt.targets
        )
        for sub in ast.walk(stmt.value)
    }
    found = [
        node
        for node in ast.walk(ctx.tree)
        if id(node) not in definitions
        and (
            ctx.qualified_name(node) == XDIST_GROUP
            or ctx.call_name(node) == XDIST_GROUP
            or (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names)
        )
    ]
    return min(found, key=lambda n: (n.lineno, n.col_offset), default=None)


LIBRARY_BASE_PREFIXES = ("unittest.", "django.", "twisted.", "asynctest.", "typing.", "abc.")


def is_library_base(qualified: str) -> bool:
    """A base class from a library, which carries no ``xdist_group`` marker of the project's."""
    return qualified.startswith(LIBRARY_BASE_PREFIXES)


# ------------------------------------------------------------------ the shared-state policy
#: Fixture scopes whose value the tests of one class share.
SHARED_SCOPES = frozenset({"class", "module"})
#: Django's `TestCase.setUpTestData`, which its `setUpClass` calls once per class.
TEST_DATA_SETUP = "setUpTestData"
CLASS_SETUPS = frozenset({"setup_class", "setUpClass", TEST_DATA_SETUP})


def _fixture_name(ctx: FileContext, func: FunctionNode) -> str:
    deco = ctx.pytest.fixture_decorator(func)
    for kw in deco.keywords if isinstance(deco, ast.Call) else ():
        if kw.arg == "name" and isinstance(kw.value, ast.Constant):
            return str(kw.value.value)
    return func.name


def shared_scope_fixtures(ctx: FileContext) -> tuple[tuple[str, str], ...]:
    """(name, scope) of the module's class- and module-scoped fixtures: a conftest's tell the
    modules below it which fixtures their classes' tests share."""
    return tuple(
        (_fixture_name(ctx, f), ctx.pytest.fixture_scope(f))
        for f in ctx.pytest.module_functions.values()
        if ctx.pytest.is_fixture(f) and ctx.pytest.fixture_scope(f) in SHARED_SCOPES
    )


def _params(func: ast.AST) -> set[str]:
    args = func.args  # type: ignore[attr-defined]
    return {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}


def _usefixtures(ctx: FileContext, exprs: list[ast.expr]) -> set[str]:
    """Fixture names in `@pytest.mark.usefixtures("a", "b")` marks among ``exprs``."""
    return {
        arg.value
        for expr in exprs
        for node in ast.walk(expr)
        if ctx.call_name(node) == USEFIXTURES
        for arg in node.args  # type: ignore[attr-defined]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    }


def _is_constant(value: ast.expr | None) -> bool:
    """A literal no test can change in place: a number, string, bytes, None, or a tuple of them."""
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)):
        value = value.operand  # -2.5
    if isinstance(value, ast.Constant):
        return True
    return isinstance(value, ast.Tuple) and all(_is_constant(e) for e in value.elts)


def _binds_only_constants(setup: FunctionNode) -> bool:
    """A ``setup_class`` that only binds literals on the class (``cls.source = "..."``, as
    pytest's own test_source.py does): its tests share nothing a split could break or
    duplicate; a test that changes such an attribute is still found as a class attribute
    change."""
    owner = setup.args.args[0].arg if setup.args.args else None
    for stmt in setup.body:
        if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            continue
        if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and _is_constant(stmt.value)):
            return False
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if not all(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == owner
                   for t in targets):
            return False
    return True


def _own_nodes(method: FunctionNode) -> Iterator[tuple[ast.AST, bool]]:
    """The nodes of ``method`` (breadth first, as ``ast.walk``), each with whether its first
    parameter (``self``, ``cls``) still means the test's there: not inside a class defined in
    the method, nor inside a nested function that binds a parameter of the same name."""
    first = method.args.args[0].arg if method.args.args else None
    pending = deque((child, True) for child in iter_children(method))
    while pending:
        node, own = pending.popleft()
        yield node, own
        if own and (isinstance(node, ast.ClassDef) or (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and first in _params(node)
        )):
            own = False
        pending.extend((child, own) for child in iter_children(node))


def _container(node: ast.expr) -> ast.expr:
    """``self.items`` for ``self.items[k][j]``: the object whose contents an item write changes."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return node


def _has_word(text: str, word: str) -> bool:
    """Whether ``word`` occurs in the ASCII ``text`` as a whole word (not inside a longer one)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or text[at - 1] not in _IDENTIFIER_CHARS) and (
                end == len(text) or text[end] not in _IDENTIFIER_CHARS):
            return True
        at = text.find(word, at + 1)
    return False


class SharedState:
    """Why the tests of a class share state (the ``shared-state`` policy), or None."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._mutation_memo: dict[int, list[tuple[ast.AST, ast.Attribute, bool]]] = {}
        #: Per method: True when it may mention anything (non-ASCII, or `type(`/`__class__`),
        #: else its text (decorators included).
        self._mention_memo: dict[int, bool | str] = {}
        self.module_fixtures = {
            _fixture_name(ctx, f): f for f in ctx.pytest.module_functions.values() if ctx.pytest.is_fixture(f)
        }
        self._module_repeats: tuple[frozenset[str], bool] | None = None
        self._inherited: set[str] = set()

    def reason(self, cls: ast.ClassDef) -> str | None:
        ctx = self.ctx
        classes = [cls, *ctx.pytest.base_classes(cls)]
        methods = ctx.pytest.class_methods(cls)
        for method in methods:
            if method.name in CLASS_SETUPS and not _binds_only_constants(method):
                return f"`{method.name}`"
        for klass in classes:
            for stmt in klass.body:
                if ctx.pytest.is_fixture(stmt) and ctx.pytest.fixture_scope(stmt) in SHARED_SCOPES:
                    return f"{ctx.pytest.fixture_scope(stmt)}-scoped fixture `{stmt.name}`"
        for name in sorted(self._shared_module_fixtures(cls, classes, methods)):
            return f"{ctx.pytest.fixture_scope(self.module_fixtures[name])}-scoped fixture `{name}`"
        return self._mutated_class_attribute(classes, methods)

    def _shared_module_fixtures(self, cls: ast.ClassDef, classes: list[ast.ClassDef],
                                methods: list[FunctionNode]) -> set[str]:
        """The class- or module-scoped fixtures of the module that more than one run of the
        class's tests gets."""
        if not self._any_shared_module_fixture:  # else no requested fixture can share state
            return set()
        ctx = self.ctx
        requested = self._requested(classes, methods)
        shared = {name for name in requested if name in self.module_fixtures
                  and ctx.pytest.fixture_scope(self.module_fixtures[name]) in SHARED_SCOPES}
        if shared and not self._repeats(cls, classes, methods, requested):
            shared &= self._requested_by_several(classes, methods)
        return shared

    @cached_property
    def _any_shared_module_fixture(self) -> bool:
        """Whether a module fixture is class- or module-scoped."""
        return any(self.ctx.pytest.fixture_scope(f) in SHARED_SCOPES for f in self.module_fixtures.values())

    def _repeats(self, cls: ast.ClassDef, classes: list[ast.ClassDef], methods: list[FunctionNode],
                 requested: set[str]) -> bool:
        """Whether a test of the class may run more than once (parametrized anywhere, repeated
        by a conftest, or inherited by another class of the module): then one test requesting a
        fixture already shares it between its runs."""
        ctx = self.ctx
        if self._module_repeats is None:
            params, every = scope_facts(ctx.pytest, ctx.tree.body)
            conftest_params = frozenset().union(*(c.parametrized_fixtures for c in ctx.conftests))
            self._module_repeats = (params | conftest_params,
                                    every or any(c.repeats_tests for c in ctx.conftests))
            self._inherited = {b.id for c in ctx.tree.body if isinstance(c, ast.ClassDef)
                               for b in c.bases if isinstance(b, ast.Name)}
        params, every = self._module_repeats
        if every or any(repeats_any(k.decorator_list) for k in classes):
            return True
        for klass in classes:
            class_params, class_every = scope_facts(ctx.pytest, klass.body)
            if class_every:
                return True
            params = params | class_params
        if cls.name in self._inherited:
            return True
        return bool(requested & params) or any(repeats_any(m.decorator_list) for m in methods if self._is_test(m))

    def _is_test(self, method: FunctionNode) -> bool:
        return self.ctx.pytest.is_test_function_name(method.name) and not self.ctx.pytest.is_fixture(method)

    def _requested_by_several(self, classes: list[ast.ClassDef], methods: list[FunctionNode]) -> set[str]:
        """Of the fixtures the class's tests request, those more than one of its tests gets:
        a class-wide request (marker, autouse, a fixture method of the class) when the class has
        two tests or more, else a fixture two tests request (directly or through fixtures). A
        fixture only one test runs with is not shared between the class's tests (pip's
        `TestConnectionErrors`: one module-scoped server per test)."""
        ctx = self.ctx
        tests = [m for m in methods if self._is_test(m)]
        wide = _usefixtures(ctx, [d for k in classes for d in k.decorator_list])
        wide |= _usefixtures(ctx, [v for k in classes for v in _pytestmark_values(k.body)])
        wide |= self._module_requested()
        for method in methods:
            if ctx.pytest.is_fixture(method):
                wide |= _params(method) | _usefixtures(ctx, method.decorator_list)
        counts: dict[str, int] = {}
        for name in self._closure(wide):
            counts[name] = len(tests)
        for test in tests:
            for name in self._closure(_params(test) | _usefixtures(ctx, test.decorator_list)):
                counts[name] = counts.get(name, 0) + 1
        return {name for name, count in counts.items() if count > 1}

    def _closure(self, names: set[str]) -> set[str]:
        """``names`` and the module fixtures they request, transitively."""
        wanted = set(names)
        pending = list(wanted)
        while pending:
            fixture = self.module_fixtures.get(pending.pop())
            for name in _params(fixture) - wanted if fixture is not None else ():
                wanted.add(name)
                pending.append(name)
        return wanted

    def _module_requested(self) -> set[str]:
        """Fixtures every test of the module requests (module ``pytestmark``, autouse): found
        once per file, not once per class (that made the time quadratic in the classes)."""
        if not hasattr(self, "_module_wanted"):
            ctx = self.ctx
            self._module_wanted = _usefixtures(ctx, _pytestmark_values(ctx.tree.body)) | {
                name for name, f in self.module_fixtures.items() if ctx.pytest.is_autouse_fixture(f)}
        return self._module_wanted

    def _requested(self, classes: list[ast.ClassDef], methods: list[FunctionNode]) -> set[str]:
        """Fixtures the tests of the class request, directly or through other fixtures."""
        ctx = self.ctx
        wanted = _usefixtures(ctx, [d for k in classes for d in k.decorator_list])
        wanted |= _usefixtures(ctx, [v for k in classes for v in _pytestmark_values(k.body)])
        wanted |= self._module_requested()
        for method in methods:
            if ctx.pytest.is_test_function_name(method.name) or ctx.pytest.is_fixture(method):
                wanted |= _params(method) | _usefixtures(ctx, method.decorator_list)
        return self._closure(wanted)

    def _mutated_class_attribute(
        self, classes: list[ast.ClassDef], methods: list[FunctionNode]
    ) -> str | None:
        for node, _ in self._class_attribute_changes(classes, methods):
            return f"class attribute changed by `{self.ctx.lines.source_segment(node)}`"
        return None

    def _class_attribute_changes(
        self, classes: list[ast.ClassDef], methods: list[FunctionNode]
    ) -> Iterator[tuple[ast.AST, FunctionNode]]:
        """Each change of a class attribute in ``methods``, with the method making it."""
        class_names = {k.name for k in classes}
        mutable = {
            target.id
            for klass in classes
            for stmt in klass.body
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and self._is_mutable(stmt.value)
            for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
            if isinstance(target, ast.Name)
        }
        if mutable:
            mutable -= self._rebound_per_test(classes, methods)
        for method in methods:
            own_refs = self._class_refs(method, class_names)
            if not self._may_mention(method, own_refs | mutable):
                continue
            for node, target, own in self._mutations(method):
                owner = target.value
                class_refs = own_refs if own else class_names
                if self._is_class_ref(owner, class_refs, own) or (
                    target.attr in mutable and self._is_instance_or_class(owner, class_refs, own)
                    and not self._is_rebinding(node, target)
                ):
                    yield node, method

    def _may_mention(self, method: FunctionNode, words: set[str]) -> bool:
        """Whether one of ``words``, `__class__` or a call of `type` may be in ``method``
        (decorators included): False only when none occurs as a whole word in its lines,
        which an ASCII source must then spell out (a non-ASCII one may spell a name otherwise:
        NFKC). A text search instead of a walk of each test class's methods."""
        found = self._mention_memo.get(id(method))
        if found is None:
            start = min([method.lineno, *(d.lineno for d in method.decorator_list)])
            end = method.end_lineno or len(self._lines)
            text = "".join(self._lines[start - 1:end])
            if not text.isascii():
                found = True
            elif ("type" in text or "__class__" in text) and _ANY_CLASS_REF.search(text) is not None:
                found = True
            else:
                found = text
            self._mention_memo[id(method)] = found
        return found is True or any(_has_word(found, word) for word in words)  # type: ignore[arg-type]

    @cached_property
    def _lines(self) -> list[str]:
        return self.ctx.lines.segment_lines

    def _mutations(self, method: FunctionNode) -> list[tuple[ast.AST, ast.Attribute, bool]]:
        """The nodes of ``method`` that change an attribute or an object held in one, with
        that attribute and whether ``self`` is the test's there (:func:`_own_nodes`, in its
        order): found once per method, though the method of a base class is asked about for
        each class that inherits it."""
        found = self._mutation_memo.get(id(method))
        if found is None:
            found = self._mutation_memo[id(method)] = []
            for node, own in _own_nodes(method):
                if type(node) not in RESTORING_NODES:
                    continue  # (`_mutation_target` finds nothing in other nodes)
                target = self._mutation_target(node)
                if isinstance(target, ast.Attribute):
                    found.append((node, target, own))
        return found

    def _is_mutable(self, value: ast.expr | None) -> bool:
        if isinstance(value, MUTABLE_DISPLAYS):
            return True
        return self.ctx.call_name(value) in MUTABLE_FACTORIES if value is not None else False

    def _rebound_per_test(self, classes: list[ast.ClassDef], methods: list[FunctionNode]) -> set[str]:
        """Attributes that each test's setup rebinds on the instance (`self.items = []`)."""
        setups = [m for m in methods if m.name in SETUP_METHODS - CLASS_SETUPS]
        setups += [
            f for k in classes for f in self.ctx.pytest.autouse_fixtures(k.body)
            if self.ctx.pytest.fixture_scope(f) == "function"
        ]
        return {
            target.attr
            for setup in setups
            for node in ast.walk(setup)
            if isinstance(node, (ast.Assign, ast.AnnAssign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        }

    def _class_refs(self, method: FunctionNode, class_names: set[str]) -> set[str]:
        """Names that stand for the class in ``method``: its name, and `cls` in a classmethod."""
        refs = set(class_names)
        if "classmethod" in self.ctx.pytest.decorator_names(method) and method.args.args:
            refs.add(method.args.args[0].arg)
        return refs

    @staticmethod
    def _is_class_ref(node: ast.expr, class_refs: set[str], own: bool = True) -> bool:
        """`Cls`, `cls` (classmethod), `type(self)`, `self.__class__` (these two only where
        ``own``: `self` is the test's instance there)."""
        if isinstance(node, ast.Name):
            return node.id in class_refs
        if not own:
            return False
        if isinstance(node, ast.Attribute):
            return node.attr == "__class__" and isinstance(node.value, ast.Name) and node.value.id == "self"
        return (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type"
            and len(node.args) == 1 and isinstance(node.args[0], ast.Name) and node.args[0].id == "self"
        )

    def _is_instance_or_class(self, node: ast.expr, class_refs: set[str], own: bool = True) -> bool:
        return (own and isinstance(node, ast.Name) and node.id == "self") or self._is_class_ref(node, class_refs, own)

    @staticmethod
    def _mutation_target(node: ast.AST) -> ast.expr | None:
        """What ``node`` changes: the attribute assigned, or the object mutated in place."""
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript):
                    return _container(target)  # `self.items[k] = v`: mutates self.items
                if isinstance(target, ast.Attribute):
                    return target
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in MUTATING_METHODS:
                return _container(node.func.value)  # `self.seen[k].append(v)` too
        return None

    @staticmethod
    def _is_rebinding(node: ast.AST, target: ast.Attribute) -> bool:
        """`self.items = [...]` binds an instance attribute; it does not change the class's."""
        return isinstance(node, (ast.Assign, ast.AnnAssign, ast.Delete)) and any(
            t is target for t in (node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target])
        )


CLASS_TEARDOWNS = frozenset({"teardown_class", "tearDownClass"})
CLASS_SETUPS_AND_TEARDOWNS = CLASS_SETUPS | CLASS_TEARDOWNS


def _root(node: ast.expr) -> tuple[ast.expr, int]:
    """``self.conn`` and 1 for ``self.conn.x``: the object ``node`` reaches into, stripped of
    attribute and item accesses down to an attribute of a name, of a call (``type(self).x``)
    or of ``self.__class__``, with the count of accesses stripped."""
    depth = 0
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        owner = node.value
        if isinstance(node, ast.Attribute) and (
            isinstance(owner, (ast.Name, ast.Call))
            or (isinstance(owner, ast.Attribute) and owner.attr == "__class__")
        ):
            break
        node = owner
        depth += 1
    return node, depth


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, (ast.Assign, ast.Delete)):
        return node.targets
    return [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []


def _put_back_in_finally(method: FunctionNode, node: ast.AST) -> bool:
    """Whether ``node`` rebinds attributes (`self.engine.dirs = dirs`) that a `finally:` of
    ``method`` after it binds again (`self.engine.dirs = original`), or is that put-back:
    undone before the method returns, or before the `with` block of a `@contextmanager`
    helper ends (Django's `FileSystemLoaderTests.set_dirs`)."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or not all(
            isinstance(t, ast.Attribute) for t in _targets(node)):
        return False
    wanted = {ast.dump(t) for t in _targets(node)}
    put_back: set[str] = set()
    for stmt in ast.walk(method):
        if not isinstance(stmt, ast.Try):
            continue
        final = [n for f in stmt.finalbody for n in ast.walk(f)]
        if stmt.lineno > node.lineno:  # a `finally:` after the change binds the same again
            put_back.update(ast.dump(t) for n in final if isinstance(n, (ast.Assign, ast.AnnAssign))
                            for t in _targets(n))
        elif any(n is node for n in final):  # the put-back itself, of a change before the `try`
            put_back.update(ast.dump(t) for n in ast.walk(method)
                            if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.lineno < stmt.lineno
                            for t in _targets(n))
    return wanted <= put_back


def _rebinds(node: ast.AST) -> set[str]:
    """The attributes ``node`` rebinds (`X.a = ...`, `X.a += 1`); a name no attribute has when
    it changes something else (an item, an object in place)."""
    targets = _targets(node) if not isinstance(node, ast.Delete) else []
    if targets and all(isinstance(t, ast.Attribute) for t in targets):
        return {t.attr for t in targets if isinstance(t, ast.Attribute)}
    return {"<not a rebinding>"}


def _resets(node: ast.AST) -> bool:
    """Whether ``node`` binds attributes to a value that does not read them (`Cls.n = 0`, not
    `Cls.n = Cls.n + 1`, `Cls.items[k] = v` or `Cls.n += 1`)."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
        return False
    targets = _targets(node)
    if not all(isinstance(t, ast.Attribute) for t in targets):
        return False
    names = {t.attr for t in targets if isinstance(t, ast.Attribute)}
    return not any(isinstance(n, ast.Attribute) and n.attr in names for n in ast.walk(node.value))


class ChangedState(SharedState):
    """Where a test of a class changes state its tests share (the ``changed-state`` policy):
    a class attribute, an attribute a ``setup_class`` bound, or a shared fixture's value."""

    def reason(self, cls: ast.ClassDef) -> str | None:
        ctx = self.ctx
        classes = [cls, *ctx.pytest.base_classes(cls)]
        methods = ctx.pytest.class_methods(cls)
        per_test = [
            m for m in methods
            if m.name not in CLASS_SETUPS_AND_TEARDOWNS
            and not (ctx.pytest.is_fixture(m) and ctx.pytest.fixture_scope(m) in SHARED_SCOPES)
        ]
        return (self._setup_attribute_change(classes, methods, per_test)
                or self._fixture_change(cls, classes, methods, per_test)
                or self._class_attribute_change(classes, per_test))

    def _where(self, node: ast.AST, method: FunctionNode) -> str:
        return f"`{self.ctx.lines.source_segment(node)}` in `{method.name}` (line {node.lineno})"

    def _class_attribute_change(self, classes: list[ast.ClassDef], per_test: list[FunctionNode]) -> str | None:
        changes = list(self._class_attribute_changes(classes, per_test))
        if not changes:
            return None
        setups = {
            id(m) for m in per_test
            if m.name in SETUP_METHODS or (
                self.ctx.pytest.is_autouse_fixture(m) and self.ctx.pytest.fixture_scope(m) == "function")
        }
        # Attributes a per-test setup binds afresh: a rebinding of them anywhere is undone
        # before the next test (`Cls.count = 0` in `setUp`, `Cls.count += 1` in a test).
        reset = {t.attr for node, m in changes if id(m) in setups and _resets(node)
                 for t in _targets(node) if isinstance(t, ast.Attribute)}
        for node, method in changes:
            if not (reset and _rebinds(node) <= reset):
                return f"class attribute changed by {self._where(node, method)}"
        return None

    def _setup_attribute_change(self, classes: list[ast.ClassDef], methods: list[FunctionNode],
                                per_test: list[FunctionNode]) -> str | None:
        """`self.items.append(...)`, `self.cache[k] = v`, `self.conn.x = ...` in a test, where
        `setup_class` / `setUpClass` bound `items`, `cache`, `conn` (to other than a literal)."""
        bound: dict[str, str] = {}
        # Not `setUpTestData`: Django gives each test a deep copy of what it binds (`TestData`).
        for setup in (m for m in methods if m.name in CLASS_SETUPS - {TEST_DATA_SETUP} and m.args.args):
            owner = setup.args.args[0].arg
            for node in ast.walk(setup):
                if isinstance(node, (ast.Assign, ast.AnnAssign)) and not _is_constant(node.value):
                    for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                        if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                                and target.value.id == owner):
                            bound.setdefault(target.attr, setup.name)
        if not bound:
            return None
        for attr in self._rebound_per_test(classes, methods):
            bound.pop(attr, None)
        if not bound:
            return None
        class_names = {k.name for k in classes}
        for method in per_test:
            class_refs = self._class_refs(method, class_names)
            nodes = list(_own_nodes(method))
            # `self.items = [...]` in the method: its `self.items` is the instance's own.
            own_attrs = {
                target.attr for node, own in nodes if own and isinstance(node, (ast.Assign, ast.AnnAssign))
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            }
            for node, own in nodes:
                target = self._mutation_target(node)
                if target is None:
                    continue
                root, depth = _root(target)
                if (isinstance(root, ast.Attribute) and root.attr in bound
                        and not (own and isinstance(root.value, ast.Name) and root.value.id == "self"
                                 and root.attr in own_attrs)
                        and self._is_instance_or_class(root.value, class_refs, own)
                        and (depth or not self._is_rebinding(node, target))
                        and not _put_back_in_finally(method, node)):
                    return (f"`{root.attr}` bound by `{bound[root.attr]}`, changed by "
                            f"{self._where(node, method)}")
        return None

    def _fixture_change(self, cls: ast.ClassDef, classes: list[ast.ClassDef], methods: list[FunctionNode],
                        per_test: list[FunctionNode]) -> str | None:
        """`resource.append(...)`, `resource[k] = v`, `resource.x = ...` in a test that gets
        the class- or module-scoped fixture `resource` its class's tests share."""
        ctx = self.ctx
        params = [(method, _params(method)) for method in per_test]
        wanted = set().union(*(names for _, names in params))
        shared = {
            _fixture_name(ctx, stmt): ctx.pytest.fixture_scope(stmt)
            for klass in classes for stmt in klass.body
            if ctx.pytest.is_fixture(stmt) and ctx.pytest.fixture_scope(stmt) in SHARED_SCOPES
        }
        # Only a shared fixture that a per-test method receives can be changed by one: when no
        # parameter names one, the (costly) questions of which fixtures the class's tests get
        # cannot find any.
        if not wanted & (shared.keys() | self._shared_module_names | self._conftest_scopes.keys()):
            return None
        for name in self._shared_module_fixtures(cls, classes, methods):
            shared.setdefault(name, ctx.pytest.fixture_scope(self.module_fixtures[name]))
        for name, scope in self._shared_conftest_fixtures(cls, classes, methods).items():
            shared.setdefault(name, scope)
        for method, names in params:
            for name in sorted(names & shared.keys()):
                for node in ast.walk(method):
                    if self._changes_name(node, name):
                        return (f"{shared[name]}-scoped fixture `{name}`, changed by "
                                f"{self._where(node, method)}")
        return None

    def _shared_conftest_fixtures(self, cls: ast.ClassDef, classes: list[ast.ClassDef],
                                  methods: list[FunctionNode]) -> dict[str, str]:
        """The class- or module-scoped fixtures of the conftests above the module (not
        overridden by the module) that more than one run of the class's tests gets."""
        scopes = self._conftest_scopes
        if not scopes:
            return {}
        requested = self._requested(classes, methods) & scopes.keys()
        if requested and not self._repeats(cls, classes, methods, requested):
            requested &= self._requested_by_several(classes, methods)
        return {name: scopes[name] for name in requested}

    @cached_property
    def _conftest_scopes(self) -> dict[str, str]:
        """The class- and module-scoped fixtures of the conftests above the module that the
        module does not override, with their scope (once per file)."""
        scopes: dict[str, str] = {}
        for conftest in self.ctx.conftests:  # the nearest conftest's definition wins
            scopes.update(conftest.shared_fixtures)
        for name in self.module_fixtures:
            scopes.pop(name, None)
        return scopes

    @cached_property
    def _shared_module_names(self) -> frozenset[str]:
        """The module's class- and module-scoped fixtures."""
        return frozenset(name for name, f in self.module_fixtures.items()
                         if self.ctx.pytest.fixture_scope(f) in SHARED_SCOPES)

    def _changes_name(self, node: ast.AST, name: str) -> bool:
        """Whether ``node`` changes the object the local ``name`` holds (not rebinds ``name``)."""
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            return node.target.id == name  # `items += [1]` extends a list in place
        target = self._mutation_target(node)
        if target is None:
            return False
        while isinstance(target, (ast.Attribute, ast.Subscript)):
            target = target.value
        return isinstance(target, ast.Name) and target.id == name


class MissingXdistGroup(Rule):
    """
    ## What it does
    Flags a test class whose tests share state and that has no effective `xdist_group` marker,
    when the suite may run under a pytest-xdist mode that can split the class across workers.

    The default policy, `changed-state`, reports a class only when a test of it (or a per-test
    setup or teardown, a function-scoped fixture of the class, a helper method) changes state
    the class's tests share: a class attribute (`self.__class__.x =`, `type(self).x =`,
    `cls.x =` in a classmethod, `ClassName.x =`, or an in-place change of a mutable class
    attribute such as `self.items.append(...)` where `items = []` is a class attribute that no
    per-test setup rebinds); an attribute that `setup_class` / `setUpClass` bound to other
    than a literal (`self.items.append(...)`, `self.cache[k] = v`, `self.conn.x = ...`, or a
    call of a mutating method: `append`, `extend`, `insert`, `pop`, `remove`, `clear`,
    `update`, `add`, `discard`, `setdefault`, `popitem`, `__setitem__`...); or the value of a
    class- or module-scoped fixture (of the class, the module or a conftest above it) that
    more than one run of its tests gets, as under `shared-state` below (the parameter changed
    in place the same ways, or an attribute set on it). The message says which state and where it is changed.
    Tests that only read shared state are not reported: each worker builds the state for
    itself, and no test notices. Nor is a class attribute that a per-test setup (`setUp`,
    `setup_method`, a function-scoped autouse fixture) binds to a value not read from it
    (`Cls.count = 0`), nor a rebinding of such an attribute in a test or a teardown
    (`Cls.count += 1`): every test starts from the setup's value, whichever tests ran before.
    Django's `setUpTestData` counts as a class set-up (its bindings are no test's change), and
    a test changing what it bound changes the test's own deep copy. Nor is
    a class defined inside a `unittest.TestCase` class, which pytest does not collect (it
    collects only the test methods of a `TestCase`), nor a change of an attribute that a
    `finally:` of the same method binds back (a `@contextmanager` helper that sets
    `self.engine.dirs` around its `yield`).

    `xdist-group-policy = "shared-state"` (`[tool.isolint]` or `--xdist-group-policy`)
    reports every class whose tests share state, read-only too: a `setup_class` /
    `setUpClass` / `setUpTestData` (not one that only binds literals, `cls.source = "..."`); a class- or
    module-scoped fixture defined in the class (or an in-module base), or requested (as a
    parameter, through another fixture of the module, `usefixtures`, or autouse) by more than
    one run of its tests: by two tests, for the whole class when it has two tests, or by a
    test that runs more than once (parametrized, or its class inherited by another; a fixture
    only one run of one test gets is not shared); or a class attribute changed by its code
    (`self` and `cls` inside a class defined in a test, or a nested function with its own
    `self`, are not the test class's). `xdist-group-policy = "all"` asks a marker of every
    test class instead, as the reference report's blanket rule did.

    A marker is effective when it is a decorator of the class (in any import form:
    `pytest.mark`, `from pytest import mark`, an alias), a class-level `pytestmark`, a
    module-level `pytestmark` (one mark or a list), or comes from a base class or an enclosing
    test class in the same module. A class with a base class imported from another module
    (other than the `TestCase` classes of unittest, Django and Twisted) is not flagged: the
    marker may come from that base.

    The configured dist mode (see `inert_xdist_group`) decides the rest: under `--dist
    loadscope`, `loadfile` or `each` nothing is reported (a class already stays on one worker,
    or every worker runs every test); under `load` or `worksteal` the marker alone would do
    nothing, so the message says to switch to `--dist loadgroup` (or `loadscope`) as well; with
    `loadgroup`, `no` or no configured mode, the marker is what keeps the class together.

    ## Why is this bad?
    Under `pytest -n N --dist load` (or `worksteal`), pytest-xdist sends each test to whichever
    worker is free: the tests of a class that share a class-scoped fixture, a `setup_class` or a
    class attribute are split across workers, each of which builds that state again, and a test
    that relies on another test's change to it fails depending on the schedule. Under `--dist
    loadgroup`, all tests of one `xdist_group` run on the same worker, in order; under `--dist
    loadscope` all tests of a class do.

    ## Example
    ```python
    class TestOrders:
        @classmethod
        def setup_class(cls):
            cls.orders = []

        def test_create(self):
            self.orders.append("book")

        def test_count(self):
            assert self.orders == ["book"]
    ```

    ## Use instead
    ```python
    import pytest

    @pytest.mark.xdist_group(name="orders")
    class TestOrders:
        @classmethod
        def setup_class(cls):
            cls.orders = []

        def test_create(self):
            self.orders.append("book")

        def test_count(self):
            assert self.orders == ["book"]
    ```
    Better still, give each test its own state (a function-scoped fixture, `setup_method`).

    ## Fix safety
    The fix adds `@pytest.mark.xdist_group(name=...)` with a name derived from the file's place
    in the suite, and `import pytest` when needed. It is safe: it changes scheduling only under
    `--dist loadgroup`. It is offered only where the marker takes effect: under a configured
    `load` or `worksteal` mode the marker would be inert (and reported by `inert_xdist_group`),
    so changing the mode comes first and no fix is offered.
    """

    code = "ISO002"
    name = "missing_xdist_group"
    severity = Severity.HIGH
    message = "test class `{cls}` has no `xdist_group` marker{why}{note}"
    fix = "decorate `{cls}` with `@pytest.mark.xdist_group(name=...)`"
    fix_safety = FixSafety.SAFE
    fix_availability = "sometimes"
    test_modules_only = True

    def may_fire(self, ctx: FileContext) -> bool:
        return ctx.settings.pytest.dist_mode not in CLASS_KEPT_TOGETHER_MODES

    def __init__(self) -> None:
        self._module_marked: bool | None = None
        self._marker_names: set[str] = set()
        self._shared_state: SharedState | None = None
        self._why = ""

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        if self._module_marked is None:
            self._marker_names = module_marker_names(ctx)
            self._module_marked = module_has_xdist_group(ctx, self._marker_names)
        if self._module_marked or not ctx.pytest.is_test_class(node) or not ctx.pytest.has_tests(node):
            return
        if any(not is_library_base(b) for b in ctx.pytest.unresolved_bases(node)):
            return
        outer = [n for n in ctx.stack[:-1] if isinstance(n, ast.ClassDef)]
        if any(ctx.pytest.is_unittest_class(k) for k in outer):
            return  # pytest collects only the test methods of a `TestCase`, no class in it
        if not self.applies(node, ctx):
            return
        for cls in [node, *outer]:
            if class_has_xdist_group(ctx, cls, self._marker_names):
                return
        note = ""
        if inert_dist_mode(ctx.settings):
            note = (
                f"; under {describe_dist(ctx.settings)} a marker alone does nothing: switch "
                "to `--dist loadgroup` (or `loadscope`) and mark it"
            )
        ctx.report(self, node, cls=node.name, why=self._why, note=note)

    def applies(self, cls: ast.ClassDef, ctx: FileContext) -> bool:
        """Whether the configured policy asks for a marker on ``cls``: policy ``all`` always;
        ``shared-state`` when its tests share state (see :class:`SharedState`); ``changed-state``
        (the default) when a test changes that shared state (see :class:`ChangedState`)."""
        self._why = ""
        policy = ctx.settings.xdist_group_policy
        if policy == "all":
            return True
        if self._shared_state is None:
            self._shared_state = SharedState(ctx) if policy == "shared-state" else ChangedState(ctx)
        reason = self._shared_state.reason(cls)
        if reason and policy == "shared-state":
            self._why = f" but its tests share state ({reason})"
        elif reason:
            self._why = f" but a test changes state its tests share: {reason}"
        return reason is not None


class InertXdistGroup(Rule):
    """
    ## What it does
    Flags a module that applies `xdist_group` markers (as a decorator of a class or test, in a
    class or module `pytestmark`, in `pytest.param(marks=...)`, through any import form or a
    named mark) while the suite's configured pytest-xdist mode is not `loadgroup`. It is
    reported once per module, at the module's first such marker, and says which mode was found
    and where (`pytest.ini [pytest] addopts`, `[tool.isolint] dist`, the `--dist` option).

    The mode is read from pytest's `addopts` (see docs/configuration.md); `[tool.isolint]
    dist = "..."` or `isolint check --dist MODE` overrides it. Nothing is reported when no mode
    is configured at all (CI may pass `--dist loadgroup` on its command line, which isolint
    cannot see: say `dist = "loadgroup"` in `[tool.isolint]` to tell it), nor under mode `no`
    (the suite is not distributed as configured, and an `-n 0` default in `addopts` is often
    overridden by `-n auto` in CI, which would bring back the `--dist` that `-n 0` hides).

    ## Why is this bad?
    pytest-xdist reads `xdist_group` only under `--dist loadgroup`: there, all tests of one group
    run on the same worker, in order. Under `load`, `worksteal`, `loadscope`, `loadfile` and
    `each` the marker is silently ignored, so tests that were grouped because they share state
    (a class-scoped fixture, `setup_class`, a class attribute, a database row) are split across
    workers anyway. The suite looks protected and is not; it fails only when the scheduler
    happens to separate the group.

    ## Example
    ```ini
    [pytest]
    addopts = -n auto --dist loadscope
    ```
    ```python
    import pytest

    @pytest.mark.xdist_group(name="db")
    class TestOrders:
        def test_create(self):
            assert True
    ```

    ## Use instead
    ```ini
    [pytest]
    addopts = -n auto --dist loadgroup
    ```
    ```python
    import pytest

    @pytest.mark.xdist_group(name="db")
    class TestOrders:
        def test_create(self):
            assert True
    ```
    Or drop the markers if the chosen mode already keeps the tests together (`loadscope` keeps
    a class's tests on one worker, `loadfile` a module's).

    ## Fix safety
    No automatic fix: whether to change the dist mode or the markers is the project's choice.
    """

    code = "ISO005"
    name = "inert_xdist_group"
    severity = Severity.MEDIUM
    message = (
        "`xdist_group` marker has no effect: the suite runs with {dist}, "
        "and only `--dist loadgroup` honours it"
    )
    fix = "run pytest-xdist with `--dist loadgroup`, or remove the `xdist_group` markers"

    def finish(self, ctx: FileContext) -> None:
        if not inert_dist_mode(ctx.settings):
            return
        marker = first_xdist_group_marker(ctx)
        if marker is not None:
            ctx.report(self, marker, dist=describe_dist(ctx.settings))
