"""The generated walk (isolint.analysis.walker) visits exactly what a generic walk over
``child_fields`` visits, in the same order, with the same ancestor stack at each call."""

from __future__ import annotations

import ast
from pathlib import Path

import isolint
from isolint.analysis.tree import child_fields
from isolint.analysis.walker import walk_with
from isolint.engine import _enterable

SOURCES = sorted(Path(isolint.__file__).parent.rglob("*.py"))[:40]
EXTRA = '''
match x:
    case {"a": 1, **rest}: f(rest)
    case C(a, b=d()) if g(): pass
    case [1, *others]: h(others)
async def a(*, k=f(), **kw) -> T[g()]:
    async with m() as (p, q): await n(lambda y=z(): y)
    async for i in it(): yield {k: v() for k, v in w()}
global_ = {**d(), "k": [*e()]}
print(f"{x()!r:>{w()}}")
def g():
    global glob
    del a[f()]
'''


def reference(node: ast.AST, visit: set[type], leave: set[type], log: list, stack: list) -> None:
    """The walk as a plain loop over child_fields with getattr."""
    enterable = _enterable(frozenset(visit | leave))
    stack.append(node)
    if type(node) in visit:
        log.append(("visit", id(node), tuple(map(id, stack))))
    for name in child_fields(type(node)):
        value = getattr(node, name, None)
        for item in value if type(value) is list else [value]:
            if type(item) in enterable:
                reference(item, visit, leave, log, stack)
    if type(node) in leave:
        log.append(("leave", id(node), tuple(map(id, stack))))
    stack.pop()


def test_the_generated_walk_is_the_generic_walk():
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in SOURCES] + [ast.parse(EXTRA)]
    tables = [({ast.Call}, set()), ({ast.Call, ast.Assign}, {ast.ClassDef}),
              ({ast.Name, ast.Constant, ast.arg}, {ast.Attribute, ast.keyword}), (set(), set())]
    for visit, leave in tables:
        for tree in trees:
            expected: list = []
            reference(tree, visit, leave, expected, [])
            got: list = []
            stack: list = []

            def record(kind):
                return lambda node, ctx: got.append((kind, id(node), tuple(map(id, stack))))

            walk_with(tree, stack, None, {c: [(None, record("visit"))] for c in visit},
                      {c: [(None, record("leave"))] for c in leave},
                      _enterable(frozenset(visit | leave)), lambda *a: None)
            assert got == expected
            assert stack == []


def test_a_crashing_visitor_is_reported_and_the_walk_goes_on():
    tree = ast.parse("f(g(h()))\nk()\n")
    crashes: list = []
    calls: list = []

    def boom(node, ctx):
        calls.append(node.func.id)
        raise ValueError("x")

    walk_with(tree, [], None, {ast.Call: [("rule", boom)]}, {}, _enterable(frozenset({ast.Call})),
              lambda rule, exc, node: crashes.append((rule, type(exc), node.func.id)))
    assert calls == ["f", "g", "h", "k"]
    assert crashes == [("rule", ValueError, n) for n in calls]
