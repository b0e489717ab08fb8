"""Rules about state that lives in modules: attributes of imported modules and classes, and the
module-level containers of the test module itself."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from isolint.analysis.cleanup import ENTER_METHODS, EXIT_METHODS
from isolint.analysis.context import FileContext
from isolint.analysis.names import statements
from isolint.analysis.source_lines import name_positions
from isolint.analysis.tree import dotted_key, expr_key, last_parts, walk
from isolint.model import FixSafety, Severity
from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.module_globals import GlobalUses, OwnNames
from isolint.analysis.rules.mock_api import PATCH, PATCH_DICT, PATCH_MULTIPLE, PATCH_OBJECT

#: Methods that change a list, dict, set or deque in place.
MUTATING_METHODS = frozenset(
    {"append", "extend", "insert", "remove", "pop", "popitem", "clear", "update", "setdefault",
     "add", "discard", "appendleft", "extendleft", "popleft", "rotate", "sort", "reverse",
     "difference_update", "intersection_update", "symmetric_difference_update",
     "__setitem__", "__delitem__"}
)
#: Calls that build a mutable container.
MUTABLE_FACTORIES = frozenset(
    {"list", "dict", "set", "bytearray", "collections.defaultdict", "collections.OrderedDict",
     "collections.Counter", "collections.deque", "collections.ChainMap", "weakref.WeakSet",
     "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary"}
)
MUTABLE_DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
#: Imported mutable globals whose in-place changes count even though their names are not
#: spelled like constants.
KNOWN_MUTABLE_GLOBALS = frozenset(
    {"sys.argv", "sys.warnoptions", "warnings.filters", "logging.root.handlers",
     "logging.Logger.manager.loggerDict", "mimetypes.types_map", "copyreg.dispatch_table",
     "codecs._cache", "atexit._exithandlers"}
)
_KNOWN_LAST_PARTS = last_parts(KNOWN_MUTABLE_GLOBALS)
#: Request- or context-local proxies: a write lasts for one request or one app context.
CONTEXT_LOCALS = ("cherrypy.request", "cherrypy.response", "cherrypy.serving", "cherrypy.session",
                  "flask.g", "flask.request", "flask.session", "quart.g", "quart.request",
                  "quart.session", "bottle.request", "bottle.response", "bottle.local")
#: Test-framework state the framework itself resets before every test: Django's test outbox
#: (``SimpleTestCase._pre_setup`` sets ``mail.outbox = []``, pytest-django's autouse
#: ``_dj_autoclear_mailbox`` clears it; it exists only under the test runner's locmem backend).
RESET_BEFORE_EVERY_TEST = ("django.core.mail.outbox",)
#: State that has a rule of its own (env_var_pollution, sys_path_pollution, sys_modules_pollution).
OTHER_RULES = ("os.environ", "os.environb", "sys.path", "sys.modules", "sys.meta_path",
               "sys.path_hooks", "sys.path_importer_cache")
#: Context managers and decorators that restore every setting of Django's settings object.
SETTINGS_OVERRIDES = ("override_settings", "modify_settings")
#: The same overrides as methods of Django's ``SimpleTestCase`` (``with self.settings(...):``).
TEST_CASE_OVERRIDES = frozenset({"self.settings", "self.modify_settings", "cls.settings", "cls.modify_settings"})
RELOAD = frozenset({"importlib.reload", "imp.reload"})
#: A call that hands out the module's namespace: its globals may be read by any name.
_NAMESPACE_CALL = re.compile(r"(?<![\w.])(?:globals|vars)\s*\(")
#: ``operator.setitem(d, k, v)`` / ``operator.delitem(d, k)``: item writes spelled as calls (a
#: cleanup registered as ``addCleanup(operator.setitem, d, k, old)``).
ITEM_WRITERS = frozenset({"operator.setitem", "operator.delitem", "operator.__setitem__", "operator.__delitem__"})
#: The last parts of the functions ``written_objects`` resolves calls against.
_WRITER_WORDS = last_parts({"setattr", "delattr", *RELOAD, *ITEM_WRITERS})
#: A call changes nothing here unless its callee may end with one of these.
_CALL_WORDS = _WRITER_WORDS | MUTATING_METHODS
#: Modules whose callables make mocks (``Mock()``, ``MagicMock()``...).
MOCK_MODULES = ("unittest.mock.", "mock.", "pytest_mock.")
#: Attributes that only a mock has: whatever holds them was replaced by a mock already.
MOCK_ATTRIBUTES = frozenset({"return_value", "side_effect"})
#: Words in the name of a decorator or context manager that saves and restores state.
RESTORER_WORDS = ("conserve", "preserve", "restore", "save", "keep", "protect", "isolate")


@dataclass(frozen=True)
class StateWrite:
    """A change of module state; ``spellings`` name what changed (as written and qualified)."""

    target: str
    spellings: frozenset[str]
    #: A container the scanned module itself binds at module level (``_CACHE.append(x)``).
    own: bool = False

    def covered_by(self, other: "StateWrite") -> bool:
        """Whether ``other`` (a restore, or a patch) puts back what this write changed: the same
        target, or an object that holds it (``mod.obj = saved`` undoes ``mod.obj.attr = 1``;
        a patched ``mod.obj`` takes every write into the replacement away with it)."""
        return any(
            mine == theirs or mine.startswith(theirs + ".")
            for mine in self.spellings
            for theirs in other.spellings
        )


def spellings(ctx: FileContext, expr: ast.AST, suffix: str = "") -> frozenset[str]:
    """How ``expr`` may be written elsewhere in the file: as written and fully qualified."""
    out = {expr_key(expr) + suffix}
    qualified = ctx.qualified_name(expr)
    if qualified:
        out.add(qualified + suffix)
    return frozenset(out)


def _root_name(expr: ast.AST) -> ast.Name | None:
    while isinstance(expr, (ast.Attribute, ast.Subscript)):
        expr = expr.value
    return expr if isinstance(expr, ast.Name) else None


def _const_str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, (ast.Assign, ast.Delete)):
        roots = list(node.targets)
    elif isinstance(node, ast.AugAssign) or (isinstance(node, ast.AnnAssign) and node.value):
        roots = [node.target]
    else:
        return []
    out: list[ast.expr] = []
    while roots:
        target = roots.pop(0)
        if isinstance(target, (ast.Tuple, ast.List)):
            roots.extend(target.elts)
        elif isinstance(target, ast.Starred):
            roots.append(target.value)
        else:
            out.append(target)
    return out


def written_objects(ctx: FileContext, node: ast.AST) -> list[tuple[ast.expr, str, str]]:
    """What statement or call ``node`` changes, whatever its scope, as ``(object, suffix,
    how)``: ``settings.DEBUG = 1`` -> ``(settings, ".DEBUG", "attribute")``; ``R[k] = v`` ->
    ``(R, "", "item")`` (``operator.setitem(R, k, v)`` too); ``R.append(x)`` -> ``(R, "",
    "method")``; ``X = 1`` -> ``(X, "", "name")``; ``setattr(o, "a", v)`` -> ``(o, ".a",
    "attribute")``; ``importlib.reload(m)``
    and ``setattr(o, name, v)`` -> ``(m, "", "all")``."""
    out: list[tuple[ast.expr, str, str]] = []
    if isinstance(node, ast.Call):
        func, args = node.func, node.args
        if type(func) is ast.Attribute and func.attr not in _WRITER_WORDS:
            # The common case, without resolving: only a method call can change anything.
            return [(func.value, "", "method")] if func.attr in MUTATING_METHODS else out
        name = ctx.call_name_among(node, _WRITER_WORDS)
        if name in ("setattr", "delattr") and len(args) >= 2:
            attr = _const_str(args[1])
            out.append((args[0], "." + attr, "attribute") if attr else (args[0], "", "all"))
        elif name in RELOAD and args:
            out.append((args[0], "", "all"))
        elif name in ITEM_WRITERS and len(args) >= 2:
            out.append((args[0], "", "item"))
        elif isinstance(func, ast.Attribute) and func.attr in MUTATING_METHODS:
            out.append((func.value, "", "method"))
        return out
    for target in _targets(node):
        if isinstance(target, ast.Attribute):
            out.append((target.value, "." + target.attr, "attribute"))
        elif isinstance(target, ast.Subscript):
            out.append((target.value, "", "item"))
        elif isinstance(target, ast.Name):
            out.append((target, "", "name"))
    return out


def _is_module_name(ctx: FileContext, expr: ast.AST) -> bool:
    """``os`` after ``import os``: a module object, whose methods are functions."""
    return isinstance(expr, ast.Name) and expr.id in ctx.bindings.module_imports


def imported_object(ctx: FileContext, expr: ast.AST) -> str | None:
    """The qualified name of ``expr`` when it is (an attribute of) an imported name that no
    enclosing function rebinds: ``settings`` after ``from django.conf import settings``."""
    root = _root_name(expr)
    if root is None or not isinstance(expr, (ast.Name, ast.Attribute)):
        return None
    qualified = ctx.qualified_name(expr)
    if qualified is None or ctx.bindings.binds_locally(root.id):
        return _through_local_alias(ctx, expr, root)
    if not ctx.imports.binds(root.id) and "." not in qualified:
        return None  # a builtin
    return qualified


def _through_local_alias(ctx: FileContext, expr: ast.expr, root: ast.Name) -> str | None:
    """``cls.execute`` after ``cls = pkg.mod.C`` in the same function: ``pkg.mod.C.execute``
    (a local name bound once to an imported object, not to a call's result)."""
    if root.id == "self" or not ctx.bindings.assigned_dotted_name(root.id):
        return None  # never `name = a.b` anywhere: no alias (and no walk to find out)
    if not ctx.bindings.binds_locally(root.id):
        return None
    value = ctx.bindings.constant_value(root.id)
    if not isinstance(value, ast.Attribute):
        return None  # a bare name (`x = y`) is followed by the import table already
    inner = _root_name(value)
    if inner is None or inner.id == root.id or ctx.bindings.binds_locally(inner.id):
        return None
    qualified = ctx.qualified_name(value)
    if qualified is None:
        return None
    return qualified + expr_key(expr)[len(root.id):]


def _in_function(ctx: FileContext) -> bool:
    return any(
        isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) for n in ctx.stack[:-1]
    )


