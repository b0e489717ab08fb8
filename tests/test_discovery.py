"""discover / default_paths / is_test_module / conftest_chain."""

from __future__ import annotations

import os
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
    [".git", ".tox", "build", "dist", "node_modules", "__pycache__", "x.egg-info", ".hidden",
     "venv", "some.egg"],
)
def test_skipped_directories(tmp_path: Path, skipped: str) -> None:
    touch(tmp_path, f"{skipped}/test_x.py", "test_kept.py")
    files, _ = shown(tmp_path)
    assert files == [("test_kept.py", "test")]


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
