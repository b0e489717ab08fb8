"""``isolint trend`` on a small git repository built here, commit by commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from isolint.commands import trend
from isolint.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ENV_LEAK = 'import os\n\n\ndef test_a():\n    os.environ["A"] = "1"\n'
ENV_SAFE = 'def test_a(monkeypatch):\n    monkeypatch.setenv("A", "1")\n'
PATCH_LEAK = textwrap.dedent(
    """\
    from unittest.mock import patch


    def test_b():
        patch("os.getcwd").start()
    """
)


def git(repo: Path, *args: str, date: str = "") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout


def commit(repo: Path, day: int, message: str, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=f"2025-02-0{day}T12:00:00+00:00")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    commit(root, 1, "env leak", {"tests/test_a.py": ENV_LEAK, "src/app.py": ENV_LEAK})
    commit(root, 2, "patch leak", {"tests/test_b.py": PATCH_LEAK})
    # A hazard in a file that the default python_files does not collect...
    commit(root, 3, "fix env, add check_c", {"tests/test_a.py": ENV_SAFE,
                                              "tests/check_c.py": ENV_LEAK})
    # ...until this commit's configuration says it does.
    commit(root, 4, "collect check_*.py", {"pytest.ini": "[pytest]\npython_files = check_*.py test_*.py\n"})
    # Uncommitted work must not count, and must not be touched.
    (root / "tests" / "test_b.py").write_text("def test_b():\n    pass\n")
    monkeypatch.chdir(root)
    return root


def counts(points: list[trend.Point]) -> list[tuple[str, int, dict[str, int]]]:
    return [(p.commit.subject, p.total, p.by_code) for p in points]


def test_each_commit_is_scanned_with_its_own_files_and_config(repo: Path) -> None:
    status = git(repo, "status", "--porcelain")
    history = trend.commits(repo)
    assert [c.subject for c in history] == ["env leak", "patch leak", "fix env, add check_c",
                                            "collect check_*.py"]
    points = trend.collect(repo, history)
    assert counts(points) == [
        ("env leak", 1, {"ISO003": 1}),
        ("patch leak", 2, {"ISO003": 1, "ISO004": 1}),
        ("fix env, add check_c", 1, {"ISO004": 1}),
        ("collect check_*.py", 2, {"ISO003": 1, "ISO004": 1}),
    ]
    assert [p.files_scanned for p in points] == [1, 2, 2, 3]
    assert [c.date for c in history] == ["2025-02-01", "2025-02-02", "2025-02-03", "2025-02-04"]
    assert git(repo, "status", "--porcelain") == status  # nothing checked out or changed


def test_last_and_range_and_paths(repo: Path) -> None:
    assert [c.subject for c in trend.commits(repo, last=2)] == ["fix env, add check_c",
                                                               "collect check_*.py"]
    assert [c.subject for c in trend.commits(repo, "HEAD~3..HEAD~1")] == ["patch leak",
                                                                         "fix env, add check_c"]
    history = trend.commits(repo)
    # src/app.py is not a test module; naming a path that exists only later gives empty rows.
    points = trend.collect(repo, history, ["tests/test_b.py"])
    assert [p.total for p in points] == [0, 1, 1, 1]


def test_cli_text_markdown_json_and_chart(repo: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["trend", "--last", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["commit", "date", "files", "CRITICAL", "HIGH", "MEDIUM", "LOW",
                              "total", "ISO003", "ISO004", "subject"]
    assert out[1].split()[2:10] == ["2", "0", "1", "1", "0", "2", "1", "1"]
    assert out[-1] == "Rules: ISO003 env_var_pollution, ISO004 patch_without_context"

    assert main(["trend", "HEAD~1..HEAD", "--output-format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("| commit | date | files |")
    assert "| collect check_*.py |" in markdown

    assert main(["trend", "--format", "json", "-o", "trend.json", "--chart", "trend.svg",
                 "--select", "env_var_pollution"]) == 0
    data = json.loads((repo / "trend.json").read_text())
    assert [c["total"] for c in data["commits"]] == [1, 1, 0, 1]
    svg = ET.parse(repo / "trend.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    bars = [r for r in svg.iter("{http://www.w3.org/2000/svg}rect")
            if r.get("fill") == trend.COLORS[trend.Severity.HIGH]]
    assert len(bars) == 3 + 1  # one HIGH bar for each commit with a finding, and the legend's


def test_invalid_config_in_one_commit_does_not_stop_the_trend(repo: Path, capsys) -> None:
    commit(repo, 5, "break config", {"pytest.ini": "[pytest]\npython_files = [unclosed\n",
                                     "pyproject.toml": "[tool.isolint]\nselct = 1\n"})
    assert main(["trend", "--last", "2"]) == 0
    last = capsys.readouterr().out.splitlines()[2]
    assert "break config (invalid configuration:" in last


def test_not_a_repository_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["trend"]) == 2
    err = capsys.readouterr().err
    assert err == (f"isolint: error: not in a git repository: {tmp_path.resolve()} "
                   "(trend reads the history of one)\n")


SVG = "{http://www.w3.org/2000/svg}"


def test_chart_axes_commit_labels_and_legend(repo: Path) -> None:
    assert main(["trend", "--chart", "trend.svg", "-o", "trend.txt"]) == 0
    svg = ET.parse(repo / "trend.svg").getroot()
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "findings" in texts
    assert "commit and commit date (oldest first)" in texts
    assert "fix env, add check_c" not in texts  # subjects are in the hover titles, not labels
    labels = [t for t in texts if t.endswith("2025-02-03")]
    assert len(labels) == 1 and labels[0].split()[1] == "2025-02-03"
    # One hover title per commit's bar: commit, date, subject and counts.
    titles = [g.find(f"{SVG}title").text for g in svg.iter(f"{SVG}g")]
    assert len(titles) == 4
    assert titles[2].endswith("2025-02-03 fix env, add check_c\n1 finding (1 MEDIUM)")
    assert titles[1].endswith("2025-02-02 patch leak\n2 findings (1 HIGH, 1 MEDIUM)")
    # The legend names only the severities that occur.
    assert [t for t in texts if t in ("CRITICAL", "HIGH", "MEDIUM", "LOW")] == ["HIGH", "MEDIUM"]


def test_bad_range(repo: Path, capsys) -> None:
    assert main(["trend", "nosuchbranch..HEAD"]) == 2
    assert "isolint: error: git log" in capsys.readouterr().err


def test_files_not_scanned_counted_with_the_right_noun() -> None:
    def point(errors: int) -> trend.Point:
        commit = trend.Commit("a" * 40, "a" * 7, "2025-01-01", "subject")
        return trend.Point(commit, 2, 0, {"CRITICAL": 0, "HIGH": 0, "MEDIUM": 0, "LOW": 0}, {},
                           errors=errors)

    assert "subject (1 file not scanned)" in trend.render_text([point(1)])
    assert "subject (2 files not scanned)" in trend.render_text([point(2)])
