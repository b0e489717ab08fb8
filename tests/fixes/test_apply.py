"""``isolint check --fix / --unsafe-fixes / --diff``: writing, safety nets, output, exit codes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from isolint.atomic import TMP_SUFFIX
from isolint.cli import main
from isolint.config import Settings
from isolint.fixes import apply as apply_module
from isolint.fixes.apply import fix_source
from isolint.commands.fix import summary_line
from isolint.fixes.xdist import group_name

ENV_TEST = 'import os\n\n\ndef test_env():\n    os.environ["A"] = "1"  # why\n'
ENV_FIXED = 'import os\n\n\ndef test_env(monkeypatch):\n    monkeypatch.setenv("A", "1")  # why\n'
#: ENV_TEST fixed: nothing uses ``os`` any more, so its import goes.
ENV_FIXED_ALONE = 'def test_env(monkeypatch):\n    monkeypatch.setenv("A", "1")  # why\n'
PATCH_TEST = (
    "from unittest.mock import patch\n\n\ndef test_p():\n"
    "    p = patch('app.f')\n    p.start()\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(project: Path, name: str, text: str) -> Path:
    path = project / "tests" / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def run(*args: str) -> int:
    return main(["check", "tests", *args])


def test_fix_rewrites_and_reports_the_rest(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(project, "test_env.py", ENV_TEST + "\n\nos.environ['B'] = '2'\n")
    code = run("--fix", "--select", "env_var_pollution")
    out = capsys.readouterr().out
    assert path.read_text(encoding="utf-8").startswith(ENV_FIXED)
    assert "Fixed 1 finding in 1 file (1 remaining)." in out
    assert "tests/test_env.py:8:1: ISO003" in out
    assert code == 1
    assert run("--fix", "--select", "env_var_pollution") == 1
    assert "Fixed 0 findings in 0 files (1 remaining)." in capsys.readouterr().out


def test_diff_writes_nothing_and_exits_1(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(project, "test_env.py", ENV_TEST)
    assert run("--diff", "--select", "env_var_pollution") == 1
    captured = capsys.readouterr()
    assert path.read_text(encoding="utf-8") == ENV_TEST
    assert "--- a/tests/test_env.py\n+++ b/tests/test_env.py\n" in captured.out
    assert '+    monkeypatch.setenv("A", "1")  # why\n' in captured.out
    assert "Would fix 1 finding in 1 file (0 remaining)." in captured.err
    path.write_text(ENV_FIXED, encoding="utf-8")
    assert run("--diff", "--select", "env_var_pollution") == 0


def test_unsafe_fixes_only_when_asked(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(project, "test_p.py", PATCH_TEST)
    run("--fix", "--select", "patch_without_context")
    assert path.read_text(encoding="utf-8") == PATCH_TEST
    run("--fix", "--unsafe-fixes", "--select", "patch_without_context")
    assert "request.addfinalizer(p.stop)" in path.read_text(encoding="utf-8")
    assert run("--unsafe-fixes") == 2
    assert "--unsafe-fixes needs --fix or --diff" in capsys.readouterr().err


def test_unparsable_file_is_reported_and_never_written(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = write(project, "test_broken.py", "def test(:\n")
    good = write(project, "test_env.py", ENV_TEST)
    assert run("--fix", "--select", "env_var_pollution") == 2
    assert broken.read_text(encoding="utf-8") == "def test(:\n"
    assert good.read_text(encoding="utf-8") == ENV_FIXED_ALONE
    assert "tests/test_broken.py: error: syntax error" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["crash", "syntax", "comment", "noop"])
def test_a_failing_fix_leaves_the_file_untouched(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    from isolint.fixes.environment import EnvFixer

    def broken_fix(self, request):
        if bad == "crash":
            raise RuntimeError("boom")
        if bad == "syntax":
            return request.source + "def (:\n"
        if bad == "comment":
            return request.source.replace("  # why", "")
        return request.source + "\n"  # changes the text but fixes nothing

    monkeypatch.setattr(EnvFixer, "fix", broken_fix)
    path = write(project, "test_env.py", ENV_TEST)
    bug = bad in ("crash", "syntax")  # a fixer bug is an error (exit 2); a refused fix is not
    assert run("--fix", "--select", "env_var_pollution") == (2 if bug else 1)
    err = capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == ENV_TEST
    why = {"crash": "the fixer failed: RuntimeError: boom", "syntax": "the fixed code does not parse",
           "comment": "the fix would lose the comment '# why'", "noop": "the fix did not remove the finding"}
    assert f"tests/test_env.py:5:5: ISO003 not fixed: {why[bad]}" in err
    assert ("tests/test_env.py: error: a fix failed" in err) == bug
    assert list(path.parent.iterdir()) == [path]


def test_fix_adding_findings_is_refused() -> None:
    source = "import os\n\n\nclass TestA:\n    def test_a(self):\n        os.environ['A'] = '1'\n"
    fixed, result, count = fix_source(source, "tests/test_a.py", Settings(xdist_group_policy="all"))
    assert count == 2 and not result.findings
    assert "@pytest.mark.xdist_group(name=\"a\")" in fixed


def test_write_keeps_mode_encoding_bom_newlines_and_symlinks(project: Path) -> None:
    latin = write(project, "test_latin.py", "")
    latin.write_bytes(b"# -*- coding: latin-1 -*-\r\nimport os\r\n\r\n\r\ndef test_e():\r\n"
                      b"    os.environ['\xe9'] = '1'\r\n")
    latin.chmod(0o640)
    bom = write(project, "real_bom.py", "")
    bom.write_bytes(b"\xef\xbb\xbfimport os\n\n\ndef test_e():\n    os.environ['A'] = '1'\n")
    link = project / "tests" / "test_link.py"
    link.symlink_to("real_bom.py")
    assert run("--fix", "--select", "env_var_pollution") == 0
    data = latin.read_bytes()
    assert b"monkeypatch.setenv('\xe9', '1')\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert stat.S_IMODE(latin.stat().st_mode) == 0o640
    assert link.is_symlink()
    assert bom.read_bytes().startswith(b"\xef\xbb\xbfdef test_e(monkeypatch):\n")
    assert b"monkeypatch.setenv" in bom.read_bytes()
    leftovers = [p.name for p in (project / "tests").iterdir() if p.name.endswith(TMP_SUFFIX)]
    assert not leftovers


def test_file_changed_on_disk_is_not_overwritten(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = write(project, "test_env.py", ENV_TEST)
    real_fix_source = apply_module.fix_source

    def racing(*args, **kwargs):
        out = real_fix_source(*args, **kwargs)
        path.write_text(ENV_TEST + "# edited meanwhile\n", encoding="utf-8")
        return out

    monkeypatch.setattr(apply_module, "fix_source", racing)
    assert run("--fix", "--select", "env_var_pollution") == 2
    assert path.read_text(encoding="utf-8").endswith("# edited meanwhile\n")
    assert "changed on disk" in capsys.readouterr().err


def test_group_name_template(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(project, "test_orders.py", "class TestOrders:\n    def test_a(self):\n        pass\n")
    run("--fix", "--select", "missing_xdist_group", "--xdist-group-name", "{dir}-{stem}",
        "--xdist-group-policy", "all")
    assert '@pytest.mark.xdist_group(name="tests-orders")' in path.read_text(encoding="utf-8")
    assert run("--fix", "--xdist-group-name", "{nope}") == 2
    assert "--xdist-group-name" in capsys.readouterr().err


def test_group_name_from_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\n\n[tool.isolint]\nxdist-group-name = "{module}"\n'
        'xdist-group-policy = "all"\n', encoding="utf-8")
    path = write(project, "test_orders.py", "class TestOrders:\n    def test_a(self):\n        pass\n")
    run("--fix", "--select", "missing_xdist_group")
    assert 'xdist_group(name="tests.test_orders")' in path.read_text(encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.isolint]\nxdist-group-name = "{class}"\n', encoding="utf-8")
    assert run("--fix") == 2
    assert "xdist-group-name" in capsys.readouterr().err


@pytest.mark.parametrize(("path", "template", "name"), [
    ("tests/api/test_api_versioning.py", "{stem}", "api_versioning"),
    ("tests/api/orders_test.py", "{stem}", "orders"),
    ("tests/api/test_api_versioning.py", "{dir}_{stem}", "api_api_versioning"),
    ("tests/api/test_x.py", "{module}.{cls}", "tests.api.test_x.TestX"),
    ("test_.py", "{stem}", "test_"),
])
def test_group_name(path: str, template: str, name: str) -> None:
    assert group_name(template, path, "TestX") == name


def test_summary_line() -> None:
    assert summary_line(1, 0, 1, dry_run=False) == "Fixed 1 finding in 1 file (0 remaining)."
    assert summary_line(3, 2, 2, dry_run=True) == "Would fix 3 findings in 2 files (2 remaining)."


def test_plain_check_does_not_import_libcst(project: Path) -> None:
    write(project, "test_env.py", ENV_TEST)
    code = (
        "import sys\nfrom isolint.cli import main\n"
        "main(['check', 'tests', '--exit-zero'])\n"
        "assert 'libcst' not in sys.modules, 'libcst imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=project,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr


def test_one_failing_fix_costs_no_other(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three findings; the fix of the second one breaks the code: the other two are fixed, the
    second stays with the reason, and the fixer bug is an error of the file."""
    from isolint.fixes.environment import EnvFixer

    real_fix = EnvFixer.fix

    def fix_breaking_b(self, request):
        new = real_fix(self, request)
        if any('"B"' in f.snippet for f in request.findings):
            new = new.replace('monkeypatch.setenv("B", "2")', 'monkeypatch.setenv("B", "2"')
        return new

    monkeypatch.setattr(EnvFixer, "fix", fix_breaking_b)
    source = ('import os\n\n\ndef test_a():\n    os.environ["A"] = "1"\n\n\n'
              'def test_b():\n    os.environ["B"] = "2"\n\n\n'
              'def test_c():\n    os.environ["C"] = "3"\n')
    fixed, result, count = fix_source(source, "tests/test_a.py", Settings(select=("env_var_pollution",)))
    assert count == 2
    assert 'def test_a(monkeypatch):\n    monkeypatch.setenv("A", "1")' in fixed
    assert 'def test_b():\n    os.environ["B"] = "2"' in fixed
    assert 'def test_c(monkeypatch):\n    monkeypatch.setenv("C", "3")' in fixed
    [left] = result.findings
    assert left.line == 9 and left.unfixed.startswith("the fixed code does not parse")
    assert [e.message for e in result.errors] == [
        f"a fix failed, the other fixes were kept: ISO003 at line 9: {left.unfixed}"]


