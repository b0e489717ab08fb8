"""Where a change was made and where to undo it, in the words a finding's message uses:
"set in `setup_method` of `TestX`: restore it in `teardown_method`, or use `monkeypatch`"."""

from __future__ import annotations

from isolint.analysis.context import FileContext

#: Per-test and per-class setups, and the teardown that undoes each (pytest, unittest).
SETUP_TEARDOWNS = {
    "setup_method": "teardown_method", "setup": "teardown", "setUp": "tearDown",
    "asyncSetUp": "asyncTearDown", "setup_class": "teardown_class",
    "setUpClass": "tearDownClass", "setup_module": "teardown_module",
    "setUpModule": "tearDownModule", "setup_function": "teardown_function",
}


def where_set(ctx: FileContext, tool: str) -> str:
    """Where the current node runs and how to undo what it changes there; ``tool`` is the
    pytest idiom that does it for the test (`` `monkeypatch.setenv()` ``)."""
    func = ctx.enclosing_function()
    if func is None:
        return (
            "set at import time of this module: move it into a fixture and use "
            f"{tool}, or restore it in `teardown_module`"
        )
    name = func.name
    cls = ctx.method_class(func)
    unittest = cls is not None and ctx.pytest.is_unittest_class(cls)
    place = f"`{name}` of `{cls.name}`" if cls is not None else f"`{name}`"
    if name in SETUP_TEARDOWNS:
        restore = f"restore it in `{SETUP_TEARDOWNS[name]}`"
        return f"set in {place}: {restore}" + ("" if unittest else f", or use {tool} in a fixture")
    if ctx.pytest.is_fixture(func):
        return f"set in fixture {place}: restore it after the `yield`, or use {tool}"
    if unittest:
        return (
            f"set in {place}: undo it with `self.addCleanup(...)` right after the change, or in "
            "`tearDown`"
        )
    if ctx.pytest.is_test_function_name(name):
        return f"set in test {place}: use {tool}, or restore it in a `finally:` block"
    return (
        f"set in helper {place}: restore it in a `finally:` block, or let its callers use {tool}"
    )


__all__ = ["where_set", "SETUP_TEARDOWNS"]
