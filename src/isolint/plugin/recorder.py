"""The bookkeeping behind the plugin, kept free of pytest hooks so it can be read (and tested) alone.

Per test: a snapshot of every probe before its setup (the *baseline*) and one after its teardown;
the differences are the test's leaks. Most tests change nothing, so the end of a test first asks
each probe whether the live state still equals the baseline (:attr:`Probe.matches`, no copy);
only when one says no is every probe snapshotted and compared key by key. The state at the end of
a test is the next test's baseline: when the plugin brackets the whole test protocol nothing runs
in between, and otherwise (``--isolint-strict`` ends a test inside its teardown) the start of the
next test checks that it still holds. The result is the same as snapshotting both ends of every
test. Memory is sampled the same way: once between two tests.

Module-, class-, package- and session-scoped fixtures run inside the setup of the first test of
their scope and inside the teardown of the last one. Their effects are taken out of the test's
comparison: around each such fixture's set-up and tear-down the recorder snapshots again, and the
keys the fixture changed are copied into the current test's baseline (*rebased*). The fixture
gets its own record: what its set-up changed that its tear-down did not restore, and what its
tear-down changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, NamedTuple, Sequence

from isolint.plugin.probes import MISSING, Probe, changed_keys
from isolint.plugin.probes.base import all_unchanged
from isolint.runtime import RULE_BY_KIND, Leak, Memory, Record

State = dict[str, dict[Hashable, Any]]
Changes = dict[str, set[Hashable]]


def _equal(before: State, after: State) -> bool:
    try:
        return bool(before == after)
    except Exception:  # a value whose __eq__ raises: let each probe compare key by key
        return False


class RecordRow(NamedTuple):
    """One test's record as :meth:`Recorder.finish_test` makes it: a tuple, cheap to build, to
    hold (a run keeps one per test; as a plain ``tuple`` of strings and numbers the garbage
    collector does not even track it) and to send; :meth:`to_record` makes the :class:`Record`
    reports use."""

    worker: str
    nodeid: str
    leaks: tuple[Leak, ...]
    rss_before: int
    rss_after: int
    vms_before: int
    vms_after: int
    peak_rss: int
    mocks_alive: int
    xdist_group: str | None

    def to_record(self) -> Record:
        memory = Memory(self.rss_before, self.rss_after, self.vms_before, self.vms_after, self.peak_rss)
        return Record(
            nodeid=self.nodeid,
            worker=self.worker,
            leaks=self.leaks,
            memory=memory,
            mocks_alive=self.mocks_alive,
            xdist_group=self.xdist_group,
        )


@dataclass
class _FixtureState:
    nodeid: str
    scope: str
    #: Per probe: the values, before the fixture's set-up, of the keys that set-up changed.
    setup_before: dict[str, dict[Hashable, Any]]
    teardown_before: State | None = None


@dataclass
class Recorder:
    probes: Sequence[Probe]
    worker: str
    #: ``() -> (rss, vms)``; ``() -> largest rss sampled``; ``() -> live mocks`` (-1: not counted).
    sample_memory: Callable[[], tuple[int, int]]
    peak_rss: Callable[[], int]
    mocks_alive: Callable[[], int]
    #: Fixture records finished since the last :meth:`drain_fixture_records`.
    _fixture_records: list[Record] = field(default_factory=list)
    _fixtures: dict[Hashable, _FixtureState] = field(default_factory=dict)
    _baseline: State | None = None
    #: The state at the end of the last test, the next test's baseline.
    _last: State | None = None
    _memory_before: tuple[int, int] = (0, 0)
    #: The memory sampled at the end of the last test.
    _memory_last: tuple[int, int] | None = None
    tests_started: int = 0

    def __post_init__(self) -> None:
        self._checks = tuple((probe.kind, probe.matches) for probe in self.probes)

    def snapshot(self) -> State:
        return {probe.kind: probe.snapshot() for probe in self.probes}

    # -- tests ---------------------------------------------------------------------------------
    def start_test(self, check: bool = True) -> None:
        """Before a test's setup. ``check=False`` when nothing ran since the last
        :meth:`finish_test`: its end state and memory sample are then this test's baseline."""
        self.tests_started += 1
        last, self._last = self._last, None
        if last is not None and (not check or all_unchanged(self._checks, last)):
            self._baseline = last
        else:
            self._baseline = self.snapshot()
        memory = self._memory_last
        self._memory_before = memory if memory is not None and not check else self.sample_memory()

    def finish_test(
        self, nodeid: str, instance_leaks: Sequence[tuple[str, str]] = (), xdist_group: str | None = None
    ) -> RecordRow:
        baseline, self._baseline = self._baseline, None
        leaks: tuple[Leak, ...] = ()
        if baseline is not None and all_unchanged(self._checks, baseline):
            after = baseline  # the usual test: nothing changed, no snapshot taken
        else:
            after = self.snapshot()
            baseline = baseline or after
            if not _equal(baseline, after):
                leaks = tuple(leak for probe in self.probes for leak in probe.leaks(baseline[probe.kind], after[probe.kind]))
        self._last = after
        if instance_leaks:
            kind = "instance_mock"
            leaks += tuple(Leak(kind, RULE_BY_KIND[kind], key, detail) for key, detail in instance_leaks)
        rss_before, vms_before = self._memory_before
        rss, vms = self._memory_last = self.sample_memory()
        return RecordRow(self.worker, nodeid, leaks, rss_before, rss, vms_before, vms, self.peak_rss(), self.mocks_alive(), xdist_group)

    # -- module / class / package / session fixtures --------------------------------------------
    def fixture_set_up(self, key: Hashable, nodeid: str, scope: str, before: State) -> None:
        """Called after a fixture's set-up, with the snapshot taken before it."""
        after = self._state_since(before)
        changes = self._changes(before, after)
        self._rebase(changes, after)
        setup_before = {kind: {k: before[kind].get(k, MISSING) for k in keys} for kind, keys in changes.items()}
        self._fixtures[key] = _FixtureState(nodeid, scope, setup_before)

    def fixture_teardown_starting(self, key: Hashable) -> None:
        state = self._fixtures.get(key)
        if state is not None:
            state.teardown_before = self.snapshot()

    def fixture_torn_down(self, key: Hashable) -> None:
        state = self._fixtures.pop(key, None)
        if state is None:
            return
        teardown_before = state.teardown_before
        after = self.snapshot() if teardown_before is None else self._state_since(teardown_before)
        teardown_before = teardown_before or after
        changes = self._changes(teardown_before, after)
        self._rebase(changes, after)
        leaks: list[Leak] = []
        for probe in self.probes:
            setup_keys = state.setup_before.get(probe.kind, {})
            teardown_keys = changes.get(probe.kind, set())
            # Keys the set-up changed are judged against their value before the set-up; keys only
            # the tear-down touched, against their value just before the tear-down.
            before = {k: teardown_before[probe.kind].get(k, MISSING) for k in teardown_keys}
            before.update(setup_keys)
            leaks += probe.leaks(before, after[probe.kind], set(setup_keys) | teardown_keys)
        record = Record(nodeid=state.nodeid, kind="fixture", scope=state.scope, worker=self.worker, leaks=tuple(leaks))
        self._fixture_records.append(record)

    @property
    def has_fixture_records(self) -> bool:
        return bool(self._fixture_records)

    def drain_fixture_records(self) -> list[Record]:
        records, self._fixture_records = self._fixture_records, []
        return records

    # -- helpers --------------------------------------------------------------------------------
    def _state_since(self, earlier: State) -> State:
        """The live state: ``earlier`` itself when nothing changed since (most fixtures)."""
        return earlier if all_unchanged(self._checks, earlier) else self.snapshot()

    def _changes(self, before: State, after: State) -> Changes:
        changes = {kind: changed_keys(before[kind], after[kind]) for kind in before}
        return {kind: keys for kind, keys in changes.items() if keys}

    def _rebase(self, changes: Changes, after: State) -> None:
        """Give the current test's baseline the values a fixture left, so the test is not blamed."""
        if self._baseline is None:
            return
        for kind, keys in changes.items():
            baseline = self._baseline[kind]
            for key in keys:
                value = after[kind].get(key, MISSING)
                if value is MISSING:
                    baseline.pop(key, None)
                else:
                    baseline[key] = value