def own_mutable(ctx: FileContext, expr: ast.AST) -> bool:
    """``expr`` is a name of a mutable container the module binds once at module level."""
    if not isinstance(expr, ast.Name):
        return False
    value = ctx.bindings.module_constant(expr.id)
    mutable = isinstance(value, MUTABLE_DISPLAYS) or (
        isinstance(value, ast.Call) and ctx.call_name(value) in MUTABLE_FACTORIES
    )
    return mutable and not ctx.bindings.binds_locally(expr.id)


def _constant_style(qualified: str) -> bool:
    last = qualified.rsplit(".", 1)[-1].lstrip("_")
    return bool(last) and last.upper() == last and any(ch.isalpha() for ch in last)


def state_writes(ctx: FileContext, node: ast.AST) -> list[StateWrite]:
    """The module-state changes the current ``node`` makes that this rule reports."""
    out: list[StateWrite] = []
    for obj, suffix, how in written_objects(ctx, node):
        if how == "name":
            # (A `global` declaration is in an enclosing function: no need to ask for one.)
            if isinstance(obj, ast.Name) and ctx.bindings.declares_global(obj.id) \
                    and not ctx.configures_session():  # a conftest hook sets up the session
                out.append(StateWrite(f"global {obj.id}", spellings(ctx, obj)))
            continue
        if how in ("item", "method") and type(obj) is ast.Name and own_mutable(ctx, obj) \
                and _in_function(ctx):
            out.append(StateWrite(expr_key(obj) + suffix, spellings(ctx, obj), own=True))
            continue
        # Cheap refusals of a dotted name before its names are resolved (the same as below):
        # the last part of what `x.attr` resolves to is `attr`.
        if how == "method" and type(obj) is ast.Attribute and obj.attr not in _KNOWN_LAST_PARTS \
                and not _constant_style(obj.attr):
            continue  # `self.items.append(x)`: not a constant-style (or known) container
        # `mod.func.return_value = 1`: configures a mock patched in by other means. A dotted
        # name is refused before its names are resolved; another only once it is spelled out.
        dotted = dotted_key(obj)
        if dotted is not None and _configures_mock(dotted + suffix):
            continue
        qualified = imported_object(ctx, obj)
        if qualified is None or ctx.configures_session() or ctx.sets_before_every_test(node) \
                or _is_other_rules(qualified + suffix) or _captured_stream(ctx, qualified + suffix) \
                or _caught_warnings(ctx, qualified + suffix):
            continue
        target = (dotted or expr_key(obj)) + suffix
        if dotted is None and _configures_mock(target):
            continue
        if how == "method":
            if _is_module_name(ctx, obj) or not (
                qualified in KNOWN_MUTABLE_GLOBALS or _constant_style(qualified)
            ):
                continue
        out.append(StateWrite(target, spellings(ctx, obj, suffix) | {qualified + suffix}))
    return out


