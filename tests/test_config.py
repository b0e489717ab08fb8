"""load_settings: pytest's own configuration, the xdist dist mode and [tool.isolint]."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from isolint import config as config_module
from isolint.config import (
    DEFAULT_NORECURSEDIRS,
    DEFAULT_PYTHON_FILES,
    DIST_MODES,
    ConfigError,
    PytestConfig,
    Settings,
    dist_from_args,
)
from isolint.orchestration import load_settings


class FakeRule:
    def __init__(self, code: str, name: str) -> None:
        self.code, self.name = code, name


#: The assigned codes (isolint.analysis.rules' docstring): the tests do not depend on which rules exist yet.
ASSIGNED = (
    "ISO001 missing_teardown_method ISO002 missing_xdist_group ISO003 env_var_pollution "
    "ISO004 patch_without_context ISO005 inert_xdist_group ISO006 sys_path_pollution "
    "ISO007 sys_modules_pollution ISO008 cwd_pollution ISO009 module_state_pollution "
    "ISO010 hardcoded_port ISO011 shared_tmp_path ISO012 mock_retained_on_instance"
).split()


@pytest.fixture(autouse=True)
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    from isolint.analysis import rules

    fake = tuple(FakeRule(code, name) for code, name in zip(ASSIGNED[::2], ASSIGNED[1::2]))
    monkeypatch.setattr(rules, "ALL_RULES", fake)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def load(tmp_path: Path, *paths: str) -> Settings:
    return load_settings([tmp_path / p for p in paths] or None, tmp_path)


# --------------------------------------------------------------------------------------------
# finding pytest's configuration file

#: (file name, content) holding python_files = check_*.py in each format pytest reads.
CONFIG_KINDS = {
    "pytest.toml": ('[pytest]\npython_files = ["check_*.py"]\n', "[pytest]"),
    ".pytest.toml": ('[pytest]\npython_files = ["check_*.py"]\n', "[pytest]"),
    "pytest.ini": ("[pytest]\npython_files = check_*.py\n", "[pytest]"),
    ".pytest.ini": ("[pytest]\npython_files = check_*.py\n", "[pytest]"),
    "pyproject.toml": (
        '[tool.pytest.ini_options]\npython_files = "check_*.py"\n',
        "[tool.pytest.ini_options]",
    ),
    "tox.ini": ("[pytest]\npython_files = check_*.py\n", "[pytest]"),
    "setup.cfg": ("[tool:pytest]\npython_files = check_*.py\n", "[tool:pytest]"),
}


@pytest.mark.parametrize("name", list(CONFIG_KINDS))
def test_each_config_file_kind_is_read(tmp_path: Path, name: str) -> None:
    text, section = CONFIG_KINDS[name]
    write(tmp_path / name, text)
    settings = load(tmp_path)
    assert settings.pytest.inifile == str(tmp_path / name)
    assert settings.pytest.rootdir == str(tmp_path)
    assert settings.pytest.section == section
    assert settings.pytest.python_files == ("check_*.py",)


def test_pyproject_native_tool_pytest_table(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
        [tool.pytest]
        python_files = ["check_*.py", "*_check.py"]
        python_classes = ["Check"]
        python_functions = ["check"]
        testpaths = ["tests"]
        addopts = ["-n", "4", "--dist", "loadfile"]
        """,
    )
    pytest_config = load(tmp_path).pytest
    assert pytest_config.section == "[tool.pytest]"
    assert pytest_config.python_files == ("check_*.py", "*_check.py")
    assert pytest_config.python_classes == ("Check",)
    assert pytest_config.python_functions == ("check",)
    assert pytest_config.testpaths == ("tests",)
    assert (pytest_config.dist_mode, pytest_config.numprocesses) == ("loadfile", "4")
    assert pytest_config.dist_source == "pyproject.toml [tool.pytest] addopts"


# Each pair: the file that wins over the other when both are in the same directory.
PRECEDENCE = [
    ("pytest.toml", ".pytest.toml"),
    (".pytest.toml", "pytest.ini"),
    ("pytest.ini", ".pytest.ini"),
    (".pytest.ini", "pyproject.toml"),
    ("pyproject.toml", "tox.ini"),
    ("tox.ini", "setup.cfg"),
]


