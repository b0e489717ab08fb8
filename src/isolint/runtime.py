"""The runtime report written by the pytest plugin, and how static findings are checked against it.

Pure values and functions: the plugin (``isolint.plugin``) builds a :class:`RuntimeReport` and
writes it with :meth:`RuntimeReport.to_dict`; ``isolint check --runtime-report FILE`` reads it
with :func:`load_runtime_report` and asks :func:`is_confirmed` for every static finding.

Paths. Node ids in the report are relative to pytest's rootdir (pytest's own convention), and the
report stores that rootdir as an absolute path. Findings' paths are relative to the directory
``isolint check`` runs in (or absolute). :func:`is_confirmed` resolves both to absolute paths, so
it works when both tools are run from the same checkout even from different directories. A
report without a rootdir (hand-written, or moved to another machine) is matched by comparing the
relative paths as they are, after normalising separators and a leading ``./``.

Imports only the standard library: the plugin imports this module in every worker.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping

if TYPE_CHECKING:  # the plugin imports this module in every --isolint run: keep it light
    from isolint.model import Finding

#: Version of the JSON layout written by the plugin; bumped on incompatible changes.
SCHEMA_VERSION = 1

#: Leak kind (what the plugin's probe watches) -> the rule name reported with it. The first
#: block are isolint's static rules; the second block has no static rule (yet).
RULE_BY_KIND: dict[str, str] = {
    "environment": "env_var_pollution",
    "patch": "patch_without_context",
    "sys.path": "sys_path_pollution",
    "sys.modules": "sys_modules_pollution",
    "cwd": "cwd_pollution",
    "module_state": "module_state_pollution",
    "instance_mock": "missing_teardown_method",
    "thread": "thread_leak",
    "signal": "signal_handler_leak",
    "logging": "logging_state_leak",
    "warnings": "warnings_filter_leak",
    "socket": "socket_timeout_leak",
}


class RuntimeReportError(ValueError):
    """The runtime report file is missing, unreadable or not a report the plugin wrote."""


@dataclass(frozen=True, order=True)
class Leak:
    """One piece of process state a test (or fixture) changed and did not restore."""

    #: Which probe saw it (a key of :data:`RULE_BY_KIND`).
    kind: str
    #: The rule name the leak corresponds to (``env_var_pollution`` ...).
    rule: str
    #: What changed (``FOO`` for an environment variable, a module name, a path ...). Never a value.
    key: str
    #: One readable line.
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "rule": self.rule, "key": self.key, "detail": self.detail}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Leak":
        return cls(str(data["kind"]), str(data["rule"]), str(data["key"]), str(data["detail"]))


# Memory and Record are made once per test when a run ends: plain slotted dataclasses, built
# three times faster than frozen ones. Treat them as read-only all the same.
@dataclass(slots=True)
class Memory:
    """Process memory (bytes) around one test: before its setup and after its teardown."""

    rss_before: int
    rss_after: int
    vms_before: int
    vms_after: int
    #: The largest resident size sampled in the test's process so far, after the test. (A
    #: worker's peak in :class:`WorkerStats` is the kernel's high-water mark.)
    peak_rss: int

    @property
    def rss_growth(self) -> int:
        return self.rss_after - self.rss_before

    @property
    def vms_growth(self) -> int:
        return self.vms_after - self.vms_before

    def to_dict(self) -> dict[str, int]:
        return {
            "rss_before": self.rss_before,
            "rss_after": self.rss_after,
            "vms_before": self.vms_before,
            "vms_after": self.vms_after,
            "peak_rss": self.peak_rss,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Memory":
        return cls(**{name: int(data[name]) for name in cls.__dataclass_fields__})


@dataclass(slots=True)
class Record:
    """What one test (``kind="test"``) or one non-function-scoped fixture (``kind="fixture"``) did.

    A fixture's node id is ``<file>::<qualified name>`` (``tests/conftest.py::db``,
    ``tests/test_a.py::TestA::setup_class``); its leaks are the changes its set-up made that its
    tear-down did not undo, plus changes its tear-down made.
    """

    nodeid: str
    kind: str = "test"
    #: pytest scope: ``function`` for tests; the fixture's scope for fixtures.
    scope: str = "function"
    #: xdist worker id (``gw0``), or ``main`` without xdist.
    worker: str = "main"
    leaks: tuple[Leak, ...] = ()
    #: None for fixtures.
    memory: Memory | None = None
    #: ``unittest.mock`` objects alive after the test's teardown (-1: not counted).
    mocks_alive: int = -1
    #: The test's ``xdist_group`` mark, if any.
    xdist_group: str | None = None
    #: How the test ended: ``passed``, ``failed`` (its call), ``error`` (its setup or teardown),
    #: ``skipped`` or ``xfailed``; None for fixtures and reports written before outcomes were kept.
    outcome: str | None = None
    #: Its place in its worker's run: the n-th test the worker ran (from 0). A fixture's is the
    #: test during whose teardown it was torn down, so its leaks are in place from the next test
    #: on. -1: not known (a report written before the order was kept).
    index: int = -1
    #: For a test that leaked: the set-up code that ran for it, where a shared cause would be:
    #: its class's set-up methods where they are defined (``tests/base.py::Base::setUp``) and
    #: the project's function-scoped fixtures it used (``tests/conftest.py::client``).
    setup: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return self.nodeid.split("::", 1)[0]

    @property
    def dotted_name(self) -> str:
        """``tests/a.py::TestA::test_x[1]`` -> ``TestA.test_x``: the shape of a finding's scope."""
        parts = self.nodeid.split("::")[1:]
        return ".".join(part.split("[", 1)[0] for part in parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodeid": self.nodeid,
            "kind": self.kind,
            "scope": self.scope,
            "worker": self.worker,
            "xdist_group": self.xdist_group,
            "leaks": [leak.to_dict() for leak in self.leaks],
            "memory": self.memory.to_dict() if self.memory else None,
            "mocks_alive": self.mocks_alive,
            "outcome": self.outcome,
            "index": self.index,
            "setup": list(self.setup),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Record":
        memory = data.get("memory")
        return cls(
            nodeid=str(data["nodeid"]),
            kind=str(data.get("kind", "test")),
            scope=str(data.get("scope", "function")),
            worker=str(data.get("worker", "main")),
            leaks=tuple(Leak.from_dict(leak) for leak in data.get("leaks", ())),
            memory=Memory.from_dict(memory) if memory else None,
            mocks_alive=int(data.get("mocks_alive", -1)),
            xdist_group=data.get("xdist_group"),
            outcome=None if data.get("outcome") is None else str(data["outcome"]),
            index=int(data.get("index", -1)),
            setup=tuple(str(s) for s in data.get("setup", ())),
        )


@dataclass(frozen=True)
class WorkerStats:
    """Per-process figures: one per xdist worker (or one ``main`` without xdist)."""

    worker: str
    tests: int
    peak_rss: int
    peak_vms: int
    max_mocks_alive: int
    #: False when the worker died before reporting its end (its figures come from its tests).
    finished: bool = True
    #: Resident memory growth summed over its tests (after teardown minus before setup).
    rss_growth: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "WorkerStats":
        return cls(
            worker=str(data["worker"]),
            tests=int(data["tests"]),
            peak_rss=int(data["peak_rss"]),
            peak_vms=int(data["peak_vms"]),
            max_mocks_alive=int(data["max_mocks_alive"]),
            finished=bool(data.get("finished", True)),
            rss_growth=int(data.get("rss_growth", 0)),
        )


@dataclass(frozen=True)
class SplitGroup:
    """An ``xdist_group`` whose tests ran on more than one worker (so the group did not hold)."""

    group: str
    workers: tuple[str, ...]
    tests: int

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "workers": list(self.workers), "tests": self.tests}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "SplitGroup":
        return cls(str(data["group"]), tuple(data["workers"]), int(data["tests"]))


