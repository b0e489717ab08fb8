"""Pure pieces of the plugin, tested in-process: patch targets, report assembly and rendering."""

from __future__ import annotations

import gc
import os
import sys
from unittest import mock

import pytest

from isolint.plugin.probes.mocks import MockCounter, patch_target
from isolint.plugin.report import build_report, render_summary
from isolint.runtime import Leak, Memory, Record


class Config:
    def load(self):
        return 1


def test_patch_target_names_every_kind_of_patch():
    assert patch_target(mock.patch("os.path.exists")) == "os.path.exists"
    assert patch_target(mock.patch.object(Config, "load")) == "Config.load"
    assert patch_target(mock.patch.object(os, "getcwd")) == "os.getcwd"
    assert patch_target(mock.patch.dict(os.environ, {"A": "1"})) == "os.environ"
    assert patch_target(mock.patch.dict("sys.modules", {})) == "sys.modules"
    assert patch_target(mock.patch.dict({}, {})) == "a dict"


def test_mock_counter_counts_live_mocks_and_uninstalls():
    counter = MockCounter()
    assert counter.alive == -1
    counter.install()
    try:
        mocks = [mock.MagicMock() for _ in range(3)]
        assert counter.alive == 3
        del mocks
        gc.collect()  # MagicMocks sit in reference cycles: only the cycle collector frees them
        assert counter.alive == 0
    finally:
        counter.uninstall()
    assert "__new__" in vars(mock.NonCallableMock)
    mock.Mock()
    assert counter.alive == -1


def _test(nodeid: str, worker: str, rss: int, *, group: str | None = None, leaks: tuple[Leak, ...] = ()) -> Record:
    return Record(
        nodeid=nodeid,
        worker=worker,
        leaks=leaks,
        memory=Memory(100, 100 + rss, 1000, 1000 + rss, 100 + rss),
        mocks_alive=rss // 10,
        xdist_group=group,
    )


def test_report_and_summary_for_a_worker_that_died():
    leak = Leak("environment", "env_var_pollution", "A", "environment variable `A` set and not removed")
    records = [
        _test("t.py::test_a", "gw0", 2**21, group="g", leaks=(leak,)),
        _test("t.py::test_b", "gw1", 2**22, group="g"),
        _test("t.py::test_c", "gw1", 10, group="h"),
    ]
    # gw1 never sent its end-of-run figures: it died (the OOM killer, a segfault ...).
    report = build_report("/root", records, {"gw0": {"peak_rss": 5 * 2**20, "peak_vms": 9 * 2**20}}, ["environment"])
    gw0, gw1 = report.workers
    assert (gw0.finished, gw1.finished) == (True, False)
    assert gw0.peak_rss == 5 * 2**20 and gw1.peak_rss == 100 + 2**22 and gw1.tests == 2
    assert [(g.group, g.workers, g.tests) for g in report.split_groups] == [("g", ("gw0", "gw1"), 2)]
    lines = render_summary(report, top=2)
    assert lines[0] == "1 of 3 tests leaked state"
    assert lines[1:3] == ["env_var_pollution: environment variable `A` set and not removed", "    t.py::test_a [gw0]"]
    assert "+4.0 MiB  t.py::test_b [gw1], 419430 mocks alive" in lines[4]
    assert any("worker gw1: 2 tests" in line and "(did not finish)" in line for line in lines)
    assert lines[-1].startswith("xdist_group 'g': 2 tests ran on 2 workers (gw0, gw1)")


def test_summary_counts_agree_with_their_nouns():
    leak = Leak("environment", "env_var_pollution", "A", "environment variable `A` set and not removed")
    fixture = Record(nodeid="t.py::env", kind="fixture", worker="gw0", scope="module", leaks=(leak,))
    records = [_test("t.py::test_a", "gw0", 2**21, group="g", leaks=(leak,)), fixture]
    report = build_report("/root", records, {"gw0": {"peak_rss": 5 * 2**20, "peak_vms": 9 * 2**20}}, ["environment"])
    lines = render_summary(report, top=1)
    assert lines[0] == "1 of 1 test leaked state; 1 fixture leaked state"
    assert any(line.startswith("worker gw0: 1 test, ") for line in lines)


