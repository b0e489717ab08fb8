"""Module-level functions that run only when their module is executed as a script.

pytest imports a module; it never runs the module's ``if __name__ == "__main__":`` block. A
function that only that block calls, directly or through other such functions (a runner's
``main()`` and the ``_setup_environ()`` that ``main()`` calls), runs only in a ``python
module.py`` / ``python -m`` process, never in a pytest worker. One walk of the module finds
who names each of its functions; the answer is a fixed point over those references.
"""

from __future__ import annotations

import ast

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
#: The owner of a reference outside any module-level function and outside the main block.
_ELSEWHERE = ""
_MAIN = "\0main"
#: Module-level functions pytest itself calls by name (besides tests and ``pytest_*`` hooks).
PYTEST_CALLED = frozenset({
    "setup_module", "setUpModule", "teardown_module", "tearDownModule", "setup_function",
    "teardown_function",
})


def is_main_block(stmt: ast.stmt) -> bool:
    """``if __name__ == "__main__":`` (either operand order), the block a module runs only as a
    script."""
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    test = stmt.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = (test.left, test.comparators[0])
    return any(isinstance(a, ast.Name) and a.id == "__name__" for a in sides) and any(
        isinstance(b, ast.Constant) and b.value == "__main__" for b in sides)


def script_only_functions(tree: ast.Module, is_test_name) -> frozenset[str]:
    """The names of the module-level functions of ``tree`` that only its top-level
    ``if __name__ == "__main__":`` blocks reach: each is named (called, or handed on) somewhere,
    and only in such a block or in the body of another such function. A decorated function, one
    named in a string (``__all__``), anywhere else at module level or in a class, a test
    (``is_test_name``), a ``pytest_*`` hook or a module set-up pytest calls is never one.
    Functions the block does not reach at all are not either (another module may call them)."""
    mains = [stmt for stmt in tree.body if is_main_block(stmt)]
    if not mains:
        return frozenset()
    defined: dict[str, ast.AST] = {}
    for stmt in tree.body:
        if isinstance(stmt, _FUNCTIONS):
            # (A name defined twice, or decorated, may be anything: never script-only.)
            defined[stmt.name] = None if stmt.name in defined or stmt.decorator_list else stmt  # type: ignore[assignment]
    candidates = {
        name for name, func in defined.items()
        if func is not None and not is_test_name(name) and not name.startswith("pytest_")
        and name not in PYTEST_CALLED
    }
    if not candidates:
        return frozenset()
    owners: dict[str, set[str]] = {}
    for stmt in tree.body:
        if is_main_block(stmt):
            owner, roots = _MAIN, [*stmt.test.comparators, stmt.test.left, *stmt.body]  # type: ignore[attr-defined]
            _names(roots, owner, candidates, owners)
            _names(stmt.orelse, _ELSEWHERE, candidates, owners)  # type: ignore[attr-defined]
        elif isinstance(stmt, _FUNCTIONS) and defined.get(stmt.name) is stmt:
            _names(stmt.body, stmt.name, candidates, owners)
            args = stmt.args
            _names([*args.defaults, *(d for d in args.kw_defaults if d is not None)],
                   _ELSEWHERE, candidates, owners)
            if stmt.returns is not None:
                _names([stmt.returns], _ELSEWHERE, candidates, owners)
        else:
            _names([stmt], _ELSEWHERE, candidates, owners)
    # The greatest set whose members are named only by the main block or by members.
    found = {name for name in candidates if owners.get(name)}
    changed = True
    while changed:
        changed = False
        for name in list(found):
            if any(owner != _MAIN and owner not in found for owner in owners[name]):
                found.discard(name)
                changed = True
    # Of those, the ones the main block reaches.
    reached: set[str] = set()
    todo = [name for name in found if _MAIN in owners[name]]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        todo.extend(other for other in found if name in owners[other] and other not in reached)
    return frozenset(reached)


def _names(roots: list, owner: str, candidates: set[str], owners: dict[str, set[str]]) -> None:
    """Record ``owner`` for each candidate name read (or spelled in a string) under ``roots``
    (``x.main`` is an attribute of another object: ``unittest.main()`` is no call of ``main``)."""
    todo = list(roots)
    while todo:
        node = todo.pop()
        kind = type(node)
        if kind is ast.Name:
            if node.id in candidates and type(node.ctx) is not ast.Store:
                owners.setdefault(node.id, set()).add(owner)
            continue
        if kind is ast.Constant and isinstance(node.value, str) and node.value in candidates:
            owners.setdefault(node.value, set()).add(_ELSEWHERE)  # `__all__`, `getattr(m, "f")`
        todo.extend(ast.iter_child_nodes(node))


__all__ = ["PYTEST_CALLED", "is_main_block", "script_only_functions"]
