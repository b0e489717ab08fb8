"""discover / default_paths / is_test_module / conftest_chain."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from isolint.config import PytestConfig, Settings, load_settings
from isolint.discovery import (
    SourceFile,
    conftest_chain,
    default_paths,
    discover,
    display_path,
    is_test_module,
)
from isolint.model import FileError


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")


def settings_with(**pytest_options: object) -> Settings:
    exclude = pytest_options.pop("exclude", ())
    config_file = pytest_options.pop("config_file", "")
    return Settings(
        exclude=exclude,  # type: ignore[arg-type]
        config_file=config_file,  # type: ignore[arg-type]
        pytest=PytestConfig(**pytest_options),  # type: ignore[arg-type]
    )


def shown(tmp_path: Path, paths: list[str] | None = None, settings: Settings | None = None):
    files, errors = discover(
        [Path(p) for p in paths] if paths else [tmp_path], settings or Settings(), tmp_path
    )
    return [(f.display, f.kind) for f in files], errors


def test_default_python_files_and_conftests(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "conftest.py", "test_a.py", "b_test.py", "helpers.py", "test_data.txt",
        "pkg/__init__.py", "pkg/conftest.py", "pkg/test_c.py", "pkg/sub/test_d.py",
    )
    files, errors = shown(tmp_path)
    assert errors == []
    assert files == [
        ("b_test.py", "test"),
        ("conftest.py", "conftest"),
        ("pkg/__init__.py", "support"),
        ("pkg/conftest.py", "conftest"),
        ("pkg/sub/test_d.py", "test"),
        ("pkg/test_c.py", "test"),
        ("test_a.py", "test"),
    ]


def test_custom_python_files(tmp_path: Path) -> None:
    touch(tmp_path, "check_a.py", "test_b.py", "conftest.py", "tests/unit/spec_c.py")
    settings = settings_with(python_files=("check_*.py", "unit/spec_*.py"))
    files, _ = shown(tmp_path, settings=settings)
    assert files == [
        ("check_a.py", "test"),
        ("conftest.py", "conftest"),
        ("tests/unit/spec_c.py", "test"),
    ]


def test_python_files_from_the_project_configuration(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\npython_files = *_spec.py\n")
    touch(tmp_path, "a_spec.py", "test_b.py")
    files, _ = shown(tmp_path, settings=load_settings(None, tmp_path))
    assert files == [("a_spec.py", "test")]


def test_is_test_module() -> None:
    settings = settings_with(python_files=("test_*.py", "checks/*.py"))
    assert is_test_module("test_x.py", settings)
    assert is_test_module("/repo/tests/test_x.py", settings)
    assert is_test_module("/repo/checks/anything.py", settings)
    assert not is_test_module("/repo/test_dir/x.py", settings)
    assert not is_test_module("x_test.py", settings)


@pytest.mark.parametrize(
    "skipped",
    [".git", ".tox", "build", "dist", "node_modules", "__pycache__", ".hidden", "venv",
     "some.egg", "_darcs", "CVS", "{arch}", ".venv"],
)
def test_skipped_directories(tmp_path: Path, skipped: str) -> None:
    touch(tmp_path, f"{skipped}/test_x.py", "test_kept.py")
    files, _ = shown(tmp_path)
    assert files == [("test_kept.py", "test")]


@pytest.mark.parametrize(
    "collected", ["env", "x.egg-info", "_build", "site-packages", "environment", "builds"]
)
def test_directories_pytest_collects_are_walked(tmp_path: Path, collected: str) -> None:
    """Nothing wider than pytest's own ``norecursedirs`` (poetry keeps tests in ``.../env``)."""
    touch(tmp_path, f"{collected}/test_x.py", "test_kept.py")
    files, _ = shown(tmp_path)
    assert files == sorted([(f"{collected}/test_x.py", "test"), ("test_kept.py", "test")])


def test_configured_norecursedirs_replace_the_defaults(tmp_path: Path) -> None:
    """As in pytest, setting ``norecursedirs`` drops its defaults (``build`` is walked then);
    ``__pycache__`` and virtual environments stay out whatever it says."""
    touch(tmp_path, "build/test_b.py", "fixtures/test_f.py", "__pycache__/test_c.py",
          "venv/pyvenv.cfg", "venv/test_v.py")
    files, _ = shown(tmp_path, settings=settings_with(norecursedirs=("fixtures",)))
    assert files == [("build/test_b.py", "test")]