@dataclass(frozen=True)
class Cause:
    """One change (same kind, key and wording) left by several tests or fixtures: one entry,
    with the tests' count, the set-up they all share (the likely cause) and the memory they grew."""

    kind: str
    rule: str
    key: str
    detail: str
    nodeids: tuple[str, ...]
    workers: tuple[str, ...]
    #: Set-up code (see :attr:`Record.setup`) that every one of the tests ran.
    shared_setup: tuple[str, ...] = ()
    #: Resident memory growth summed over these tests, and per worker.
    rss_growth: int = 0
    rss_growth_by_worker: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rule": self.rule,
            "key": self.key,
            "detail": self.detail,
            "tests": len(self.nodeids),
            "nodeids": list(self.nodeids),
            "workers": list(self.workers),
            "shared_setup": list(self.shared_setup),
            "rss_growth": self.rss_growth,
            "rss_growth_by_worker": dict(self.rss_growth_by_worker),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Cause":
        return cls(
            str(data["kind"]), str(data["rule"]), str(data["key"]), str(data["detail"]),
            tuple(data.get("nodeids", ())), tuple(data.get("workers", ())), tuple(data.get("shared_setup", ())),
            int(data.get("rss_growth", 0)), tuple((str(k), int(v)) for k, v in dict(data.get("rss_growth_by_worker", {})).items()),
        )