@pytest.mark.parametrize(("winner", "loser"), PRECEDENCE)
def test_precedence_in_one_directory(tmp_path: Path, winner: str, loser: str) -> None:
    write(tmp_path / winner, CONFIG_KINDS[winner][0])
    write(tmp_path / loser, CONFIG_KINDS[loser][0])
    assert load(tmp_path).pytest.inifile == str(tmp_path / winner)


@pytest.mark.parametrize("name", ["pytest.ini", ".pytest.ini", "pytest.toml"])
def test_dedicated_file_wins_even_when_empty(tmp_path: Path, name: str) -> None:
    write(tmp_path / name, "")
    write(tmp_path / "tox.ini", "[pytest]\npython_files = check_*.py\n")
    pytest_config = load(tmp_path).pytest
    assert pytest_config.inifile == str(tmp_path / name)
    assert pytest_config.section == ""
    assert pytest_config.python_files == DEFAULT_PYTHON_FILES


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", "[project]\nname = 'x'\n"),
        ("tox.ini", "[tox]\nenvlist = py311\n"),
        ("setup.cfg", "[metadata]\nname = x\n"),
    ],
)
def test_shared_files_without_pytest_section_are_skipped(
    tmp_path: Path, name: str, text: str
) -> None:
    write(tmp_path / "pkg" / name, text)
    write(tmp_path / "pytest.ini", "[pytest]\npython_files = check_*.py\n")
    pytest_config = load(tmp_path, "pkg").pytest
    assert pytest_config.inifile == str(tmp_path / "pytest.ini")
    assert pytest_config.rootdir == str(tmp_path)


def test_nearest_directory_wins_over_higher_precedence_file_further_up(tmp_path: Path) -> None:
    write(tmp_path / "pytest.ini", "[pytest]\n")
    write(tmp_path / "sub" / "setup.cfg", "[tool:pytest]\npython_classes = Check\n")
    pytest_config = load(tmp_path, "sub").pytest
    assert pytest_config.inifile == str(tmp_path / "sub" / "setup.cfg")
    assert pytest_config.rootdir == str(tmp_path / "sub")
    assert pytest_config.python_classes == ("Check",)


