"""How many pytest runs, and how long, to name the test that polluted a failing test?

    python3 benchmarks/polluters_vs_dtp.py [--sizes 1000 5000] [--repeats 1]

Generates suites of N trivial tests (50 per file) with two planted polluter/victim pairs: an
environment variable set by one test and read by a later one, and a module global of the package
under test set through a setter (``global``) and read by a later test; plus decoy tests that leak
state nobody reads. Then, for each suite:

* isolint: one recorded run (``pytest --isolint --isolint-report=r.json``) and
  ``isolint polluters r.json --confirm`` (both victims at once);
* detect-test-pollution (from PyPI): ``detect-test-pollution --failing-test VICTIM --tests tests``,
  once per victim (it bisects one victim at a time).

Every pytest process either tool starts is counted by the suite's own ``conftest.py`` (it appends a
line to a file at session start), so both are counted the same way. Wall time is measured around
each tool's commands. Everything runs in ``benchmarks/.work/dtp-venv`` (pytest and
detect-test-pollution from PyPI, isolint editable from this checkout) and ``benchmarks/.work/dtp``.
Prints a Markdown table; results also go to ``benchmarks/.work/polluters_vs_dtp.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
WORK = BENCHMARKS / ".work"
VENV = WORK / "dtp-venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PINS = ("pytest==9.2.0", "detect-test-pollution==1.2.0")
PER_FILE = 50

CONFTEST = '''
import os

def pytest_sessionstart(session):
    counter = os.environ.get("POLLUTION_BENCH_RUNS")
    if counter and not hasattr(session.config, "workerinput"):
        with open(counter, "a") as handle:
            handle.write("run\\n")
'''

SETTINGS = '''
_CURRENCY = "EUR"


def set_currency(code):
    global _CURRENCY
    _CURRENCY = code


def currency():
    return _CURRENCY
'''


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_venv() -> None:
    if not (BIN / "python").exists():
        log(f"creating {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    marker = VENV / ".installed"
    if not marker.exists() or marker.read_text() != "\n".join(PINS):
        subprocess.run([str(BIN / "python"), "-m", "pip", "install", "-q", *PINS], check=True)
        subprocess.run([str(BIN / "python"), "-m", "pip", "install", "-q", "--no-deps", "-e", str(REPO)], check=True)
        marker.write_text("\n".join(PINS))


def generate(root: Path, tests: int) -> dict[str, str]:
    """Write the suite; returns ``{victim node id: its polluter's node id}``."""
    if root.exists():
        shutil.rmtree(root)
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "settings.py").write_text(SETTINGS)
    (root / "tests").mkdir()
    (root / "conftest.py").write_text(CONFTEST)
    (root / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    files = tests // PER_FILE
    # polluters early, victims late, decoys in between (each leaks what no victim reads)
    plan = {
        (files // 10, 7): ("env_polluter", "import os\n    os.environ['SHOP_MODE'] = 'test'"),
        (files // 5, 11): ("global_polluter", "from shop import settings\n    settings.set_currency('USD')"),
        (files * 7 // 10, 23): ("env_victim", "import os\n    assert os.environ.get('SHOP_MODE') is None"),
        (files * 9 // 10, 31): ("global_victim", "from shop.settings import currency\n    assert currency() == 'EUR'"),
    }
    for number in range(3):
        plan[(files // 3 + number, 3)] = (f"decoy_{number}", f"import os\n    os.environ['DECOY_{number}'] = '1'")
    names: dict[str, str] = {}
    for f in range(files):
        lines = []
        for t in range(PER_FILE):
            planted = plan.get((f, t))
            if planted:
                name, body = planted
                lines.append(f"def test_{name}():\n    {body}\n")
                names[name] = f"tests/test_{f:04d}.py::test_{name}"
            else:
                lines.append(f"def test_{t}():\n    assert {t} + 1 == {t + 1}\n")
        (root / "tests" / f"test_{f:04d}.py").write_text("\n".join(lines))
    return {names["env_victim"]: names["env_polluter"], names["global_victim"]: names["global_polluter"]}


def timed(command: list[str], cwd: Path, counter: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {**os.environ, "POLLUTION_BENCH_RUNS": str(counter), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTEST_ADDOPTS", None)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, result


def runs(counter: Path) -> int:
    return len(counter.read_text().splitlines()) if counter.exists() else 0


def measure_isolint(root: Path, pairs: dict[str, str]) -> dict:
    counter = root / "runs-isolint.txt"
    counter.unlink(missing_ok=True)
    python = str(BIN / "python")
    wall, result = timed([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--isolint", "--isolint-report=r.json"], root, counter)
    assert "2 failed" in result.stdout, result.stdout[-2000:]
    more, result = timed([python, "-m", "isolint", "polluters", "r.json", "--confirm", "--format", "json"], root, counter)
    data = json.loads(result.stdout)
    named = {v["test"]: next((p["test"] for p in v["polluters"] if p["confirmed"]), None) for v in data["victims"]}
    return {"runs": runs(counter), "wall": wall + more, "record_wall": wall, "correct": named == pairs, "named": named}


def measure_dtp(root: Path, pairs: dict[str, str]) -> dict:
    counter = root / "runs-dtp.txt"
    counter.unlink(missing_ok=True)
    wall = 0.0
    named = {}
    for victim in pairs:
        seconds, result = timed([str(BIN / "detect-test-pollution"), "--failing-test", victim, "--tests", "tests"], root, counter)
        wall += seconds
        found = [line.split()[-1] for line in result.stdout.splitlines() if "is the polluter" in line or line.startswith("-> ")]
        polluter = next((p for p in pairs.values() if p in result.stdout), None)
        named[victim] = polluter
        if polluter is None:
            log(result.stdout[-3000:] + result.stderr[-2000:])
        del found
    return {"runs": runs(counter), "wall": wall, "correct": named == pairs, "named": named}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeats", type=int, default=1)
    options = parser.parse_args()
    ensure_venv()
    results = []
    for size in options.sizes:
        root = WORK / "dtp" / f"suite-{size}"
        pairs = generate(root, size)
        for repeat in range(options.repeats):
            for tool, measure in (("isolint", measure_isolint), ("detect-test-pollution", measure_dtp)):
                log(f"{size} tests, {tool}, repeat {repeat + 1}")
                outcome = measure(root, pairs)
                results.append({"tests": size, "tool": tool, **outcome})
                log(f"  {outcome['runs']} pytest runs, {outcome['wall']:.1f} s, correct={outcome['correct']}")
    (WORK / "polluters_vs_dtp.json").write_text(json.dumps(results, indent=2))
    print("| suite | tool | pytest runs | wall time | polluters named correctly |")
    print("|---|---|---|---|---|")
    for row in results:
        print(f"| {row['tests']:,} tests, 2 victims | {row['tool']} | {row['runs']} | {row['wall']:.1f} s | {'yes' if row['correct'] else 'no'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
