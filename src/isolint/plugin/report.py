"""Assembling the :class:`~isolint.runtime.RuntimeReport` and rendering the terminal summary.

Pure functions over records; the hook module does the writing.
"""

from __future__ import annotations

import heapq
import json
from collections import defaultdict
from operator import attrgetter
from typing import Any, Iterable, Mapping

from isolint.runtime import Cause, Record, RuntimeReport, SplitGroup, WorkerStats
from isolint.wording import count

#: Causes listed in the terminal summary before "... and N more" (all of them with -v).
MAX_LISTED = 20
#: Tests listed under one cause (all of them with -v).
MAX_TESTS_PER_CAUSE = 3


def build_report(
    rootdir: str,
    records: Iterable[Record],
    worker_outputs: Mapping[str, Mapping[str, Any]],
    probes: Iterable[str],
) -> RuntimeReport:
    """One report from every record and the end-of-run figures each process sent.

    ``worker_outputs`` maps a worker id to ``{"peak_rss", "peak_vms"}``; a worker that ran
    tests but is missing there died early, and its figures come from its records alone.
    """
    records = list(records)
    by_nodeid = attrgetter("nodeid")  # tests, then fixtures, each by node id
    records = sorted((r for r in records if r.kind == "test"), key=by_nodeid) + sorted(
        (r for r in records if r.kind != "test"), key=by_nodeid
    )
    return RuntimeReport(
        rootdir=rootdir,
        records=tuple(records),
        workers=_worker_stats(records, worker_outputs),
        split_groups=_split_groups(records),
        probes=tuple(probes),
        causes=group_causes(records),
    )


def group_causes(records: Iterable[Record]) -> tuple[Cause, ...]:
    """One entry per change (kind, rule, key and wording): the tests and fixtures that left it,
    the set-up all those tests ran (the likely shared cause: a base class's ``setUp``, a
    conftest fixture), and the resident memory they grew, summed and per worker. Largest first."""
    groups: dict[tuple[str, str, str, str], list[Record]] = {}
    for record in records:
        for leak in dict.fromkeys(record.leaks):
            groups.setdefault((leak.kind, leak.rule, leak.key, leak.detail), []).append(record)
    causes = []
    for (kind, rule, key, detail), members in groups.items():
        tests = [r for r in members if r.kind == "test"]
        shared: set[str] | None = None
        for record in tests:
            shared = set(record.setup) if shared is None else shared & set(record.setup)
        by_worker: dict[str, int] = defaultdict(int)
        for record in tests:
            if record.memory is not None:
                by_worker[record.worker] += record.memory.rss_growth
        causes.append(
            Cause(
                kind, rule, key, detail,
                nodeids=tuple(dict.fromkeys(r.nodeid for r in members)),
                workers=tuple(sorted({r.worker for r in members})),
                shared_setup=tuple(sorted(shared)) if shared and len(tests) > 1 else (),
                rss_growth=sum(by_worker.values()),
                rss_growth_by_worker=tuple(sorted(by_worker.items())),
            )
        )
    causes.sort(key=lambda c: (-len(c.nodeids), c.rule, c.key, c.detail))
    return tuple(causes)


def _worker_stats(records: list[Record], outputs: Mapping[str, Mapping[str, Any]]) -> tuple[WorkerStats, ...]:
    # One pass (a report holds a record per test): per worker [tests, peak rss, peak vms, mocks,
    # rss growth summed].
    figures: dict[str, list[int]] = {}
    for record in records:
        if record.kind != "test":
            continue
        worker = figures.get(record.worker)
        if worker is None:
            worker = figures[record.worker] = [0, 0, 0, -1, 0]
        worker[0] += 1
        memory = record.memory
        if memory is not None:
            worker[1] = max(worker[1], memory.peak_rss)
            worker[2] = max(worker[2], memory.vms_before, memory.vms_after)
            worker[4] += memory.rss_after - memory.rss_before
        worker[3] = max(worker[3], record.mocks_alive)
    stats = []
    for name in sorted(set(figures) | set(outputs)):
        tests, peak_rss, peak_vms, mocks, growth = figures.get(name, [0, 0, 0, -1, 0])
        output = outputs.get(name, {})
        stats.append(
            WorkerStats(
                worker=name,
                tests=tests,
                peak_rss=max(int(output.get("peak_rss", 0)), peak_rss),
                peak_vms=max(int(output.get("peak_vms", 0)), peak_vms),
                max_mocks_alive=mocks,
                finished=name in outputs,
                rss_growth=growth,
            )
        )
    return tuple(stats)


def _split_groups(records: list[Record]) -> tuple[SplitGroup, ...]:
    workers: dict[str, set[str]] = defaultdict(set)
    tests: dict[str, int] = defaultdict(int)
    for record in records:
        if record.xdist_group is not None:
            workers[record.xdist_group].add(record.worker)
            tests[record.xdist_group] += 1
    return tuple(
        SplitGroup(group, tuple(sorted(workers[group])), tests[group])
        for group in sorted(workers)
        if len(workers[group]) > 1
    )


