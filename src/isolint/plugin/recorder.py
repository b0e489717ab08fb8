"""The bookkeeping behind the plugin, kept free of pytest hooks so it can be read (and tested) alone.

Per test: a snapshot of every probe before its setup (the *baseline*) and one after its teardown;
the differences are the test's leaks. Most tests change nothing, so the end of a test first asks
each probe whether the live state still equals the baseline (:attr:`Probe.check`, no copy);
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

from typing import Any, Callable, Hashable, NamedTuple, Sequence

from isolint.plugin.probes import MISSING, Probe, changed_keys
from isolint.plugin.probes.base import compile_check
from isolint.runtime import RULE_BY_KIND, Leak, Memory, Record

State = dict[str, dict[Hashable, Any]]
Changes = dict[str, set[Hashable]]


def _equal(before: State, after: State) -> bool:
    try:
        return bool(before == after)
    except Exception:  # a value whose __eq__ raises: let each probe compare key by key
        return False


class RecordRow(NamedTuple):
    """One test's record as :meth:`Recorder.drain_rows` makes it and xdist workers send it: a
    tuple, cheap to build, to hold and to send; :meth:`to_record` makes the :class:`Record`
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
    outcome: str
    index: int
    setup: tuple[str, ...]

    def to_record(self) -> Record:
        return row_record(self)


def row_record(row: tuple[Any, ...]) -> Record:
    """The :class:`Record` of a row: a :class:`RecordRow` or a plain tuple in its field order."""
    worker, nodeid, leaks, rss_before, rss_after, vms_before, vms_after, peak_rss, mocks_alive, group, outcome, index, setup = row
    memory = Memory(rss_before, rss_after, vms_before, vms_after, peak_rss)
    return Record(nodeid, "test", "function", worker, leaks, memory, mocks_alive, group, outcome, index, tuple(setup))


class _FixtureState:
    __slots__ = ("nodeid", "scope", "setup_before", "teardown_before")

    def __init__(self, nodeid: str, scope: str, setup_before: dict[str, dict[Hashable, Any]]) -> None:
        self.nodeid = nodeid
        self.scope = scope
        #: Per probe: the values, before the fixture's set-up, of the keys that set-up changed.
        self.setup_before = setup_before
        self.teardown_before: State | None = None


#: A test as :meth:`Recorder.finish_test` keeps it: ``(test, leaks, memory sample before, memory
#: sample after, mocks alive, outcome, index, set-up)``; :meth:`Recorder.drain_rows` makes it a
#: :class:`RecordRow`.
TestRow = tuple[Any, tuple[Leak, ...], Any, Any, int, str, int, tuple[str, ...]]


