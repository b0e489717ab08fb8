#!/usr/bin/env python3
"""Precision of isolint's rules on large real test suites, from hand-written labels.

    python3 benchmarks/accuracy.py                       # scan, join labels, print the table
    python3 benchmarks/accuracy.py --todo env_var_pollution --limit 10
                                                         # unlabelled findings to read next
    python3 benchmarks/accuracy.py --isolint /other/venv/bin/isolint --out result.json

Each suite in ``SUITES`` is pinned: a source distribution from PyPI (downloaded with
``pip download --no-deps --no-binary NAME``, which ships the tests for these projects) or, for
projects whose sdist has no tests, a GitHub commit that must already be extracted under the
suites directory (see ``--suites-dir``; the commit is named in the table below and in
``docs/accuracy.md``). The script scans each suite's test directory with the isolint given
(``--format json``, no cache, one job) from the suite's root, so pytest's configuration applies.

Findings are joined with ``benchmarks/accuracy_labels.toml`` by a fingerprint that does not
depend on line numbers: (suite, path, rule, the stripped text of the finding's line, the
index of that text among the rule's findings with the same text in the file). A run against
newer code re-uses every label whose finding is still reported; a labelled *leak* that is no
longer reported is listed as lost. Precision = leaks / labelled findings of the rule. A label
``miss`` records a real leak that isolint did not report (the fingerprint of the line where the
finding belongs); the table counts how many of the known misses are now found. Rules other
than ``LEAK_RULES`` (``missing_teardown_method``, ``missing_xdist_group``) are labelled and
counted the same way, after them: there *leak* means the finding's claim holds (mocks outlive
the test; tests a split across workers would break).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "benchmarks" / "accuracy_labels.toml"
DEFAULT_SUITES_DIR = ROOT / "benchmarks" / ".work" / "suites"


@dataclass(frozen=True)
class Suite:
    name: str
    version: str
    #: Paths to scan, relative to the suite's root.
    paths: tuple[str, ...]
    #: "pypi:NAME" for an sdist, "github:OWNER/REPO" for a commit extracted by hand.
    source: str

    @property
    def directory(self) -> str:
        return f"{self.name}-{self.version}"


SUITES = (
    Suite("celery", "5.4.0", ("t",), "pypi:celery"),
    Suite("sqlalchemy", "2.0.36", ("test",), "pypi:SQLAlchemy"),
    Suite("botocore", "1.35.90", ("tests",), "pypi:botocore"),
    Suite("pytest", "8.3.4", ("testing",), "pypi:pytest"),
    Suite("poetry", "1.8.5", ("tests",), "pypi:poetry"),
    Suite("sentry-python", "064542dd", ("tests",),
          "github:getsentry/sentry-python@064542dd2cbdbe0b11f1cda7f47d7d2920b0c38b"),
    Suite("prefect", "ce79dd3d", ("tests",),
          "github:PrefectHQ/prefect@ce79dd3d6cfa2b7337265498210dbc4d25bcdc98"),
    Suite("pip", "6d309205", ("tests",),
          "github:pypa/pip@6d309205789d368b2749d93fd6193d584811efd5"),
    # Network- and file-heavy suites where hardcoded_port, shared_tmp_path and
    # missing_xdist_group have findings (issue 13m); the eight above give them none or one.
    Suite("sanic", "24.12.0", ("tests",), "pypi:sanic"),
    Suite("supervisor", "4.2.5", ("supervisor/tests",), "pypi:supervisor"),
    Suite("gevent", "04752c48", ("src",),
          "github:gevent/gevent@04752c48d92ffadb100fe3e8fac7d6e7a9524616"),
    Suite("twisted", "64661601", ("src/twisted",),
          "github:twisted/twisted@64661601a1e492a9448ac1011deb9cd9467a9e30"),
    Suite("websocket-client", "1.8.0", ("websocket/tests",), "pypi:websocket-client"),
    Suite("django", "5.1.4", ("tests",), "pypi:Django"),
)

#: The rules whose precision the labels measure (leaks of state into later tests).
LEAK_RULES = (
    "env_var_pollution", "sys_modules_pollution", "sys_path_pollution", "cwd_pollution",
    "module_state_pollution", "patch_without_context", "hardcoded_port", "shared_tmp_path",
)


def log(message: str) -> None:
    print(f"[accuracy] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ suites
def prepare(suite: Suite, suites_dir: Path) -> Path | None:
    """The suite's extracted root, downloading and extracting an sdist when missing."""
    target = suites_dir / suite.directory
    if target.is_dir():
        return target
    kind, _, where = suite.source.partition(":")
    if kind != "pypi":
        log(f"{suite.directory}: missing; extract {where} into {target} "
            f"(git archive <commit> | tar -x -C {target}); skipped")
        return None
    downloads = suites_dir / ".sdists"
    downloads.mkdir(parents=True, exist_ok=True)
    pin = f"{where}=={suite.version}"
    archive = _find_sdist(downloads, where, suite.version)
    if archive is None:
        log(f"downloading {pin}")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", where,
             "-d", str(downloads), pin],
            check=True,
        )
        archive = _find_sdist(downloads, where, suite.version)
        assert archive is not None, f"{pin}: no sdist downloaded"
    partial = suites_dir / f".partial-{suite.directory}"
    with tarfile.open(archive) as tar:
        tar.extractall(partial, filter="data")
    (top,) = partial.iterdir()
    top.rename(target)
    partial.rmdir()
    return target