def _configures_mock(spelled: str) -> bool:
    """Whether the dotted spelling ``spelled`` goes through a mock's attribute
    (``return_value``, ``side_effect``...)."""
    return bool(MOCK_ATTRIBUTES & set(spelled.split(".")))


def _is_other_rules(qualified: str) -> bool:
    """State that another rule reports, or that is not module state at all (context-locals,
    state the test framework resets before every test)."""
    return any(
        qualified == p or qualified.startswith(p + ".")
        for p in (*OTHER_RULES, *CONTEXT_LOCALS, *RESET_BEFORE_EVERY_TEST)
    )


#: The streams pytest's output capturing replaces and puts back around every test phase.
CAPTURED_STREAMS = frozenset({"sys.stdout", "sys.stderr"})


def _captured_stream(ctx: FileContext, qualified: str) -> bool:
    """``sys.stdout = ...``: pytest's capturing (on unless ``-s`` / ``--capture=no`` is in
    ``addopts``) sets ``sys.stdout``/``sys.stderr`` back to what it saved after the set-up,
    the call and the tear-down of every test (``SysCapture.suspend``), so the next test never
    sees the replacement."""
    if qualified not in CAPTURED_STREAMS:
        return False
    return not _in_addopts(ctx, ("-s", "--capture=no"), ("--capture", "no"))


#: What ``warnings.catch_warnings()`` saves and puts back.
WARNINGS_STATE = frozenset({"warnings.filters", "warnings.showwarning"})


def _caught_warnings(ctx: FileContext, qualified: str) -> bool:
    """``del warnings.filters[:]``, ``warnings.showwarning = f``: pytest's warnings plugin
    (on unless ``-p no:warnings`` is in ``addopts``) runs every test's set-up, call and
    tear-down, and the collection, inside ``warnings.catch_warnings()``
    (``catch_warnings_for_item``), which puts both back when the test is done."""
    if qualified not in WARNINGS_STATE:
        return False
    return not _in_addopts(ctx, ("-pno:warnings", "-p=no:warnings"), ("-p", "no:warnings"))


def _in_addopts(ctx: FileContext, spellings: tuple[str, ...], pair: tuple[str, str]) -> bool:
    """Whether pytest's ``addopts`` holds an option in one of ``spellings`` (one argument) or
    as ``pair`` (the option, then its value: ``-p no:warnings``)."""
    args = ctx.settings.pytest.addopts
    return any(a in spellings or tuple(args[i:i + 2]) == pair for i, a in enumerate(args))


def restores(ctx: FileContext, node: ast.AST, write: StateWrite) -> bool:
    """Whether cleanup code ``node`` writes (back) what ``write`` changed."""
    return any(
        write.covered_by(StateWrite("", spellings(ctx, obj, suffix)))
        for obj, suffix, how in written_objects(ctx, node)
    )


def patched_targets(ctx: FileContext, expr: ast.AST) -> list[StateWrite]:
    """What a patching call undoes when it ends: ``patch.object(o, "a")``, ``patch("m.a")``,
    ``patch.dict(o)``, ``patch.multiple(o, ...)``, ``monkeypatch.setattr/setitem/delattr``,
    ``mocker.patch...``, Django's ``override_settings`` (``self.settings()`` in a module that
    imports Django)."""
    if not isinstance(expr, ast.Call):
        return []
    func = expr.func
    name = ctx.call_name(expr) or ""
    dotted = expr_key(func)
    args = expr.args
    if name.endswith(SETTINGS_OVERRIDES) or dotted.endswith(SETTINGS_OVERRIDES) or (
        dotted in TEST_CASE_OVERRIDES and ctx.imports.may_resolve_under("django")
    ):
        return [StateWrite("", frozenset({"django.conf.settings", "settings"}))]
    kind = name if name in (PATCH, PATCH_OBJECT, PATCH_DICT, PATCH_MULTIPLE) else ""
    if not kind and isinstance(func, ast.Attribute):
        if dotted.endswith((".patch.object", ".patch.dict", ".patch.multiple")):
            kind = "unittest.mock.patch." + func.attr
        elif dotted.endswith(".patch"):
            kind = PATCH
        elif func.attr in ("setattr", "delattr"):
            kind = PATCH_OBJECT if len(args) >= 2 and _const_str(args[1]) else PATCH
        elif func.attr in ("setitem", "delitem") and name not in ITEM_WRITERS:
            kind = PATCH_DICT  # `monkeypatch.setitem`, not `operator.setitem`
    if not kind or not args:
        return []
    first = args[0]
    text = _const_str(first)
    if text is not None:
        return [StateWrite("", frozenset({text}))]
    if kind in (PATCH_OBJECT, PATCH) and len(args) >= 2 and _const_str(args[1]):
        # (`x.patch(obj, "attr", value)` is no `mock.patch`, whose target is a string: trial's
        # and testtools' `TestCase.patch`, which patches that one attribute.)
        return [StateWrite("", spellings(ctx, first, "." + str(_const_str(args[1]))))]
    return [StateWrite("", spellings(ctx, first))]