def test_default_norecursedirs_are_pytests() -> None:
    import _pytest.main  # the list pytest registers for the ini option

    defaults = []
    parser = type("P", (), {})()
    parser.addini = lambda name, *args, **kwargs: (
        defaults.extend(kwargs["default"]) if name == "norecursedirs" else None
    )
    parser.addoption = parser.getgroup = lambda *a, **k: parser
    parser._addoption = parser.addoption
    try:
        _pytest.main.pytest_addoption(parser)
    except Exception:  # pragma: no cover - pytest's internals changed; compare what we got
        pass
    from isolint.config import DEFAULT_NORECURSEDIRS

    assert tuple(defaults) == DEFAULT_NORECURSEDIRS


@pytest.mark.parametrize("marker", ["pyvenv.cfg", "conda-meta/history"])
def test_environments_are_detected_by_their_marker_file(tmp_path: Path, marker: str) -> None:
    touch(tmp_path, f"myenv/{marker}", "myenv/lib/test_vendored.py", "test_kept.py")
    files, _ = shown(tmp_path)
    assert files == [("test_kept.py", "test")]


def test_norecursedirs_from_configuration(tmp_path: Path) -> None:
    touch(tmp_path, "fixtures/test_a.py", ".ci/test_b.py", "tests/test_c.py")
    files, _ = shown(tmp_path, settings=settings_with(norecursedirs=("fixtures",)))
    assert files == [(".ci/test_b.py", "test"), ("tests/test_c.py", "test")]


def test_a_skipped_directory_given_explicitly_is_walked(tmp_path: Path) -> None:
    touch(tmp_path, "build/test_x.py")
    files, _ = shown(tmp_path, ["build"])
    assert files == [("build/test_x.py", "test")]


@pytest.mark.parametrize(
    ("pattern", "kept"),
    [
        ("legacy", ["tests/test_new.py", "tests/unit/test_u.py"]),
        ("legacy/", ["tests/test_new.py", "tests/unit/test_u.py"]),
        ("tests/legacy", ["tests/test_new.py", "tests/unit/test_u.py"]),
        ("./tests/legacy/*", ["tests/test_new.py", "tests/unit/test_u.py"]),
        ("**/legacy/**", ["tests/test_new.py", "tests/unit/test_u.py"]),
        ("test_new.py", ["tests/legacy/test_old.py", "tests/unit/test_u.py"]),
        ("tests/**/test_u.py", ["tests/legacy/test_old.py", "tests/test_new.py"]),
        ("*_new.py", ["tests/legacy/test_old.py", "tests/unit/test_u.py"]),
        ("unit", ["tests/legacy/test_old.py", "tests/test_new.py"]),
        ("nothing", ["tests/legacy/test_old.py", "tests/test_new.py", "tests/unit/test_u.py"]),
    ],
)
def test_exclude_globs(tmp_path: Path, pattern: str, kept: list[str]) -> None:
    touch(tmp_path, "tests/legacy/test_old.py", "tests/test_new.py", "tests/unit/test_u.py")
    files, _ = shown(tmp_path, settings=settings_with(exclude=(pattern,)))
    assert [display for display, _ in files] == kept


def test_exclude_is_also_relative_to_the_config_file(tmp_path: Path) -> None:
    touch(tmp_path, "tests/legacy/test_old.py", "tests/test_new.py")
    settings = settings_with(
        exclude=("tests/legacy",), config_file=str(tmp_path / "pyproject.toml")
    )
    files, _ = discover([Path(".")], settings, tmp_path / "tests")
    assert [f.display for f in files] == ["test_new.py"]


def test_excluded_file_given_explicitly_is_scanned(tmp_path: Path) -> None:
    touch(tmp_path, "legacy/test_old.py")
    settings = settings_with(exclude=("legacy",))
    files, _ = shown(tmp_path, ["legacy/test_old.py"], settings=settings)
    assert files == [("legacy/test_old.py", "test")]


