"""The configured pytest-xdist mode: inert_xdist_group, the missing_xdist_group note, the
xdist-group policy, and the mode read end to end from each kind of pytest configuration file."""

from __future__ import annotations

import json
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from isolint import cli
from isolint.config import DIST_MODES, PytestConfig, Settings
from isolint.engine import scan_source

GROUPED = textwrap.dedent(
    """\
    import pytest

    class TestPlain:
        def test_a(self):
            pass

    @pytest.mark.xdist_group(name="db")
    class TestGrouped:
        def test_a(self):
            pass
    """
)
SHARED = textwrap.dedent(
    """\
    class TestShared:
        def setup_class(cls):
            cls.rows = []

        def test_a(self):
            self.rows.append(1)

    class TestIndependent:
        def test_a(self):
            pass
    """
)
INERT_MODES = ("each", "load", "loadscope", "loadfile", "worksteal")


def settings(mode: str, source: str = "pytest.ini [pytest] addopts", **fields: object) -> Settings:
    pytest_config = PytestConfig(dist_mode=mode, dist_source=source if mode else "")
    return replace(Settings(**fields), pytest=pytest_config)  # type: ignore[arg-type]


def messages(source: str, config: Settings, rule: str) -> list[tuple[int, str]]:
    result = scan_source(source, "test_x.py", replace(config, select=(rule,)))
    assert not result.errors
    return [(f.line, f.message) for f in result.findings]


def test_the_modes_cover_every_xdist_mode() -> None:
    assert set(INERT_MODES) | {"no", "loadgroup"} == set(DIST_MODES)


@pytest.mark.parametrize("mode", INERT_MODES)
def test_inert_under_every_mode_but_loadgroup(mode: str) -> None:
    [(line, message)] = messages(GROUPED, settings(mode), "inert_xdist_group")
    assert line == 7
    assert f"`--dist {mode}` (from pytest.ini [pytest] addopts)" in message


@pytest.mark.parametrize("mode", ["", "no", "loadgroup"])
def test_not_inert_when_unconfigured_not_distributed_or_loadgroup(mode: str) -> None:
    assert messages(GROUPED, settings(mode), "inert_xdist_group") == []


@pytest.mark.parametrize("mode", ["load", "worksteal"])
def test_missing_xdist_group_says_to_switch_mode_where_a_marker_is_inert(mode: str) -> None:
    [(line, message)] = messages(GROUPED, settings(mode, xdist_group_policy="all"), "missing_xdist_group")
    assert line == 3
    assert message == (
        "test class `TestPlain` has no `xdist_group` marker; under "
        f"`--dist {mode}` (from pytest.ini [pytest] addopts) a marker alone does nothing: "
        "switch to `--dist loadgroup` (or `loadscope`) and mark it"
    )


@pytest.mark.parametrize("policy", ["all", "shared-state"])
@pytest.mark.parametrize("mode", ["loadscope", "loadfile", "each"])
def test_missing_xdist_group_is_silent_where_a_class_stays_on_one_worker(
    mode: str, policy: str
) -> None:
    """The reference suite's contradiction: under loadscope every class already stays on one
    worker, so asking for a marker that inert_xdist_group calls inert helps nobody."""
    config = settings(mode, xdist_group_policy=policy)
    assert messages(GROUPED, config, "missing_xdist_group") == []
    assert messages(SHARED, config, "missing_xdist_group") == []


@pytest.mark.parametrize("mode", ["", "no", "loadgroup"])
def test_missing_xdist_group_without_note(mode: str) -> None:
    [(_, message)] = messages(GROUPED, settings(mode, xdist_group_policy="all"), "missing_xdist_group")
    assert message == "test class `TestPlain` has no `xdist_group` marker"


def test_policy_all_reports_every_class() -> None:
    found = messages(SHARED, settings("", xdist_group_policy="all"), "missing_xdist_group")
    assert [line for line, _ in found] == [1, 8]


def test_policy_shared_state_reports_only_classes_sharing_state() -> None:
    found = messages(SHARED, settings("", xdist_group_policy="shared-state"), "missing_xdist_group")
    assert found == [
        (1, "test class `TestShared` has no `xdist_group` marker but its tests share state "
            "(`setup_class`)")
    ]
    read_only = SHARED.replace("self.rows.append(1)", "assert self.rows == []")
    found = messages(read_only, settings("", xdist_group_policy="shared-state"), "missing_xdist_group")
    assert [line for line, _ in found] == [1]


@pytest.mark.parametrize("fields", [{}, {"xdist_group_policy": "changed-state"}])
def test_policy_changed_state_is_the_default_and_reports_only_changes(fields: dict) -> None:
    found = messages(SHARED, settings("", **fields), "missing_xdist_group")
    assert found == [
        (1, "test class `TestShared` has no `xdist_group` marker but a test changes state its "
            "tests share: `rows` bound by `setup_class`, changed by `self.rows.append(1)` in "
            "`test_a` (line 6)")
    ]
    read_only = SHARED.replace("self.rows.append(1)", "assert self.rows == []")
    assert messages(read_only, settings("", **fields), "missing_xdist_group") == []


