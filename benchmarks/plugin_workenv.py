"""Shared set-up for the plugin benchmarks: a scratch virtualenv and pinned sdists from PyPI.

Everything lives under ``benchmarks/.work/`` (git-ignored). The virtualenv
(``benchmarks/.work/plugin-venv``, not the ``venv`` ``benchmarks/run.py`` fills with a regular,
non-editable install) gets pinned pytest, pytest-xdist and psutil and an editable install of this
checkout, so the benchmarks measure the code in the working tree. Only PyPI is contacted, through
pip.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
WORK = BENCHMARKS / ".work"
VENV = WORK / "plugin-venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")

PINS = (
    "pytest==9.2.0",
    "pytest-xdist==3.8.0",
    "execnet==2.1.2",
    "pluggy==1.7.0",
    "iniconfig==2.3.1",
    "packaging==26.3",
    "Pygments==2.21.0",
    "psutil==7.2.2",
    "libcst==1.9.0",
    "PyYAML==6.0.4",
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_venv(extra: tuple[str, ...] = ()) -> Path:
    """The scratch interpreter, created and filled on first use; returns its python."""
    if not PYTHON.exists():
        log(f"creating {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    marker = VENV / ".isolint-bench-installed"
    wanted = "\n".join((*PINS, *extra))
    if not marker.exists() or marker.read_text() != wanted:
        log("installing pinned benchmark dependencies and isolint (editable)")
        subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", *PINS, *extra], check=True)
        subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", "--no-deps", "-e", str(REPO)], check=True)
        marker.write_text(wanted)
    return PYTHON


def fetch_sdist(name: str, version: str) -> Path:
    """Download ``name==version`` as an sdist and unpack it; returns the unpacked directory."""
    sdists = WORK / "sdists"
    target = WORK / "src"
    for directory in target.glob("*"):
        if directory.is_dir() and directory.name.lower().replace("_", "-") == f"{name}-{version}".lower():
            return directory
    sdists.mkdir(parents=True, exist_ok=True)
    log(f"downloading {name}=={version} (sdist)")
    subprocess.run(
        [str(PYTHON), "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
         f"{name}=={version}", "-d", str(sdists)],
        check=True,
    )
    stem = "[-_]".join(re.escape(part) for part in name.split("-"))
    pattern = re.compile(rf"^{stem}-{re.escape(version)}\.tar\.gz$", re.I)
    (archive,) = [p for p in sdists.iterdir() if pattern.match(p.name)]
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
        top = tar.getnames()[0].split("/")[0]
    tree = target / top
    if not any((tree / name).exists() for name in ("pytest.ini", "tox.ini", "setup.cfg")):
        # Without its own pytest config the run would pick up this repository's pyproject.toml
        # (and its rootdir and addopts): pin the rootdir to the unpacked tree.
        (tree / "pytest.ini").write_text("[pytest]\n")
    return tree


_SESSION_TIME = re.compile(r" in ([0-9.]+)s")


@dataclass
class Timing:
    wall: float  # the whole ``python -m pytest`` process
    session: float  # the time pytest reports for its session
    cpu: float  # user + system CPU of pytest and its (xdist worker) children
    output: str


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_pytest(args: list[str], cwd: Path, env: dict[str, str] | None = None, stderr: bool = False) -> Timing:
    """Run ``python -m pytest *args``, which must pass. CPU time is measured too: on a shared
    machine it moves far less with other processes' load than wall time does. ``stderr``: the
    output then ends with what pytest wrote to stderr."""
    full_env = {**os.environ, **(env or {})}
    # Cache bytecode as a normal installation does. (Some sandboxes set this variable; then every
    # run would compile the editable isolint from source and re-rewrite every test module.)
    full_env.pop("PYTHONDONTWRITEBYTECODE", None)
    cpu_before = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [str(PYTHON), "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd, env=full_env, capture_output=True, text=True,
    )
    wall = time.perf_counter() - start
    cpu = _children_cpu() - cpu_before
    if done.returncode != 0:
        raise RuntimeError(f"pytest failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    lines = done.stdout.strip().splitlines()
    match = _SESSION_TIME.search(lines[-1]) if lines else None
    output = done.stdout + (done.stderr if stderr else "")
    return Timing(wall, float(match.group(1)) if match else float("nan"), cpu, output)


def median(values: list[float]) -> float:
    return statistics.median(values)