def test_explicit_file_is_scanned_whatever_its_name(tmp_path: Path) -> None:
    touch(tmp_path, "helpers.py", "sub/conftest.py")
    files, _ = shown(tmp_path, ["helpers.py", "sub/conftest.py"])
    assert files == [("helpers.py", "test"), ("sub/conftest.py", "conftest")]


def test_duplicate_and_overlapping_paths_give_each_file_once(tmp_path: Path) -> None:
    touch(tmp_path, "tests/unit/test_a.py", "tests/test_b.py")
    files, _ = shown(tmp_path, ["tests/unit", "tests", "tests/unit/test_a.py", "./tests/"])
    assert files == [("tests/test_b.py", "test"), ("tests/unit/test_a.py", "test")]


def test_path_outside_cwd_is_shown_absolute(tmp_path: Path) -> None:
    touch(tmp_path, "other/test_a.py")
    (tmp_path / "here").mkdir()
    files, _ = discover([Path("../other")], Settings(), tmp_path / "here")
    target = tmp_path / "other" / "test_a.py"
    assert files == [SourceFile(target.as_posix(), str(target), "test")]


def test_nonexistent_path(tmp_path: Path) -> None:
    files, errors = shown(tmp_path, ["missing.py", "missing_dir/"])
    assert files == []
    assert errors == [
        FileError("missing.py", "no such file or directory"),
        FileError("missing_dir", "no such file or directory"),
    ]


def test_broken_symlink_given_explicitly(tmp_path: Path) -> None:
    (tmp_path / "test_link.py").symlink_to(tmp_path / "gone.py")
    files, errors = shown(tmp_path, ["test_link.py"])
    assert files == []
    assert errors == [FileError("test_link.py", "broken symbolic link")]


def test_broken_symlink_inside_a_directory_is_a_candidate(tmp_path: Path) -> None:
    # Reading it makes the per-file error (issue 16, item 15); a broken directory link is no
    # candidate.
    touch(tmp_path, "test_ok.py")
    (tmp_path / "test_link.py").symlink_to(tmp_path / "gone.py")
    (tmp_path / "dir_link").symlink_to(tmp_path / "gone_dir")
    files, errors = shown(tmp_path)
    assert (files, errors) == ([("test_link.py", "test"), ("test_ok.py", "test")], [])


def test_special_file_given_explicitly(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(tmp_path / "test_pipe.py")
    files, errors = shown(tmp_path, ["test_pipe.py"])
    assert files == []
    assert errors == [FileError("test_pipe.py", "not a regular file or directory")]


def test_symlinked_directory_is_followed_once(tmp_path: Path) -> None:
    touch(tmp_path, "real/test_a.py")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    files, _ = shown(tmp_path)
    assert files == [("alias/test_a.py", "test")]


def test_symlinked_directory_outside_the_tree_is_followed(tmp_path: Path) -> None:
    touch(tmp_path, "shared/test_s.py")
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "shared").symlink_to(tmp_path / "shared", target_is_directory=True)
    files, _ = discover([Path(".")], Settings(), tmp_path / "proj")
    assert [f.display for f in files] == ["shared/test_s.py"]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    touch(tmp_path, "a/test_a.py")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "self").symlink_to(tmp_path / "a", target_is_directory=True)
    files, errors = shown(tmp_path)
    assert (files, errors) == ([("a/test_a.py", "test")], [])


def test_unreadable_directory_is_an_error_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(tmp_path, "locked/test_hidden.py", "open/test_ok.py")
    real_scandir = os.scandir

    def scandir(path):  # root ignores permission bits, so simulate the denial
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, errors = shown(tmp_path)
    assert files == [("open/test_ok.py", "test")]
    assert errors == [FileError("locked", "permission denied")]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="needs a non-root user")
