"""Rules about filesystem paths that parallel test processes share."""

from __future__ import annotations

import ast
import ntpath
import posixpath
import re

from isolint.analysis.context import FileContext
from isolint.analysis.tree import call_argument, last_parts
from isolint.model import FixSafety, Severity
from isolint.analysis.rules.base import Rule

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
#: Fixed paths that every process may write to without colliding.
HARMLESS_PREFIXES = ("/dev/",)
PATH_CLASSES = frozenset(
    "pathlib." + n for n in ("Path", "PurePath", "PosixPath", "WindowsPath", "PurePosixPath",
                             "PureWindowsPath")
) | {"py.path.local"}
JOINS = frozenset({"os.path.join", "posixpath.join", "ntpath.join"})
#: The shared temporary directory itself: a fixed base once a literal name is joined to it.
TEMPDIR_FUNCTIONS = frozenset({"tempfile.gettempdir", "tempfile.gettempdirb"})
TEMPDIR = "$TMPDIR"

#: Functions that open a file: qualified name -> (position of the mode argument, default mode).
OPENERS = {
    "open": (1, "r"), "io.open": (1, "r"), "codecs.open": (1, "r"), "gzip.open": (1, "rb"),
    "bz2.open": (1, "rb"), "lzma.open": (1, "rb"), "tarfile.open": (1, "r"),
    "zipfile.ZipFile": (1, "r"), "shelve.open": (1, "c"), "dbm.open": (1, "r"),
}
#: Functions that write to the paths at these argument positions (name of the keyword too).
WRITERS = {
    **{f"os.{n}": ((0, "path"),) for n in ("makedirs", "mkdir", "remove", "unlink", "rmdir",
                                           "removedirs", "mkfifo", "truncate")},
    **{f"os.{n}": ((0, "src"), (1, "dst")) for n in ("rename", "replace", "renames")},
    "os.symlink": ((1, "dst"),),
    "os.link": ((1, "dst"),),
    **{f"shutil.{n}": ((1, "dst"),) for n in ("copy", "copy2", "copyfile", "copytree", "move")},
    "shutil.rmtree": ((0, "path"),),
    "shutil.make_archive": ((0, "base_name"),),
    "sqlite3.connect": ((0, "database"),),
    **{f"logging.{n}": ((0, "filename"),) for n in ("FileHandler", "handlers.RotatingFileHandler",
                                                    "handlers.TimedRotatingFileHandler",
                                                    "handlers.WatchedFileHandler")},
    "logging.basicConfig": ((None, "filename"),),
    **{f"numpy.{n}": ((0, "file"),) for n in ("save", "savetxt", "savez", "savez_compressed")},
}
#: Methods of a path object that write to it.
PATH_WRITE_METHODS = frozenset(
    {"write_text", "write_bytes", "touch", "mkdir", "unlink", "rename", "replace", "rmdir",
     "symlink_to", "hardlink_to", "ensure", "write", "remove", "mksymlinkto"}
)
#: Methods of a path object that write to the path given as their first argument.
RENAMES = frozenset({"rename", "replace"})
#: Methods that write to the path given as their first argument, whatever the receiver.
SAVE_METHODS = frozenset(
    {"to_csv", "to_json", "to_parquet", "to_excel", "to_pickle", "to_hdf", "to_feather",
     "to_stata", "to_netcdf", "to_zarr", "savefig", "save", "dump_stats", "bind"}
)
#: The last parts of the functions ``written_paths`` resolves calls against.
_CALL_WORDS = last_parts({*OPENERS, *WRITERS, "os.open"})
#: A call writes nothing unless its callee may end with one of these.
_WRITING_WORDS = _CALL_WORDS | PATH_WRITE_METHODS | RENAMES | SAVE_METHODS | {"open"}
#: Methods of a path object that read it.
READ_METHODS = frozenset({"read_text", "read_bytes"})
WRITE_MODE_CHARS = frozenset("waxc+")
WRITE_FLAGS = frozenset({"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND", "O_EXCL"})