def test_probes_see_a_change_to_a_snapshot_they_found_unchanged(monkeypatch):
    # sys.modules and the environment are compared with a snapshot without a copy (sys.modules
    # without a comparison while neither dict was modified): every modification must be seen.
    import sys

    from isolint.plugin.probes.environment import ENVIRONMENT
    from isolint.plugin.probes.imports import MODULES

    modules = MODULES.snapshot()
    assert MODULES.unchanged(modules) and MODULES.unchanged(modules)
    name = next(iter(sys.modules))
    original = sys.modules[name]
    sys.modules[name] = mock.Mock()
    try:
        assert not MODULES.unchanged(modules)
    finally:
        sys.modules[name] = original
    assert MODULES.unchanged(modules)
    modules["isolint.test.extra"] = original  # the snapshot itself modified (a rebase)
    assert not MODULES.unchanged(modules)
    del modules["isolint.test.extra"]
    assert MODULES.unchanged(modules)

    monkeypatch.delenv("PYTEST_CURRENT_TEST")  # set during a test; the probe's snapshot omits it
    env = ENVIRONMENT.snapshot()
    assert ENVIRONMENT.unchanged(env) and ENVIRONMENT.unchanged(env)
    with mock.patch.dict(os.environ, {"ISOLINT_UNIT": "1"}):
        assert not ENVIRONMENT.unchanged(env)
    assert ENVIRONMENT.unchanged(env)


def _changes_seen_by_every_probe():
    """For each probe: a change to its state and its undo (each a zero-argument callable)."""
    import logging
    import signal
    import socket
    import sys
    import threading

    handler = logging.NullHandler()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    patcher = mock.patch("os.getcwd", return_value="/")
    previous_timeout = socket.getdefaulttimeout()
    previous_level = logging.root.level
    previous_signal = signal.getsignal(signal.SIGUSR1)
    previous_cwd = os.getcwd()
    return {
        "environment": (lambda: os.environ.__setitem__("ISOLINT_UNIT", "1"), lambda: os.environ.pop("ISOLINT_UNIT")),
        "patch": (patcher.start, patcher.stop),
        "sys.modules": (
            lambda: sys.modules.__setitem__("isolint_unit_fake", mock.Mock()),
            lambda: sys.modules.pop("isolint_unit_fake"),
        ),
        "sys.path": (lambda: sys.path.append("/isolint/unit"), lambda: sys.path.remove("/isolint/unit")),
        "cwd": (lambda: os.chdir("/"), lambda: os.chdir(previous_cwd)),
        "thread": (thread.start, lambda: (stop.set(), thread.join())),
        "signal": (
            lambda: signal.signal(signal.SIGUSR1, lambda *a: None),
            lambda: signal.signal(signal.SIGUSR1, previous_signal),
        ),
        "logging": (lambda: logging.root.addHandler(handler), lambda: logging.root.removeHandler(handler)),
        "socket": (lambda: socket.setdefaulttimeout(3.0), lambda: socket.setdefaulttimeout(previous_timeout)),
        "logging level": (
            lambda: logging.root.setLevel(logging.CRITICAL),
            lambda: logging.root.setLevel(previous_level),
        ),
    }


def test_no_probe_says_unchanged_after_a_change(monkeypatch):
    # The recorder trusts Probe.matches to skip snapshots: a "yes" after a change would lose a leak.
    from isolint.plugin.probes import ALL_PROBES

    from isolint.plugin.probes.base import compile_check

    monkeypatch.delenv("PYTEST_CURRENT_TEST")  # pytest's own variable: the snapshots omit it
    probes = {probe.kind: probe for probe in ALL_PROBES}
    all_unchanged = compile_check(ALL_PROBES)  # what the recorder runs after every test
    for name, (change, undo) in _changes_seen_by_every_probe().items():
        probe = probes[name.split()[0]]
        before = probe.snapshot()
        state = {p.kind: p.snapshot() for p in ALL_PROBES}
        assert probe.unchanged(before) and all_unchanged(state), name
        change()
        try:
            assert not probe.unchanged(before), name
            assert not all_unchanged(state), name
            assert probe.unchanged(probe.snapshot()), name
        finally:
            undo()
        assert probe.unchanged(before) and all_unchanged(state), name