def _find_sdist(directory: Path, name: str, version: str) -> Path | None:
    stem = f"{name.lower().replace('-', '_')}-{version}.tar.gz"
    for path in directory.iterdir():
        if path.name.lower().replace("-", "_").replace("_" + version, "-" + version) == stem:
            return path
    return None


# ------------------------------------------------------------------------------ findings
@dataclass(frozen=True)
class Finding:
    suite: str
    path: str
    rule: str
    text: str
    occurrence: int
    line: int
    message: str

    @property
    def key(self) -> tuple[str, str, str, str, int]:
        return (self.suite, self.path, self.rule, self.text, self.occurrence)

    @property
    def order(self) -> str:
        """A stable pseudo-random order, so a labelled prefix is an unbiased sample."""
        return hashlib.sha256(repr(self.key).encode()).hexdigest()


def scan(suite: Suite, root: Path, isolint: str) -> tuple[list[Finding], int]:
    """The suite's findings (fingerprinted) and the number of files scanned."""
    result = subprocess.run(
        [isolint, "check", "--format", "json", "--exit-zero", "--no-cache", "-j", "1",
         *suite.paths],
        cwd=root, capture_output=True, text=True,
    )
    if result.returncode not in (0, 2):
        raise SystemExit(f"{suite.name}: isolint exited {result.returncode}: {result.stderr}")
    report = json.loads(result.stdout)
    lines: dict[str, list[str]] = {}
    seen: Counter[tuple[str, str, str]] = Counter()
    findings = []
    for item in sorted(report["findings"], key=lambda f: (f["path"], f["line"], f["col"])):
        path = item["path"]
        if path not in lines:
            lines[path] = (root / path).read_text(encoding="utf-8", errors="replace").splitlines()
        source = lines[path]
        text = source[item["line"] - 1].strip() if 0 < item["line"] <= len(source) else ""
        index = (path, item["name"], text)
        findings.append(Finding(suite.name, path, item["name"], text, seen[index],
                                item["line"], item["message"]))
        seen[index] += 1
    if report["errors"]:
        log(f"{suite.name}: {len(report['errors'])} files not scanned: "
            + "; ".join(f"{e['path']}: {e.get('message', e)}" for e in report["errors"][:5]))
    return findings, report["summary"]["files_scanned"]


# ------------------------------------------------------------------------------ labels
def load_labels(path: Path) -> dict[tuple[str, str, str, str, int], dict]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    labels = {}
    for entry in document.get("label", []):
        if entry["label"] not in ("leak", "false-alarm", "miss"):
            raise SystemExit(f"{path}: label must be leak, false-alarm or miss: {entry}")
        key = (entry["suite"], entry["path"], entry["rule"], entry["text"],
               int(entry.get("occurrence", 0)))
        labels[key] = entry
    return labels


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def label_stub(finding: Finding) -> str:
    """A ``[[label]]`` entry to paste into the labels file and complete."""
    return "\n".join([
        "[[label]]",
        f"suite = {_toml_string(finding.suite)}",
        f"path = {_toml_string(finding.path)}",
        f"rule = {_toml_string(finding.rule)}",
        f"text = {_toml_string(finding.text)}",
        f"occurrence = {finding.occurrence}",
        'label = ""  # leak | false-alarm',
        'reason = ""',
        f"# line {finding.line}: {finding.message}",
        "",
    ])


