"""``missing_teardown_method``: mocks that outlive their test because something keeps them."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from isolint.analysis.context import FileContext
from isolint.analysis.names import statements
from isolint.analysis.tree import FunctionNode
from isolint.model import FixSafety, Severity
from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.mock_api import may_make_mocks, returns_mock
from isolint.suppressions import parse_suppressions

#: Methods that pytest calls on the class, not on an instance.
CLASS_LEVEL_METHODS = frozenset({"setup_class", "teardown_class", "setUpClass", "tearDownClass"})
SKIP = "pytest.mark.skip"
#: Calls on ``vars(self)`` / ``self.__dict__`` / a container that drop what it holds.
CLEARS = frozenset({"clear"})
#: Container methods that store their argument(s) in the container.
STORING_METHODS = frozenset({"append", "add", "extend", "insert", "setdefault", "appendleft"})
#: Container methods and statements that drop entries.
DROPPING_METHODS = frozenset({"clear", "pop", "popitem", "remove", "discard", "popleft"})
#: The per-test teardown a release goes to, for pytest classes and unittest classes.
PER_TEST_TEARDOWN = {False: "teardown_method", True: "tearDown"}
PER_CLASS_TEARDOWN = {False: "teardown_class", True: "tearDownClass"}


@dataclass(frozen=True)
class Retained:
    """One place where a test class keeps a mock: ``self.client`` set at line 12."""

    #: "instance" (``self.x``), "class" (``cls.x``) or "module" (a module-level name).
    kind: str
    #: What keeps it, as written: ``self.client``, ``cls.client``, ``_MOCKS``.
    holder: str
    line: int
    #: The statement that releases it: ``self.client = None``, ``_MOCKS.clear()``.
    release: str


def _assignments(node: ast.AST) -> list[tuple[ast.expr, ast.expr | None]]:
    """``(target, value)`` pairs of an assignment, tuples unpacked pairwise when they match."""
    if isinstance(node, ast.AnnAssign):
        return [(node.target, node.value)]
    if not isinstance(node, ast.Assign):
        return []
    out: list[tuple[ast.expr, ast.expr | None]] = []
    for target in node.targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            values = node.value.elts if isinstance(node.value, (ast.Tuple, ast.List)) else []
            if len(values) == len(target.elts):
                out.extend(zip(target.elts, values))
        else:
            out.append((target, node.value))
    return out


def _is_classmethod(func: FunctionNode) -> bool:
    return func.name in CLASS_LEVEL_METHODS or any(
        getattr(d, "id", getattr(d, "attr", "")) == "classmethod" for d in func.decorator_list
    )


def _owner_name(func: FunctionNode) -> str | None:
    """The name of the first parameter of method ``func`` (``self`` or ``cls``), or None."""
    if any(getattr(d, "id", getattr(d, "attr", "")) == "staticmethod" for d in func.decorator_list):
        return None
    params = [*func.args.posonlyargs, *func.args.args]
    return params[0].arg if params else None


def _is_attribute_of(node: ast.AST, owner: str | None, attr: str) -> bool:
    """``owner.attr`` (any ``name.attr`` when ``owner`` is None)."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attr
        and isinstance(node.value, ast.Name)
        and (owner is None or node.value.id == owner)
    )


def releases(node: ast.AST, owner: str | None, attr: str) -> bool:
    """Whether ``node`` drops the reference ``owner.attr``: ``del self.m``, ``self.m = None``,
    ``delattr(self, "m")``, ``setattr(self, "m", None)``, ``self.__dict__.clear()`` /
    ``vars(self).clear()``. ``gc.collect()`` is not one: it frees nothing still referenced.
    ``owner`` None accepts any name (a teardown may call its instance ``me``)."""
    if isinstance(node, ast.Delete):
        return any(_is_attribute_of(t, owner, attr) for t in node.targets)
    if isinstance(node, ast.Assign):
        none = isinstance(node.value, ast.Constant) and node.value.value is None
        return none and any(_is_attribute_of(t, owner, attr) for t in node.targets)
    if not isinstance(node, ast.Call):
        return False
    func, args = node.func, node.args
    if isinstance(func, ast.Name) and func.id in ("delattr", "setattr") and len(args) >= 2:
        named = isinstance(args[0], ast.Name) and owner in (None, args[0].id)
        same = isinstance(args[1], ast.Constant) and args[1].value == attr
        cleared = func.id == "delattr" or (
            len(args) == 3 and isinstance(args[2], ast.Constant) and args[2].value is None
        )
        return named and same and cleared
    if isinstance(func, ast.Attribute) and func.attr in CLEARS:
        holder = func.value
        if _is_attribute_of(holder, owner, "__dict__"):
            return True
        return (
            isinstance(holder, ast.Call)
            and isinstance(holder.func, ast.Name)
            and holder.func.id == "vars"
            and len(holder.args) == 1
            and isinstance(holder.args[0], ast.Name)
            and owner in (None, holder.args[0].id)
        )
    return False