class ModuleStatePollution(Rule):
    """
    ## What it does
    Flags test code that changes state owned by a module without a guaranteed restore:

    - an attribute of an imported module, class or object: `settings.DEBUG = True`,
      `logging.raiseExceptions = False`, `SomeImportedClass.attr = 1`, `setattr(module, "x",
      v)`, `del module.attr`, `delattr(...)`, an item of one (`app.config["TESTING"] = True`,
      `matplotlib.rcParams["x"] = 1`), and in-place changes (`.append`, `.update`...) of an
      imported constant-style container (`REGISTRY.append(x)`, `sys.argv.extend(...)`,
      `warnings.filters.insert(...)`). In a test module these count anywhere, module level too;
      in a `conftest.py` only inside fixtures and helpers (its module level, its `pytest_*`
      hooks and its session-scoped autouse fixtures configure the whole session on purpose, and
      a repeatable change, not `+=`/`append`, in an autouse fixture of the root `conftest.py`,
      in pytest's rootdir or the only `testpaths` directory, is the same before every test).
    - from inside a function or method: an in-place change of a mutable container that the
      module itself binds at module level (`_CACHE.append(x)`, `REGISTRY[k] = v`, `del
      REGISTRY[k]`, `.update/.clear/.pop/.add/.extend/.insert/.remove/.setdefault...`), and
      rebinding a module-level name through `global X`. Building those containers at import
      time is not a finding.

    Not flagged: `monkeypatch.setattr/setitem`, `patch.object`/`patch`/`patch.dict` (with
    blocks, decorators, or `mocker.patch...` and `monkeypatch` calls made earlier in the same
    function for the same target), trial's and testtools' `self.patch(obj, "attr", value)` (in
    the test, or in its class's set-up for every test: writes into the patched-in object go
    away with it), Django's `override_settings` (and `with self.settings(...)` in a module that
    imports Django); attributes of `self`, `cls` and local objects; changes that are themselves
    cleanup (a `finally:`, a teardown, after a fixture's `yield`, a cleanup callback) or that
    such cleanup writes back (`module.attr = saved`, `_CACHE.clear()`,
    `importlib.reload(module)`, `addCleanup(operator.setitem, d, k, old)` /
    `addCleanup(operator.delitem, d, k)`). `os.environ`, `sys.path` and `sys.modules` are left
    to their own rules; request- and context-locals (`cherrypy.request`, `cherrypy.response`,
    `flask.g`, `flask.session`...) are not module state, nor is Django's test outbox
    (`django.core.mail.outbox`), which Django's `SimpleTestCase` and pytest-django empty before
    every test.
    A project's own decorator or context manager named for saving and restoring the target
    (`@conserve_mpmath_dps` around `mpmath.mp.dps = 50`) counts as a patch. Putting a saved
    value back (`X.a = old` after `old = X.a`, or `X.a = self._old` where a method of the class
    did `self._old = X.a`) is not a change of its own, and each target is
    reported once per function; so is an object the function installed (`X.http =
    MagicMock()`, then `X.http.request = ...` is a write into the new mock, not reported again).
    A write through a local alias (`cls = pkg.mod.C`, then `cls.execute = f`) counts as a write
    to `pkg.mod.C.execute`. A module global rebound through `global X` is not reported when
    no function reads `X` before it is bound for the current test: the reader binds it first on
    every path (`if`/`else` branches that both bind it or end in `raise`/`fail()`, a `with`
    block, `exec("X = ...", globals())`; reads in nested functions happen later), calls the
    function that rebinds it, its class has a set-up method that does (sqlalchemy's
    `define_tables`, `insert_data`, `setup_test`; a test method binding it does not set it up
    for its siblings), or `setup_module` or an autouse fixture rebinds it; in a test module, a
    global that no function reads by name (a registry looks it up) is not reported when every
    function rebinding it binds it before using it. Code in a function handed to another process
    (`multiprocessing.Process(target=f)`) is not reported, nor is a lazy memo: a write in the
    body of `if X is None:` / `if not X:` testing the very target (`global X; if X is None: X =
    compute()`, `if not CACHE: CACHE[k] = ...`), which fills it once per process. Nor is code
    pytest never runs (a test module's `load_tests`, module functions only the `if __name__ ==
    "__main__":` block reaches) or, in a test module, a write to a global that nothing in the
    module reads (not by name, a string or `globals()`).

    A reset is not a change: a value equal to the one the project's module (or class body)
    starts with, when it binds the name once (`mod._client = None`, also under `if
    FASTAPI_AVAILABLE:`; `cache._imp = [None]`; `Integration.gcp_metadata = None`, also when
    a single project base class binds it), a fresh instance in a private attribute of what the
    module makes without arguments when nothing changes it at import (`trans_real._active =
    Local()` where the module says `_active = Local()`), `.clear()` (or `del X[:]`, `X[:] = []`)
    of a container that starts empty, and `None` written to a private attribute of a module or
    class outside the project (`trace._TRACER_PROVIDER = None`, taken for a lazy singleton
    reset: its initial value cannot be read). When the module level of a `conftest.py` in scope sets the attribute
    (`Sanic.test_mode = True`), its value is what every test starts with: that value is the
    reset, and the module's own initial value a change. `sys.stdout`/`sys.stderr`
    are not reported unless `addopts` turns capturing off (`-s`, `--capture=no`): pytest's
    capturing puts them back after every test phase; nor are `warnings.filters` and
    `warnings.showwarning` unless `addopts` has `-p no:warnings`: pytest's warnings plugin runs
    each test in `warnings.catch_warnings()`, which puts them back. A test module's own containers (no other
    module reads them) are not reported when its autouse fixture (or `setup_function`) empties
    them before each test, when the module collects a single test (or none), or when a single
    test (run once: not parametrized) is all that names them; nor are changes made by a
    module-level function that runs only at import (called from the module level, also in a
    `try:`/`if` block there, a class body, or a decorator such as a registry's `@command`;
    whatever state it sets, not only the module's own containers, is set once before any
    test), by one the module's cleanup code calls (after a fixture's `yield`, in a teardown or a
    `finally:`: a restore helper), or into a module imported inside the `with` block of a
    project helper that puts `sys.modules` back (celery's `with conftest.module_exists(...)`:
    the import got the helper's throwaway module).

    Severity is MEDIUM: the change outlives the test like an environment variable does, but
    usually only tests that read the same attribute notice it, and isolint cannot see whether
    any does (env_var_pollution, whose changes reach every subprocess and library, is HIGH).

    ## Why is this bad?
    A module is imported once per process, so its attributes and containers are shared by every
    test that runs in the same pytest-xdist worker. A value set by one test is still set when the
    next test on that worker runs; which tests those are depends on how xdist distributed them.
    The suite passes serially and fails under `-n auto` (or the other way round), and a test
    that fails in CI passes when run alone.

    ## Example
    ```python
    import logging

    _SEEN = []

    def test_quiet_logging():
        logging.raiseExceptions = False
        _SEEN.append("quiet")
        assert run_job()
    ```

    ## Use instead
    ```python
    import logging

    def test_quiet_logging(monkeypatch):
        monkeypatch.setattr(logging, "raiseExceptions", False)
        seen = []
        seen.append("quiet")
        assert run_job()
    ```

    ## Fix safety
    No automatic fix: whether the test meant to change the state for later tests, and which
    value to restore, is not something a rewrite can know.
    """

    code = "ISO009"
    name = "module_state_pollution"
    severity = Severity.MEDIUM
    message = "{operation} `{target}` changes module state that later tests in this worker still see"
    fix = "{fix}"
    fix_safety = FixSafety.NONE
    call_words = _CALL_WORDS  # other calls change nothing: `written_objects` is empty
    # A plain name changes module state only through `global` (`state_writes`).
    assign_targets = frozenset({"attribute", "subscript", "global"})

    def __init__(self) -> None:
        #: (enclosing function, what changed): each target is reported once per function.
        self._seen: set[tuple[int, frozenset[str]]] = set()
        #: Per enclosing function: the spellings of the attributes and items it assigned.
        self._assigned: dict[int, set[str]] = {}
        #: The module's functions, summarised for questions about its `global` names.
        self._globals: GlobalUses | None = None
        #: Facts about the module's own containers and functions.
        self._own: OwnNames | None = None
        #: Per `with` block (by id; the nodes live as long as the scan): the names its imports bind.
        self._with_imports: dict[int, dict[str, list[int]]] = {}

    def visit_Assign(self, node: ast.AST, ctx: FileContext) -> None:
        for write in state_writes(ctx, node):
            func = ctx.enclosing_function()
            seen = (id(func), write.spellings)
            if seen in self._seen or _puts_back(ctx, node, write):
                continue
            if self._into_new_object(func, node, write) or _resets_to_initial(ctx, node, write):
                continue
            if write.own and self._own_container_kept(ctx, write) or self._restores_for_cleanup(ctx):
                continue
            if self._runs_only_at_import(ctx):
                continue  # set once at import, before any test
            if ctx.cleanup.restores_class_change(lambda n, w=write: restores(ctx, n, w)):
                continue  # in the cleanup method that puts back what another method changes
            if _into_discarded_module(ctx, write, self._with_imports) or _fills_once(ctx, write):
                continue
            if write.target.startswith("global ") and (
                self._rebound_first(ctx, write.target[7:])
                or ctx.kind == "test" and self._never_read(ctx, write.target[7:])
            ):
                continue
            left = ctx.cleanup.unrestored(
                [write],
                lambda n, w: restores(ctx, n, w),
                managed=lambda expr, w=write: _patches(ctx, expr, w) or _manages(ctx, expr, w),
            )
            if left and not _patched_earlier(ctx, node, write) and not _exits_restore(ctx, write) \
                    and not _patched_in_setup(ctx, write):
                self._seen.add(seen)
                operation, fix = _operation(ctx, node)
                target = write.target.removeprefix("global ")
                ctx.report(self, node, target=_short(target), operation=operation, fix=fix)

    visit_AugAssign = visit_AnnAssign = visit_Delete = visit_Call = visit_Assign

    def _own_container_kept(self, ctx: FileContext, write: StateWrite) -> bool:
        """A change of the module's own container that no later test sees: a test module's
        container its autouse fixture empties before every test, or any of a module that
        collects a single test (other modules do not read a test module's globals), one that
        only a single test (run once) names, or one
        changed by a module-level function that only runs at import (called from a class body
        or a decorator: the registry is built once)."""
        own = self._own_names(ctx)
        if ctx.kind == "test" and (own.reset_before_each_test(write.target) or own.single_test()):
            return True
        if ctx.kind == "test" and ctx.single_test.user():
            unit = ctx.stack[2] if isinstance(ctx.stack[1], ast.ClassDef) else ctx.stack[1]
            if own.used_only_in(write.target, unit):
                return True  # one test, run once, is all that changes and reads it
        return self._runs_only_at_import(ctx)

    def _runs_only_at_import(self, ctx: FileContext) -> bool:
        """In a module-level function (also one defined in a module-level ``try:``/``if``
        block) that only module-level code, class bodies and decorators call: it runs once,
        at import (twisted's ``_noSSL()`` in ``except ImportError:``), the same for every test."""
        func = ctx.enclosing_function()
        if func is None or func not in ctx.stack:
            return False
        outer = ctx.stack[:ctx.stack.index(func)]
        if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) for n in outer):
            return False
        if ctx.pytest.is_test_function_name(func.name) or ctx.pytest.is_fixture(func):
            return False  # (pytest runs it: no need to look for its callers)
        return self._own_names(ctx).runs_only_at_import(func)

    def _own_names(self, ctx: FileContext) -> OwnNames:
        if self._own is None:
            self._own = OwnNames(ctx.tree, ctx.pytest)
        return self._own

    def _restores_for_cleanup(self, ctx: FileContext) -> bool:
        """In a module-level function that the module's cleanup code calls (a fixture after
        its ``yield``, a teardown, a ``finally:``): a restore helper, whose writes are what
        the cleanup puts back (sentry's ``_reset_litellm_executor``)."""
        func = ctx.stack[1] if len(ctx.stack) > 2 else None
        return isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            and self._own_names(ctx).called_from_cleanup(func)

    def _into_new_object(self, func: ast.AST | None, node: ast.AST, write: StateWrite) -> bool:
        """``X.http.request = ...`` after ``X.http = MagicMock()`` in the same function: a write
        into the object the function installed itself, which the first write already reports."""
        assigned = self._assigned.setdefault(id(func), set())
        inside = any(
            mine.startswith((theirs + ".", theirs + "["))
            for mine in write.spellings for theirs in assigned
        )
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and not write.target.startswith("global "):
            assigned.update(write.spellings)
        return inside

    def _never_read(self, ctx: FileContext, name: str) -> bool:
        """Whether nothing in the (test) module reads global ``name``: every place the source
        spells it is a ``global`` declaration or the target of a plain ``name = ...``, and the
        module never calls ``globals()`` or ``vars()``. What a test leaves in it, no later test
        sees (CPython's ``ref_from_del = weakref.ref(self)`` in a ``__del__``); other modules
        do not read a test module's globals. Found from the source text (a string spelling
        the name counts as a read)."""
        source = ctx.source
        if ("globals" in source or "vars" in source) and _NAMESPACE_CALL.search(source):
            return False
        for position in name_positions(source, name):
            start = source.rfind("\n", 0, position) + 1
            end = position + len(name)
            before, after = source[start:position], source[end:end + 3]
            if re.fullmatch(r"[ \t]*", before) and re.match(r"[ \t]*=(?!=)", after):
                continue  # `name = ...`
            if re.fullmatch(r"[ \t]*global[ \t][\w, \t]*", before):
                continue  # `global a, name`
            return False
        return True

    def _rebound_first(self, ctx: FileContext, name: str) -> bool:
        """Whether no function of the module reads global ``name`` before it is bound for
        the current test (see :meth:`GlobalUses.rebound_before_reads`)."""
        if self._globals is None:
            self._globals = GlobalUses(
                ctx.tree, ctx.bindings._global_names, ctx.bindings._local_names,
                ctx.pytest.base_classes, ctx.pytest.is_autouse_fixture, ctx.kind,
            )
        return self._globals.rebound_before_reads(name)