def test_compiled_check_says_changed_when_a_comparison_raises():
    from isolint.plugin.probes.base import Probe, compile_check

    class Odd:
        def __eq__(self, other: object) -> bool:
            raise ValueError("no comparison")

    probe = Probe("socket", lambda: {"x": Odd()}, lambda key, before, after: None)
    assert compile_check((probe,))({"socket": {"x": Odd()}}) is False
    assert probe.unchanged({"x": Odd()}) is False


def test_mock_counter_says_zero_until_unittest_mock_is_imported(monkeypatch):
    # The plugin installs the counter only once unittest.mock is imported: before, no mock exists.
    import sys

    counter = MockCounter()
    monkeypatch.delitem(sys.modules, "unittest.mock")
    assert not counter.installed and counter.alive == 0
    monkeypatch.undo()
    assert counter.alive == -1  # imported, but this counter was never installed


def test_recorder_keeps_raw_samples_and_reads_each_once_when_drained():
    # Per test the recorder only stores a raw memory sample; reading it (and naming the test)
    # waits for the drain, and a test's "before" is the previous test's "after", read once.
    from isolint.plugin.recorder import Recorder, RecordRow

    samples = iter([b"10", b"30", b"20", b"50"])
    reads: list[bytes] = []

    def sizes(raw: bytes) -> tuple[int, int]:
        reads.append(raw)
        return int(raw), 2 * int(raw)

    mocks = iter([0, 4, 2])
    recorder = Recorder((), "gw3", lambda: next(samples), sizes, lambda: next(mocks))
    for name in ("a", "b", "c"):
        recorder.start_test(check=name == "a")
        assert recorder.finish_test(name) == ()
    assert len(recorder.rows) == 3 and reads == []
    rows = [RecordRow._make(row) for row in recorder.drain_rows(lambda test: (f"t.py::{test}", "g" if test == "b" else None))]
    assert recorder.rows == [] and reads == [b"10", b"30", b"20", b"50"]
    assert [(r.nodeid, r.rss_before, r.rss_after, r.vms_after, r.peak_rss, r.mocks_alive, r.xdist_group) for r in rows] == [
        ("t.py::a", 10, 30, 60, 30, 0, None),
        ("t.py::b", 30, 20, 40, 30, 4, "g"),
        ("t.py::c", 20, 50, 100, 50, 2, None),
    ]
    assert {r.worker for r in rows} == {"gw3"}
    assert rows[0].to_record().memory.rss_growth == 20


def test_memory_sample_is_read_later_with_the_same_sizes():
    from isolint.plugin.probes.memory import MemorySampler

    sampler = MemorySampler()
    try:
        raw = sampler.raw()
        rss, vms = sampler.sizes(raw)
        assert 0 < rss <= vms
        assert sampler.sizes(raw) == (rss, vms)  # a sample read twice reads the same
        assert sampler.peak_rss_sampled >= rss and sampler.peak_vms >= vms
        assert sampler.peak_rss() >= rss
    finally:
        sampler.close()


def test_thread_check_lists_threads_only_after_the_registry_changed(monkeypatch):
    import threading

    from isolint.plugin.probes import threads

    if threads._ACTIVE is None:  # pragma: no cover - another threading module
        return
    listed = []

    def enumerate_() -> list[threading.Thread]:
        listed.append(1)
        return threading.enumerate()

    monkeypatch.setattr(threads, "_enumerate", enumerate_)
    before = threads.THREADS.snapshot()
    assert threads.THREADS.unchanged(before)
    count = len(listed)
    assert threads.THREADS.unchanged(before) and threads.THREADS.unchanged(before)
    from isolint.plugin.probes.dictstamp import stamp_view

    if stamp_view({}) is not None:  # CPython 3.10 - 3.13
        assert len(listed) == count  # the registry was not modified: nothing listed
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not threads.THREADS.unchanged(before)
    finally:
        stop.set()
        thread.join()
    assert threads.THREADS.unchanged(before)


