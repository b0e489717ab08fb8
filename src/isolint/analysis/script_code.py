"""Module-level functions that run only when their module is executed as a script.

pytest imports a module; it never runs the module's ``if __name__ == "__main__":`` block. A
function that only that block calls, directly or through other such functions (a runner's
``main()`` and the ``_setup_environ()`` that ``main()`` calls), runs only in a ``python
module.py`` / ``python -m`` process, never in a pytest worker.

A function is asked about only when a finding would be reported in it, so the answer is found
from the source text, per name: every place the name is spelled (a regular expression, no walk
of the tree) is owned by the top-level statement whose lines hold it.
"""

from __future__ import annotations

import ast
import bisect
from typing import Callable

from isolint.analysis.source_lines import name_positions

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
#: Owners of a spelling: the main block, or anywhere that is not the body of a candidate.
_MAIN = "\0main"
_ELSEWHERE = ""
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


class ScriptCode:
    """Which module-level functions of one module only its main block reaches."""

    def __init__(self, tree: ast.Module, source: str, is_test_name: Callable[[str], bool]) -> None:
        self.source = source
        self.is_test_name = is_test_name
        self._spans: list[tuple[int, int, str, list]] | None = None
        self._defs: dict[str, int] = {}
        self._answers: dict[str, bool] = {}
        self._tree = tree

    def only_from_main(self, name: str) -> bool:
        """Whether module-level function ``name`` is spelled only in the module's top-level
        ``if __name__ == "__main__":`` blocks or in the bodies of other such functions, and is
        reached from such a block. A decorated function, one defined twice, a test, a
        ``pytest_*`` hook, a module set-up pytest calls, or one spelled anywhere else (module
        level, a class, a string such as ``__all__``, a decorator or a default) is never one;
        nor is a function the block does not reach (another module may call it). ``x.name`` is
        an attribute of another object (``unittest.main()`` is no call of ``main``)."""
        if self._spans is None:
            self._index()
        if not self._main_found:
            return False
        return self._reached(name, frozenset())

    def _index(self) -> None:
        """The top-level statements by lines: ``(first, last, owner, nodes to read)``."""
        spans: list[tuple[int, int, str, list]] = []
        seen: dict[str, int] = {}
        self._main_found = False
        for stmt in self._tree.body:
            end = stmt.end_lineno or stmt.lineno
            if is_main_block(stmt):
                self._main_found = True
                body_end = stmt.body[-1].end_lineno or end  # type: ignore[attr-defined]
                spans.append((stmt.lineno, body_end, _MAIN, [stmt.test, *stmt.body]))  # type: ignore[attr-defined]
                if body_end < end:
                    spans.append((body_end + 1, end, _ELSEWHERE, list(stmt.orelse)))  # type: ignore[attr-defined]
            elif isinstance(stmt, _FUNCTIONS) and not stmt.decorator_list and stmt.body[0].lineno > stmt.lineno:
                seen[stmt.name] = seen.get(stmt.name, 0) + 1
                first = stmt.body[0].lineno
                args = stmt.args
                heads = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
                spans.append((stmt.lineno, first - 1, _ELSEWHERE, heads))
                spans.append((first, end, stmt.name, list(stmt.body)))
                self._defs[stmt.name] = stmt.lineno
            else:
                if isinstance(stmt, _FUNCTIONS):
                    seen[stmt.name] = seen.get(stmt.name, 0) + 2  # decorated: never a candidate
                start = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
                spans.append((start, end, _ELSEWHERE, [stmt]))
        self._defs = {n: line for n, line in self._defs.items() if seen.get(n) == 1}
        spans.sort(key=lambda span: span[0])
        self._spans = spans
        self._starts = [span[0] for span in spans]

    def _candidate(self, name: str) -> bool:
        return name in self._defs and not self.is_test_name(name) \
            and not name.startswith("pytest_") and name not in PYTEST_CALLED

    def _owners(self, name: str) -> set[str]:
        """The owners of every reference to ``name`` (a read of the name, or a string equal to
        it): the statements whose lines spell it are read, only those."""
        owners: set[str] = set()
        spans = self._spans or []
        hit: set[int] = set()
        for position in name_positions(self.source, name):
            line = self.source.count("\n", 0, position) + 1
            index = bisect.bisect_right(self._starts, line) - 1
            if index >= 0 and spans[index][0] <= line <= spans[index][1]:
                hit.add(index)
        for index in hit:
            _, _, owner, nodes = spans[index]
            if _names_in(nodes, name):
                owners.add(owner)
        return owners

    def _reached(self, name: str, visiting: frozenset[str]) -> bool:
        """``name`` is a candidate whose every owner is the main block or another function
        for which this holds, and one chain of owners ends in the main block (a cycle of
        functions that call each other is assumed to hold while it is being checked)."""
        if name in self._answers:
            return self._answers[name]
        if not self._candidate(name):
            return False
        owners = self._owners(name)
        result = bool(owners) and _ELSEWHERE not in owners
        reached = _MAIN in owners
        if result:
            for owner in owners - {_MAIN}:
                if owner in visiting:
                    continue
                if not self._reached(owner, visiting | {name}):
                    result = False
                    break
                reached = True
        answer = result and reached
        if not visiting or not answer:  # a provisional answer inside a cycle is not kept
            self._answers[name] = answer
        return answer


def _names_in(roots: list, name: str) -> bool:
    """Whether ``name`` is read (or spelled as a whole string) under ``roots``; ``x.name`` is
    an attribute of another object (``unittest.main()`` is no call of ``main``)."""
    todo = list(roots)
    while todo:
        node = todo.pop()
        kind = type(node)
        if kind is ast.Name:
            if node.id == name and type(node.ctx) is not ast.Store:
                return True
            continue
        if kind is ast.Constant and node.value == name:
            return True
        todo.extend(ast.iter_child_nodes(node))
    return False


__all__ = ["PYTEST_CALLED", "ScriptCode", "is_main_block"]
