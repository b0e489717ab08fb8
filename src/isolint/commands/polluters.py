"""``isolint polluters REPORT``: for each failed test, the earlier tests whose leaks it ran with.

From one recorded run (``pytest --isolint --isolint-report REPORT``, with or without xdist) the
report's order record says, per worker, which tests ran in what order, how each ended and what
each left changed. For a failed test (the *victim*) the candidates are the earlier tests (and
fixtures) on its worker whose leaks were still in place when it ran (a later leak of the same
key takes the key over). They are ranked first by whether the victim's code reads that state
(:mod:`isolint.analysis.victim_reads`: its test, fixtures and the project functions it calls), then by
recency. ``--confirm`` proves it: each candidate runs with the victim in a fresh process
(``--isolint-replay`` of the two, in that order), and the victim alone once; a candidate is
confirmed when the victim fails only after it.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Sequence

from isolint.analysis.victim_reads import Reads, Sources, test_reads
from isolint.engine import SourceError, parse_source, read_source
from isolint.errors import UsageError
from isolint.runtime import Leak, Record, RuntimeReport, RuntimeReportError, load_runtime_report

#: Outcomes of a failed test.
FAILED = frozenset({"failed", "error"})
#: Outcomes of a victim run alone that count as "it does not fail on its own".
NOT_FAILED = frozenset({"passed", "skipped", "xfailed"})

#: Functions and classes whose results depend on the working directory.
_CWD_READERS = frozenset(
    {
        "os.getcwd", "os.getcwdb", "pathlib.Path.cwd", "pathlib.Path", "pathlib.Path.resolve", "os.path.abspath",
        "os.path.realpath", "os.path.exists", "os.path.isfile", "os.path.isdir", "os.listdir", "os.scandir",
        "os.walk", "os.stat", "open", "io.open", "glob.glob", "glob.iglob", "os.chdir",
    }
)
#: Leak kind -> the modules whose use means "reads that state".
_KIND_MODULES = {
    "logging": ("logging",),
    "signal": ("signal",),
    "thread": ("threading",),
    "socket": ("socket", "urllib", "http", "requests", "httpx"),
    "warnings": ("warnings", "pytest.warns", "pytest.deprecated_call"),
}


def reads_state(reads: Reads, leak: Leak) -> int:
    """2: the victim reads that very key; 1: it reads the module, class or kind of state it
    belongs to; 0: nothing seen."""
    kind, key = leak.kind, leak.key
    if kind == "environment":
        if key in reads.strings:
            return 2
        return 1 if reads.reads_under("os.environ") or reads.reads_name("os.getenv") else 0
    if kind == "module_state":
        if reads.reads_name(key):
            return 2
        owner = key.rsplit(".", 1)[0]
        return 1 if reads.reads_under(owner) else 0
    if kind == "sys.modules":
        if key in reads.imports or reads.reads_under(key) or key in reads.strings:
            return 2
        return 0
    if kind == "sys.path":
        return 2 if key in reads.strings else (1 if reads.imports else 0)
    if kind == "cwd":
        return 2 if reads.names & _CWD_READERS else 0
    if kind == "patch":
        if reads.reads_name(key) or reads.reads_under(key):
            return 2
        return 1 if any(n.endswith("." + key) or n.endswith("." + key.rsplit(".", 1)[-1]) for n in reads.names) else 0
    for module in _KIND_MODULES.get(kind, ()):
        if reads.reads_under(module):
            return 2 if kind != "thread" else 1
    return 0


@dataclass(frozen=True)
class Candidate:
    """An earlier test (or fixture) whose leaks were in place when the victim ran."""

    test: str
    kind: str
    index: int
    state: tuple[Leak, ...]
    #: Per leak of ``state``, 2 / 1 / 0: how directly the victim reads it (:func:`reads_state`).
    read: tuple[int, ...]
    #: True / False when confirmation ran it, None when not (yet) run.
    confirmed: bool | None = None

    @property
    def reads(self) -> int:
        return max(self.read, default=0)

    def to_dict(self) -> dict[str, object]:
        return {
            "test": self.test,
            "kind": self.kind,
            "state": [{**leak.to_dict(), "read_by_victim": read == 2} for leak, read in zip(self.state, self.read)],
            "confirmed": self.confirmed,
        }


@dataclass(frozen=True)
class Victim:
    test: str
    worker: str
    outcome: str
    index: int
    polluters: tuple[Candidate, ...]
    #: How the victim ended when run alone (with --confirm), None when not run.
    alone: str | None = None

    @property
    def confirmed(self) -> Candidate | None:
        return next((c for c in self.polluters if c.confirmed), None)

    def to_dict(self) -> dict[str, object]:
        return {
            "test": self.test,
            "worker": self.worker,
            "outcome": self.outcome,
            "alone": self.alone,
            "polluters": [c.to_dict() for c in self.polluters],
        }


def candidates(sequence: Sequence[Record], fixtures: Iterable[Record], victim: Record) -> list[tuple[Record, tuple[Leak, ...]]]:
    """The records before ``victim`` in its worker's run whose leaks were still in place, each
    with those leaks: a later record's leak of the same (kind, key) takes the key over."""
    earlier = [r for r in sequence if r.index < victim.index and r.leaks]
    # A fixture torn down during test n is in place from test n + 1 on (so after test n).
    earlier += [r for r in fixtures if r.index < victim.index and r.leaks]
    earlier.sort(key=lambda r: (r.index, r.kind == "fixture"))
    holder: dict[tuple[str, str], int] = {}
    for position, record in enumerate(earlier):
        for leak in record.leaks:
            if leak.kind != "instance_mock":  # a mock kept by an instance is memory, not state
                holder[(leak.kind, leak.key)] = position
    found = []
    for position, record in enumerate(earlier):
        state = tuple(leak for leak in record.leaks if holder.get((leak.kind, leak.key)) == position)
        if state:
            found.append((record, state))
    return found