def test_path_check_sees_a_snapshot_modified_in_place_and_a_replaced_list(monkeypatch):
    import sys

    from isolint.plugin.probes.imports import PATH

    before = PATH.snapshot()
    assert PATH.unchanged(before) and PATH.unchanged(before)
    monkeypatch.setattr(sys, "path", list(sys.path))  # another list, the same entries
    assert PATH.unchanged(before)
    before["/isolint/rebased"] = 1  # the recorder rebases snapshots in place
    assert not PATH.unchanged(before)
    del before["/isolint/rebased"]
    assert PATH.unchanged(before)
    sys.path.insert(0, sys.path[0])  # a duplicate entry: counted
    assert not PATH.unchanged(before)


def test_report_json_round_trips_with_one_line_per_record():
    import json

    from isolint.plugin.report import to_json
    from isolint.runtime import RuntimeReport

    leak = Leak("environment", "env_var_pollution", "A", "environment variable `A` set and not removed")
    records = [_test("t.py::test_a", "gw0", 10, group="g", leaks=(leak,)), _test("t.py::test_b", "gw1", 20)]
    for report in (build_report("/root", records, {}, ["environment"]), build_report("/root", [], {}, [])):
        text = to_json(report)
        assert json.loads(text) == report.to_dict()
        assert RuntimeReport.from_dict(json.loads(text)).to_dict() == report.to_dict()
        record_lines = [line for line in text.splitlines() if line.lstrip().startswith('{"nodeid"')]
        assert [json.loads(line.strip().rstrip(","))["nodeid"] for line in record_lines] == [
            r.nodeid for r in report.records
        ]


def test_one_cause_one_entry_with_its_tests_shared_setup_and_memory():
    leak = Leak("logging", "logging_state_leak", "root.level", "root logger level changed from WARNING to DEBUG and not restored")
    other = Leak("environment", "env_var_pollution", "B", "environment variable `B` set and not removed")
    base = "tests/base.py::Base::setUp"
    records = [
        Record(f"t.py::T{i}::test_x", worker=f"gw{i % 2}", leaks=(leak,), setup=(base, f"t.py::fx{i}"),
               memory=Memory(0, 3 * 2**20, 0, 0, 0), index=i)
        for i in range(4)
    ]
    records.append(Record("t.py::test_b", worker="gw0", leaks=(other,), setup=(base,), memory=Memory(0, 0, 0, 0, 0)))
    fixture = Leak("environment", "env_var_pollution", "F", "environment variable `F` set and not removed")
    records += [Record("conftest.py::db", kind="fixture", scope="session", worker=w, leaks=(fixture,)) for w in ("gw0", "gw1")]
    report = build_report("/root", records, {}, ["environment"])
    first = report.causes[0]
    assert (first.key, len(first.nodeids), first.shared_setup) == ("root.level", 4, (base,))
    assert first.rss_growth == 12 * 2**20 and dict(first.rss_growth_by_worker) == {"gw0": 6 * 2**20, "gw1": 6 * 2**20}
    assert [c.nodeids for c in report.causes[1:]] == [("t.py::test_b",), ("conftest.py::db",)]
    assert report.causes[1].shared_setup == ()  # one test: nothing "shared"
    lines = render_summary(report, top=0)
    assert lines[0] == "5 of 5 tests leaked state; 1 fixture leaked state (on 2 workers)"
    assert lines[1] == (
        "logging_state_leak: root logger level changed from WARNING to DEBUG and not restored  [4 tests; all set up by "
        "`tests/base.py::Base::setUp`; RSS +12.0 MiB over these tests (gw0 +6.0 MiB, gw1 +6.0 MiB)]"
    )
    assert lines[2:6] == ["    t.py::T0::test_x [gw0]", "    t.py::T1::test_x [gw1]", "    t.py::T2::test_x [gw0]", "    ... and 1 more"]
    assert "    fixture conftest.py::db (session scope) [gw0, gw1]" in lines
    assert report.to_dict()["summary"]["fixtures_with_leaks"] == 1
    assert any(line.startswith("worker gw0: 3 tests, RSS +6.0 MiB over its tests") for line in lines)