def to_json(report: RuntimeReport) -> str:
    """The report as JSON: indented, except that each record is one line (a report holds a
    record per test: json's indenting encoder is pure Python, about four times slower)."""
    data = report.to_dict()
    records = data.pop("records")
    head = json.dumps(data, indent=2)[: -len("\n}")]
    encode = json.JSONEncoder(separators=(", ", ": ")).encode
    lines = ",\n    ".join(map(encode, records))
    return f'{head},\n  "records": [' + (f"\n    {lines}\n  ]" if records else "]") + "\n}\n"


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def _signed_size(size: int) -> str:
    sign = "+" if size >= 0 else "-"
    if abs(size) < 2**20:
        return f"{sign}{abs(size) / 2**10:.0f} KiB"
    return f"{sign}{abs(size) / 2**20:.1f} MiB"


def render_summary(report: RuntimeReport, top: int, verbose: bool = False) -> list[str]:
    """The terminal summary: who leaked what, the largest memory growth, per-worker peaks."""
    lines: list[str] = []
    tests = [r for r in report.records if r.kind == "test"]
    leaking = report.leaking
    leaking_tests = sum(1 for r in leaking if r.kind == "test")
    head = f"{leaking_tests} of {count(len(tests), 'test')} leaked state"
    fixture_records = [r for r in leaking if r.kind != "test"]
    fixtures = len({r.nodeid for r in fixture_records})
    if fixtures:
        workers = len({r.worker for r in fixture_records})
        on = f" (on {workers} workers)" if workers > 1 else ""
        head += f"; {count(fixtures, 'fixture')} leaked state{on}"
    lines.append(head)
    lines += _render_causes(report, verbose)

    measured = [r for r in tests if r.memory and r.memory.rss_growth > 0]
    if top > 0 and measured:
        lines.append("largest resident memory growth (after teardown minus before setup):")
        largest = heapq.nsmallest(top, measured, key=lambda r: (-r.memory.rss_growth, r.nodeid))  # type: ignore[union-attr]
        for r in largest:
            mocks = f", {count(r.mocks_alive, 'mock')} alive" if r.mocks_alive >= 0 else ""
            lines.append(f"    {_signed_size(r.memory.rss_growth):>12}  {r.nodeid} [{r.worker}]{mocks}")  # type: ignore[union-attr]
    for w in report.workers:
        note = "" if w.finished else " (did not finish)"
        lines.append(
            f"worker {w.worker}: {count(w.tests, 'test')}, RSS {_signed_size(w.rss_growth)} over its "
            f"tests, peak RSS {_mib(w.peak_rss)}, peak VMS {_mib(w.peak_vms)}, "
            f"at most {count(w.max_mocks_alive, 'mock')} alive{note}"
        )
    for group in report.split_groups:
        lines.append(
            f"xdist_group {group.group!r}: {count(group.tests, 'test')} ran on "
            f"{count(len(group.workers), 'worker')} "
            f"({', '.join(group.workers)}); run with --dist loadgroup to keep a group on one worker"
        )
    return lines


def _render_causes(report: RuntimeReport, verbose: bool) -> list[str]:
    """Each change once: its rule and wording, then who left it (one line per test or fixture,
    the first few of a large group), the set-up they all share and the memory they grew."""
    workers_of: dict[str, list[str]] = defaultdict(list)
    label: dict[str, str] = {}
    for record in report.leaking:
        workers_of[record.nodeid].append(record.worker)
        if record.kind != "test":
            label[record.nodeid] = f"fixture {record.nodeid} ({record.scope} scope)"
    lines: list[str] = []
    causes = report.causes
    limit = len(causes) if verbose else MAX_LISTED
    for cause in causes[:limit]:
        count = len(cause.nodeids)
        notes = []
        if count > 1:
            fixtures = any(n in label for n in cause.nodeids)
            notes.append(f"{count} tests and fixtures" if fixtures else f"{count} tests")
        if cause.shared_setup:
            notes.append("all set up by " + ", ".join(f"`{s}`" for s in cause.shared_setup))
        if count > 1 and cause.rss_growth >= 2**20:
            per_worker = ", ".join(f"{w} {_signed_size(g)}" for w, g in cause.rss_growth_by_worker)
            notes.append(f"RSS {_signed_size(cause.rss_growth)} over these tests ({per_worker})")
        lines.append(f"{cause.rule}: {cause.detail}" + (f"  [{'; '.join(notes)}]" if notes else ""))
        shown = cause.nodeids if verbose else cause.nodeids[:MAX_TESTS_PER_CAUSE]
        for nodeid in shown:
            lines.append(f"    {label.get(nodeid, nodeid)} [{', '.join(sorted(set(workers_of[nodeid])))}]")
        if len(shown) < count:
            lines.append(f"    ... and {count - len(shown)} more")
    if len(causes) > limit:
        lines.append(f"... and {len(causes) - limit} more (-v lists all, --isolint-report has all)")
    return lines