def test_pyproject_without_pytest_table_is_the_fallback(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    (tmp_path / "tests").mkdir()
    pytest_config = load(tmp_path, "tests").pytest
    assert pytest_config.inifile == str(tmp_path / "pyproject.toml")
    assert pytest_config.rootdir == str(tmp_path)
    assert pytest_config.section == ""


def test_no_config_uses_setup_py_directory_as_rootdir(tmp_path: Path) -> None:
    write(tmp_path / "setup.py", "")
    (tmp_path / "tests").mkdir()
    pytest_config = load_settings([tmp_path / "tests"], tmp_path / "tests").pytest
    assert pytest_config == PytestConfig(rootdir=str(tmp_path))


def test_no_config_at_all(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    pytest_config = load_settings([tmp_path / "tests"], tmp_path).pytest
    assert pytest_config.inifile == ""
    assert pytest_config.rootdir == str(tmp_path)
    assert pytest_config.dist_mode == ""


def test_common_ancestor_of_paths_is_where_the_search_starts(tmp_path: Path) -> None:
    write(tmp_path / "pytest.ini", "[pytest]\n")
    write(tmp_path / "proj" / "tox.ini", "[pytest]\npython_files = check_*.py\n")
    write(tmp_path / "proj" / "a" / "test_a.py", "")
    write(tmp_path / "proj" / "b" / "test_b.py", "")
    settings = load_settings(
        [tmp_path / "proj" / "a" / "test_a.py", tmp_path / "proj" / "b", tmp_path / "missing"],
        tmp_path,
    )
    assert settings.pytest.inifile == str(tmp_path / "proj" / "tox.ini")


def test_ini_values_are_whitespace_separated_and_may_continue(tmp_path: Path) -> None:
    write(
        tmp_path / "pytest.ini",
        """
        [pytest]
        python_files = check_*.py   *_check.py
        python_classes =
            Check
            Suite
        python_functions = check should
        testpaths = tests integration
        norecursedirs = fixtures data
        addopts = -ra -q --dist loadscope
        """,
    )
    pytest_config = load(tmp_path).pytest
    assert pytest_config.python_files == ("check_*.py", "*_check.py")
    assert pytest_config.python_classes == ("Check", "Suite")
    assert pytest_config.python_functions == ("check", "should")
    assert pytest_config.testpaths == ("tests", "integration")
    assert pytest_config.norecursedirs == ("fixtures", "data")
    assert pytest_config.addopts == ("-ra", "-q", "--dist", "loadscope")


def test_defaults_when_options_are_absent(tmp_path: Path) -> None:
    write(tmp_path / "pytest.ini", "[pytest]\nminversion = 8.0\n")
    pytest_config = load(tmp_path).pytest
    assert pytest_config.python_files == DEFAULT_PYTHON_FILES
    assert pytest_config.norecursedirs == DEFAULT_NORECURSEDIRS
    assert pytest_config.testpaths == ()
    assert pytest_config.addopts == ()


def test_toml_accepts_strings_as_well_as_lists(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
        [tool.pytest.ini_options]
        python_classes = "Check Suite"
        testpaths = ["tests"]
        addopts = "-p no:cacheprovider --dist='each'"
        """,
    )
    pytest_config = load(tmp_path).pytest
    assert pytest_config.python_classes == ("Check", "Suite")
    assert pytest_config.addopts == ("-p", "no:cacheprovider", "--dist=each")
    assert pytest_config.dist_mode == "each"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("pytest.ini", "python_files = x\n", "invalid INI"),
        ("pytest.toml", "python_files = [\n", "invalid TOML"),
        ("pytest.toml", 'python_files = ["x"]\n', "outside a [pytest] table (python_files, line 1)"),
        ("pyproject.toml", "[tool.pytest]\nx = 1\n[tool.pytest.ini_options]\n", "[tool.pytest] x (line 2)"),
        ("pyproject.toml", "[tool.pytest.ini_options]\npython_files = 3\n", "python_files"),
        ("pyproject.toml", '[tool.pytest]\naddopts = ["--dist", "fast"]\n', "'fast'"),
        ("pytest.ini", "[pytest]\naddopts = -n many\n", "'many'"),
        ("pytest.ini", "[pytest]\naddopts = --dist\n", "expects a value"),
        ("pytest.ini", "[pytest]\naddopts = -k 'unclosed\n", "addopts"),
        ("setup.cfg", "[pytest]\naddopts = -q\n", "[tool:pytest]"),
    ],
)
def test_broken_pytest_configuration_is_a_warning(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    """pytest's configuration never stops a scan: a warning names the file, and what isolint
    cannot use is left at pytest's default."""
    write(tmp_path / name, text)
    settings = load(tmp_path)
    assert len(settings.warnings) == 1, settings.warnings
    assert settings.warnings[0].startswith(f"{name}: ")
    assert message in settings.warnings[0]
    assert "pytest" in settings.warnings[0].split(": ", 1)[1]
    assert settings.pytest.python_files == DEFAULT_PYTHON_FILES
    assert settings.pytest.dist_mode == ""


def test_benchmark_table_next_to_ini_options_reads_what_pytest_8_reads(tmp_path: Path) -> None:
    """The reference suite's pyproject.toml: pytest 9 refuses it, pytest 8 runs it."""
    write(
        tmp_path / "pyproject.toml",
        """
        [project]
        name = "x"

        [tool.pytest.ini_options]
        python_files = ["check_*.py"]
        addopts = "-v --dist loadscope"

        [tool.pytest.benchmark]
        disable = false
        """,
    )
    settings = load(tmp_path)
    assert settings.pytest.python_files == ("check_*.py",)
    assert settings.pytest.dist_mode == "loadscope"
    assert settings.pytest.section == "[tool.pytest.ini_options]"
    (warning,) = settings.warnings
    assert warning.startswith("pyproject.toml: [tool.pytest.benchmark] (line 8) next to")
    assert "pytest >= 9.0 refuses" in warning and "pytest 8 reads only" in warning


def test_warnings_do_not_change_the_settings_identity(tmp_path: Path) -> None:
    """The cache is keyed by the settings' repr: a warning changes no finding."""
    write(tmp_path / "pytest.ini", "[pytest]\naddopts = -n many\n")
    warned = load(tmp_path)
    assert warned.warnings
    assert "refuses" not in repr(warned)
    assert warned == Settings(pytest=warned.pytest)


def test_undecodable_file_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_bytes(b"[pytest]\naddopts = \xff\xfe\n")
    (warning,) = load(tmp_path).warnings
    assert warning.startswith("pytest.ini: cannot read")


def test_unreadable_pytest_file_is_skipped_and_the_search_goes_on(tmp_path: Path) -> None:
    write(tmp_path / "pytest.ini", "python_files = x\n")
    write(tmp_path / "tox.ini", "[pytest]\npython_files = check_*.py\n")
    settings = load(tmp_path)
    assert settings.pytest.python_files == ("check_*.py",)
    assert "invalid INI" in settings.warnings[0]


def test_isolint_table_errors_still_stop_the_run(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        "[tool.pytest]\nx = 1\n[tool.pytest.ini_options]\n[tool.isolint]\nselct = []\n",
    )
    with pytest.raises(ConfigError, match="unknown key 'selct'"):
        load(tmp_path)


# --------------------------------------------------------------------------------------------
# the xdist distribution mode


@pytest.mark.parametrize("mode", DIST_MODES)
@pytest.mark.parametrize("spelling", ["--dist {}", "--dist={}"])
def test_every_dist_mode_in_both_forms(tmp_path: Path, mode: str, spelling: str) -> None:
    write(tmp_path / "pytest.ini", f"[pytest]\naddopts = -ra {spelling.format(mode)}\n")
    pytest_config = load(tmp_path).pytest
    assert pytest_config.dist_mode == mode
    assert pytest_config.dist_source == "pytest.ini [pytest] addopts"
    assert pytest_config.numprocesses == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ("", "")),
        (["-ra", "-q"], ("", "")),
        (["-n", "4"], ("load", "4")),
        (["-n4"], ("load", "4")),
        (["-n=4"], ("load", "4")),
        (["-nauto"], ("load", "auto")),
        (["--numprocesses", "logical"], ("load", "logical")),
        (["--numprocesses=2"], ("load", "2")),
        (["-n", "4", "--dist", "no"], ("load", "4")),
        (["-n", "4", "--dist", "loadgroup"], ("loadgroup", "4")),
        (["--dist=worksteal", "-n", "auto"], ("worksteal", "auto")),
        (["-n", "0"], ("no", "0")),
        (["-n", "0", "--dist", "loadgroup"], ("no", "0")),
        (["--dist", "each", "--dist", "loadfile"], ("loadfile", "")),
        (["-n", "2", "-n", "0"], ("no", "0")),
        (["-d"], ("load", "")),
        (["-d", "--dist", "each"], ("load", "")),
        (["--maxprocesses", "2", "-n", "auto"], ("load", "auto")),
        (["-p", "no:xdist"], ("no", "")),
        (["-pno:xdist", "-n", "4"], ("no", "")),
        (["-p", "no:cacheprovider", "-n", "2"], ("load", "2")),
        (["--", "-n", "4"], ("", "")),
    ],
)
def test_dist_from_args(args: list[str], expected: tuple[str, str]) -> None:
    assert dist_from_args(args) == expected