# ------------------------------------------------------------------------------ report
def table(
    findings: list[Finding], labels: dict, suites: list[str]
) -> tuple[list[dict], list[dict]]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule].append(finding)
    present = {finding.key for finding in findings}
    rows = []
    for rule in sorted(set(by_rule) | set(LEAK_RULES), key=lambda r: (r not in LEAK_RULES, r)):
        items = by_rule.get(rule, [])
        labelled = [labels[f.key] for f in items if f.key in labels]
        leaks = sum(1 for entry in labelled if entry["label"] != "false-alarm")
        misses = [key for key, entry in labels.items()
                  if entry["label"] == "miss" and key[2] == rule and key[0] in suites]
        rows.append({
            "rule": rule,
            "findings": len(items),
            "labelled": len(labelled),
            "leaks": leaks,
            "false_alarms": len(labelled) - leaks,
            "precision": round(leaks / len(labelled), 2) if labelled else None,
            "unlabelled": len(items) - len(labelled),
            "known_misses": len(misses),
            "misses_found": sum(1 for key in misses if key in present),
        })
    lost = [
        entry for key, entry in labels.items()
        if entry["label"] == "leak" and key[0] in suites and key not in present
    ]
    return rows, lost


def render(rows: list[dict], lost: list[dict], files: dict[str, int]) -> str:
    out = ["suites: " + ", ".join(f"{name} ({count} files)" for name, count in files.items()), ""]
    out.append("| rule | findings | labelled | real leaks | false alarms | precision "
               "| known misses found |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        precision = "-" if row["precision"] is None else f"{row['precision']:.2f}"
        out.append(f"| {row['rule']} | {row['findings']} | {row['labelled']} | {row['leaks']} | "
                   f"{row['false_alarms']} | {precision} | "
                   f"{row['misses_found']}/{row['known_misses']} |")
    out.append("")
    out.append(f"labelled leaks no longer reported: {len(lost)}")
    for entry in lost:
        out.append(f"  {entry['suite']}:{entry['path']} {entry['rule']}: {entry['text']}"
                   f"  ({entry.get('reason', '')})")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--isolint", default=str(Path(sys.executable).parent / "isolint"),
                        help="the isolint executable to measure (default: next to this Python)")
    parser.add_argument("--suites-dir", type=Path, default=DEFAULT_SUITES_DIR,
                        help="where the suites are extracted (default: benchmarks/.work/suites)")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--suite", action="append", help="only this suite (repeatable)")
    parser.add_argument("--out", type=Path, help="write the rows, lost leaks and findings as JSON")
    parser.add_argument("--todo", metavar="RULE",
                        help="print label stubs for RULE's unlabelled findings, sample order")
    parser.add_argument("--limit", type=int, default=20, help="how many --todo stubs")
    parser.add_argument("--false-alarms", action="store_true",
                        help="also list the labelled false alarms still reported, with reasons")
    args = parser.parse_args(argv)

    args.isolint = str(Path(args.isolint).absolute())
    chosen = [s for s in SUITES if not args.suite or s.name in args.suite]
    labels = load_labels(args.labels)
    findings: list[Finding] = []
    files: dict[str, int] = {}
    for suite in chosen:
        root = prepare(suite, args.suites_dir)
        if root is None:
            continue
        found, count = scan(suite, root, args.isolint)
        log(f"{suite.directory}: {count} files, {len(found)} findings")
        findings.extend(found)
        files[suite.directory] = count
    rows, lost = table(findings, labels, [s.name for s in chosen if s.directory in files])
    if args.todo:
        todo = sorted((f for f in findings if f.rule == args.todo and f.key not in labels),
                      key=lambda f: f.order)
        for finding in todo[: args.limit]:
            print(label_stub(finding))
        return 0
    print(render(rows, lost, files))
    if args.false_alarms:
        print("\nlabelled false alarms still reported:")
        for finding in sorted(findings, key=lambda f: (f.rule, f.suite, f.path, f.line)):
            entry = labels.get(finding.key)
            if entry is not None and entry["label"] == "false-alarm":
                print(f"  {finding.rule}  {finding.suite}:{finding.path}:{finding.line}  "
                      f"{finding.text[:60]}  -- {entry.get('reason', '')}")
    if args.out:
        args.out.write_text(json.dumps({
            "files": files, "rows": rows, "lost": lost,
            "findings": [f.__dict__ | {"label": labels.get(f.key, {}).get("label")}
                         for f in findings],
        }, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
