"""``isolint trend``: findings per commit over the git history, without checking anything out.

For each commit, the test files and the configuration are read from git's object database
(``git ls-tree`` + ``git cat-file --batch``): the configuration files (``pytest.ini``,
``pyproject.toml``, ``tox.ini``, ``setup.cfg``, ...) and the Python files pytest would collect
under that commit's ``python_files`` are written to a private temporary directory, and the
ordinary discovery and engine run there. So each commit is scanned with the configuration it
had (its ``python_files``, ``testpaths``, ``norecursedirs``, ``[tool.isolint]``), with the
command line's rule options applied on top. The work tree and the index are never touched.
"""

from __future__ import annotations

import json
import os
import posixpath
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence
from xml.sax.saxutils import escape

from isolint.config import PYTEST_CONFIG_FILES, ConfigError, Settings
from isolint.model import ScanResult, Severity
from isolint.wording import count

if TYPE_CHECKING:
    import argparse

SEVERITIES = tuple(sorted(Severity, reverse=True))
#: Files whose presence or content decides the configuration and rootdir.
CONFIG_NAMES = frozenset(PYTEST_CONFIG_FILES) | {"setup.py"}
COLORS = {
    Severity.CRITICAL: "#b91c1c",
    Severity.HIGH: "#ea580c",
    Severity.MEDIUM: "#ca8a04",
    Severity.LOW: "#2563eb",
}


class GitError(Exception):
    """git failed or is not available; the message says how."""


@dataclass(frozen=True)
class Commit:
    sha: str
    short: str
    date: str
    subject: str


@dataclass(frozen=True)
class Point:
    """The counts for one commit."""

    commit: Commit
    files_scanned: int = 0
    files_with_findings: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    #: rule code -> count
    by_code: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    #: Why the commit could not be scanned at all (an invalid configuration), or "".
    failure: str = ""

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())

    def to_dict(self) -> dict[str, object]:
        return {
            "commit": self.commit.sha,
            "short": self.commit.short,
            "date": self.commit.date,
            "subject": self.commit.subject,
            "files_scanned": self.files_scanned,
            "files_with_findings": self.files_with_findings,
            "by_severity": dict(self.by_severity),
            "by_rule": dict(self.by_code),
            "total": self.total,
            "errors": self.errors,
            "failure": self.failure,
        }


# ------------------------------------------------------------------------------ git
def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]}: {message[-1] if message else 'failed'}")
    return done.stdout


def repo_root(cwd: Path) -> Path:
    """The top of the git repository ``cwd`` is in; :class:`GitError` in one line if none."""
    try:
        return Path(_git(cwd, "rev-parse", "--show-toplevel").decode().strip())
    except GitError as exc:
        if "not a git repository" in str(exc):
            raise GitError(f"not in a git repository: {cwd} (trend reads the history of one)") from None
        raise


def commits(repo: Path, rev_range: str | None = None, last: int | None = None) -> list[Commit]:
    """The commits of ``rev_range`` (default ``HEAD``), at most ``last`` of them, oldest first."""
    args = ["log", "--format=%H%x00%h%x00%cs%x00%s", "--first-parent"]
    if last:
        args.append(f"--max-count={last}")
    args += [rev_range or "HEAD", "--"]
    out = _git(repo, *args).decode("utf-8", "replace")
    found = [Commit(*line.split("\x00", 3)) for line in out.splitlines() if line]
    return list(reversed(found))


def tree_names(repo: Path, sha: str) -> list[str]:
    out = _git(repo, "ls-tree", "-r", "-z", "--name-only", sha)
    return [name for name in out.decode("utf-8", "surrogateescape").split("\x00") if name]


def read_blobs(repo: Path, sha: str, names: Sequence[str]) -> dict[str, bytes]:
    """The contents of ``names`` at ``sha``, read with one ``git cat-file --batch``."""
    if not names:
        return {}
    request = "".join(f"{sha}:{name}\n" for name in names).encode("utf-8", "surrogateescape")
    out = _git(repo, "cat-file", "--batch", stdin=request)
    blobs: dict[str, bytes] = {}
    pos = 0
    for name in names:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # "missing", a submodule, a symlink target outside the tree...
        size = int(header[2])
        blobs[name] = out[pos:pos + size]
        pos += size + 1
    return blobs