def test_messages_name_what_changed():
    import logging
    import signal

    from isolint.plugin.probes.stdlib_state import LOGGING
    from isolint.plugin.probes.threads import SIGNALS

    class Arbiter:
        def handler(self, *args):
            pass

    (leak,) = SIGNALS.leaks({int(signal.SIGCHLD): Arbiter().handler}, {int(signal.SIGCHLD): Arbiter().handler})
    assert leak.detail == "handler of SIGCHLD replaced by another `test_messages_name_what_changed.<locals>.Arbiter.handler` (bound to another Arbiter instance) and not restored"
    old, new = logging.StreamHandler(), logging.StreamHandler()
    state = {"level": 30, "disable": 0}
    (leak,) = LOGGING.leaks({**state, id(old): old}, {**state, id(new): new})
    assert leak.detail == "StreamHandler of the root logger replaced by another and not restored"
    (leak,) = LOGGING.leaks(state, {**state, id(new): new})
    assert leak.detail == "StreamHandler added to the root logger and not removed"


def test_a_module_set_up_again_by_a_library_is_not_a_leak_but_a_fake_is():
    import types

    from isolint.plugin.probes.imports import MODULES

    first, again = types.ModuleType("__config__"), types.ModuleType("__config__")
    # gunicorn-style first use: sys.modules["__config__"] = a new module, in every test
    assert MODULES.leaks({"__config__": first}, {"__config__": again}) == []
    (leak,) = MODULES.leaks({"json": first}, {"json": types.SimpleNamespace()})
    assert leak.detail == "`sys.modules['json']` replaced by a SimpleNamespace and not restored"


def test_project_state_after_a_monkeypatch_undone_is_the_last_snapshot_and_changes_still_seen(tmp_path, monkeypatch):
    # A namespace whose stamp moved but whose names are bound to the same objects (a monkeypatch
    # undone) is not read again: the last snapshot stays. Any real change must still be seen.
    import importlib
    import sys

    from isolint.plugin.probes.base import compile_check
    from isolint.plugin.probes.project import project_state_probe

    package = tmp_path / "undoneshop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(
        "CURRENCY = 'EUR'\nPRICES = {'a': 1}\nNAMES = ['a']\n\n\nclass Catalog:\n    items = {}\n    default = 'x'\n\n\n"
        "def price(name):\n    return PRICES[name]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    settings = importlib.import_module("undoneshop.settings")
    monkeypatch.setitem(sys.modules, "undoneshop.settings", settings)
    probe = project_state_probe(str(tmp_path))
    check = compile_check((probe,))
    before = probe.snapshot()
    assert "undoneshop.settings.CURRENCY" in before and "undoneshop.settings.Catalog.default" in before

    def undone(target, name):
        original = getattr(target, name)
        setattr(target, name, lambda: None)
        setattr(target, name, original)

    for target, name in ((settings, "price"), (settings.Catalog, "default")):
        undone(target, name)
        assert check({probe.kind: before}) and probe.unchanged(before)
        assert probe.snapshot() is before
    settings.PRICES["a"] = 1  # the same value set again: the dict's stamp moves, its content not
    assert probe.unchanged(before) and probe.snapshot() is before

    changes = {
        "rebinding": (lambda: undone(settings, "price") or setattr(settings, "CURRENCY", "USD"), lambda: setattr(settings, "CURRENCY", "EUR")),
        "dict item": (lambda: settings.PRICES.__setitem__("a", 2), lambda: settings.PRICES.__setitem__("a", 1)),
        "class attribute": (lambda: setattr(settings.Catalog, "default", "y"), lambda: setattr(settings.Catalog, "default", "x")),
        "class dict": (lambda: settings.Catalog.items.__setitem__("k", 1), lambda: settings.Catalog.items.pop("k")),
        "list": (lambda: settings.NAMES.append("b"), lambda: settings.NAMES.pop()),
        "new global": (lambda: setattr(settings, "EXTRA", 1), lambda: delattr(settings, "EXTRA")),
    }
    for name, (change, undo) in changes.items():
        change()
        try:
            assert not check({probe.kind: before}), name
            assert not probe.unchanged(before), name
            assert probe.snapshot() is not before, name
        finally:
            undo()
        assert probe.unchanged(before), name
    latest = probe.snapshot()
    latest["undoneshop.settings.CURRENCY"] = "rebased"  # the snapshot itself modified (a rebase)
    undone(settings, "price")
    assert not probe.unchanged(latest)
    assert probe.snapshot() is not latest