def test_numprocesses_alone_implies_load(tmp_path: Path) -> None:
    write(tmp_path / "tox.ini", "[pytest]\naddopts = -n auto\n")
    pytest_config = load(tmp_path).pytest
    assert (pytest_config.dist_mode, pytest_config.numprocesses) == ("load", "auto")
    assert pytest_config.dist_source == "tox.ini [pytest] addopts"


def test_nothing_configured_gives_empty_dist_mode(tmp_path: Path) -> None:
    write(tmp_path / "setup.cfg", "[tool:pytest]\naddopts = -ra\n")
    pytest_config = load(tmp_path).pytest
    assert (pytest_config.dist_mode, pytest_config.dist_source) == ("", "")


def test_dist_source_names_the_file_relative_to_cwd(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml", '[tool.pytest.ini_options]\naddopts = "--dist loadscope"\n'
    )
    (tmp_path / "tests").mkdir()
    settings = load_settings([Path("tests")], tmp_path)
    assert settings.pytest.dist_source == "pyproject.toml [tool.pytest.ini_options] addopts"
    below = load_settings([tmp_path / "tests"], tmp_path / "tests")
    assert below.pytest.dist_source == (
        f"{tmp_path.as_posix()}/pyproject.toml [tool.pytest.ini_options] addopts"
    )