def _resets_to_initial(ctx: FileContext, node: ast.AST, write: StateWrite) -> bool:
    """``mod._client = None`` where the project module ``mod`` starts with ``_client = None``
    (a class attribute too, also one a project base class binds), ``cache._imp = [None]``
    where it starts with ``_imp = [None]``, ``mod._active = Local()`` where it starts with
    ``_active = Local()`` (a fresh instance of a private attribute, made without arguments,
    that nothing changes at import), or ``mod._CONFIGS.clear()`` (``del X[:]``, ``X[:] = []``)
    where it starts with ``_CONFIGS = {}``: state put back to the value it has after import (a
    lazy singleton, a registry), not a change. A private attribute of a module or class outside
    the project set to None (``trace._PROVIDER = None``) is taken for the same reset of a lazy
    singleton: its initial value cannot be read. When the module level of a conftest in scope
    sets the attribute (sanic's ``Sanic.test_mode = True``), that value is what every test
    starts with, and only it is a reset."""
    if isinstance(node, ast.Call) or _empties_slice(node):
        func = getattr(node, "func", None)
        if func is not None and not (isinstance(func, ast.Attribute) and func.attr == "clear" and not node.args):
            return False
        if write.own:
            return _empty_container(ctx.bindings.module_constant(write.target))
        return any(_empty_container(ctx.initial_value(s)) for s in write.spellings if "." in s)
    if not isinstance(node, ast.Assign):
        return False
    value, project = node.value, ctx.project
    dotted = [s for s in write.spellings if "." in s]
    for spelling in dotted if project is not None else ():
        session = project.session_value(spelling)  # type: ignore[union-attr]
        if session is not None:  # what every test starts with, set by a conftest
            return _literal(value) and _literal(session) and ast.dump(session) == ast.dump(value)
    if _literal(value):
        dumped = ast.dump(value)
        for spelling in dotted:
            initial = ctx.initial_value(spelling)
            if initial is not None and _literal(initial) and ast.dump(initial) == dumped:
                return True
        return _private_outside(ctx, value, write)
    if project is None or not (isinstance(value, ast.Call) and not value.args and not value.keywords):
        return False
    # `trans_real._active = Local()` where the module starts with `_active = Local()`: a
    # private attribute (a lazy singleton's; a public one set to a fresh object is mostly a
    # stand-in), not a mock (no module starts with one), asked of the project only then.
    callee = ctx.call_name(value)
    if callee is None or callee.startswith(MOCK_MODULES) or not write.target.rpartition(".")[2].startswith("_"):
        return False
    return any(project.fresh_instance(s, callee) for s in dotted)