class Recorder:
    """Per-test and per-fixture bookkeeping (a plain class: the plugin's start-up pays for every
    dataclass it defines)."""

    def __init__(
        self,
        probes: Sequence[Probe],
        worker: str,
        sample_memory: Callable[[], Any],
        memory_sizes: Callable[[Any], tuple[int, int]],
        count_mocks: Callable[[], int],
        setup_of: Callable[[Any], tuple[str, ...]] | None = None,
    ) -> None:
        self.probes = probes
        #: ``(test) -> set-up sources`` (see ``Record.setup``), asked only for a test that leaked.
        self.setup_of = setup_of
        self.worker = worker
        #: ``() -> sample`` takes a memory sample (between two tests); ``sizes(sample) -> (rss,
        #: vms)`` reads it, when the tests are drained.
        self.sample_memory = sample_memory
        self.memory_sizes = memory_sizes
        #: ``() -> live mocks`` (-1: not counted).
        self.count_mocks = count_mocks
        #: Tests finished since the last :meth:`drain_rows`.
        self.rows: list[TestRow] = []
        #: Fixture records finished since the last :meth:`drain_fixture_records`.
        self.fixture_records: list[Record] = []
        self.tests_started = 0
        self._fixtures: dict[Hashable, _FixtureState] = {}
        self._baseline: State | None = None
        #: The state at the end of the last test, the next test's baseline.
        self._last: State | None = None
        self._memory_before: Any = None
        #: The memory sampled at the end of the last test.
        self._memory_last: Any = None
        #: The largest resident size read from the drained rows.
        self._peak_rss = 0
        #: ``unchanged(state)``: whether the live state still equals ``state``, without a snapshot.
        self._unchanged = compile_check(probes)

    def snapshot(self) -> State:
        return {probe.kind: probe.snapshot() for probe in self.probes}

    def snapshot_since(self, earlier: State) -> State:
        """The live state, a new snapshot only of the probes whose state changed since
        ``earlier`` (their own checks tell): a test that imported a module pays for the
        ``sys.modules`` snapshot, not for every probe's."""
        return {
            probe.kind: old if old is not None and probe.unchanged(old) else probe.snapshot()
            for probe in self.probes
            for old in (earlier.get(probe.kind),)
        }

    # -- tests ---------------------------------------------------------------------------------
    def start_test(self, check: bool = True) -> None:
        """Before a test's setup. ``check=False`` when nothing ran since the last
        :meth:`finish_test`: its end state and memory sample are then this test's baseline."""
        self.tests_started += 1
        last, self._last = self._last, None
        if last is not None and (not check or self._unchanged(last)):
            self._baseline = last
        else:
            self._baseline = self.snapshot()
        memory = self._memory_last
        self._memory_before = memory if memory is not None and not check else self.sample_memory()

    def finish_test(
        self, test: Any, instance_leaks: Sequence[tuple[str, str]] = (), outcome: str = "passed"
    ) -> tuple[Leak, ...]:
        """After ``test``'s teardown (``test``: anything that :meth:`drain_rows` can identify);
        returns its leaks. Its index is its place in this process's run (from 0). The test is kept in :attr:`rows`, in the cheapest form: this runs once
        per test, the reading of memory samples and node ids once per batch."""
        baseline, self._baseline = self._baseline, None
        leaks: tuple[Leak, ...] = ()
        if baseline is not None and self._unchanged(baseline):
            after = baseline  # the usual test: nothing changed, no snapshot taken
        else:
            after = self.snapshot() if baseline is None else self.snapshot_since(baseline)
            baseline = baseline or after
            if not _equal(baseline, after):
                leaks = tuple(leak for probe in self.probes for leak in probe.leaks(baseline[probe.kind], after[probe.kind]))
        self._last = after
        if instance_leaks:
            kind = "instance_mock"
            leaks += tuple(Leak(kind, RULE_BY_KIND[kind], key, detail) for key, detail in instance_leaks)
        memory = self._memory_last = self.sample_memory()
        setup = self.setup_of(test) if leaks and self.setup_of is not None else ()
        self.rows.append((test, leaks, self._memory_before, memory, self.count_mocks(), outcome, self.tests_started - 1, setup))
        return leaks

    def drain_rows(self, identify: Callable[[Any], tuple[str, str | None]]) -> list[tuple[Any, ...]]:
        """The tests finished since the last drain, in the order they ran, as plain tuples in
        :class:`RecordRow`'s field order; ``identify(test)`` -> ``(nodeid, xdist_group)``."""
        rows, self.rows = self.rows, []
        sizes, peak, worker = self.memory_sizes, self._peak_rss, self.worker
        drained = []
        last: Any = None
        last_sizes = (0, 0)
        for test, leaks, before, after, mocks, outcome, index, setup in rows:
            # One test's "before" is usually the last one's "after": read each sample once.
            rss_before, vms_before = last_sizes if before is last else sizes(before)
            rss_after, vms_after = last_sizes = sizes(after)
            last = after
            peak = max(peak, rss_before, rss_after)
            nodeid, group = identify(test)
            drained.append((worker, nodeid, leaks, rss_before, rss_after, vms_before, vms_after, peak, mocks, group, outcome, index, setup))
        self._peak_rss = peak
        return drained

    # -- module / class / package / session fixtures --------------------------------------------
    def state_now(self) -> State:
        """The live state: the running test's baseline itself when nothing changed since it (the
        usual case around a fixture), else a snapshot of the probes whose state changed. The
        result may share its parts with the baseline, which :meth:`_rebase` modifies: read it
        before rebasing."""
        return self.snapshot() if self._baseline is None else self._state_since(self._baseline)

    def fixture_set_up(self, key: Hashable, nodeid: str, scope: str, before: State) -> None:
        """Called after a fixture's set-up, with the state before it (:meth:`state_now`)."""
        after = self._state_since(before)
        changes = self._changes(before, after)
        setup_before = {kind: {k: before[kind].get(k, MISSING) for k in keys} for kind, keys in changes.items()}
        self._rebase(changes, after)
        self._fixtures[key] = _FixtureState(nodeid, scope, setup_before)

    def fixture_teardown_starting(self, key: Hashable) -> None:
        state = self._fixtures.get(key)
        if state is not None:
            state.teardown_before = self.state_now()

    def fixture_torn_down(self, key: Hashable) -> None:
        state = self._fixtures.pop(key, None)
        if state is None:
            return
        teardown_before = state.teardown_before
        after = self.snapshot() if teardown_before is None else self._state_since(teardown_before)
        teardown_before = teardown_before or after
        changes = self._changes(teardown_before, after)
        leaks: list[Leak] = []
        for probe in self.probes:
            setup_keys = state.setup_before.get(probe.kind, {})
            teardown_keys = changes.get(probe.kind, set())
            # Keys the set-up changed are judged against their value before the set-up; keys only
            # the tear-down touched, against their value just before the tear-down.
            before = {k: teardown_before[probe.kind].get(k, MISSING) for k in teardown_keys}
            before.update(setup_keys)
            leaks += probe.leaks(before, after[probe.kind], set(setup_keys) | teardown_keys)
        self._rebase(changes, after)  # last: teardown_before may share its parts with the baseline
        # Torn down during the current test (or after the last one, at the session's end).
        record = Record(
            nodeid=state.nodeid, kind="fixture", scope=state.scope, worker=self.worker, leaks=tuple(leaks),
            index=self.tests_started - 1,
        )
        self.fixture_records.append(record)

    def drain_fixture_records(self) -> list[Record]:
        records, self.fixture_records = self.fixture_records, []
        return records

    # -- helpers --------------------------------------------------------------------------------
    def _state_since(self, earlier: State) -> State:
        """The live state: ``earlier`` itself when nothing changed since (most fixtures)."""
        return earlier if self._unchanged(earlier) else self.snapshot_since(earlier)

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