@pytest.mark.parametrize("pytest_addopts", ["", "--dist loadfile -n 4"])
def test_tool_isolint_dist_overrides(tmp_path: Path, pytest_addopts: str) -> None:
    write(
        tmp_path / "pyproject.toml",
        f"""
        [tool.pytest.ini_options]
        addopts = "{pytest_addopts}"

        [tool.isolint]
        dist = "loadgroup"
        """,
    )
    pytest_config = load(tmp_path).pytest
    assert pytest_config.dist_mode == "loadgroup"
    assert pytest_config.dist_source == "[tool.isolint] dist"
    assert pytest_config.numprocesses == ("4" if pytest_addopts else "")


# --------------------------------------------------------------------------------------------
# [tool.isolint]


def isolint_table(tmp_path: Path, body: str) -> Path:
    return write(tmp_path / "pyproject.toml", "[tool.isolint]\n" + textwrap.dedent(body))


def test_every_tool_isolint_key(tmp_path: Path) -> None:
    path = isolint_table(
        tmp_path,
        """
        select = ["env_var_pollution", "ISO004"]
        ignore = ["iso010"]
        exclude = ["generated", "tests/legacy/**"]
        xdist-group-policy = "shared-state"
        fail-on = "High"
        dist = "worksteal"

        [tool.isolint.severity]
        env_var_pollution = "critical"
        ISO010 = "low"

        [tool.isolint.per-file-ignores]
        "tests/integration/*" = ["hardcoded_port"]
        "conftest.py" = ["ISO003", "ISO004"]
        """,
    )
    settings = load(tmp_path)
    assert settings.config_file == str(path)
    assert settings.select == ("env_var_pollution", "ISO004")
    assert settings.ignore == ("iso010",)
    assert settings.exclude == ("generated", "tests/legacy/**")
    assert settings.xdist_group_policy == "shared-state"
    assert settings.fail_on == "HIGH"
    assert settings.pytest.dist_mode == "worksteal"
    assert settings.severity_overrides == (("env_var_pollution", "CRITICAL"), ("ISO010", "LOW"))
    assert settings.per_file_ignores == (
        ("tests/integration/*", ("hardcoded_port",)),
        ("conftest.py", ("ISO003", "ISO004")),
    )
    hash(settings)  # it keys the cache


def test_snake_case_spellings(tmp_path: Path) -> None:
    isolint_table(
        tmp_path,
        """
        xdist_group_policy = "shared-state"
        fail_on = "medium"
        per_file_ignores = { "tests/*" = ["ISO001"] }
        """,
    )
    settings = load(tmp_path)
    assert settings.xdist_group_policy == "shared-state"
    assert settings.fail_on == "MEDIUM"
    assert settings.per_file_ignores == (("tests/*", ("ISO001",)),)


def test_defaults_without_tool_isolint(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    settings = load(tmp_path)
    assert settings.config_file == ""
    assert settings == Settings(pytest=settings.pytest)


def test_nearest_pyproject_with_tool_isolint_is_used(tmp_path: Path) -> None:
    top = isolint_table(tmp_path, 'fail-on = "low"\n')
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n")
    write(tmp_path / "pkg" / "pytest.ini", "[pytest]\n")
    (tmp_path / "pkg" / "tests").mkdir()
    settings = load_settings([tmp_path / "pkg" / "tests"], tmp_path)
    assert settings.config_file == str(top)
    assert settings.fail_on == "LOW"
    assert settings.pytest.inifile == str(tmp_path / "pkg" / "pytest.ini")


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("selct", "select"),
        ("per-file-ignore", "per-file-ignores"),
        ("fail_onn", "fail_on"),
        ("xdist-policy", "xdist-group-policy"),
    ],
)
def test_unknown_key_suggests_the_closest(tmp_path: Path, key: str, suggestion: str) -> None:
    isolint_table(tmp_path, f'{key} = "x"\n')
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    message = str(info.value)
    assert message.startswith("pyproject.toml: [tool.isolint]: unknown key")
    assert f"did you mean {suggestion!r}?" in message