@dataclass(frozen=True)
class RuntimeReport:
    """Everything one ``pytest --isolint`` run recorded."""

    rootdir: str
    records: tuple[Record, ...]
    workers: tuple[WorkerStats, ...] = ()
    split_groups: tuple[SplitGroup, ...] = ()
    version: int = SCHEMA_VERSION
    #: Leak kinds that were watched in this run (the warnings probe is off under pytest's own
    #: warnings plugin, which already restores the filters after each test).
    probes: tuple[str, ...] = field(default_factory=tuple)
    #: Leaks grouped by cause (same change), largest group first.
    causes: tuple[Cause, ...] = ()

    @property
    def leaking(self) -> tuple[Record, ...]:
        return tuple(r for r in self.records if r.leaks)

    def order(self) -> dict[str, list[Record]]:
        """Per worker, its tests in the order it ran them (records without a place left out)."""
        runs: dict[str, list[Record]] = {}
        for record in self.records:
            if record.kind == "test" and record.index >= 0:
                runs.setdefault(record.worker, []).append(record)
        return {worker: sorted(tests, key=_by_index) for worker, tests in sorted(runs.items())}

    def leaks_by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in self.records:
            for leak in record.leaks:
                counts[leak.rule] = counts.get(leak.rule, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        tests = [r for r in self.records if r.kind == "test"]
        return {
            "isolint_runtime_report": self.version,
            "rootdir": self.rootdir,
            "probes": list(self.probes),
            "summary": {
                "tests": len(tests),
                "tests_with_leaks": sum(1 for r in tests if r.leaks),
                # distinct fixtures: a session fixture set up on two workers is one fixture
                "fixtures_with_leaks": len({r.nodeid for r in self.records if r.kind != "test" and r.leaks}),
                "leaks_by_rule": self.leaks_by_rule(),
            },
            "workers": [w.to_dict() for w in self.workers],
            "split_xdist_groups": [g.to_dict() for g in self.split_groups],
            "causes": [c.to_dict() for c in self.causes],
            "order": {worker: [r.nodeid for r in tests] for worker, tests in self.order().items()},
            "records": [r.to_dict() for r in self.records],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "RuntimeReport":
        return cls(
            rootdir=str(data.get("rootdir", "")),
            records=tuple(Record.from_dict(r) for r in data["records"]),
            workers=tuple(WorkerStats.from_dict(w) for w in data.get("workers", ())),
            split_groups=tuple(SplitGroup.from_dict(g) for g in data.get("split_xdist_groups", ())),
            version=int(data["isolint_runtime_report"]),
            probes=tuple(data.get("probes", ())),
            causes=tuple(Cause.from_dict(c) for c in data.get("causes", ())),
        )


def _by_index(record: Record) -> int:
    return record.index


def load_runtime_report(path: str | os.PathLike[str]) -> RuntimeReport:
    """Read a report written by ``pytest --isolint --isolint-report FILE``.

    Raises :class:`RuntimeReportError` (a ``ValueError``) naming the file and the reason when it
    is missing, unreadable, not JSON, or not an isolint runtime report of a known version.
    """
    from isolint import jsonio

    try:
        with open(path, "rb") as handle:
            data = jsonio.loads(handle.read())
    except FileNotFoundError:
        raise RuntimeReportError(f"{os.fspath(path)}: runtime report not found") from None
    except OSError as exc:
        raise RuntimeReportError(f"{os.fspath(path)}: cannot read: {exc.strerror}") from None
    except ValueError as exc:
        raise RuntimeReportError(f"{os.fspath(path)}: not valid JSON: {exc}") from None
    if not isinstance(data, dict) or "isolint_runtime_report" not in data:
        raise RuntimeReportError(
            f"{os.fspath(path)}: not an isolint runtime report "
            "(write one with `pytest --isolint --isolint-report FILE`)"
        )
    if data["isolint_runtime_report"] != SCHEMA_VERSION:
        raise RuntimeReportError(
            f"{os.fspath(path)}: runtime report version {data['isolint_runtime_report']!r} "
            f"is not supported (expected {SCHEMA_VERSION})"
        )
    try:
        return RuntimeReport.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise RuntimeReportError(f"{os.fspath(path)}: malformed runtime report: {exc!r:.200}") from None


def _normalise(path: str) -> str:
    path = posixpath.normpath(path.replace(os.sep, "/").replace("\\", "/"))
    return path[2:] if path.startswith("./") else path


def _same_file(finding_path: str, record_path: str, rootdir: str) -> bool:
    if rootdir:
        left = os.path.normcase(os.path.abspath(finding_path))
        right = os.path.normcase(os.path.abspath(os.path.join(rootdir, record_path)))
        return left == right
    return _normalise(finding_path) == _normalise(record_path)


def _test_scope(scope: str) -> str:
    """The part of a finding's scope that names tests: ``TestA.setup_method`` -> ``TestA`` and a
    fixture or helper ``make_env`` -> ``""`` (the whole file), since the runtime blames what a
    setup method or function-scoped fixture leaks on the test it ran for."""
    parts = scope.split(".") if scope else []
    for index, part in enumerate(parts):
        if not (part.startswith("test") or part.startswith("Test")):
            return ".".join(parts[:index])
    return scope


def _scope_matches(scope: str, dotted: str) -> bool:
    """Module-level scope matches everything in the file; a class matches its tests; a finding
    inside a function nested in a test matches that test; a finding in a setup method, fixture
    or helper matches the tests of its class (or file)."""
    scope = _test_scope(scope)
    if not scope or scope == dotted:
        return True
    return dotted.startswith(scope + ".") or scope.startswith(dotted + ".")


_STRING = re.compile(r"""(?:[rRbBuU]{0,2})(['"])((?:\\.|(?!\1).)*)\1""")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Leak kinds whose key is an attribute name (checked against the identifiers of the finding's line).
_ATTRIBUTE_KEYS = frozenset({"module_state", "instance_mock"})


def key_matches(finding: Finding, leak: Leak) -> bool:
    """Whether ``leak`` changed the key ``finding``'s line changes: a string literal on the line is
    the leaked key (``os.environ["NEVER_SET"]`` is not confirmed by a leak of ``OTHER_VAR``), or
    the attribute a module-state or instance leak names is written there. A line that spells no
    key (``os.chdir(tmp_path)``, ``os.environ[name]``) matches any key of the rule."""
    snippet = finding.snippet
    if not snippet:
        return True  # a finding without its line (an old baseline): rule and scope only
    last = leak.key.rsplit(".", 1)[-1]
    if leak.kind == "instance_mock" and "self." not in snippet:
        return True  # a finding on the class or method line names no attribute
    if leak.kind in _ATTRIBUTE_KEYS:
        return last in _IDENTIFIER.findall(snippet)
    literals = [match.group(2) for match in _STRING.finditer(snippet)]
    if not literals:
        return True
    return leak.key in literals or last in literals or (leak.kind == "patch" and last in _IDENTIFIER.findall(snippet))


def confirming_records(finding: Finding, report: RuntimeReport) -> tuple[Record, ...]:
    """The tests and fixtures whose recorded leaks confirm ``finding``: a leak of its rule, with
    the key its line changes (:func:`key_matches`), in its file and scope."""
    return tuple(
        record
        for record in report.records
        if any(leak.rule == finding.name and key_matches(finding, leak) for leak in record.leaks)
        and _same_file(finding.path, record.path, report.rootdir)
        and _scope_matches(finding.scope, record.dotted_name)
    )


def is_confirmed(finding: Finding, report: RuntimeReport) -> bool:
    """True when the runtime saw a leak of the finding's rule and key in the finding's file and scope.

    The scope is the finding's dotted ``Class.method`` / function / fixture name: it matches a
    test or fixture with that name, a class-level scope matches any test in the class, and an
    empty (module-level) scope matches any test in the file.
    """
    return bool(confirming_records(finding, report))


def confirmed_findings(findings: Iterable[Finding], report: RuntimeReport) -> tuple[Finding, ...]:
    """The subset of ``findings`` that ``report`` confirms, in their order."""
    return tuple(f for f in findings if is_confirmed(f, report))