def find_victims(report: RuntimeReport, reads_of: Callable[[str], Reads] | None = None) -> list[Victim]:
    """Every failed test of the report with its ranked candidate polluters."""
    if reads_of is None:
        sources = Sources(_parse)
        reads_of = lambda nodeid: test_reads(report.rootdir or ".", nodeid, sources)  # noqa: E731
    fixtures_by_worker: dict[str, list[Record]] = {}
    for record in report.records:
        if record.kind == "fixture" and record.index >= 0:
            fixtures_by_worker.setdefault(record.worker, []).append(record)
    victims = []
    for worker, sequence in report.order().items():
        for victim in sequence:
            if victim.outcome not in FAILED:
                continue
            found = candidates(sequence, fixtures_by_worker.get(worker, ()), victim)
            reads = reads_of(victim.nodeid) if found else Reads()
            ranked = sorted(
                (
                    Candidate(r.nodeid, r.kind, r.index, state, tuple(reads_state(reads, leak) for leak in state))
                    for r, state in found
                ),
                key=lambda c: (-c.reads, -c.index, c.kind == "fixture"),
            )
            victims.append(Victim(victim.nodeid, worker, victim.outcome or "failed", victim.index, tuple(ranked)))
    return victims


def _parse(path: str) -> "ast.Module | None":
    try:
        return parse_source(read_source(path), path)
    except (SourceError, OSError, ValueError):
        return None


# -- confirmation -------------------------------------------------------------------------------


@dataclass
class Runner:
    """Runs a sequence of tests in a fresh pytest process (``--isolint-replay``) and returns how
    the last one ended (None: it did not run)."""

    rootdir: str
    python: str = sys.executable
    timeout: float | None = None
    #: pytest runs made so far.
    runs: int = 0
    extra: list[str] = field(default_factory=list)

    def __call__(self, sequence: Sequence[str]) -> str | None:
        self.runs += 1
        with tempfile.TemporaryDirectory(prefix="isolint-confirm-") as tmp:
            plan = os.path.join(tmp, "sequence.json")
            out = os.path.join(tmp, "result.json")
            records = [{"nodeid": n, "worker": "confirm", "index": i, "leaks": []} for i, n in enumerate(sequence)]
            with open(plan, "w", encoding="utf-8") as handle:
                json.dump({"isolint_runtime_report": 1, "rootdir": self.rootdir, "records": records}, handle)
            command = [
                self.python, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", "-q", "--no-header",
                "--isolint", f"--isolint-report={out}", f"--isolint-replay={plan}", "--isolint-worker=confirm",
                *self.extra,
            ]
            try:
                subprocess.run(
                    command, cwd=self.rootdir or None, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, timeout=self.timeout, check=False,
                )
            except (subprocess.TimeoutExpired, OSError):
                return None
            try:
                with open(out, encoding="utf-8") as handle:
                    data = json.load(handle)
            except (OSError, ValueError):
                return None
        last = sequence[-1]
        outcomes = [r.get("outcome") for r in data.get("records", ()) if r.get("nodeid") == last and r.get("kind") == "test"]
        return str(outcomes[-1]) if outcomes and outcomes[-1] else None