# ------------------------------------------------------------------------------ scanning
def _write(root: Path, blobs: dict[str, bytes]) -> None:
    for name, data in blobs.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def scan_commit(
    repo: Path,
    sha: str,
    paths: Sequence[str] = (),
    cwd: str = "",
    adjust: Callable[[Settings], Settings] = lambda s: s,
) -> ScanResult:
    """Scan the test files of commit ``sha`` as ``isolint check`` would have.

    ``paths`` and ``cwd`` are relative to the repository root (``cwd`` is where isolint runs,
    so that displayed paths and default ``testpaths`` behave as in a check); ``adjust`` applies
    the command line's options to each commit's settings.
    """
    from isolint.discovery import default_paths, is_test_module
    from isolint.orchestration import discover_and_scan, load_settings

    names = tree_names(repo, sha)
    with tempfile.TemporaryDirectory(prefix="isolint-trend-") as tmp:
        root = Path(tmp)
        _write(root, read_blobs(repo, sha, [n for n in names if posixpath.basename(n) in CONFIG_NAMES]))
        work = root / cwd
        work.mkdir(parents=True, exist_ok=True)
        present = [p for p in paths if _exists(p, names)]
        for path in present:  # so that the configuration is looked up from where it should be
            (root / path if _is_dir(path, names) else (root / path).parent).mkdir(
                parents=True, exist_ok=True)
        scan_roots = [root / p for p in present]
        settings = adjust(load_settings(scan_roots or None, work))
        wanted = [
            n for n in names
            if n.endswith(".py")
            and (posixpath.basename(n) == "conftest.py" or is_test_module(n, settings))
        ]
        _write(root, read_blobs(repo, sha, wanted))
        if paths and not present:
            return ScanResult.build([])
        targets = scan_roots or default_paths(settings, work)
        return discover_and_scan(targets, settings, work)


def _exists(path: str, names: Sequence[str]) -> bool:
    return path in ("", ".") or path in names or _is_dir(path, names)


def _is_dir(path: str, names: Sequence[str]) -> bool:
    prefix = path.rstrip("/") + "/"
    return path in ("", ".") or any(n.startswith(prefix) for n in names)


def point(commit: Commit, result: ScanResult) -> Point:
    s = result.summary
    codes = Counter(f.code for f in result.findings)
    return Point(
        commit=commit,
        files_scanned=s.files_scanned,
        files_with_findings=s.files_with_findings,
        by_severity=dict(s.by_severity),
        by_code=dict(sorted(codes.items())),
        errors=s.errors,
    )


def collect(
    repo: Path,
    history: Sequence[Commit],
    paths: Sequence[str] = (),
    cwd: str = "",
    adjust: Callable[[Settings], Settings] = lambda s: s,
) -> list[Point]:
    """One point per commit; a commit whose configuration is invalid gets a ``failure``."""
    points = []
    for commit in history:
        try:
            points.append(point(commit, scan_commit(repo, commit.sha, paths, cwd, adjust)))
        except ConfigError as exc:
            points.append(Point(commit, failure=f"invalid configuration: {exc}"))
    return points


# ------------------------------------------------------------------------------ output
def _codes(points: Sequence[Point]) -> list[str]:
    return sorted({code for p in points for code in p.by_code})


