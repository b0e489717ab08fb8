"""Imports a fix needs or leaves unused, edited as text at the lines ``ast`` gives.

``add_import`` puts ``import name`` where isort (and ruff's ``I`` rules) would: in the section
of its kind (standard library, then third-party and local) of the file's leading import
block, among that section's plain ``import`` statements in alphabetical order.
``unused_after_fix`` finds the imports a fix left unused (used before, not after), and
``remove_imports`` deletes them. Nothing else in the file changes.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter

from isolint.pysource import parse_quietly

STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"__future__"}
ImportNode = ast.Import | ast.ImportFrom


def module_alias(tree: ast.Module, name: str) -> str | None:
    """The name a top-level ``import name`` / ``import name as alias`` binds, or None."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name == name:
                    return alias.asname or name
    return None


def from_import_alias(tree: ast.Module, module: str, name: str) -> str | None:
    """The name a top-level ``from module import name [as alias]`` binds, or None."""
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and not stmt.level and stmt.module == module:
            for alias in stmt.names:
                if alias.name == name:
                    return alias.asname or name
    return None


def _section(stmt: ImportNode, first_party: frozenset[str] = frozenset()) -> int:
    """0: ``__future__``, 1: standard library, 2: third-party, 3: the project's own modules
    (``first_party``, and relative imports)."""
    if isinstance(stmt, ast.ImportFrom):
        if stmt.level:
            return 3
        module = stmt.module or ""
    else:
        module = stmt.names[0].name
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    return 1 if top in STDLIB else 3 if top in first_party else 2


def first_party_modules(rootdir: str) -> frozenset[str]:
    """The top-level modules and packages of the project at ``rootdir`` (and its ``src/``),
    which isort puts in a section after the third-party ones."""
    import os

    names = set()
    for base in (rootdir, os.path.join(rootdir, "src")):
        try:
            entries = os.listdir(base)
        except OSError:
            continue
        for entry in entries:
            path = os.path.join(base, entry)
            if entry.endswith(".py") and entry != "conftest.py":
                names.add(entry[:-3])
            elif entry.isidentifier() and os.path.isfile(os.path.join(path, "__init__.py")):
                names.add(entry)
    return frozenset(names - {"tests", "test", "testing"})


def _groups(tree: ast.Module) -> list[list[ImportNode]]:
    """The top-level imports before the first ``def``/``class``, in runs of adjacent lines."""
    groups: list[list[ImportNode]] = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            break
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        if groups and stmt.lineno == groups[-1][-1].end_lineno + 1:  # type: ignore[operator]
            groups[-1].append(stmt)
        else:
            groups.append([stmt])
    return groups


def _newline(source: str) -> str:
    end = source.find("\n")
    return "\r\n" if end > 0 and source[end - 1] == "\r" else "\n"


def add_import(source: str, tree: ast.Module, name: str,
               first_party: frozenset[str] = frozenset()) -> str:
    """``source`` with ``import name`` in the right section (unchanged when it is there)."""
    if module_alias(tree, name) == name:
        return source
    nl = _newline(source)
    lines = source.splitlines(keepends=True)
    line = f"import {name}{nl}"
    top = name.split(".")[0]
    kind = 1 if top in STDLIB else 3 if top in first_party else 2

    def section(group: list[ImportNode]) -> int:
        return _section(group[0], first_party)

    groups = [g for g in _groups(tree) if section(g) > 0]
    same = [g for g in groups if section(g) == kind]
    if same:
        group = same[0]
        plain = [s for s in group if isinstance(s, ast.Import)]
        after = [s for s in plain if s.names[0].name.lower() > name.lower()]
        if after:
            at, text = after[0].lineno, line
        elif plain:
            at, text = plain[-1].end_lineno + 1, line  # type: ignore[operator]
        else:
            at, text = group[0].lineno, line
    else:
        later = [g for g in groups if section(g) > kind]
        earlier = [g for g in groups if section(g) < kind]
        if later:
            at, text = later[0][0].lineno, line + nl
        elif earlier:
            at, text = earlier[-1][-1].end_lineno + 1, nl + line  # type: ignore[operator]
        else:
            at, text = _top(tree), line
            following = lines[at - 1] if at - 1 < len(lines) else ""
            if at > 1:
                text = nl + text
            if following.strip():
                text += nl
    if at - 1 >= len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += nl
    lines.insert(at - 1, text)
    return "".join(lines)