def empties(node: ast.AST, name: str) -> bool:
    """Whether ``node`` drops what module-level ``name`` holds: ``name.clear()`` (or another
    dropping method), ``del name[...]``, or a new binding of ``name``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        target = node.func.value
        return node.func.attr in DROPPING_METHODS and isinstance(target, ast.Name) and target.id == name
    if isinstance(node, ast.Delete):
        return any(
            isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name
            or isinstance(t, ast.Name) and t.id == name
            for t in node.targets
        )
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(isinstance(t, ast.Name) and t.id == name for t in targets)
    return False


class MissingTeardownMethod(Rule):
    """
    ## What it does
    Flags a test class that keeps mock objects alive after its tests, where no teardown
    releases them. A class keeps a mock when its code (a setup method, a fixture method, a
    helper, a test, or an in-module base class's) stores one

    - on the instance, `self.client = MagicMock()`, in a plain pytest class: pytest keeps every
      instance of such a class until the session ends;
    - on the class, `cls.client = MagicMock()` in `setup_class` / `setUpClass` or another
      classmethod;
    - in a module-level name or container: `_CLIENTS.append(MagicMock())`,
      `_CLIENTS[key] = mock`, `global CLIENT; CLIENT = MagicMock()`.

    A mock is a `Mock()` / `MagicMock()` / `AsyncMock()` / `create_autospec(...)` and the other
    mock classes, the result of `patcher.start()` for a patcher that makes a mock,
    pytest-mock's `mocker.patch(...)` / `mocker.patch.object(...)` / `mocker.MagicMock()` /
    `mocker.spy(...)`, or a local bound to one of these. Released means `self.client = None`,
    `del self.client`, `delattr(self, "client")`, `self.__dict__.clear()`, `_CLIENTS.clear()`,
    `del _CLIENTS[key]` (and `cls.client = None` in `teardown_class` for class attributes) in a
    teardown method, after the `yield` of an autouse fixture, or in a registered cleanup.
    `gc.collect()` releases nothing and does not satisfy the rule. The finding is reported at
    the class and names each attribute or container and the line where the mock is stored.

    Not flagged: mocks that are locals of a test, or that a fixture returns; mocks on `self` in
    a `unittest.TestCase` (since pytest 3.0.4, pytest-dev/pytest#1649, and again since 8.2.2,
    #12368, pytest drops its references to a `TestCase` instance when the test's teardown ends,
    so its attributes are freed like locals; a `TestCase` reached through project base classes
    in other modules counts, `from tests import BaseEnvVar`); classes under an unconditional
    `@pytest.mark.skip` (pytest never creates their instances).

    This rule replaces `mock_retained_on_instance` (ISO012), which found the instance case with
    severity MEDIUM. That name and code are still accepted wherever a rule can be named.

    ## Why is this bad?
    pytest creates a new instance of a test class for every test, and the test item keeps a
    reference to it (the bound test method) until the session ends
    (pytest-dev/pytest#11374). Every mock set on `self` therefore lives as long as the xdist
    worker, together with every call and argument it recorded, the return values and child
    mocks it created, and the spec object it was built from: once per test. Mocks kept on the
    class or in a module-level container live as long, and a container grows with each test.

    Measured (`benchmarks/mock_memory.py`, results in `docs/benchmarks.md`): one suite of
    1,000 tests, each exercising 10 `MagicMock`s with child mocks, run under `pytest -n 2
    --isolint` in seven variants (memory per worker; wall times from a shared 2-core machine):

    | where the mocks are | peak RSS | live mocks (max) | wall |
    |---|---|---|---|
    | local variables | 48 MiB | 486 | 6.0 s |
    | local, `gc.collect()` in teardown | 42 MiB | 0 | 11.6 s |
    | on `self` in `setup_method`, kept | 415-427 MiB | ~30,000 | 10.8 s |
    | on `self`, kept, `gc.collect()` in `teardown_method` | 420-422 MiB | ~30,000 | 200.9 s |
    | on `self`, released in `teardown_method` | 50 MiB | 720 | 12.4 s |
    | on `self`, released, and `gc.collect()` | 42 MiB | 0 | 26.3 s |
    | `patch.object(...).start()`, never stopped | 412-439 MiB | ~30,000 | 16.7 s |

    Mocks that go out of scope do not accumulate; mocks kept on `self` grow the worker by about
    0.75 MiB per test, and `gc.collect()` frees none of them (it only made that run 18 times
    slower); setting them to `None` in `teardown_method` brings the peak back to 50 MiB.

    The reference report's version of this rule ("creates mocks but no teardown calls
    `gc.collect()`") fired on every class that created a mock and prescribed a fix that frees
    nothing; this one fires where memory really grows.

    ## Example
    ```python
    from unittest.mock import MagicMock

    class TestClient:
        def setup_method(self):
            self.session = MagicMock()

        def test_get(self):
            self.session.get.return_value = 1
            assert self.session.get() == 1
    ```

    ## Use instead
    ```python
    from unittest.mock import MagicMock

    class TestClient:
        def setup_method(self):
            self.session = MagicMock()

        def teardown_method(self):
            self.session = None

        def test_get(self):
            self.session.get.return_value = 1
            assert self.session.get() == 1
    ```
    Or keep the mock in a fixture, or a local of the test.

    ## Fix safety
    The fix releases what the class keeps per test: it adds `self.x = None` (and
    `_CONTAINER.clear()`) to the class's `teardown_method` (`tearDown` in a
    `unittest.TestCase`), or adds that method, calling the base class's teardown first only
    when a base defines one. When a base class defined in another module might define
    `teardown_method`, it adds an autouse fixture that releases them after its `yield` instead.
    Mocks kept on the class (`cls.x`) are not fixed automatically. It is safe: the test has
    ended when the teardown runs.
    """

    code = "ISO001"
    name = "missing_teardown_method"
    severity = Severity.CRITICAL
    message = "class `{cls}` keeps mocks alive after its tests: {retained}; no teardown releases them"
    fix = "release them in {teardown}, or keep the mocks in fixtures or locals"
    fix_safety = FixSafety.SAFE
    fix_availability = "sometimes"
    test_modules_only = True
    call_words = STORING_METHODS  # `visit_Call` looks only at `<name>.append(...)` and the like
    # `visit_Assign` keeps mocks in `owner.attr`, `name[k]` and `global` names only.
    assign_targets = frozenset({"attribute", "subscript", "global"})

    def may_fire(self, ctx: FileContext) -> bool:
        return may_make_mocks(ctx)  # else `returns_mock` is False everywhere

    def __init__(self) -> None:
        #: id(class) -> what it keeps, in source order, one entry per holder.
        self._kept: dict[int, dict[str, Retained]] = {}
        #: ids of the classes whose code runs for tests (None: not computed yet).
        self._classes: dict[int, ast.ClassDef] | None = None
        self._suppressed: dict[int, frozenset[str]] | None = None
        #: id(function) -> its class and itself when a test class runs it, else None.
        self._methods: dict[int, tuple[ast.ClassDef, FunctionNode] | None] = {}

    # ------------------------------------------------------------------ where mocks are kept
    def visit_Assign(self, node: ast.AST, ctx: FileContext) -> None:
        # Only a call or a name can hold a mock (`returns_mock`): most values are neither.
        pairs = [(t, v) for t, v in _assignments(node) if type(v) is ast.Call or type(v) is ast.Name]
        where = self._method(ctx) if pairs else None
        if where is None:
            return
        cls, func = where
        owner = _owner_name(func)
        for target, value in pairs:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                if returns_mock(ctx, value):
                    self._module(target.value.id, node, cls, ctx)
                continue
            if isinstance(target, ast.Name):
                if ctx.bindings.declares_global(target.id) and returns_mock(ctx, value):
                    self._module(target.id, node, cls, ctx)
                continue
            if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
                continue
            if owner is None or target.value.id != owner or not returns_mock(ctx, value):
                continue
            if _is_classmethod(func):
                self._keep(cls, ctx, Retained("class", f"{owner}.{target.attr}", node.lineno,
                                              f"{owner}.{target.attr} = None"),
                           lambda n, a=target.attr: releases(n, None, a))
            elif not ctx.pytest.is_unittest_class(cls, across_modules=True):
                self._keep(cls, ctx, Retained("instance", f"{owner}.{target.attr}", node.lineno,
                                              f"{owner}.{target.attr} = None"),
                           lambda n, a=target.attr: releases(n, None, a))

    visit_AnnAssign = visit_Assign

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in STORING_METHODS):
            return
        if not isinstance(func.value, ast.Name) or self._method(ctx) is None:
            return
        values = [*node.args, *(k.value for k in node.keywords)]
        stored = [e for v in values for e in (v.elts if isinstance(v, (ast.List, ast.Tuple)) else [v])]
        if any(returns_mock(ctx, v) for v in stored):
            cls, _ = self._method(ctx)  # type: ignore[misc]
            self._module(func.value.id, node, cls, ctx)

    def _module(self, name: str, node: ast.AST, cls: ast.ClassDef, ctx: FileContext) -> None:
        """``name`` keeps a mock if it is the module's (not bound in the function)."""
        values = ctx.bindings.module_bindings.get(name, [])
        if not values or None in values or (ctx.bindings.binds_locally(name) and not ctx.bindings.declares_global(name)):
            return  # not the module's own variable (a local, an import, a function...)
        release = f"{name}.clear()" if not ctx.bindings.declares_global(name) else f"{name} = None"
        self._keep(cls, ctx, Retained("module", name, node.lineno, release),  # type: ignore[attr-defined]
                   lambda n: empties(n, name))

    def _keep(self, cls: ast.ClassDef, ctx: FileContext, kept: Retained, released) -> None:
        holders = self._kept.setdefault(id(cls), {})
        if kept.holder in holders or self._is_suppressed(kept.line, ctx):
            return
        if ctx.cleanup.unrestored([kept], lambda n, _k: released(n)):
            holders[kept.holder] = kept

    def _method(self, ctx: FileContext) -> tuple[ast.ClassDef, FunctionNode] | None:
        """The class whose tests run the current node, and its method, or None (found once
        per function)."""
        func = ctx.enclosing_function()
        if func is None:
            return None
        key = id(func)  # the nodes live as long as the scan, this rule as long as the file
        if key not in self._methods:
            cls = ctx.method_class(func)
            found = cls is not None and func.name != "__init__" and id(cls) in self._test_classes(ctx)
            self._methods[key] = (cls, func) if found else None  # type: ignore[assignment]
        return self._methods[key]

    def _test_classes(self, ctx: FileContext) -> dict[int, ast.ClassDef]:
        """Test classes pytest runs (not skipped outright) and their in-module bases."""
        if self._classes is None:
            self._classes = {}
            for c in statements(ctx.tree.body):  # classes are statements: no need to walk expressions
                if (
                    isinstance(c, ast.ClassDef)
                    and ctx.pytest.is_test_class(c)
                    and not any(SKIP in ctx.pytest.decorator_names(k) for k in [c, *ctx.pytest.base_classes(c)])
                ):
                    self._classes.update((id(k), k) for k in [c, *ctx.pytest.base_classes(c)])
        return self._classes

    def _is_suppressed(self, line: int, ctx: FileContext) -> bool:
        """A suppression comment on the line that stores the mock (the finding is reported at
        the class, but ISO012 used to report at that line)."""
        if self._suppressed is None:
            self._suppressed = {
                n: frozenset().union(*(s.keys for s in found))
                for n, found in parse_suppressions(ctx.source, self._own_name).items()
            }
        if self._suppressed.get(line, frozenset()) & {"*", self.name}:
            ctx.honoured_suppressions.add((line, self.name))
            return True
        return False

    def _own_name(self, key: str) -> str | None:
        """This rule's name for its own name or code and the retired ones; None otherwise (a
        rule cannot import the registry, which imports the rules)."""
        if key in (self.name, *REDIRECTED_HERE) or key.upper() in (self.code, *REDIRECTED_HERE):
            return self.name
        return None

    # ------------------------------------------------------------------ the finding
    def leave_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        kept = list(self._kept.pop(id(node), {}).values())
        if not kept:
            return
        unittest = ctx.pytest.is_unittest_class(node, across_modules=True)
        retained = ", ".join(f"`{k.holder}` (line {k.line})" for k in kept)
        per_test = [k for k in kept if k.kind != "class"]
        per_class = [k for k in kept if k.kind == "class"]
        parts = []
        if per_test:
            joined = ", ".join(f"`{k.release}`" for k in per_test)
            parts.append(f"`{PER_TEST_TEARDOWN[unittest]}` ({joined})")
        if per_class:
            joined = ", ".join(f"`{k.release}`" for k in per_class)
            parts.append(f"`{PER_CLASS_TEARDOWN[unittest]}` ({joined})")
        ctx.report(self, node, cls=node.name, retained=retained, teardown=" and ".join(parts))


#: Retired rule names and codes that now mean this rule (see ``isolint.rules.RULE_REDIRECTS``).
REDIRECTED_HERE = ("mock_retained_on_instance", "ISO012")

__all__ = ["MissingTeardownMethod", "Retained", "empties", "releases"]