def _empties_slice(node: ast.AST) -> bool:
    """``del X[:]`` or ``X[:] = []``: the whole of list ``X`` emptied, as ``X.clear()`` does."""
    if isinstance(node, ast.Delete):
        targets = node.targets
    elif isinstance(node, ast.Assign) and isinstance(node.value, ast.List) and not node.value.elts:
        targets = node.targets
    else:
        return False
    return len(targets) == 1 and isinstance(targets[0], ast.Subscript) and _whole(targets[0].slice)


def _whole(index: ast.expr) -> bool:
    return isinstance(index, ast.Slice) and index.lower is None and index.upper is None \
        and index.step is None


def _literal(value: ast.expr) -> bool:
    """A value made of constants only: ``None``, ``3``, ``"x"``, ``[None]``, ``(1, 2)``, ``{}``."""
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        return all(_literal(e) for e in value.elts)
    if isinstance(value, ast.Dict):
        return all(k is not None and _literal(k) for k in value.keys) and all(_literal(v) for v in value.values)
    return isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub) and _literal(value.operand)


def _private_outside(ctx: FileContext, value: ast.expr, write: StateWrite) -> bool:
    """``None`` written to a private (``_name``) attribute of a module or class the project
    index cannot read (a third-party or standard-library one)."""
    if not (isinstance(value, ast.Constant) and value.value is None) or ctx.project is None:
        return False
    qualified = max(write.spellings, key=len)
    owner, _, attr = qualified.rpartition(".")
    if not owner or not attr.startswith("_") or (attr.startswith("__") and attr.endswith("__")):
        return False  # public, or a dunder such as `__init__`
    return ctx.project.definition(owner) is None and not ctx.bindings.binds_locally(owner.split(".")[0])