def confirm(victim: Victim, run: Callable[[Sequence[str]], str | None], all_candidates: bool = False) -> Victim:
    """Run the victim alone and after each candidate (most likely first) until one is confirmed
    (every candidate with ``all_candidates``). A fixture candidate runs as the test during whose
    teardown it was torn down (which sets it up and tears it down again)."""
    if not victim.polluters:
        return victim
    alone = run([victim.test])
    if alone not in NOT_FAILED:  # fails on its own (or did not run): no polluter can be proven
        return replace(victim, alone=alone, polluters=tuple(replace(c, confirmed=False) for c in victim.polluters))
    results = []
    done = False
    for candidate in victim.polluters:
        if done:
            results.append(candidate)
            continue
        outcome = run([candidate.test, victim.test])
        confirmed = outcome in FAILED
        results.append(replace(candidate, confirmed=confirmed))
        done = confirmed and not all_candidates
    return replace(victim, alone=alone, polluters=tuple(results))


# -- output ---------------------------------------------------------------------------------------


def render_json(victims: Sequence[Victim], runs: int) -> str:
    return json.dumps({"victims": [v.to_dict() for v in victims], "pytest_runs": runs}, indent=2) + "\n"


def _command(words: Iterable[str]) -> str:
    return " ".join(shlex.quote(w) for w in words)


def render_text(victims: Sequence[Victim], report_path: str, runs: int) -> str:
    if not victims:
        return "no failed tests in the report\n"
    lines: list[str] = []
    for victim in victims:
        lines.append(f"{victim.test} [{victim.worker}] {victim.outcome}")
        if victim.alone is not None and victim.alone not in NOT_FAILED:
            lines.append(f"  fails when run alone too ({victim.alone}): not polluted by an earlier test")
        elif victim.alone is None and any(c.confirmed is False for c in victim.polluters):
            lines.append("  did not run alone (not collected, or the run timed out)")
        if not victim.polluters:
            lines.append("  no earlier test on its worker left recorded state in place")
        for number, candidate in enumerate(victim.polluters, 1):
            status = {True: "confirmed", False: "not confirmed", None: "not run"}[candidate.confirmed]
            what = candidate.test if candidate.kind == "test" else f"fixture {candidate.test}"
            lines.append(f"  {number}. {what}  ({status})")
            for leak, reads in zip(candidate.state, candidate.read):
                read = {2: "  [read by the victim]", 1: "  [the victim reads related state]"}.get(reads, "")
                lines.append(f"       {leak.rule}: {leak.detail}{read}")
        polluter = victim.confirmed
        if polluter is not None and polluter.kind == "test":
            lines.append("  reproduce: " + _command(["pytest", "-p", "no:randomly", polluter.test, victim.test]))
        lines.append(
            "  replay the worker: "
            + _command(["pytest", f"--isolint-replay={report_path}", f"--isolint-worker={victim.worker}", f"--isolint-until={victim.test}"])
        )
        lines.append("")
    confirmed = sum(1 for v in victims if v.confirmed is not None)
    tail = f"; {runs} pytest runs" if runs else ""
    lines.append(f"{len(victims)} failed tests, {confirmed} with a confirmed polluter{tail}")
    return "\n".join(lines) + "\n"



def run_polluters(args: argparse.Namespace) -> int:
    """``isolint polluters REPORT [--confirm] [--all] [--format text|json]``. Exit 0 when every
    victim has a confirmed polluter (or there is none), 1 otherwise, 2 for a report that cannot
    be used."""
    if args.all and not args.confirm:
        raise UsageError("--all needs --confirm")
    try:
        report = load_runtime_report(args.report)
        if report.records and not report.order():
            raise RuntimeReportError(
                f"{args.report}: the report has no order record (an isolint older than `isolint polluters` "
                "wrote it); record the run again"
            )
        if args.confirm and not os.path.isdir(report.rootdir):
            raise RuntimeReportError(
                f"{args.report}: the run's rootdir {report.rootdir!r} is not a directory here: "
                "--confirm runs the tests there"
            )
    except RuntimeReportError as exc:
        raise UsageError(str(exc)) from None
    victims = find_victims(report)
    runner = Runner(report.rootdir)
    if args.confirm:
        victims = [confirm(victim, runner, args.all) for victim in victims]
    if args.format == "json":
        sys.stdout.write(render_json(victims, runner.runs))
    else:
        sys.stdout.write(render_text(victims, args.report, runner.runs))
    return 0 if all(v.confirmed is not None for v in victims) else 1
