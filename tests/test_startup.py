"""Start-up stays light: `isolint check one_file.py` imports only what a scan needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: Runs the command, then writes the names of every imported module to the file in argv[1].
PROBE = """\
import sys
from isolint.cli import main
out, args = sys.argv[1], sys.argv[2:]
try:
    code = main(args)
finally:
    with open(out, "w") as handle:
        handle.write("\\n".join(sorted(sys.modules)))
sys.exit(code)
"""
#: Modules a check of a few files must never import (and what they belong to).
FORBIDDEN = (
    "libcst",  # --fix only
    "isolint.plugin",  # the pytest plugin
    "isolint.fixes",  # --fix only
    "isolint.runtime",  # --runtime-report only
    "isolint.baseline",  # baseline commands only
    "isolint.commands.trend",
    "psutil",  # the plugin's memory probe
    "pytest",
    "multiprocessing",  # only when a pool of workers is started
    "concurrent.futures",
)


def imported(tmp_path: Path, *args: str) -> set[str]:
    listing = tmp_path / "modules.txt"
    subprocess.run([sys.executable, "-c", PROBE, str(listing), *args], cwd=tmp_path,
                   capture_output=True, check=False)
    return set(listing.read_text().split("\n"))


@pytest.fixture()
def one_file(tmp_path: Path) -> Path:
    (tmp_path / "test_a.py").write_text('import os\n\ndef test_a():\n    os.environ["A"] = "1"\n')
    return tmp_path


@pytest.mark.parametrize("extra", [(), ("--no-cache",), ("--format", "json")],
                         ids=["text", "no-cache", "json"])
def test_check_of_one_file_imports_nothing_heavy(one_file, extra):
    modules = imported(one_file, "check", "test_a.py", *extra)
    assert "isolint.engine" in modules  # the probe saw the scan
    loaded = sorted(m for m in modules for f in FORBIDDEN if m == f or m.startswith(f + "."))
    assert loaded == []


def test_only_the_chosen_reporter_is_imported(one_file):
    modules = imported(one_file, "check", "test_a.py")
    reporters = {m for m in modules if m.startswith("isolint.reporters.")}
    assert reporters == {"isolint.reporters.text"}


def test_a_warm_check_loads_no_analysis(one_file):
    """Every file a cache hit: nothing is parsed, so neither the engine nor the rules (nor the
    project index) are imported; a cold run does import them."""
    cold = imported(one_file, "check", "test_a.py")
    warm = imported(one_file, "check", "test_a.py")
    assert {"isolint.engine", "isolint.analysis.rules"} <= cold
    assert sorted(m for m in warm if m == "isolint.engine" or m.startswith("isolint.analysis")) == []