def _into_discarded_module(ctx: FileContext, write: StateWrite, memo: dict[int, dict[str, list[int]]]) -> bool:
    """``django.VERSION = ...`` after ``import django`` inside ``with module_exists("django"):``
    (or ``reset_modules(...)``), a project helper that puts ``sys.modules`` back when the block
    ends: the import got the module the helper installed, which is thrown away with it."""
    if ctx.project is None or write.own or write.target.startswith("global "):
        return False
    root = write.target.split(".", 1)[0].split("[", 1)[0]
    line = getattr(ctx.stack[-1], "lineno", 0)
    for index, ancestor in enumerate(ctx.stack[:-1]):
        if not isinstance(ancestor, (ast.With, ast.AsyncWith)) or ctx.stack[index + 1] not in ancestor.body:
            continue
        imported = any(at < line for at in _block_imports(ancestor, memo).get(root, ()))
        if imported and any(
            _writes_sys_modules(ctx, node)
            for item in ancestor.items
            for code in ctx.project.helper_code(ctx.cleanup, item.context_expr)
            for node in walk(code)
        ):
            return True
    return False


def _fills_once(ctx: FileContext, write: StateWrite) -> bool:
    """A lazy memo: the write is in the body (not the ``else``) of an ``if`` that runs only
    while the target is still unset, ``if X is None: X = compute()`` (after ``global X``),
    ``if not CACHE: CACHE[k] = ...`` (sanic's conftest saving the original methods once). It
    fills the state once per process; every later test finds the same value."""
    target = write.target.removeprefix("global ")
    for index, ancestor in enumerate(ctx.stack[:-1]):
        if type(ancestor) is not ast.If or ctx.stack[index + 1] not in ancestor.body:
            continue
        test = ancestor.test
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            tested = test.operand
        elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) \
                and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
            tested = test.left
        else:
            continue
        if isinstance(tested, (ast.Name, ast.Attribute)) and (
            expr_key(tested) == target or bool(spellings(ctx, tested) & write.spellings)
        ):
            return True
    return False


def _block_imports(block: ast.With | ast.AsyncWith, memo: dict[int, dict[str, list[int]]]) -> dict[str, list[int]]:
    """The names the imports in a ``with`` block bind, with their lines (once per block)."""
    found = memo.get(id(block))
    if found is None:
        found = {}
        for stmt in statements(block.body, nested_scopes=False):
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    found.setdefault(alias.asname or alias.name.split(".")[0], []).append(stmt.lineno)
        memo[id(block)] = found
    return found


def _writes_sys_modules(ctx: FileContext, node: ast.AST) -> bool:
    return any(ctx.qualified_name(obj) == "sys.modules" for obj, _, _ in written_objects(ctx, node))


def _empty_container(value: ast.expr | None) -> bool:
    """``{}``, ``[]``, ``set()``, ``dict()``, ``defaultdict(list)``...: empty when made."""
    if isinstance(value, (ast.Dict, ast.List, ast.Set)):
        return not (value.keys if isinstance(value, ast.Dict) else value.elts)
    if isinstance(value, ast.Call) and not any(isinstance(a, ast.Starred) for a in value.args):
        name = value.func.attr if isinstance(value.func, ast.Attribute) else getattr(value.func, "id", "")
        return name in ("dict", "list", "set", "OrderedDict", "WeakValueDictionary", "WeakKeyDictionary",
                        "WeakSet") and not value.args and not value.keywords or (
            name == "defaultdict" and len(value.args) <= 1 and not value.keywords)
    return False


def _patched_earlier(ctx: FileContext, node: ast.AST, write: StateWrite) -> bool:
    """``monkeypatch.setattr(o, "a", v)`` / ``mocker.patch.object(o, "a")`` earlier in the same
    function: the original is put back at teardown, whatever is written after it."""
    func, line = ctx.enclosing_function(), getattr(node, "lineno", 0)
    calls = [n for n in walk(func) if isinstance(n, ast.Call)] if func else []
    return any(n.lineno <= line and _patches(ctx, n, write) for n in calls)


#: Methods a test case calls on itself to patch for the duration of each test: trial's and
#: testtools' ``TestCase.patch(obj, attribute, value)`` (undone through ``addCleanup``), and a
#: ``monkeypatch`` or ``mocker`` kept on ``self`` (``self.monkeypatch.setattr(...)``).
SELF_PATCHERS = frozenset({"patch", "setattr", "setitem", "delattr", "delitem", "object", "dict"})


def _patched_in_setup(ctx: FileContext, write: StateWrite) -> bool:
    """The test's class (or a project base) patches the written object in its set-up for every
    test (twisted's ``setUp``: ``self.patch(client, "theResolver", FakeResolver())``): the
    write goes to what the patch put there, which the patch's cleanup takes away."""
    func = ctx.enclosing_function()
    cls = ctx.method_class(func) if func is not None else None
    if cls is None or not ctx.pytest.is_test_class(cls):
        return False
    setups = ctx.pytest.setup_names
    if ctx.project is not None:
        calls = ctx.project.setup_calls(ctx.cleanup, cls, setups, SELF_PATCHERS)
    else:
        calls = [c for m in ctx.pytest.class_methods(cls) if m.name in setups
                 for c in walk(m) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                 and c.func.attr in SELF_PATCHERS and expr_key(c.func).startswith("self.")]
    return any(_patches(ctx, call, write) for call in calls)


def _exits_restore(ctx: FileContext, write: StateWrite) -> bool:
    """In a context manager class: ``__exit__`` is cleanup itself, and it restores what
    ``__enter__`` changed (``AltArgs.__enter__`` sets ``sys.argv``, ``__exit__`` puts it back)."""
    func = ctx.enclosing_function()
    cls = ctx.method_class(func) if func is not None else None
    if cls is None or func is None or func.name not in ENTER_METHODS | EXIT_METHODS:
        return False
    if func.name in EXIT_METHODS:
        return True
    exits = [m for m in ctx.pytest.class_methods(cls) if m.name in EXIT_METHODS]
    return any(restores(ctx, n, write) for m in exits for n in walk(m))


