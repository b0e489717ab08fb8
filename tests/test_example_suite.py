"""The bundled example suite: isolint reports exactly its `# expect:` lines, and it runs green."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from isolint.cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "polluted_suite"
EXPECT = re.compile(r"#\s*expect:\s*([a-z_]+(?:\s*,\s*[a-z_]+)*)")


def expectations() -> set[tuple[str, int, str]]:
    out = set()
    for path in sorted(EXAMPLE.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = EXPECT.search(line)
            if match:
                rel = path.relative_to(REPO).as_posix()
                out.update((rel, number, name.strip()) for name in match.group(1).split(","))
    return out


def test_scan_reports_exactly_the_annotated_hazards(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert main(["check", "examples/polluted_suite", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    reported = {(f["path"], f["line"], f["name"]) for f in data["findings"]}
    assert reported == expectations()
    assert data["errors"] == []
    # Every rule that is on by default fires somewhere in the example, but missing_xdist_group:
    # under the example's `--dist loadscope` a class's tests already stay on one worker.
    from isolint.analysis.rules import ALL_RULES

    wanted = {r.name for r in ALL_RULES if r.default_enabled} - {"missing_xdist_group"}
    assert {f["name"] for f in data["findings"]} == wanted


def test_example_suite_passes_under_xdist():
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider"],
        cwd=EXAMPLE, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", proc.stdout)