def test_unfixed_reasons_reach_json_and_diff(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    write(project, "test_env.py", 'import os\n\n\ndef helper():\n    os.environ["A"] = "1"\n')
    assert run("--fix", "--format", "json", "--select", "env_var_pollution") == 1
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert finding["unfixed"] == "in `helper`, which is not a test or fixture pytest passes fixtures to"
    assert run("--diff", "--select", "env_var_pollution") == 0
    assert ("tests/test_env.py:5:5: ISO003 not fixed: in `helper`, which is not a test or fixture"
            in capsys.readouterr().err)


@pytest.mark.parametrize("template", ["{stem.__class__.__name__}", "{stem[0]}", "{cls!r}", "{dir:>9}", "{}"])
def test_group_name_template_takes_only_its_fields(template: str) -> None:
    from isolint.config import group_name_template_problem

    assert "is not one of {stem}, {dir}, {module}, {cls}" in group_name_template_problem(template)
    with pytest.raises(ValueError):
        group_name(template, "tests/test_a.py", "TestA")


def test_group_name_is_an_escaped_string() -> None:
    source = "class TestA:\n    def test_a(self):\n        pass\n"
    settings = Settings(select=("missing_xdist_group",), xdist_group_policy="all")
    from isolint.fixes.base import FixOptions

    fixed, _, _ = fix_source(source, 'tests/a"b\\c/test_x.py', settings,
                             options=FixOptions(xdist_group_name='{dir}"\n'))
    assert '@pytest.mark.xdist_group(name=\'a"b\\\\c"\\n\')\n' in fixed


@pytest.mark.parametrize("mode", ["load", "worksteal"])
def test_xdist_group_fix_is_not_offered_where_the_marker_would_be_inert(mode: str) -> None:
    """Under `--dist load` the marker would only trade missing_xdist_group for
    inert_xdist_group: no fix (and so no failed verification that drops the file's other fixes);
    the environment fix of the same file still applies."""
    from isolint.config import PytestConfig

    source = (
        "import os\n\n\nclass TestA:\n    @classmethod\n    def setup_class(cls):\n"
        "        cls.rows = []\n\n    def test_a(self):\n        os.environ['A'] = '1'\n"
        "        self.rows.append(1)\n"
    )
    settings = Settings(pytest=PytestConfig(dist_mode=mode, dist_source="pytest.ini"))
    fixed, result, count = fix_source(source, "tests/test_a.py", settings)
    assert count == 1 and "monkeypatch.setenv('A', '1')" in fixed
    assert "xdist_group" not in fixed
    assert [f.name for f in result.findings] == ["missing_xdist_group"]
    assert "dist mode makes the marker inert" in result.findings[0].unfixed


def test_new_lines_in_a_method_keep_the_files_crlf() -> None:
    """A method is rewritten as a region of its own: the lines LibCST adds there end like the
    file's (the `if 1:` header it is parsed under takes the file's newline)."""
    source = ('import os\r\n\r\n\r\nclass TestA:\r\n    def test_a(self):\r\n'
              '        os.environ.update({"A": "1", "B": "2"})\r\n')
    fixed, _, count = fix_source(source, "tests/test_a.py", Settings(select=("env_var_pollution",)))
    assert count == 1
    assert fixed == ('class TestA:\r\n    def test_a(self, monkeypatch):\r\n'
                     '        monkeypatch.setenv("A", "1")\r\n        monkeypatch.setenv("B", "2")\r\n')