def _puts_back(ctx: FileContext, node: ast.AST, write: StateWrite) -> bool:
    """``obj.attr = saved`` where ``saved = obj.attr`` earlier, or ``obj.attr = self._saved``
    where a method of the same class does ``self._saved = obj.attr``: a restore (not
    guaranteed to run, which is reported at the change itself), not a change of its own."""
    if isinstance(node, ast.Assign) and _saved_on_self(ctx, node.value, write):
        return True
    if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Name)):
        return False
    saved = ctx.bindings.constant_value(node.value.id)
    if saved is None:
        return False
    if any(expr_key(t) == expr_key(saved) for t in node.targets):
        return True
    return bool(spellings(ctx, saved) & write.spellings)


def _saved_on_self(ctx: FileContext, value: ast.expr, write: StateWrite) -> bool:
    """``value`` is ``self.x`` and a method of the enclosing class saves what ``write``
    changes there (``self.x = http.client.HTTPConnection``)."""
    if not (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == "self"):
        return False
    func = ctx.enclosing_function()
    cls = ctx.method_class(func) if func is not None else None
    if cls is None:
        return False
    if not _assigned_to(ctx.source, "self." + value.attr):
        return False  # the class never saves anything there (no walk of its methods)
    memo = ctx.memos.setdefault("saved_on_self", {})
    if cls not in memo:
        saved: dict[str, set[str]] = {}
        for method in ctx.pytest.class_methods(cls):
            for node in walk(method):
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                            and target.value.id == "self" and isinstance(node.value, (ast.Name, ast.Attribute)):
                        saved.setdefault(target.attr, set()).update(spellings(ctx, node.value))
        memo[cls] = saved
    return bool(memo[cls].get(value.attr, set()) & write.spellings)


def _assigned_to(source: str, spelled: str) -> bool:
    """Whether ``source`` assigns to ``spelled`` somewhere (``self.x = ...``)."""
    position = source.find(spelled)
    while position >= 0:
        end = position + len(spelled)
        if re.match(r"[ \t]*=(?!=)", source[end:end + 8]) and not (
            position and (source[position - 1].isalnum() or source[position - 1] in "_.")
        ):
            return True
        position = source.find(spelled, end)
    return False


def _restorer_named_for(ctx: FileContext, expr: ast.AST, write: StateWrite) -> bool:
    """A project's own decorator or context manager named for saving and restoring what
    ``write`` changes: ``@conserve_mpmath_dps`` for ``mpmath.mp.dps``."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    name = (ctx.qualified_name(target) or expr_key(target)).rsplit(".", 1)[-1].lower()
    if not any(word in name for word in RESTORER_WORDS):
        return False
    parts = {p.lower() for s in write.spellings for p in s.split(".")[-2:] if len(p) > 1}
    return any(part.strip("_") in name for part in parts)


def _manages(ctx: FileContext, expr: ast.AST, write: StateWrite) -> bool:
    """A ``with`` item (or decorator) handed the very object and attribute that ``write``
    changes, ``with ensure_removed(pd.Series, "fake"):``: a helper that manages that attribute."""
    if not (isinstance(expr, ast.Call) and len(expr.args) >= 2):
        return False
    attr = _const_str(expr.args[1])
    return bool(attr) and bool(spellings(ctx, expr.args[0], "." + str(attr)) & write.spellings)


def _patches(ctx: FileContext, expr: ast.AST, write: StateWrite) -> bool:
    if any(write.covered_by(p) for p in patched_targets(ctx, expr)):
        return True
    return _restorer_named_for(ctx, expr, write)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


_RESTORE = "or restore it in a `finally:` / teardown"
#: Operation -> (how the message names it, the fix that fits it).
OPERATIONS = {
    "attribute": ("An attribute write to", "use `monkeypatch.setattr()` or `patch.object()`, " + _RESTORE),
    "attribute-del": ("Deleting the attribute", "use `monkeypatch.delattr()`, " + _RESTORE),
    "item": ("An item write to", "use `monkeypatch.setitem()` or `patch.dict()`, " + _RESTORE),
    "item-del": ("Deleting an item of", "use `monkeypatch.delitem()` or `patch.dict()`, " + _RESTORE),
    "global": (
        "A `global` rebinding of",
        "pass the value in (a fixture, an argument) instead of rebinding the module's name, or "
        "rebind it back in a `finally:` / teardown",
    ),
    "reload": (
        "`importlib.reload` of",
        "patch only the attributes the test needs (`monkeypatch.setattr()`): a reload replaces "
        "every object the module defines for the tests after it; or reload it again in a "
        "`finally:` / teardown",
    ),
}


def _operation(ctx: FileContext, node: ast.AST) -> tuple[str, str]:
    """How ``node`` changes module state: its name in a message and the fix that fits it."""
    if isinstance(node, ast.Call):
        name = ctx.call_name(node) or ""
        if name in RELOAD:
            return OPERATIONS["reload"]
        if name in ("setattr", "delattr"):
            return OPERATIONS["attribute" if name == "setattr" else "attribute-del"]
        method = node.func.attr if isinstance(node.func, ast.Attribute) else name
        return (
            f"The in-place `.{method}()` of",
            f"work on a copy (`monkeypatch.setattr()` the name to a new container), {_RESTORE}",
        )
    targets: list[ast.expr] = []
    if isinstance(node, (ast.Assign, ast.Delete)):
        targets = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    deleting = isinstance(node, ast.Delete)
    for target in targets:
        if isinstance(target, ast.Subscript):
            return OPERATIONS["item-del" if deleting else "item"]
        if isinstance(target, ast.Name):
            return OPERATIONS["global"]
    return OPERATIONS["attribute-del" if deleting else "attribute"]


__all__ = ["ModuleStatePollution", "state_writes", "StateWrite"]
