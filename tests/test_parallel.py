"""Scanning with worker processes: the same output whatever ``--jobs`` is; progress on a tty."""

from __future__ import annotations

import ast
import io
import json
import os
import sys
from pathlib import Path

import pytest

import isolint
from isolint import orchestration as parallel
from isolint.analysis import tree as context
from isolint.cache import CACHE_DIR_NAME, ResultCache
from isolint.cli import main
from isolint.config import PytestConfig, Settings
from isolint.discovery import discover
from isolint.model import ScanResult
from isolint.progress import Progress, wants_progress
from test_engine import GC_CONFTEST

KINDS = (
    'import os\n\ndef test_env():\n    os.environ["A"] = "{i}"\n',
    "from unittest.mock import MagicMock\n\nclass TestM{i}:\n    def test_a(self):\n"
    "        self.client = MagicMock()\n",
    "from unittest.mock import patch\n\ndef test_p():\n    patch('x.y{i}').start()\n",
    "def test_ok_{i}():\n    assert True\n",
    "def broken_{i}(:\n",
)


def make_suite(root: Path, count: int = 120) -> Path:
    for index in range(count):
        path = root / "tests" / f"pkg{index % 7}" / f"test_{index:03}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(KINDS[index % len(KINDS)].format(i=index), encoding="utf-8")
    (root / "tests" / "pkg3" / "conftest.py").write_text(GC_CONFTEST, encoding="utf-8")
    (root / "tests" / "pkg5" / "test_nul.py").write_bytes(b"x = 1\x00\n")
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return root


def scan(root: Path, jobs: int, cache: bool = False) -> ScanResult:
    settings = Settings(pytest=PytestConfig(rootdir=str(root)), xdist_group_policy="all")
    files, errors = discover([root / "tests"], settings, root)
    store = ResultCache(root / CACHE_DIR_NAME, settings) if cache else None
    return ScanResult.build(parallel.scan_files(files, settings, jobs=jobs, cache=store))


class Pools:
    """Counts the worker pools started."""

    def __init__(self, monkeypatch) -> None:
        self.started: list[int] = []
        real = parallel._start_pool

        def counting(workers, initializer, initargs):
            self.started.append(workers)
            return real(workers, initializer, initargs)

        monkeypatch.setattr(parallel, "_start_pool", counting)


@pytest.fixture()
def pools(monkeypatch) -> Pools:
    monkeypatch.setattr(parallel, "MIN_FILES_PER_JOB", 8)
    return Pools(monkeypatch)


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_the_result_does_not_depend_on_jobs(tmp_path, pools, cache):
    make_suite(tmp_path)
    one = scan(tmp_path, jobs=1, cache=cache)
    assert pools.started == []
    for jobs in (2, 3):
        if cache:  # start cold each time, so the workers do the scanning
            for entry in (tmp_path / CACHE_DIR_NAME).rglob("*.json"):
                entry.unlink()
        assert scan(tmp_path, jobs=jobs, cache=cache) == one
    assert pools.started == [2, 3]
    assert one.summary.files_scanned == 97  # of 122: 24 broken files and test_nul.py are not
    assert {f.name for f in one.findings} == {
        "env_var_pollution", "missing_teardown_method", "patch_without_context",
        "missing_xdist_group",
    }
    # pkg3's conftest collects garbage, which releases no mock kept on `self`.
    assert [f for f in one.findings if f.path.startswith("tests/pkg3/")
            and f.name == "missing_teardown_method"]
    assert len(one.errors) == 25


def test_workers_fill_the_cache_for_the_next_run(tmp_path, pools, monkeypatch):
    make_suite(tmp_path)
    cold = scan(tmp_path, jobs=2, cache=True)
    assert pools.started == [2]
    monkeypatch.setattr(parallel, "scan_data", lambda *a: pytest.fail("not from the cache"))
    assert scan(tmp_path, jobs=2, cache=True) == cold
    assert pools.started == [2]  # every file was a hit: no pool


def test_few_files_are_scanned_without_processes(tmp_path, monkeypatch):
    pools = Pools(monkeypatch)
    make_suite(tmp_path, count=20)
    scan(tmp_path, jobs=8)
    assert pools.started == []


def test_a_dead_worker_chunk_is_scanned_again_here(tmp_path, pools, monkeypatch):
    make_suite(tmp_path)
    expected = scan(tmp_path, jobs=1)

    parent, real = os.getpid(), parallel._Scanner.scan_chunk

    def die_in_workers(self, chunk):
        if os.getpid() != parent:
            os._exit(1)  # as if killed for lack of memory
        return real(self, chunk)

    monkeypatch.setattr(parallel._Scanner, "scan_chunk", die_in_workers)
    assert scan(tmp_path, jobs=2) == expected


def test_cli_output_is_identical_with_one_and_many_jobs(tmp_path, pools, monkeypatch, capsys):
    make_suite(tmp_path)
    monkeypatch.chdir(tmp_path)
    outputs = []
    for jobs in ("1", "2", "4"):
        for fmt in ("json", "text"):
            assert main(["check", "--no-cache", "-j", jobs, "--format", fmt]) == 2
            outputs.append(capsys.readouterr())
    assert len({o.out for o in outputs[0::2]}) == 1
    assert len({o.out for o in outputs[1::2]}) == 1
    assert len({o.err for o in outputs}) == 1
    assert json.loads(outputs[0].out)["summary"]["files_scanned"] == 97  # 25 unscannable
    assert pools.started == [2, 2, 4, 4]


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_bad_jobs_value_is_a_usage_error(value, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "-j", value])
    assert exit_info.value.code == 2


