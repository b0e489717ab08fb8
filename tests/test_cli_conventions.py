"""The conventions users bring from ruff and flake8: option names (--output-format, --statistics,
-q, --config, --isolated, --extend-select/--extend-ignore), no abbreviations, did-you-mean for
unknown options, paths that do not exist, scans that find no test file, a baseline that never
overwrites what is not a baseline."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from isolint.cli import main

POLLUTING = 'import os\n\n\ndef test_env():\n    os.environ["A"] = "1"\n'
ENV_LINE = ('tests/test_env.py:5:5: ISO003 [HIGH] `os.environ["A"] = "1"` changes the environment '
            "for every later test in this worker; set in test `test_env`: use "
            "`monkeypatch.setenv()` / `monkeypatch.delenv()`, or restore it in a `finally:` block")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_env.py").write_text(POLLUTING)
    return tmp_path


def check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-cache", *args])
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ output formats
def test_concise_is_the_default_off_a_terminal(project, capsys):
    code, out, _ = check(capsys, "tests")
    assert code == 1
    assert out.splitlines() == [
        ENV_LINE,
        "",
        "1  ISO003  env_var_pollution  HIGH",
        "Found 1 finding (1 high) in 1 of 1 file.",
    ]
    assert check(capsys, "tests", "--output-format", "concise")[1] == out
    assert check(capsys, "tests", "--format", "text")[1] == out


def test_full_shows_the_source_line_and_the_fix(project, capsys):
    _, out, _ = check(capsys, "tests", "--output-format", "full")
    assert out.splitlines()[1:6] == [
        "   |",
        ' 5 | os.environ["A"] = "1"',
        "   |",
        "   = fix: use `monkeypatch.setenv()` / `monkeypatch.delenv()`, or `patch.dict(os.environ, ...)`",
        "",
    ]
    assert check(capsys, "tests", "--show-source")[1] == out


def test_full_is_the_default_on_a_terminal(project, capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    assert main(["check", "--no-cache", "tests"]) == 1
    assert " 5 | os.environ" in terminal.getvalue()


def test_format_stays_an_alias(project, capsys):
    code, out, _ = check(capsys, "tests", "--format", "json")
    assert code == 1 and json.loads(out)["summary"]["total"] == 1


def test_statistics_prints_only_per_rule_counts(project, capsys):
    (project / "tests" / "test_more.py").write_text(POLLUTING + '    os.environ["B"] = "2"\n')
    code, out, _ = check(capsys, "tests", "--statistics")
    assert code == 1
    assert out == "3  ISO003  env_var_pollution  HIGH\n"


def test_quiet_prints_the_findings_and_nothing_else(project, capsys):
    code, out, err = check(capsys, "tests", "-q")
    assert code == 1
    assert out.splitlines() == [ENV_LINE]
    (project / "tests" / "test_env.py").write_text("def test_ok():\n    pass\n")
    assert check(capsys, "tests", "--quiet") == (0, "", "")


# ------------------------------------------------------------------ rule selection, config
def test_extend_select_adds_and_extend_ignore_removes(project, capsys):
    (project / "pyproject.toml").write_text('[tool.isolint]\nignore = ["ISO002"]\n')
    (project / "tests" / "test_env.py").write_text(
        POLLUTING + '    os.environ.get("A")  # noqa: ISO003\n'
        "\n\nclass TestX:\n    def test_x(self):\n        pass\n")
    _, out, _ = check(capsys, "tests", "--format", "json", "--extend-select", "unused_suppression")
    assert sorted(f["name"] for f in json.loads(out)["findings"]) == [
        "env_var_pollution", "unused_suppression"]
    _, out, _ = check(capsys, "tests", "--format", "json", "--extend-ignore", "ISO003")
    assert json.loads(out)["findings"] == []  # the configured ignore of ISO002 still holds


def test_extend_select_in_the_config(project, capsys):
    (project / "pyproject.toml").write_text('[tool.isolint]\nextend-select = ["unused_suppression"]\n')
    (project / "tests" / "test_env.py").write_text(
        'def test_ok(monkeypatch):\n    monkeypatch.setenv("A", "1")  # isolint: ignore\n')
    _, out, _ = check(capsys, "tests", "--format", "json")
    assert [f["name"] for f in json.loads(out)["findings"]] == ["unused_suppression"]


def test_config_file_and_isolated(project, capsys):
    (project / "pyproject.toml").write_text('[tool.isolint]\nignore = ["ISO003"]\n')
    (project / "strict.toml").write_text('select = ["ISO003"]\n')
    assert check(capsys, "tests")[0] == 0  # the project's pyproject.toml ignores ISO003
    assert check(capsys, "tests", "--config", "strict.toml")[0] == 1
    assert check(capsys, "tests", "--isolated")[0] == 1
    code, _, err = check(capsys, "tests", "--config", "nope.toml")
    assert code == 2 and "--config: nope.toml: no such file" in err
    with pytest.raises(SystemExit):
        main(["check", "--isolated", "--config", "strict.toml"])
    assert "not allowed with argument" in capsys.readouterr().err


# ------------------------------------------------------------------ argument mistakes
@pytest.mark.parametrize(("typed", "meant"), [("--selct", "--select"), ("--sel", "--select"),
                                              ("--output-fromat=json", "--output-format"),
                                              ("--statistic", "--statistics")])
def test_unknown_or_abbreviated_option_gets_a_did_you_mean(project, capsys, typed, meant):
    with pytest.raises(SystemExit) as info:
        main(["check", typed, "ISO003"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: isolint check ")
    assert err.endswith(f"isolint check: error: unrecognized arguments: {typed}; did you mean {meant}?\n")


def test_did_you_mean_uses_the_subcommands_own_options(project, capsys):
    with pytest.raises(SystemExit):
        main(["trend", "--chrat", "x.svg"])
    assert capsys.readouterr().err.endswith("did you mean --chart?\n")


def test_path_that_does_not_exist(project, capsys):
    assert check(capsys, "tests/test_nope.py") == (
        2, "", "isolint: error: path does not exist: tests/test_nope.py\n")
    assert main(["report", "nope"]) == 2
    assert "path does not exist: nope" in capsys.readouterr().err


def test_no_test_file_found_is_a_warning_saying_where(project, capsys):
    (project / "src").mkdir()
    (project / "src" / "app.py").write_text(POLLUTING)
    code, out, err = check(capsys, "src")
    assert code == 0
    assert out == "No findings in 0 files.\n"
    assert err == ("isolint: warning: no test files found in src "
                   "(python_files: test_*.py *_test.py; and conftest.py)\n")
    (project / "pytest.ini").write_text("[pytest]\ntestpaths = suite\npython_files = check_*.py\n")
    (project / "suite").mkdir()
    _, _, err = check(capsys)
    assert err == "isolint: warning: no test files found in suite (python_files: check_*.py; and conftest.py)\n"


# ------------------------------------------------------------------ baseline safety
def test_baseline_never_overwrites_a_test_file(project, capsys):
    before = (project / "tests" / "test_env.py").read_text()
    assert main(["baseline", "tests/test_env.py"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("isolint: error: refusing to write the baseline to tests/test_env.py: "
                          "it is a Python file, not a baseline.")
    assert "`isolint baseline .isolint-baseline.json tests/test_env.py`" in err
    assert (project / "tests" / "test_env.py").read_text() == before
    assert main(["baseline", "new_test.py", "tests"]) == 2
    assert not (project / "new_test.py").exists()


def test_baseline_never_overwrites_another_file(project, capsys):
    (project / "notes.txt").write_text("my notes\n")
    (project / "other.json").write_text('{"tool": "eslint"}\n')
    assert main(["baseline", "notes.txt", "tests"]) == 2
    assert "notes.txt: it is not an isolint baseline (not JSON)" in capsys.readouterr().err
    assert main(["baseline", "other.json", "tests"]) == 2
    assert (project / "notes.txt").read_text() == "my notes\n"
    assert (project / "other.json").read_text() == '{"tool": "eslint"}\n'


def test_baseline_rewrites_its_own_file_and_check_says_what_it_hid(project, capsys):
    assert main(["baseline", "base.json", "tests"]) == 0
    assert main(["baseline", "base.json", "tests"]) == 0  # refreshing one is fine
    (project / "empty.json").write_text("")
    assert main(["baseline", "empty.json", "tests"]) == 0
    capsys.readouterr()
    code, out, err = check(capsys, "tests", "--baseline", "base.json")
    assert code == 0
    assert out == "No findings in 1 file.\n"
    assert err == "isolint: 1 known finding in the baseline base.json was not reported\n"
    assert check(capsys, "tests", "--baseline", "base.json", "-q") == (0, "", "")


# ------------------------------------------------------------------ help
def test_check_help_lists_the_ruff_style_options(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    for option in ("--output-format", "--format", "--statistics", "-q, --quiet", "--config FILE",
                   "--isolated", "--extend-select", "--extend-ignore", "--show-source"):
        assert option in out, option


def test_rules_marks_the_off_by_default_rule(capsys):
    assert main(["rules"]) == 0
    lines = {line.split()[1]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["unused_suppression"].endswith("(off unless selected)")
    assert not lines["invalid_suppression"].endswith("(off unless selected)")
