"""Hostile input (issue 16): crafted names, commit messages, special files, races, huge and deep
input. One test (or more) per item of the issue, numbered as there; each failed before its fix.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from isolint import atomic
from isolint.cli import main
from isolint.escaping import line, md_code, md_message, shell

ENV_LEAK = 'import os\n\n\ndef test_a():\n    os.environ["A"] = "1"\n'
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
as_root = os.geteuid() == 0


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-C", str(repo), *args], env=env, input=stdin, check=True,
                          capture_output=True).stdout


def commit_tree(repo: Path, files: dict[str, bytes], message: str) -> None:
    """A commit whose tree holds exactly ``files``, names taken as they are (any byte)."""
    if not (repo / ".git").exists():
        git(repo, "init", "-q", "-b", "main")
    records = []
    for name, data in files.items():
        blob = git(repo, "hash-object", "-w", "--stdin", stdin=data).decode().strip()
        records.append(f"100644 blob {blob}\t{name}".encode() + b"\x00")
    tree = git(repo, "mktree", "-z", stdin=b"".join(records)).decode().strip()
    sha = git(repo, "commit-tree", tree, "-m", message).decode().strip()
    git(repo, "update-ref", "refs/heads/main", sha)


# ------------------------------------------------------------------------------ 1. trend's git
@needs_git
def test_01_trend_revision_range_is_never_a_git_option(project, capsys):
    commit_tree(project, {"test_a.py": ENV_LEAK.encode()}, "one")
    victim = project / "victim.txt"
    victim.write_text("precious\n")
    assert main(["trend", "--", f"--output={victim}"]) == 2
    assert victim.read_text() == "precious\n"
    assert "not a revision range" in capsys.readouterr().err
    assert main(["trend", "main"]) == 0  # an ordinary revision still works


# ------------------------------------------------------------------------------ 2. shell commands
def test_02_verification_commands_quote_file_names(project, capsys):
    evil = project / "tests" / "test_$(touch PWNED) x.py"
    evil.write_text(ENV_LEAK)
    assert main(["report", "--no-cache", "tests"]) == 0
    report = capsys.readouterr().out
    command = next(l for l in report.splitlines() if l.startswith("isolint check --select ISO003"))
    assert command.endswith("'tests/test_$(touch PWNED) x.py'")
    subprocess.run(["bash", "-c", "set -f; printf '%s\\n' " + command.split(" ", 4)[4]],
                   cwd=project, check=True, capture_output=True)
    assert not (project / "PWNED").exists()
    assert shell("a\nb") == "$'a\\nb'"


# ------------------------------------------------------------------------------ 3. Markdown
#: A CommonMark code span: a run of backticks, content, the same run (HTML is literal inside).
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.*?)(?<!`)\1(?!`)")
FENCED = re.compile(r"^```\w*\n.*?^```$", re.S | re.M)


def test_03_markdown_escapes_names_source_text_and_commit_subjects(project, capsys):
    (project / "tests" / "test_tick`<script>alert(1)<|x.py").write_text(ENV_LEAK)
    (project / "tests" / "test_img.py").write_text(
        'import os\n\n\ndef test_a():\n    os.environ["`<img src=x onerror=alert(1)>`"] = "1"\n')
    assert main(["report", "--no-cache", "tests"]) == 0
    report = capsys.readouterr().out
    outside_code = CODE_SPAN.sub("", FENCED.sub("", report))
    assert "<script>" not in outside_code and "<img" not in outside_code
    assert "- ``test_tick`<script>alert(1)<|x.py``:" in report  # code span, longer fence
    assert "| ``tests/test_tick`<script>alert(1)<\\|x.py:5:5`` |" in report  # in a table
    rows = [l for l in report.splitlines() if l.startswith("| ") and "ISO003" in l and ".py:" in l]
    assert rows and all(l.replace("\\|", "").count("|") == 7 for l in rows)  # 6 columns each
    assert md_code("a\nb") == "`a\\nb`"
    assert "&lt;img" in md_message('`os.environ["`<img>`"]` changes')


@needs_git
def test_03_trend_markdown_escapes_commit_subjects(project, capsys):
    commit_tree(project, {"test_a.py": ENV_LEAK.encode()}, "<script>alert(1)</script> | x")
    assert main(["trend", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "<script>" not in out and "&lt;script&gt;" in out and "\\| x" in out


# ------------------------------------------------------------------------------ 4. log lines
def test_04_newlines_in_names_cannot_start_workflow_commands(project, capsys):
    (project / "tests" / "test_nl\n::add-mask::x.py").write_text(ENV_LEAK)
    (project / "tests" / "test_nl\n::error::SYNERR.py").write_text("def test(:\n")
    for fmt in ("text", "github", "json", "sarif"):
        main(["check", "--no-cache", "--format", fmt, "tests"])
        out, err = capsys.readouterr()
        for text in (out, err):
            assert not any(l.startswith("::add-mask::") or l.startswith("::error::SYN")
                           for l in text.splitlines()), (fmt, text)
    assert line("a\nb%") == "a%0Ab%25" and line("100%") == "100%"


def test_04_a_path_starting_with_colons_is_not_a_command(project, capsys):
    (project / "::warning::test_x.py").write_text(ENV_LEAK)
    main(["check", "--no-cache", "::warning::test_x.py"])
    assert capsys.readouterr().out.startswith("./::warning::test_x.py:5:5:")


# ------------------------------------------------------------------------------ 5. output files
def test_05_output_symlink_is_written_through(project, capsys):
    (project / "tests" / "test_a.py").write_text(ENV_LEAK)
    (project / "real.txt").write_text("")
    (project / "link.txt").symlink_to("real.txt")
    main(["check", "--no-cache", "tests", "-o", "link.txt"])
    assert (project / "link.txt").is_symlink()
    assert "ISO003" in (project / "real.txt").read_text()


def test_05_output_symlink_outside_the_tree_is_refused(project, tmp_path_factory, capsys):
    outside = tmp_path_factory.mktemp("elsewhere") / "victim"
    outside.write_text("precious")
    (project / "link.txt").symlink_to(outside)
    for argv in (["check", "--no-cache", "tests", "-o", "link.txt"],
                 ["report", "--no-cache", "tests", "-o", "link.txt"],
                 ["baseline", "link.txt", "tests", "--no-cache"]):
        assert main(argv) == 2
        assert "symbolic link" in capsys.readouterr().err
    assert outside.read_text() == "precious" and (project / "link.txt").is_symlink()


def test_05_output_fifo_and_devices_are_streamed(project, capsys):
    (project / "tests" / "test_a.py").write_text(ENV_LEAK)
    fifo = project / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    main(["check", "--no-cache", "tests", "-o", str(fifo)])
    reader.join(10)
    assert b"ISO003" in got[0] and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    main(["check", "--no-cache", "tests", "-o", "-"])
    assert "ISO003" in capsys.readouterr().out


def test_05_output_character_device_is_streamed_not_replaced(project, capsys):
    # A private twin of /dev/null: without the fix, the real one would be replaced by a file.
    null = project / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        with open(null, "wb") as handle:
            handle.write(b"x")
    except OSError as exc:
        pytest.skip(f"cannot make a character device here: {exc}")
    (project / "tests" / "test_a.py").write_text(ENV_LEAK)
    before = os.stat(null)
    main(["check", "--no-cache", "tests", "-o", str(null)])
    after = os.stat(null)
    assert (after.st_ino, stat.S_ISCHR(after.st_mode)) == (before.st_ino, True)


def test_05_output_to_a_directory_is_refused(project, capsys):
    (project / "out").mkdir()
    assert main(["check", "--no-cache", "tests", "-o", "out"]) == 2
    assert (project / "out").is_dir()


# ------------------------------------------------------------------------------ 6. --fix targets
def test_06_fix_skips_a_symlink_to_outside_the_scanned_paths(project, tmp_path_factory, capsys):
    outside = tmp_path_factory.mktemp("elsewhere") / "test_victim.py"
    outside.write_text(ENV_LEAK)
    (project / "tests" / "test_link.py").symlink_to(outside)
    assert main(["check", "--fix", "--select", "ISO003", "tests"]) == 2
    assert outside.read_text() == ENV_LEAK
    assert "outside the scanned paths" in capsys.readouterr().err


@pytest.mark.skipif(as_root, reason="root may write any file (verified by hand as nobody)")
def test_06_fix_refuses_a_file_the_user_cannot_write(project, capsys):
    path = project / "tests" / "test_ro.py"
    path.write_text(ENV_LEAK)
    path.chmod(0o444)
    assert main(["check", "--fix", "--select", "ISO003", "tests"]) == 2
    assert path.read_text() == ENV_LEAK
    assert "no permission" in capsys.readouterr().err


def test_06_fix_keeps_a_read_only_mode(project):
    path = project / "tests" / "test_ro.py"
    path.write_text(ENV_LEAK)
    path.chmod(0o444)
    main(["check", "--fix", "--select", "ISO003", "tests"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    if as_root:
        assert "monkeypatch" in path.read_text()


# ------------------------------------------------------------------------------ 7. owner, links, endings
@pytest.mark.skipif(not as_root, reason="giving a file to another user needs root")
def test_07_fix_keeps_owner_and_group(project):
    path = project / "tests" / "test_owned.py"
    path.write_text(ENV_LEAK)
    os.chown(path, 65534, 65534)
    assert main(["check", "--fix", "--select", "ISO003", "tests"]) == 0
    assert "monkeypatch" in path.read_text()
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)


def test_07_fix_keeps_hard_links(project):
    path = project / "tests" / "test_linked.py"
    path.write_text(ENV_LEAK)
    other = project / "linked_copy.py"
    os.link(path, other)
    assert main(["check", "--fix", "--select", "ISO003", "tests"]) == 0
    assert "monkeypatch" in other.read_text()
    assert path.stat().st_ino == other.stat().st_ino


@pytest.mark.parametrize("data", [
    b'import os\rX = os.sep\r\rdef test_a():\r    os.environ["A"] = "1"\r',
    b'import os\nX = os.sep\n\ndef test_a():\r\n    os.environ["A"] = "1"\r',
    b'import os\r\nX = os.sep\r\n\r\ndef test_a():\n    os.environ["A"] = "1"\r\n',
])
def test_07_fix_keeps_the_exact_line_endings(project, data):
    path = project / "tests" / "test_endings.py"
    path.write_bytes(data)
    assert main(["check", "--fix", "--select", "ISO003", "tests"]) == 0
    expected = data.replace(b"def test_a():", b"def test_a(monkeypatch):").replace(
        b'os.environ["A"] = "1"', b'monkeypatch.setenv("A", "1")')
    assert path.read_bytes() == expected


# ------------------------------------------------------------------------------ 8. the race
def test_08_an_edit_just_before_the_rename_is_kept_and_reported(project, monkeypatch, capsys):
    path = project / "tests" / "test_race.py"
    path.write_text(ENV_LEAK)
    real_replace = atomic.os.replace

    def edit_then_replace(src, dst):
        with open(dst, "a") as handle:  # an editor saving in place, in the last moment
            handle.write("# edited meanwhile\n")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", edit_then_replace)
    assert main(["check", "--fix", "--select", "ISO003", "tests"]) == 2
    out, err = capsys.readouterr()
    assert path.read_text() == ENV_LEAK + "# edited meanwhile\n"
    assert "changed on disk" in err and "Fixed 0 findings" in out


def test_08_an_edit_before_the_last_check_is_kept(project, monkeypatch, capsys):
    path = project / "tests" / "test_race.py"
    path.write_text(ENV_LEAK)
    real_fsync = atomic.os.fsync

    def edit_then_fsync(fd):
        real_fsync(fd)
        with open(path, "a") as handle:
            handle.write("# edited meanwhile\n")

    monkeypatch.setattr(atomic.os, "fsync", edit_then_fsync)
    assert main(["check", "--fix", "--select", "ISO003", "tests"]) == 2
    assert path.read_text() == ENV_LEAK + "# edited meanwhile\n"
    assert not [p for p in (project / "tests").iterdir() if p.name.endswith(atomic.TMP_SUFFIX)]


# ------------------------------------------------------------------------------ 14. trend trees
@needs_git
def test_14_trend_reads_names_with_newlines_and_skips_impossible_ones(project, capsys):
    commit_tree(project, {"test_nl\nx.py": ENV_LEAK.encode(), "..": b"x",
                          "test_z.py": ENV_LEAK.encode()}, "hostile tree")
    assert main(["trend", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    point = json.loads(out)["commits"][0]
    assert (point["files_scanned"], point["total"]) == (2, 2)
    assert "skipped the tree entry '..'" in err


# ------------------------------------------------------------------------------ 9. no blocking reads
def run_bounded(argv: list[str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """``isolint ARGV`` in a subprocess that must end within ``timeout`` (a hang fails)."""
    import sys

    return subprocess.run([sys.executable, "-m", "isolint", *argv], cwd=cwd, timeout=timeout,
                          capture_output=True, text=True)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_09_a_fifo_replacing_a_scanned_file_does_not_block(project, monkeypatch, jobs):
    from isolint import discovery, orchestration

    for index in range(60):  # enough files for -j 2 to start workers
        (project / "tests" / f"test_{index:02}.py").write_text(ENV_LEAK)
    real_discover = discovery.discover

    def discover_then_swap(*args, **kwargs):  # the file becomes a FIFO after the walk saw it
        found = real_discover(*args, **kwargs)
        target = project / "tests" / "test_00.py"
        target.unlink()
        os.mkfifo(target)
        return found

    monkeypatch.setattr(orchestration, "discover", discover_then_swap)
    done: list[int] = []
    worker = threading.Thread(
        target=lambda: done.append(main(["check", "--no-cache", "-j", jobs, "tests"])), daemon=True)
    worker.start()
    worker.join(60)
    assert done == [2], "the scan blocked on a FIFO"


def test_09_a_fifo_in_the_cache_does_not_block(project):
    (project / "tests" / "test_a.py").write_text(ENV_LEAK)
    assert run_bounded(["check", "tests"], project).returncode == 1  # fills the cache
    packs = next((project / ".isolint_cache").glob("*/packs"))
    os.mkfifo(packs / "0000.json")
    done = run_bounded(["check", "tests"], project, timeout=30)
    assert done.returncode == 1 and "ISO003" in done.stdout


def test_09_a_fifo_named_on_the_command_line_is_an_error(project, capsys):
    os.mkfifo(project / "tests" / "test_pipe.py")
    assert main(["check", "--no-cache", "tests/test_pipe.py"]) == 2


# ------------------------------------------------------------------------------ 11. recursion
def test_11_a_long_attribute_chain_is_no_traceback_and_the_scan_goes_on(project, capsys):
    (project / "tests" / "test_deep.py").write_text(
        "import os\n\n\ndef test_a():\n    x = os" + ".a" * 1000 + "\n")
    (project / "tests" / "test_good.py").write_text(ENV_LEAK)
    assert main(["check", "--no-cache", "tests"]) == 2
    out, err = capsys.readouterr()
    assert "tests/test_good.py:5:5: ISO003" in out and "test_deep.py: error:" in err


def test_11_name_resolution_is_iterative():
    import ast

    from isolint.analysis.names import ImportTable

    node = ast.parse("import os\nos" + ".a" * 1500, "<x>").body[1].value
    assert ImportTable(ast.parse("import os")).resolve(node) == "os" + ".a" * 1500


# ------------------------------------------------------------------------------ 12. malformed input
HOSTILE_JSON = [
    '{"tool": "isolint", "version": 1, "findings": [{"fingerprint": "x", "line": 1e400}]}',
    '{"tool": "isolint", "version": 1, "findings": [{"fingerprint": "x", "line": %s}]}' % ("9" * 5000),
    "[" * 100_000 + "]" * 100_000,
    '{"tool": "isolint", "version": 1, "findings": [{"fingerprint": "x", "line": NaN}]}',
    '{"isolint_runtime_report": 1e400, "records": []}',
]


@pytest.mark.parametrize("option", ["--baseline", "--runtime-report"])
@pytest.mark.parametrize("text", HOSTILE_JSON, ids=["1e400", "5000-digits", "nested", "nan", "version"])
def test_12_malformed_json_input_is_exit_2_with_a_message(project, capsys, option, text):
    (project / "tests" / "test_a.py").write_text(ENV_LEAK)
    (project / "bad.json").write_text(text)
    assert main(["check", "--no-cache", "tests", option, "bad.json"]) == 2
    assert f"isolint: error: {option}: " in capsys.readouterr().err


def test_12_deeply_nested_pyproject_is_exit_2_with_a_message(project, capsys):
    (project / "pyproject.toml").write_text("[tool.isolint]\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    assert main(["check", "--no-cache", "tests"]) == 2
    assert "invalid TOML" in capsys.readouterr().err


@pytest.mark.parametrize("entry", [
    {"path": 5, "findings": [], "errors": []},
    {"path": "tests/test_a.py", "findings": [{"path": ["x"], "line": 1, "col": 1, "rule": "ISO003",
                                              "name": "n", "severity": "HIGH", "message": "m"}],
     "errors": []},
    {"path": "tests/test_a.py", "findings": [{"path": "tests/test_a.py", "line": "1", "col": 1,
                                              "rule": "ISO003", "name": "n", "severity": "HIGH",
                                              "message": {"x": 1}}], "errors": []},
    {"path": "tests/test_a.py", "findings": [], "errors": [{"path": None, "message": 1}]},
    "[" * 50_000 + "]" * 50_000,
])
@pytest.mark.parametrize("fmt", ["github", "sarif", "text"])
def test_12_a_bad_cache_entry_is_a_miss(project, capsys, entry, fmt):
    (project / "tests" / "test_a.py").write_text(ENV_LEAK)
    assert main(["check", "tests"]) == 1
    capsys.readouterr()
    packs = next((project / ".isolint_cache").glob("*/packs"))
    for pack in packs.iterdir():
        document = json.loads(pack.read_text())
        if isinstance(entry, str):
            pack.write_text(entry)
            continue
        document["entries"] = {key: entry for key in document["entries"]}
        pack.write_text(json.dumps(document))
    assert main(["check", "--format", fmt, "tests"]) == 1
    assert "ISO003" in capsys.readouterr().out
    assert main(["report", "tests"]) == 0


# ------------------------------------------------------------------------------ 15. the walk
def test_15_broken_links_and_fifos_in_a_walk_are_errors_counted_apart(project, capsys):
    (project / "tests" / "test_good.py").write_text("def test_ok():\n    pass\n")
    (project / "tests" / "test_gone.py").symlink_to(project / "nowhere.py")
    os.mkfifo(project / "tests" / "test_pipe.py")
    assert main(["check", "--no-cache", "tests"]) == 2
    out, err = capsys.readouterr()
    assert "tests/test_gone.py: error: broken symbolic link" in err
    assert "tests/test_pipe.py: error: not a regular file (a FIFO)" in err
    assert out.endswith("No findings in 1 file. 2 files could not be scanned.\n")
    main(["check", "--no-cache", "--format", "json", "tests"])
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert (summary["files_scanned"], summary["errors"]) == (1, 2)


# ------------------------------------------------------------------------------ 10. linear time
def lines_to_scan(source: str) -> int:
    """Python lines executed while scanning ``source`` (loop iterations included): a count,
    not a time (benchmarks/linear_time.py measures the time)."""
    import sys

    from isolint.engine import scan_source

    scan_source(source, "test_gen.py")  # imports and first-use caches, not counted
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        count += 1
        return trace

    sys.settrace(trace)
    try:
        scan_source(source, "test_gen.py")
    finally:
        sys.settrace(None)
    return count


def classes_module(count: int) -> str:
    """``count`` small test classes (per-class questions answered from the whole module were
    quadratic in the classes)."""
    return "import os\n\n" + "".join(
        f"class TestC{i}:\n    def test_a(self):\n        os.environ['K{i}'] = '1'\n\n\n"
        for i in range(count))


@pytest.mark.parametrize("shape", ["functions", "one-function", "classes"])
def test_10_work_grows_linearly_with_the_state_changes_in_a_file(shape):
    import importlib.util

    if shape == "classes":
        small, large = lines_to_scan(classes_module(100)), lines_to_scan(classes_module(400))
    else:
        spec = importlib.util.spec_from_file_location(
            "linear_time", Path(__file__).parent.parent / "benchmarks" / "linear_time.py")
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        make = bench.SHAPES[shape]
        small, large = lines_to_scan(make(400)), lines_to_scan(make(1600))
    # 4 times the input: 4 times the lines run (quadratic work gives up to 16)
    assert large / small < 4 * 1.15, (small, large)


# ------------------------------------------------------------------------------ 13. the plugin
HOSTILE_TESTS = '''
import json
import os
import sys
from unittest import mock


def test_patch_dumps():
    mock.patch("json.dumps", return_value="{}").start()


def test_patch_encoder():
    mock.patch("json.JSONEncoder").start()


def test_dumps_none():
    json.dumps = None


def test_getcwd_patched():
    mock.patch("os.getcwd", return_value=123).start()


def test_sys_path_none():
    sys.path = None


def test_ok():
    assert True
'''


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["serial", "xdist"])
@pytest.mark.parametrize("suite", ["hostile", "interrupt"])
def test_13_the_plugin_never_changes_the_outcome_and_its_report_parses(pytester, xdist, suite):
    source = HOSTILE_TESTS if suite == "hostile" else (
        "def test_a():\n    pass\n\n\ndef test_stop():\n    raise KeyboardInterrupt\n\n\n"
        "def test_b():\n    pass\n")
    pytester.makepyfile(test_hostile_suite=source)
    off = pytester.runpytest_subprocess("-p", "no:cacheprovider", *xdist)
    on = pytester.runpytest_subprocess("-p", "no:cacheprovider", *xdist, "--isolint",
                                       "--isolint-report", "isolint.json")
    assert on.ret == off.ret
    assert "INTERNALERROR" not in on.stdout.str() + on.stderr.str()
    assert off.parseoutcomes() == on.parseoutcomes()
    if suite == "hostile" or not xdist:
        report = json.loads((pytester.path / "isolint.json").read_text())
        assert report["isolint_runtime_report"] == 1