def fixed_path(ctx: FileContext, expr: ast.AST | None, depth: int = 0) -> str | None:
    """The fixed absolute path ``expr`` stands for, or None.

    A string literal starting with ``/`` (or a drive, ``C:\\``), a ``Path(...)`` of one, ``/``
    and ``joinpath`` with literals, ``os.path.join`` of literals, and names bound once to such a
    value. Anything that depends on a variable (``tmp_path``, a worker id) is not fixed.
    """
    if expr is None or depth > 5:
        return None
    if isinstance(expr, ast.Name):
        return fixed_path(ctx, ctx.bindings.constant_value(expr.id), depth + 1)
    if depth and ctx.call_name(expr) in TEMPDIR_FUNCTIONS:
        return TEMPDIR  # only a base: `os.path.join(tempfile.gettempdir(), "x")`
    if isinstance(expr, ast.Constant):
        value = expr.value
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str) and (value.startswith("/") or _DRIVE.match(value)):
            return value
        return None
    parts: list[ast.expr] = []
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Div, ast.Add)):
        parts = [expr.left, expr.right]
    elif isinstance(expr, ast.Call) and not expr.keywords:
        name = ctx.call_name(expr)
        if name in PATH_CLASSES or name in JOINS:
            parts = list(expr.args)
        elif isinstance(expr.func, ast.Attribute) and expr.func.attr == "joinpath":
            parts = [expr.func.value, *expr.args]
    if not parts:
        return None
    base = fixed_path(ctx, parts[0], depth + 1)
    rest = [_literal(ctx, p, depth + 1) for p in parts[1:]]
    if base is None or any(r is None for r in rest):
        return None
    if not any(rest):
        return base
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return base + "".join(rest)  # type: ignore[arg-type]
    join = ntpath.join if _DRIVE.match(base) else posixpath.join
    return join(base, *rest)  # type: ignore[arg-type]


def _literal(ctx: FileContext, expr: ast.AST, depth: int) -> str | None:
    """A relative path part that is fixed too: a string literal or a name bound once to one."""
    if isinstance(expr, ast.Name):
        expr = ctx.bindings.constant_value(expr.id)  # type: ignore[assignment]
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return fixed_path(ctx, expr, depth)


def _writes_mode(mode: ast.AST | None, default: str) -> bool:
    """Whether an open mode (``"w"``, ``"a+"``, tarfile's ``"w:gz"``) writes; unknown: no."""
    if mode is None:
        text = default
    elif isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        text = mode.value
    else:
        return False
    return bool(WRITE_MODE_CHARS & set(text.split(":", 1)[0]))


def written_paths(ctx: FileContext, call: ast.Call) -> list[ast.expr]:
    """The path arguments (and receivers) that ``call`` writes to."""
    name = ctx.call_name_among(call, _CALL_WORDS)
    func = call.func
    if name in OPENERS:
        index, default = OPENERS[name]
        if _writes_mode(call_argument(call, index, "mode"), default):
            path = call_argument(call, 0, "file") or call_argument(call, 0, "name")
            return [path] if path is not None else []
        return []
    if name == "os.open":
        flags = call_argument(call, 1, "flags")
        written = flags is not None and any(
            isinstance(n, ast.Attribute) and n.attr in WRITE_FLAGS for n in ast.walk(flags)
        )
        return [call.args[0]] if written and call.args else []
    if name in WRITERS:
        found = (call_argument(call, index, keyword) for index, keyword in WRITERS[name])
        return [p for p in found if p is not None]
    if not isinstance(func, ast.Attribute):
        return []
    out: list[ast.expr] = []
    if func.attr in PATH_WRITE_METHODS or (
        func.attr == "open" and _writes_mode(call_argument(call, 0, "mode"), "r")
    ):
        out.append(func.value)
    # One positional argument: `str.replace("/", ".")` and `bytes.replace` take two.
    if (func.attr in RENAMES or func.attr in SAVE_METHODS) and len(call.args) == 1:
        out.append(call.args[0])
    return out