def _rows(points: Sequence[Point]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the table: commit facts, severities, total, then one column per rule."""
    codes = _codes(points)
    header = ["commit", "date", "files", *(s.name for s in SEVERITIES), "total", *codes, "subject"]
    rows = []
    for p in points:
        if p.failure:
            counts = ["-"] * (len(SEVERITIES) + 1 + len(codes))
            subject = f"{p.commit.subject} ({p.failure})"
        else:
            counts = [str(p.by_severity.get(s.name, 0)) for s in SEVERITIES] + [str(p.total)]
            counts += [str(p.by_code.get(code, 0)) for code in codes]
            subject = p.commit.subject + (f" ({count(p.errors, 'file')} not scanned)" if p.errors else "")
        files = "-" if p.failure else str(p.files_scanned)
        rows.append([p.commit.short, p.commit.date, files, *counts, subject])
    return header, rows


def _legend(points: Sequence[Point]) -> list[tuple[str, str]]:
    from isolint.analysis.rules import ALL_RULES

    names = {rule.code: rule.name for rule in ALL_RULES}
    return [(code, names.get(code, "")) for code in _codes(points)]


def render_text(points: Sequence[Point]) -> str:
    if not points:
        return "No commits.\n"
    header, rows = _rows(points)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    legend = _legend(points)
    if legend:
        lines += ["", "Rules: " + ", ".join(f"{code} {name}".rstrip() for code, name in legend)]
    return "\n".join(lines) + "\n"


def render_markdown(points: Sequence[Point]) -> str:
    if not points:
        return "No commits.\n"
    header, rows = _rows(points)
    numeric = range(2, len(header) - 1)
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if i in numeric else "---" for i in range(len(header))) + "|",
    ]
    for row in rows:
        row = [f"`{row[0]}`", *row[1:-1], row[-1].replace("|", "\\|")]
        lines.append("| " + " | ".join(row) + " |")
    legend = _legend(points)
    if legend:
        lines += [""] + [f"- **{code}**: `{name}`" for code, name in legend]
    return "\n".join(lines) + "\n"


def render_json(points: Sequence[Point]) -> str:
    return json.dumps({"commits": [p.to_dict() for p in points]}, indent=2) + "\n"


FORMATS = {"text": render_text, "markdown": render_markdown, "json": render_json}


def render_svg(points: Sequence[Point], title: str = "isolint findings per commit") -> str:
    """A stacked bar chart, one bar per commit (oldest left), one colour per severity.

    Axis titles; each commit labelled with its short SHA and date; hovering a bar shows its
    commit, date, subject and counts (an SVG ``<title>``); the legend lists only the
    severities that occur.
    """
    bar, gap, left, top, plot_h, bottom = 28, 14, 64, 48, 220, 124
    plot_w = max(1, len(points)) * (bar + gap) + gap
    present = [s for s in SEVERITIES if any(p.by_severity.get(s.name, 0) for p in points)]
    width = left + plot_w + (140 if present else 24)
    height = top + plot_h + bottom
    peak = max([p.total for p in points] + [1])
    step = _nice_step(peak)
    ceiling = -(-peak // step) * step
    scale = plot_h / ceiling
    base = top + plot_h
    right = left + plot_w
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left}" y="24" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in range(0, ceiling + 1, step):
        y = base - tick * scale
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for i, p in enumerate(points):
        x = left + gap + i * (bar + gap)
        y = float(base)
        # The whole column is the hover area, so a commit without findings has a title too.
        out.append(f"<g><title>{escape(_bar_title(p))}</title>")
        out.append(f'<rect x="{x}" y="{top}" width="{bar}" height="{plot_h}" fill="none" '
                   'pointer-events="all"/>')
        for severity in reversed(SEVERITIES):  # LOW at the bottom, CRITICAL on top
            n = p.by_severity.get(severity.name, 0)
            if not n:
                continue
            h = n * scale
            y -= h
            out.append(
                f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{COLORS[severity]}"/>'
            )
        out.append("</g>")
        label = "!" if p.failure else str(p.total)
        out.append(f'<text x="{x + bar / 2}" y="{y - 4:.1f}" text-anchor="middle">{label}</text>')
        cx, cy = x + bar / 2, base + 14
        out.append(
            f'<text x="{cx}" y="{cy}" text-anchor="end" transform="rotate(-45 {cx} {cy})">'
            f'<tspan font-family="monospace">{escape(p.commit.short)}</tspan> '
            f"{escape(p.commit.date)}</text>"
        )
    out.append(f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="#374151"/>')
    out.append(f'<text x="{left + plot_w / 2}" y="{height - 8}" text-anchor="middle" '
               'font-weight="bold">commit and commit date (oldest first)</text>')
    mid = top + plot_h / 2
    out.append(f'<text x="16" y="{mid}" text-anchor="middle" transform="rotate(-90 16 {mid})" '
               'font-weight="bold">findings</text>')
    lx = right + 16
    for j, severity in enumerate(present):
        ly = top + j * 18
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{COLORS[severity]}"/>')
        out.append(f'<text x="{lx + 18}" y="{ly + 10}">{severity.name}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _bar_title(point: Point) -> str:
    """What hovering a commit's bar shows: commit, date, subject, counts."""
    head = f"{point.commit.short} {point.commit.date} {point.commit.subject}"
    if point.failure:
        return f"{head}\n{point.failure}"
    parts = ", ".join(f"{point.by_severity[s.name]} {s.name}" for s in SEVERITIES
                      if point.by_severity.get(s.name, 0))
    return f"{head}\n{count(point.total, 'finding')}" + (f" ({parts})" if parts else "")


def _nice_step(peak: int) -> int:
    """A tick step of 1, 2 or 5 times a power of ten giving at most about five ticks."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if peak / step <= 5:
                return step
        magnitude *= 10


def relative_to_root(root: Path, path: str | os.PathLike[str], cwd: Path) -> str:
    """``path`` (relative to ``cwd``) relative to the repository root, with ``/``."""
    absolute = Path(os.path.normpath(cwd / path))
    try:
        rel = absolute.relative_to(root)
    except ValueError:
        raise GitError(f"{path}: outside the repository {root}") from None
    return rel.as_posix() if rel.parts else "."


# ------------------------------------------------------------------------------ the command
def run_trend(args: argparse.Namespace) -> int:
    from isolint.commands.common import _check_rule_keys, _csv, apply_overrides, write_output
    from isolint.errors import EXIT_OK, UsageError

    _check_rule_keys(_csv(args.select), "--select")
    _check_rule_keys(_csv(args.ignore), "--ignore")
    if args.last is not None and args.last < 1:
        raise UsageError(f"--last: must be at least 1, not {args.last}")
    cwd = Path.cwd().resolve()
    try:
        root = repo_root(cwd)
        paths = [relative_to_root(root, p, cwd) for p in args.paths]
        history = commits(root, args.rev_range, args.last or (None if args.rev_range else 10))
        points = collect(root, history, paths, relative_to_root(root, ".", cwd),
                         lambda settings: apply_overrides(args, settings))
    except GitError as exc:
        raise UsageError(str(exc)) from None
    write_output(FORMATS[args.format](points), args.output)
    if args.chart:
        write_output(render_svg(points), args.chart)
    return EXIT_OK