def _watched_changes():
    """Per watched probe: its module's compare function and watched functions, a change through
    the watched function, one around it (the original), and the undo."""
    import _signal
    import signal

    from isolint.plugin.probes import threads

    previous_signal = _signal.getsignal(signal.SIGUSR1)
    return {
        "signal": (
            threads._same_signals, ((_signal, "signal"),), threads._signals,
            lambda: signal.signal(signal.SIGUSR1, lambda *a: None),
            lambda original: original(signal.SIGUSR1, lambda *a: None),
            lambda: _signal.signal(signal.SIGUSR1, previous_signal),
        ),
    }


@pytest.mark.skipif(sys.platform == "win32", reason="chdir(2) through ctypes")
def test_a_directory_change_made_in_c_is_seen_by_the_check_after_that_test(tmp_path):
    # C code changes the directory with chdir(2), no Python call isolint could count: the check
    # after the very test that did it must see it (with the plugin's call watches installed).
    import ctypes

    from isolint.plugin.hooks import _WATCHES
    from isolint.plugin.probes.base import compile_check
    from isolint.plugin.probes.environment import CWD

    libc = ctypes.CDLL(None, use_errno=True)
    check = compile_check((CWD,))
    previous = os.getcwd()
    for watch in _WATCHES:
        watch.install()
    try:
        before = CWD.snapshot()
        assert check({"cwd": before}) and check({"cwd": before})
        assert libc.chdir(os.fsencode(tmp_path)) == 0
        assert not check({"cwd": before})
    finally:
        os.chdir(previous)
        for watch in _WATCHES:
            watch.uninstall()


@pytest.mark.parametrize("kind", ["signal"])
def test_call_watch_reads_no_state_until_a_watched_function_is_called_and_still_sees_every_change(kind):
    # Installed, the check trusts a count of calls of the functions that change the state; a
    # change made around them (the original function) is still seen within FULL_CHECK_EVERY checks.
    from isolint.plugin.probes.base import Probe, compile_check
    from isolint.plugin.probes.watch import FULL_CHECK_EVERY, CallWatch

    compare, functions, snapshot, change, around, undo = _watched_changes()[kind]
    compared = []
    watch = CallWatch(lambda old: compared.append(1) or compare(old), functions)
    probe = Probe(kind, snapshot, lambda key, before, after: (str(key), "changed"), CallWatch.CHECK, {"watch": watch})
    check = compile_check((probe,))
    originals = [getattr(module, name) for module, name in functions]
    watch.install()
    try:
        assert [getattr(module, name) for module, name in functions] != originals
        before = probe.snapshot()
        assert check({kind: before})  # compares once, then trusts the count
        compared.clear()
        assert check({kind: before}) and check({kind: before}) and not compared
        change()
        try:
            assert not check({kind: before}) and not probe.unchanged(before)
        finally:
            undo()
        assert check({kind: before})
        around(originals[0])
        try:
            assert not all(check({kind: before}) for _ in range(FULL_CHECK_EVERY))
        finally:
            undo()
        assert check({kind: before})
        before[next(iter(before))] = "rebased"  # the snapshot itself modified (a rebase)
        assert not check({kind: before})
    finally:
        watch.uninstall()
    assert [getattr(module, name) for module, name in functions] == originals


def test_named_tuples_without_attributes_of_their_own_are_not_watched(tmp_path, monkeypatch):
    import importlib
    import sys

    from isolint.plugin.probes.project import project_state_probe

    package = tmp_path / "tupleshop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "items.py").write_text(
        "import collections\nfrom typing import NamedTuple\n\n\nPlain = collections.namedtuple('Plain', 'a b', defaults=[1])\n\n\n"
        "class Typed(NamedTuple):\n    a: int\n    b: str = 'x'\n\n\nclass Registered(NamedTuple):\n    a: int\n    registry = {}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    items = importlib.import_module("tupleshop.items")
    monkeypatch.setitem(sys.modules, "tupleshop.items", items)
    probe = project_state_probe(str(tmp_path))
    before = probe.snapshot()
    assert not any(key.startswith(("tupleshop.items.Plain.", "tupleshop.items.Typed.")) for key in before if isinstance(key, str))
    assert "tupleshop.items.Registered.registry" in before
    items.Registered.registry["k"] = 1
    try:
        assert not probe.unchanged(before)
    finally:
        items.Registered.registry.clear()
    assert probe.unchanged(before)