def test_unreadable_directory_for_real(tmp_path: Path) -> None:
    touch(tmp_path, "locked/test_hidden.py", "test_ok.py")
    (tmp_path / "locked").chmod(0)
    try:
        files, errors = shown(tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert files == [("test_ok.py", "test")]
    assert errors == [FileError("locked", "permission denied")]


def test_results_are_sorted_and_displayed_with_slashes(tmp_path: Path) -> None:
    touch(tmp_path, "z/test_z.py", "a/test_a.py", "m/conftest.py")
    files, _ = discover([tmp_path], Settings(), tmp_path)
    assert files == sorted(files)
    assert all("\\" not in f.display for f in files)


# --------------------------------------------------------------------------------------------
# default_paths


def test_default_paths_use_testpaths_from_rootdir(tmp_path: Path) -> None:
    touch(tmp_path, "tests/test_a.py", "integration/test_b.py", "src/pkg/tests/test_c.py")
    settings = settings_with(
        rootdir=str(tmp_path), testpaths=("tests", "missing", "src/*/tests", "integration")
    )
    assert default_paths(settings, tmp_path) == [
        tmp_path / "tests", tmp_path / "src/pkg/tests", tmp_path / "integration"
    ]


def test_default_paths_fall_back_to_cwd(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    no_testpaths = settings_with(rootdir=str(tmp_path))
    assert default_paths(no_testpaths, tmp_path) == [tmp_path]
    nothing_exists = settings_with(rootdir=str(tmp_path), testpaths=("missing",))
    assert default_paths(nothing_exists, tmp_path) == [tmp_path]
    # Like pytest, testpaths only apply when run from rootdir.
    elsewhere = settings_with(rootdir=str(tmp_path), testpaths=("tests",))
    assert default_paths(elsewhere, tmp_path / "tests") == [tmp_path / "tests"]


def test_default_paths_from_loaded_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    touch(tmp_path, "tests/test_a.py", "scripts/test_not_a_test.py")
    settings = load_settings(None, tmp_path)
    paths = default_paths(settings, tmp_path)
    files, _ = discover(paths, settings, tmp_path)
    assert [f.display for f in files] == ["tests/test_a.py"]


# --------------------------------------------------------------------------------------------
# helpers


def test_display_path(tmp_path: Path) -> None:
    assert display_path(tmp_path / "a" / "b.py", tmp_path) == "a/b.py"
    assert display_path(Path("/elsewhere/b.py"), tmp_path) == "/elsewhere/b.py"


def test_conftest_chain(tmp_path: Path) -> None:
    touch(tmp_path, "conftest.py", "pkg/conftest.py", "pkg/sub/test_a.py", "outer/conftest.py")
    chain = conftest_chain(tmp_path / "pkg" / "sub" / "test_a.py", tmp_path)
    assert chain == [tmp_path / "conftest.py", tmp_path / "pkg" / "conftest.py"]
    # A conftest does not apply to itself.
    assert conftest_chain(tmp_path / "pkg" / "conftest.py", tmp_path) == [tmp_path / "conftest.py"]


# ------------------------------------------------------------------ collect_ignore (pytest's)
def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def rooted(tmp_path: Path) -> Settings:
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return load_settings(None, tmp_path)


def test_collect_ignore_literal_list_leaves_files_and_directories_out(tmp_path: Path) -> None:
    write(tmp_path, "conftest.py", 'collect_ignore = ["setup.py", "legacy", "test_old.py"]\n')
    touch(tmp_path, "setup_test.py", "legacy/test_l.py", "test_old.py", "test_new.py",
          "sub/test_old.py")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    assert files == [
        ("conftest.py", "conftest"),
        ("setup_test.py", "test"),
        ("sub/test_old.py", "test"),  # relative to the conftest's directory only
        ("test_new.py", "test"),
    ]


def test_collect_ignore_appended_extended_and_added(tmp_path: Path) -> None:
    write(
        tmp_path, "conftest.py",
        "collect_ignore = ['test_a.py'] + ['test_b.py']\n"
        "collect_ignore += ['test_c.py']\n"
        "collect_ignore.append('test_d.py')\n"
        "collect_ignore.extend(('test_e.py',))\n"
        "collect_ignore.append(compute())  # not evaluated: nothing ignored on a guess\n",
    )
    touch(tmp_path, *(f"test_{c}.py" for c in "abcdef"))
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    assert files == [("conftest.py", "conftest"), ("test_f.py", "test")]


@pytest.mark.parametrize(
    ("condition", "ignored"),
    [
        ("sys.version_info < (3, 0)", False),
        ("sys.version_info >= (3, 0)", True),
        ("sys.version_info[:2] < (3, 99)", True),
        ("sys.version_info.major == 2", False),
        ("not sys.version_info >= (3, 0) or sys.platform == 'nonesuch'", False),
        ("sys.version_info >= (3, 0) and sys.platform != 'nonesuch'", True),
        ("some_flag", False),  # unknown: the branch is not taken
    ],
)
def test_collect_ignore_under_a_version_condition(
    tmp_path: Path, condition: str, ignored: bool
) -> None:
    write(
        tmp_path, "conftest.py",
        f"import sys\ncollect_ignore = []\nif {condition}:\n"
        "    collect_ignore.append('test_py3_only.py')\n",
    )
    touch(tmp_path, "test_py3_only.py", "test_other.py")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    names = [name for name, _ in files]
    assert ("test_py3_only.py" not in names) is ignored
    assert "test_other.py" in names


def test_collect_ignore_else_branch(tmp_path: Path) -> None:
    write(
        tmp_path, "conftest.py",
        "import sys\nif sys.version_info < (3, 0):\n    collect_ignore = ['test_a.py']\n"
        "else:\n    collect_ignore = ['test_b.py']\n",
    )
    touch(tmp_path, "test_a.py", "test_b.py")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    assert files == [("conftest.py", "conftest"), ("test_a.py", "test")]


def test_collect_ignore_glob(tmp_path: Path) -> None:
    write(tmp_path, "tests/conftest.py", "collect_ignore_glob = ['*_py314.py', 'gen*']\n")
    touch(tmp_path, "tests/test_a_py314.py", "tests/test_b.py", "tests/generated/test_g.py",
          "tests/sub/test_c_py314.py", "test_top_py314.py")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    assert files == [
        ("test_top_py314.py", "test"),  # above the conftest
        ("tests/conftest.py", "conftest"),
        ("tests/test_b.py", "test"),
    ]


def test_nearest_conftest_defining_collect_ignore_wins(tmp_path: Path) -> None:
    write(tmp_path, "conftest.py", "collect_ignore = ['a/test_x.py', 'a/b/test_y.py']\n")
    write(tmp_path, "a/b/conftest.py", "collect_ignore = ['test_z.py']\n")
    write(tmp_path, "a/conftest.py", "import os  # defines no collect_ignore: the parent's apply\n")
    touch(tmp_path, "a/test_x.py", "a/b/test_y.py", "a/b/test_z.py")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    assert [name for name, kind in files if kind == "test"] == ["a/b/test_y.py"]


def test_collect_ignore_in_a_broken_conftest_is_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "conftest.py", "collect_ignore = [\n")
    touch(tmp_path, "test_a.py")
    files, errors = shown(tmp_path, settings=rooted(tmp_path))
    assert files == [("conftest.py", "conftest"), ("test_a.py", "test")]
    assert errors == []


def test_ignore_options_in_addopts(tmp_path: Path) -> None:
    write(tmp_path, "pytest.ini",
          "[pytest]\naddopts = --ignore=tests/test_a.py --ignore-glob */slow_* --ignore tests/b\n")
    touch(tmp_path, "tests/test_a.py", "tests/slow_test.py", "tests/b/test_b.py", "tests/test_c.py")
    files, _ = shown(tmp_path, settings=load_settings(None, tmp_path))
    assert files == [("tests/test_c.py", "test")]


def test_a_file_named_explicitly_is_scanned_even_if_ignored(tmp_path: Path) -> None:
    write(tmp_path, "conftest.py", "collect_ignore = ['test_a.py']\n")
    touch(tmp_path, "test_a.py")
    files, _ = shown(tmp_path, ["test_a.py"], settings=rooted(tmp_path))
    assert files == [("test_a.py", "test")]


# ------------------------------------------------------------------ what pytest imports too
def test_package_init_files_of_test_packages(tmp_path: Path) -> None:
    touch(tmp_path, "tests/__init__.py", "tests/unit/__init__.py", "tests/unit/test_a.py",
          "tests/data/__init__.py", "tests/data/sample.py")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    assert files == [
        ("tests/__init__.py", "support"),
        ("tests/unit/__init__.py", "support"),
        ("tests/unit/test_a.py", "test"),
    ]  # tests/data is a package no collected module is in or imports


def test_package_init_above_the_walked_directory_is_not_scanned(tmp_path: Path) -> None:
    touch(tmp_path, "pkg/__init__.py", "pkg/tests/__init__.py", "pkg/tests/test_a.py")
    files, _ = shown(tmp_path, ["pkg/tests"], settings=rooted(tmp_path))
    assert files == [("pkg/tests/__init__.py", "support"), ("pkg/tests/test_a.py", "test")]


def test_imported_helper_modules_are_scanned(tmp_path: Path) -> None:
    write(tmp_path, "tests/__init__.py", "")
    write(tmp_path, "tests/helpers.py", "from tests.deep import tool\n")
    write(tmp_path, "tests/deep/__init__.py", "")
    write(tmp_path, "tests/deep/tool.py", "")
    write(tmp_path, "tests/cli/__init__.py", "")
    write(tmp_path, "tests/cli/cli_utils.py", "")
    write(tmp_path, "tests/cli/test_cli.py",
          "from tests.helpers import isolated\nfrom .cli_utils import (\n    chdir_fixture,\n)\n")
    write(tmp_path, "tests/unused.py", "")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    assert [name for name, kind in files if kind == "support"] == [
        "tests/__init__.py",
        "tests/cli/__init__.py",
        "tests/cli/cli_utils.py",
        "tests/deep/__init__.py",
        "tests/deep/tool.py",
        "tests/helpers.py",
    ]


def test_rootdir_less_helpers_and_conftest_imports(tmp_path: Path) -> None:
    """A test directory without ``__init__.py`` is its own base directory (prepend mode): a
    bare ``import helpers`` and a conftest's ``from utils import x`` resolve there."""
    write(tmp_path, "tests/test_a.py", "import helpers as h, os\n")
    write(tmp_path, "tests/conftest.py", "from utils import fixture_helper\n")
    write(tmp_path, "tests/helpers.py", "")
    write(tmp_path, "tests/utils.py", "")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    assert [name for name, kind in files if kind == "support"] == [
        "tests/helpers.py", "tests/utils.py"
    ]


def test_pytest_plugins_of_a_conftest_are_scanned(tmp_path: Path) -> None:
    write(tmp_path, "conftest.py", "pytest_plugins = ['tests.fixtures.db', 'pytester']\n")
    write(tmp_path, "tests/__init__.py", "")
    write(tmp_path, "tests/fixtures/__init__.py", "")
    write(tmp_path, "tests/fixtures/db.py", "")
    write(tmp_path, "tests/test_x.py", "")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    assert ("tests/fixtures/db.py", "support") in files


def test_imports_in_strings_and_comments_are_not_followed(tmp_path: Path) -> None:
    write(
        tmp_path, "tests/test_a.py",
        'SOURCE = """\nimport helper_in_string\n"""\n'
        "# import helper_in_comment\n"
        "x = 'import helper_in_quote'\n",
    )
    touch(tmp_path, "tests/helper_in_string.py", "tests/helper_in_comment.py",
          "tests/helper_in_quote.py")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    assert files == [("tests/test_a.py", "test")]


def test_imports_outside_the_walked_tree_are_not_followed(tmp_path: Path) -> None:
    """The package under test and third-party code are not test-support modules."""
    write(tmp_path, "src/mypkg/__init__.py", "")
    write(tmp_path, "mylib.py", "")
    write(tmp_path, "tests/test_a.py", "import mylib\nfrom mypkg import thing\nimport os\n")
    files, _ = shown(tmp_path, ["tests"], settings=rooted(tmp_path))
    assert files == [("tests/test_a.py", "test")]


def test_support_modules_are_not_added_for_files_named_explicitly(tmp_path: Path) -> None:
    write(tmp_path, "tests/test_a.py", "import helpers\n")
    touch(tmp_path, "tests/helpers.py")
    files, _ = shown(tmp_path, ["tests/test_a.py"], settings=rooted(tmp_path))
    assert files == [("tests/test_a.py", "test")]


def test_findings_in_a_support_module_are_reported_at_their_own_lines(tmp_path: Path) -> None:
    from isolint import scan_paths

    write(tmp_path, "tests/cli_utils.py",
          "import os\nimport pytest\n\n\n@pytest.fixture\ndef in_dir(tmp_path):\n"
          "    os.chdir(tmp_path)\n")
    write(tmp_path, "tests/test_cli.py", "from cli_utils import in_dir\n\n\n"
          "def test_x(in_dir):\n    pass\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    result = scan_paths(["tests"], cwd=tmp_path)
    found = [(f.path, f.line, f.name) for f in result.findings]
    assert ("tests/cli_utils.py", 7, "cwd_pollution") in found


def test_imports_under_type_checking_are_not_followed(tmp_path: Path) -> None:
    """pytest never imports them (poetry's ``tests/types.py``); the ``else`` branch runs."""
    write(
        tmp_path, "tests/test_a.py",
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import typing_only\n\n"
        "    # a comment\n    from typing_too import x\nelse:\n    import runtime_helper\n"
        "import after\n",
    )
    touch(tmp_path, "tests/typing_only.py", "tests/typing_too.py", "tests/runtime_helper.py",
          "tests/after.py")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    assert [name for name, kind in files if kind == "support"] == [
        "tests/after.py", "tests/runtime_helper.py"
    ]


def test_exclude_applies_to_support_modules(tmp_path: Path) -> None:
    write(tmp_path, "tests/test_a.py", "import helpers\nfrom legacy import old\n")
    touch(tmp_path, "tests/helpers.py", "tests/legacy/__init__.py", "tests/legacy/old.py")
    settings = rooted(tmp_path).with_overrides(exclude=("legacy",))
    files, _ = shown(tmp_path, settings=settings)
    assert files == [("tests/helpers.py", "support"), ("tests/test_a.py", "test")]


def test_sqlalchemy_version_gated_files_do_not_fail_the_scan(tmp_path: Path) -> None:
    """sqlalchemy's test/conftest.py ignores its t-string modules below Python 3.14; they do not
    parse on older interpreters, and every scan used to exit 2 on them."""
    from isolint import scan_paths

    write(
        tmp_path, "test/conftest.py",
        "import sys\n\ncollect_ignore_glob = []\n\n"
        f"if sys.version_info < {tuple(sys.version_info[:2])!r} or sys.version_info < (99,):\n"
        '    collect_ignore_glob.append("*_py314.py")\n',
    )
    write(tmp_path, "test/orm/test_tstring_py314.py", 'x = t"{not valid before 3.14"\n')
    write(tmp_path, "test/orm/test_ok.py", "def test_x():\n    pass\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    result = scan_paths(["test"], cwd=tmp_path)
    assert result.errors == ()
    assert result.summary.files_scanned == 2


def test_the_package_under_test_is_not_support_when_the_project_root_is_walked(
    tmp_path: Path,
) -> None:
    """``isolint check .`` at a project's root: ``mypkg`` is imported by the tests but is the
    code under test; ``tests/fixtures/db.py`` (no test module beside it) is test support."""
    write(tmp_path, "pytest.ini", "[pytest]\npythonpath = .\n")
    write(tmp_path, "conftest.py", "")
    write(tmp_path, "mypkg/__init__.py", "from mypkg import core\n")
    write(tmp_path, "mypkg/core.py", "")
    write(tmp_path, "tests/test_a.py", "import mypkg\nfrom tests.fixtures import db\n")
    write(tmp_path, "tests/__init__.py", "")
    write(tmp_path, "tests/fixtures/__init__.py", "")
    write(tmp_path, "tests/fixtures/db.py", "")
    files, _ = shown(tmp_path, settings=load_settings(None, tmp_path))
    assert [name for name, kind in files if kind == "support"] == [
        "tests/__init__.py", "tests/fixtures/__init__.py", "tests/fixtures/db.py"
    ]


def test_a_src_layout_package_is_not_support_though_it_holds_a_file_named_like_a_test(
    tmp_path: Path,
) -> None:
    """``isolint check .`` at the root of a src-layout project whose package holds a module
    named like a test module (mcp-server-langgraph's ``src/<pkg>/core/test_helpers.py``): the
    package's other modules are the code under test, not test support; helpers in a test
    directory inside ``src/`` still are."""
    write(tmp_path, "pytest.ini", "[pytest]\npythonpath = src\n")
    write(tmp_path, "src/mypkg/__init__.py", "")
    write(tmp_path, "src/mypkg/auth.py", "")
    write(tmp_path, "src/mypkg/core/__init__.py", "")
    write(tmp_path, "src/mypkg/core/test_helpers.py", "from mypkg.tests import helpers\n")
    write(tmp_path, "src/mypkg/tests/__init__.py", "")
    write(tmp_path, "src/mypkg/tests/test_inside.py", "")
    write(tmp_path, "src/mypkg/tests/helpers.py", "")
    write(tmp_path, "tests/test_a.py", "from mypkg import auth\nimport mypkg.core.test_helpers\n")
    files, _ = shown(tmp_path, settings=load_settings(None, tmp_path))
    support = [name for name, kind in files if kind == "support"]
    assert "src/mypkg/auth.py" not in support
    assert "src/mypkg/tests/helpers.py" in support


def test_a_package_keeping_its_tests_in_its_own_test_directories_is_code_under_test(
    tmp_path: Path,
) -> None:
    """twisted and gevent keep their tests inside the package (``twisted/internet/test/``,
    ``gevent/tests/``): scanning the package, the modules its tests import from outside those
    directories (``twisted/internet/main.py``, the scripts) are the code under test, not test
    support (63 of twisted's and 36 of gevent's findings were on them); helpers in a
    ``test``/``testing`` directory still are. A test package that also holds test modules
    outside such directories (celery's ``t``: ``t/skip.py`` beside ``t/unit/``) is all test
    support, as before."""
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/internet/__init__.py", "")
    write(tmp_path, "pkg/internet/main.py", "")
    write(tmp_path, "pkg/internet/test/__init__.py", "")
    write(tmp_path, "pkg/internet/test/helpers.py", "")
    write(tmp_path, "pkg/testing/__init__.py", "")
    write(tmp_path, "pkg/testing/runner.py", "")
    write(tmp_path, "pkg/internet/test/test_main.py",
          "from pkg.internet import main\nfrom pkg.internet.test import helpers\n"
          "from pkg.testing import runner\n")
    write(tmp_path, "t/__init__.py", "")
    write(tmp_path, "t/skip.py", "")
    write(tmp_path, "t/unit/__init__.py", "")
    write(tmp_path, "t/unit/test_app.py", "from t import skip\n")
    write(tmp_path, "t/smoke/tests/__init__.py", "")
    write(tmp_path, "t/smoke/tests/test_smoke.py", "")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    support = [name for name, kind in files if kind == "support"]
    assert "pkg/internet/main.py" not in support
    assert "pkg/internet/test/helpers.py" in support
    assert "pkg/testing/runner.py" in support
    assert "t/skip.py" in support


def test_relative_imports_of_a_package_keeping_its_tests_in_test_directories(
    tmp_path: Path,
) -> None:
    """The package ``__init__.py`` files pytest imports for such a package import its code
    relatively (twisted/python/__init__.py: ``from .deprecate import ...``): that code is under
    test, not support (twisted: 40 modules, 2 findings on twisted/python/deprecate.py); a
    relative import inside a test directory still brings in its helpers."""
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/python/__init__.py", "from .deprecate import warn\n")
    write(tmp_path, "pkg/python/deprecate.py", "")
    write(tmp_path, "pkg/python/test/__init__.py", "")
    write(tmp_path, "pkg/python/test/helpers.py", "")
    write(tmp_path, "pkg/python/test/test_deprecate.py", "from . import helpers\n")
    files, _ = shown(tmp_path, settings=rooted(tmp_path))
    support = [name for name, kind in files if kind == "support"]
    assert "pkg/python/deprecate.py" not in support
    assert "pkg/python/__init__.py" in support
    assert "pkg/python/test/helpers.py" in support