def test_policy_and_note_together() -> None:
    config = settings("load", "[tool.isolint] dist")
    [(_, message)] = messages(SHARED, config, "missing_xdist_group")
    assert message.endswith(
        "(line 6); under `--dist load` (from [tool.isolint] dist) a marker alone does "
        "nothing: switch to `--dist loadgroup` (or `loadscope`) and mark it"
    )


# --------------------------------------------------------------------------- end to end
CONFIG_FILES = {
    "pytest.ini": ("[pytest]\naddopts = -n auto --dist loadscope\n", "pytest.ini [pytest] addopts"),
    "pyproject.toml": (
        '[tool.pytest.ini_options]\naddopts = "-n auto --dist loadscope"\n',
        "pyproject.toml [tool.pytest.ini_options] addopts",
    ),
    "tox.ini": ("[pytest]\naddopts = --dist=loadscope\n", "tox.ini [pytest] addopts"),
    "setup.cfg": ("[tool:pytest]\naddopts = -n 4 --dist loadscope\n", "setup.cfg [tool:pytest] addopts"),
}


def run_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, *args: str) -> dict:
    monkeypatch.chdir(tmp_path)
    code = cli.main(["check", "--format", "json", *args])
    out = json.loads(capsys.readouterr().out)
    assert code == 1, out
    return out


@pytest.mark.parametrize("filename", sorted(CONFIG_FILES))
def test_cli_reports_inert_markers_with_the_config_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, filename: str
) -> None:
    text, source = CONFIG_FILES[filename]
    (tmp_path / filename).write_text(text)
    (tmp_path / "test_orders.py").write_text(GROUPED)
    out = run_check(tmp_path, monkeypatch, capsys, "--select", "inert_xdist_group")
    [finding] = out["findings"]
    assert (finding["name"], finding["rule"], finding["severity"]) == (
        "inert_xdist_group", "ISO005", "MEDIUM"
    )
    assert (finding["path"], finding["line"]) == ("test_orders.py", 7)
    assert f"`--dist loadscope` (from {source})" in finding["message"]


def test_cli_dist_option_overrides_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --dist loadgroup\n")
    (tmp_path / "test_orders.py").write_text(GROUPED)
    out = run_check(tmp_path, monkeypatch, capsys, "--dist", "worksteal", "--select", "ISO002,ISO005",
                    "--xdist-group-policy", "all")
    by_name = {f["name"]: f["message"] for f in out["findings"]}
    assert "`--dist worksteal` (from --dist option)" in by_name["inert_xdist_group"]
    assert by_name["missing_xdist_group"].endswith("switch to `--dist loadgroup` (or `loadscope`) and mark it")


def test_cli_tool_isolint_dist_silences_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = "--dist load"\n\n[tool.isolint]\ndist = "loadgroup"\n'
    )
    (tmp_path / "test_orders.py").write_text(GROUPED)
    out = run_check(tmp_path, monkeypatch, capsys, "--select", "ISO002,ISO005",
                    "--xdist-group-policy", "all")
    assert [f["name"] for f in out["findings"]] == ["missing_xdist_group"]


READ_ONLY_SHARED = SHARED.replace("self.rows.append(1)", "assert self.rows == []")


@pytest.mark.parametrize(
    ("where", "policy", "lines"),
    [
        ("", None, []),  # the default: changed-state
        ("cli", "changed-state", []),
        ("cli", "shared-state", [1]),
        ("cli", "all", [1, 8]),
        ("toml", "changed-state", []),
        ("toml", "shared-state", [1]),
        ("toml", "all", [1, 8]),
    ],
)
def test_cli_and_tool_isolint_choose_the_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, where: str, policy: str | None,
    lines: list[int],
) -> None:
    (tmp_path / "test_orders.py").write_text(READ_ONLY_SHARED)
    args = ["--select", "ISO002"]
    if where == "cli":
        args += ["--xdist-group-policy", policy]
    elif where == "toml":
        (tmp_path / "pyproject.toml").write_text(f'[tool.isolint]\nxdist-group-policy = "{policy}"\n')
    monkeypatch.chdir(tmp_path)
    code = cli.main(["check", "--format", "json", *args])
    out = json.loads(capsys.readouterr().out)
    assert [f["line"] for f in out["findings"]] == lines
    assert code == (1 if lines else 0)


def test_cli_refuses_an_unknown_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        cli.main(["check", "--xdist-group-policy", "changed", "."])
    assert exc.value.code == 2
    assert "changed-state" in capsys.readouterr().err