def test_unknown_key_without_a_close_match(tmp_path: Path) -> None:
    isolint_table(tmp_path, "zzz = 1\n")
    with pytest.raises(ConfigError, match="unknown key 'zzz'$"):
        load(tmp_path)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('select = "ISO001"', "[tool.isolint] select: expected a list of strings"),
        ("ignore = [1]", "[tool.isolint] ignore: expected a list of strings"),
        ('exclude = "build"', "[tool.isolint] exclude: expected a list of strings"),
        ('severity = "high"', "[tool.isolint] severity: expected a table"),
        ('severity = { ISO001 = "severe" }', "[tool.isolint] severity: 'severe' is not one of"),
        ("severity = { ISO001 = 3 }", "[tool.isolint] severity: 3 is not one of"),
        ('per-file-ignores = ["x"]', "[tool.isolint] per-file-ignores: expected a table"),
        ('per-file-ignores = { "x" = "ISO001" }', "per-file-ignores: expected a list"),
        ('xdist-group-policy = "some"', "xdist-group-policy: 'some' is not one of all"),
        ('fail_on = "hi"', "[tool.isolint] fail_on: 'hi' is not one of critical"),
        (
            'dist = "loadgrup"',
            "[tool.isolint] dist: 'loadgrup' is not one of no, each, load, loadscope, loadfile, "
            "loadgroup, worksteal (did you mean 'loadgroup'?)",
        ),
        ("dist = true", "[tool.isolint] dist: True is not one of"),
        ('fail-on = "low"\nfail_on = "high"', "'fail-on' is given twice"),
        (
            'select = ["env_var_polution"]',
            "select: unknown rule 'env_var_polution' (did you mean 'env_var_pollution'?)",
        ),
        ('ignore = ["ISO999"]', "[tool.isolint] ignore: unknown rule 'ISO999'"),
        ('severity = { hardcoded_prt = "low" }', "severity: unknown rule 'hardcoded_prt'"),
        ('per-file-ignores = { "x" = ["nope"] }', "per-file-ignores: unknown rule 'nope'"),
    ],
)
def test_bad_values(tmp_path: Path, body: str, fragment: str) -> None:
    isolint_table(tmp_path, body + "\n")
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert str(info.value).startswith("pyproject.toml: ")
    assert fragment in str(info.value)


def test_tool_isolint_must_be_a_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool]\nisolint = 3\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.isolint\] must be a table"):
        load(tmp_path)


def test_invalid_toml_names_file_and_reason(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.isolint]\nselect = [1 2]\n")
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert str(info.value).startswith("pyproject.toml: invalid TOML: ")
    assert "line 2" in str(info.value)


def test_rule_names_and_codes_are_validated_against_the_registry(tmp_path: Path) -> None:
    isolint_table(
        tmp_path,
        """
        select = ["env_var_pollution", "iso010"]
        severity = { ISO003 = "low" }
        per-file-ignores = { "x/*" = ["hardcoded_port"] }
        """,
    )
    assert load(tmp_path).select == ("env_var_pollution", "iso010")


def test_rule_names_are_not_validated_while_the_registry_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isolint.analysis import rules

    monkeypatch.setattr(rules, "ALL_RULES", ())
    isolint_table(tmp_path, 'select = ["anything_goes"]\n')
    assert load(tmp_path).select == ("anything_goes",)


def test_each_file_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pyproject.toml", "[tool.pytest.ini_options]\n[tool.isolint]\n")
    calls = []
    real = config_module.tomllib.loads
    monkeypatch.setattr(
        config_module.tomllib, "loads", lambda text: calls.append(text) or real(text)
    )
    load(tmp_path)
    assert len(calls) == 1