def _top(tree: ast.Module) -> int:
    """The line after the docstring and ``from __future__`` imports (where a first import goes)."""
    line = 1
    for stmt in tree.body:
        docstring = isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and \
            isinstance(stmt.value.value, str) and stmt is tree.body[0]
        if docstring or (isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"):
            line = stmt.end_lineno + 1  # type: ignore[operator]
            continue
        break
    return line


# --------------------------------------------------------------------------- unused imports
Binding = tuple[str, str, str]  # (scope path, the import statement dumped, the bound name)


def _bindings(tree: ast.Module) -> dict[Binding, tuple[ImportNode, ast.AST, bool]]:
    """Each simple import binding, keyed independently of line numbers -> (statement, its
    scope, whether its block has other statements)."""
    out: dict[Binding, tuple[ImportNode, ast.AST, bool]] = {}

    def visit(scope: ast.AST, path: str, body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
                    continue
                for alias in stmt.names:
                    if alias.name != "*":
                        bound = alias.asname or alias.name.split(".")[0]
                        out[(path, ast.dump(stmt), bound)] = (stmt, scope, len(body) > 1)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(stmt, f"{path}.{stmt.name}", stmt.body)
            elif isinstance(stmt, ast.ClassDef):
                visit(stmt, f"{path}.{stmt.name}", stmt.body)
            else:
                for field in ("body", "orelse", "finalbody"):
                    visit(scope, path, getattr(stmt, field, None) or [])
                for handler in getattr(stmt, "handlers", ()) or ():
                    visit(scope, path, handler.body)

    visit(tree, "", tree.body)
    return out


def _words(text: str, name: str) -> int:
    """How often ``name`` occurs in ``text`` as a word, other than after a dot: an upper bound
    of its uses (strings and comments count too)."""
    word = re.escape(name)
    return len(re.findall(rf"\b{word}\b", text)) - len(re.findall(rf"\.\s*{word}\b", text))


def _name_uses(tree: ast.Module) -> Counter[str]:
    """How often each name is used (read or written) in ``tree``."""
    from isolint.analysis.tree import walk

    return Counter(node.id for node in walk(tree) if type(node) is ast.Name)


def _exported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets):
            names.update(n.value for n in ast.walk(stmt.value) if isinstance(n, ast.Constant) and isinstance(n.value, str))
    return names


def unused_after_fix(before: ast.Module, after: ast.Module, old_text: str,
                     new_text: str) -> list[tuple[ImportNode, str]]:
    """The imports of ``after`` (with the name they bind) that the fix left unused: the name
    was on a line the fix removed, and now occurs nowhere in the text as a word but in import
    statements (not even in a string or comment: when in doubt, the import stays). An import
    that was unused before is left alone."""
    removed = Counter(old_text.splitlines()) - Counter(new_text.splitlines())
    if not removed:
        return []
    gone = set(re.findall(r"[A-Za-z_]\w*", "\n".join(removed.elements())))
    bindings = {key: value for key, value in _bindings(after).items() if key[2] in gone}
    if not bindings:
        return []
    exported = _exported(after)
    wanted = {key[2] for key in bindings}
    in_new, in_old = _in_imports(after, wanted), _in_imports(before, wanted)
    uses: dict[str, Counter[str]] = {}

    def used(which: str, name: str) -> bool:
        # A word count no higher than the imports' settles it; else the tree's names do.
        tree, text, imported = (after, new_text, in_new) if which == "new" else (before, old_text, in_old)
        if _words(text, name) <= imported[name]:
            return False
        if which not in uses:
            uses[which] = _name_uses(tree)
        return uses[which][name] > 0

    out = []
    for (_, _, name), (stmt, _scope, others) in bindings.items():
        if name in exported or not (others or len(stmt.names) > 1):
            continue
        if not used("new", name) and used("old", name):
            out.append((stmt, name))
    return out


def _in_imports(tree: ast.Module, wanted: set[str]) -> Counter[str]:
    """How often each of ``wanted`` is bound by the file's import statements."""
    counts: Counter[str] = Counter()
    for stmt in _import_statements(tree):
        for alias in stmt.names:
            bound = alias.asname or alias.name.split(".")[0]
            if bound in wanted:
                counts[bound] += 1
    return counts


def _import_statements(tree: ast.Module) -> list[ImportNode]:
    unique = {id(stmt): stmt for stmt, _scope, _others in _bindings(tree).values()}
    return list(unique.values())


def remove_imports(source: str, unused: list[tuple[ImportNode, str]]) -> str:
    """``source`` without the ``unused`` bindings: a statement binding nothing else loses its
    lines, a one-line statement binding more is rewritten without the name; an import sharing
    its lines with other code or a comment is kept."""
    lines = source.splitlines(keepends=True)
    by_stmt: dict[int, tuple[ImportNode, set[str]]] = {}
    for stmt, name in unused:
        by_stmt.setdefault(id(stmt), (stmt, set()))[1].add(name)
    for stmt, names in sorted(by_stmt.values(), key=lambda item: -item[0].lineno):
        first, last = stmt.lineno, stmt.end_lineno or stmt.lineno
        text = "".join(lines[first - 1 : last])
        indent = text[: stmt.col_offset]
        segment = text[stmt.col_offset :].rstrip("\r\n")
        if "#" in segment or ";" in segment or indent.strip():
            continue
        kept = [a for a in stmt.names if (a.asname or a.name.split(".")[0]) not in names]
        if not kept:
            del lines[first - 1 : last]
            _join_blank_runs(lines, first - 1)
            continue
        if first != last:
            continue
        reduced = type(stmt)(**{**{f: getattr(stmt, f) for f in stmt._fields}, "names": kept})
        ending = text[len(text.rstrip("\r\n")) :]
        lines[first - 1] = indent + ast.unparse(reduced) + ending
    return "".join(lines)


def _blank(line: str) -> bool:
    return not line.strip()


def _join_blank_runs(lines: list[str], at: int) -> None:
    """After deleting lines before index ``at``: the blank lines that met there become one run
    as long as the longer of the two (none at the start of the file)."""
    after = 0
    while at + after < len(lines) and _blank(lines[at + after]):
        after += 1
    before = 0
    while at - before - 1 >= 0 and _blank(lines[at - before - 1]):
        before += 1
    excess = after if at - before == 0 else min(after, before)
    del lines[at : at + excess]


class ImportNeed:
    """The name under which a module is usable in a file, and whether ``import module`` must
    be added because a fix used it."""

    def __init__(self, tree: ast.Module, name: str, source: str = "",
                 first_party: frozenset[str] = frozenset()) -> None:
        self.tree = tree
        self.source = source
        self.first_party = first_party
        self.module_name = name
        alias = module_alias(tree, name)
        self.alias = alias or name
        self.missing = alias is None
        self.used = False

    def use(self) -> str:
        self.used = True
        return self.alias

    def apply(self, source: str) -> str:
        """``source`` (whose top-level imports are still those of ``tree``) with the import
        added when it was used and is missing."""
        if not (self.used and self.missing):
            return source
        return add_import(source, self._tree_for(source), self.module_name, self.first_party)

    def _tree_for(self, source: str) -> ast.Module:
        """``tree`` when ``source`` still starts as the text it was parsed from, down to the
        end of its imports (a fix changed only what follows), else ``source`` parsed."""
        if self.source:
            heads = [s for s in self.tree.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
            body_start = next((min([s.lineno, *(d.lineno for d in s.decorator_list)]) for s in self.tree.body
                               if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))), None)
            last = max([s.end_lineno or s.lineno for s in heads if body_start is None or s.lineno < body_start] or [0])
            old_head = self.source.splitlines(keepends=True)[: last + 1]
            if old_head == source.splitlines(keepends=True)[: last + 1]:
                return self.tree
        return parse_quietly(source)


__all__ = ["ImportNeed", "add_import", "from_import_alias", "module_alias", "remove_imports",
           "unused_after_fix"]