def read_paths(ctx: FileContext, call: ast.Call) -> list[ast.expr]:
    """The path arguments (and receivers) that ``call`` reads: an opener in a read mode
    (``open(p)``, ``gzip.open(p, "rb")``), ``p.open()``, ``p.read_text()``, ``p.read_bytes()``."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in READ_METHODS and not call.args:
        return [func.value]
    name = ctx.call_name_among(call, _CALL_WORDS)
    if name in OPENERS:
        index, default = OPENERS[name]
        if not _writes_mode(call_argument(call, index, "mode"), default):
            path = call_argument(call, 0, "file") or call_argument(call, 0, "name")
            return [path] if path is not None else []
    elif isinstance(func, ast.Attribute) and func.attr == "open" and call_argument(call, 0, "mode") is None:
        return [func.value]
    return []


class SharedTmpPath(Rule):
    """
    ## What it does
    Flags test code that writes to a fixed absolute path: `open("/tmp/x", "w")` (any mode with
    `w`, `a`, `x` or `+`, also `io.open`, `gzip.open`, `tarfile.open`, `zipfile.ZipFile`,
    `os.open` with write flags), `Path("/tmp/x").write_text/write_bytes/touch/mkdir/unlink/
    rename/open("w")`, `os.makedirs/mkdir/remove/unlink/rename/replace`, the destination of
    `shutil.copy/copy2/copyfile/copytree/move`, `shutil.rmtree`, `sqlite3.connect`,
    `logging.FileHandler`, `numpy.save`, `df.to_csv`, `fig.savefig`, and `sock.bind` of a
    Unix socket path.

    A fixed absolute path is a string literal starting with `/` or a drive (`C:\\`), a
    `Path("/...")`, `Path("/tmp") / "x"`, `os.path.join("/tmp", "x")`, a literal name joined to
    `tempfile.gettempdir()`, or a name bound once (in the function or at module level) to one
    of these.

    Not flagged: reading a fixed path (`open("/etc/hosts")`, mode `"r"`/`"rb"`); `/dev/null`
    and other `/dev/` paths; paths built from `tmp_path`, `tmp_path_factory`, `tmpdir`,
    `tempfile` (`mkdtemp(dir="/tmp")` makes a unique directory) or anything else that is not
    a literal, such as a worker id.

    Not flagged either: a path that only one test of the scan uses. The places that write or
    read (`open(p)`, `p.read_text()`) each fixed path are counted across every file scanned
    together, with the test that runs each; when exactly one test uses a path, and that test
    runs once (a test function or method, or a function nested in it; not parametrized, not
    requesting a parametrized fixture, not under `pytest_generate_tests`, not in a class that
    another class inherits or another module imports, not under `--dist each`), no other test
    of the same xdist run touches the file. A path written by a fixture (a session fixture runs
    once per worker), a helper or module-level code, or written by one test and read by
    another, is flagged at each write. The count covers the files of one scan: `isolint check
    tests/test_a.py` does not see a test in `tests/test_b.py` that uses the same path (the
    flake8 plugin sees one file at a time); two concurrent runs of the suite can still collide.

    Severity is MEDIUM: workers only collide when they reach the write at the same time, but a
    file left behind also leaks into the next run.

    ## Why is this bad?
    Every pytest-xdist worker, and every other test run on the machine, sees the same `/tmp`.
    Two workers that write `/tmp/report.json` at the same time overwrite, truncate or delete
    each other's file, so a test reads another test's data or finds its file gone; a file left
    behind by one run changes the next. A fixed path under `/tmp` created by another user makes
    the test fail with `PermissionError`.

    ## Example
    ```python
    EXPORT = "/tmp/export.csv"

    def test_export():
        with open(EXPORT, "w") as handle:
            handle.write("a,b\\n")
        assert load(EXPORT)

    def test_export_empty():
        with open(EXPORT, "w"):
            pass
        assert not load(EXPORT)
    ```

    ## Use instead
    ```python
    def test_export(tmp_path):
        target = tmp_path / "export.csv"
        with open(target, "w") as handle:
            handle.write("a,b\\n")
        assert load(target)

    def test_export_empty(tmp_path):
        target = tmp_path / "export.csv"
        with open(target, "w"):
            pass
        assert not load(target)
    ```

    ## Fix safety
    No automatic fix: every other use of the path (readers, subprocesses, configuration) has to
    move to the new directory too.
    """

    code = "ISO011"
    name = "shared_tmp_path"
    severity = Severity.MEDIUM
    message = "`{call}` writes to the fixed path `{path}`, which every xdist worker shares"
    fix = "use the `tmp_path` fixture (or `tmp_path_factory`, `tempfile`) instead of a fixed path"
    fix_safety = FixSafety.NONE
    call_words = _WRITING_WORDS | READ_METHODS  # other calls use no file (`written_paths`, `read_paths`)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        reported = False
        for arg in written_paths(ctx, node):
            path = fixed_path(ctx, arg)
            if path in (None, TEMPDIR, "/") or path.startswith(HARMLESS_PREFIXES):
                continue
            ctx.record_use(self, path, node)  # see isolint.shared_values
            if not reported and not ctx.cleanup.expected_to_raise():
                ctx.report(self, node, call=_short(ctx.lines.source_segment(node.func)), path=path)
                reported = True
        for arg in read_paths(ctx, node):
            path = fixed_path(ctx, arg)
            if path not in (None, TEMPDIR, "/") and not path.startswith(HARMLESS_PREFIXES):
                ctx.record_use(self, path, node)  # a test reading what another writes shares it


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


__all__ = ["SharedTmpPath", "fixed_path", "written_paths"]