def test_default_jobs_is_the_cpus_available():
    assert 1 <= parallel.default_jobs()


# ----------------------------------------------------------------------------- progress
class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_for_many_files_on_a_terminal_in_text():
    assert wants_progress(500, FakeTTY(), "text")
    assert not wants_progress(150, FakeTTY(), "text")
    assert not wants_progress(500, FakeTTY(), "json")
    assert not wants_progress(500, io.StringIO(), "text")


def test_progress_counts_up_and_erases_itself(monkeypatch):
    stream = FakeTTY()
    with Progress(1200, stream) as progress:
        for _ in range(1200):
            progress.advance()
    text = stream.getvalue()
    assert "\r[   1/1200] scanning..." in text
    assert "\r[1200/1200] scanning..." in text
    assert text.endswith("\r" + " " * len("[1200/1200] scanning...") + "\r")


@pytest.mark.parametrize("fmt,tty,shown", [("text", True, True), ("json", True, False),
                                           ("text", False, False)])
def test_cli_progress(tmp_path, monkeypatch, capsys, fmt, tty, shown):
    make_suite(tmp_path, count=205)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    main(["check", "--no-cache", "-j", "1", "--format", fmt])
    err = capsys.readouterr().err
    assert ("scanning..." in err) is shown
    if shown:
        assert "[207/207] scanning..." in err


@pytest.mark.parametrize("tty", [True, False])
def test_fix_progress_like_check(tmp_path, monkeypatch, capsys, tty):
    make_suite(tmp_path, count=205)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    main(["check", "--no-cache", "-j", "1", "--diff"])
    err = capsys.readouterr().err
    assert ("[207/207] fixing..." in err) is tty


# ----------------------------------------------------------------------------- fixing
@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_libcst_parses_only_what_a_fix_rewrites(tmp_path, monkeypatch, capsys, cache):
    """``--diff`` scans every file as ``check`` does, but LibCST parses only the functions a
    fix rewrites; the output is the same whatever ``--jobs`` is."""
    import libcst

    make_suite(tmp_path, count=60)
    monkeypatch.chdir(tmp_path)
    parsed: list[str] = []
    real = libcst.parse_module

    def counting(code, *args, **kwargs):
        parsed.append(code)
        return real(code, *args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", counting)
    outputs = []
    options = [] if cache else ["--no-cache"]
    for jobs in ("1", "2", "1"):
        main(["check", *options, "-j", jobs, "--diff", "--select", "env_var_pollution"])
        outputs.append(capsys.readouterr())
        if jobs == "1":
            env_files = {f"tests/pkg{i % 7}/test_{i:03}.py" for i in range(0, 60, len(KINDS))}
            assert len(parsed) == len(env_files)
            assert all(code.startswith("def test_env():\n    os.environ[") for code in parsed)
            parsed.clear()
    assert outputs[0].out == outputs[1].out == outputs[2].out
    assert outputs[0].out.count("+++ b/") == len(env_files)


# ----------------------------------------------------------------------------- fast walks
MARKERS = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
SOURCES = sorted(Path(isolint.__file__).parent.rglob("*.py")) + sorted(
    (Path(__file__).parent / "rules" / "cases").glob("*.py")
)


@pytest.mark.parametrize("path", SOURCES[:: max(1, len(SOURCES) // 25)], ids=lambda p: p.name)
def test_fast_walks_match_ast_without_marker_nodes(path):
    """The engine's walk and ``context.walk`` / ``iter_children`` see every node that
    ``ast`` does, in the same order, except the childless ``Load()``/``Add()`` markers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert list(context.walk(tree)) == [n for n in ast.walk(tree) if not isinstance(n, MARKERS)]
    for node in ast.walk(tree):
        assert list(context.iter_children(node)) == [
            n for n in ast.iter_child_nodes(node) if not isinstance(n, MARKERS)
        ]


def test_type_alias_names_are_children():
    if sys.version_info < (3, 12):
        pytest.skip("`type X = ...` is Python 3.12+")
    tree = ast.parse("type X = list[int]\n")
    assert [type(n).__name__ for n in context.walk(tree)][:4] == ["Module", "TypeAlias", "Name",
                                                                 "Subscript"]


def test_chunks_not_handed_out_before_a_worker_died_are_scanned_here(monkeypatch):
    # A worker that dies while chunks are still being submitted breaks the pool: `submit`
    # itself raises then. The chunks it never took are done in this process, none lost.
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    class BreaksAfterOne:
        def __init__(self):
            self.sent = 0

        def submit(self, fn, chunk):
            if self.sent:
                raise BrokenProcessPool("a child process terminated abruptly")
            self.sent += 1
            future = Future()
            future.set_result(fn(chunk))
            return future

        def shutdown(self, wait=True, cancel_futures=False):
            pass

    monkeypatch.setattr(parallel, "_start_pool", lambda *a: BreaksAfterOne())
    chunks = [[1, 2], [3], [4, 5, 6]]
    done = parallel.run_chunks(chunks, lambda c: [("here", x) for x in c], 2, None, (),
                               lambda c: [("worker", x) for x in c])
    assert sorted(done) == [("here", 3), ("here", 4), ("here", 5), ("here", 6),
                            ("worker", 1), ("worker", 2)]
