"""A pytest plugin for ``benchmarks/plugin_per_test.py``: with ``--isolint``, do the plugin's
per-test work only in every other block of tests, and time each test's whole protocol.

Blocks of ``ISOLINT_BLOCK`` tests (default 50) alternate between "on" (isolint brackets the test
as usual) and "off" (it does nothing); ``ISOLINT_BLOCK_OFFSET=1`` swaps them, so that two runs
time every test both ways. Within a block, whatever the plugin's work does to the caches or the
garbage collector is paid by the next tests of the same block. Each test's time goes to the
file ``ISOLINT_TIMES_FILE`` as a JSON line ``[nodeid, nanoseconds, on]``.

In "off" blocks the plugin's own ``pytest_runtest_logreport`` implementation (each test's
outcome) is taken out of pytest's hook as well, so the difference covers all its per-test work;
the baseline an "on" block starts from is taken before its first test's timer starts (a real
run never takes it: one test's end state is the next one's baseline).

With ``ISOLINT_WITHOUT=kind[,kind...]`` the "off" blocks run the plugin too, without those probes:
the difference is then those probes' cost alone (``plugin_per_test.py --probe module_state``).
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import time
from typing import Any, Generator

import pytest

from isolint.plugin.hooks import IsolintPlugin

_bracketed = IsolintPlugin.pytest_runtest_protocol  # the plugin's own wrapper, as shipped
_BLOCK = int(os.environ.get("ISOLINT_BLOCK", "50"))
_OFFSET = int(os.environ.get("ISOLINT_BLOCK_OFFSET", "0"))
_WITHOUT = frozenset(filter(None, os.environ.get("ISOLINT_WITHOUT", "").split(",")))
_times: list[tuple[Any, ...]] = []
#: Per test: garbage collections by generation (0, 1, 2) and nanoseconds spent in them.
_gc = [0, 0, 0, 0]
_gc_start = [0]


def _gc_callback(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc_start[0] = time.perf_counter_ns()
    else:
        _gc[info["generation"]] += 1
        _gc[3] += time.perf_counter_ns() - _gc_start[0]


gc.callbacks.append(_gc_callback)
_cpu = time.thread_time_ns
_wall = time.perf_counter_ns
_count = [0]
_arms: dict[int, tuple[Any, Any]] = {}
_removed: list[tuple[int, Any]] = []  # the plugin's per-report hook implementations, while "off"


def _per_report_hooks(self: IsolintPlugin, on: bool) -> None:
    """Put the plugin's ``pytest_runtest_logreport`` implementations back (on) or take them out
    of pytest's hook (off), where they would run in both arms."""
    impls = self.config.hook.pytest_runtest_logreport._hookimpls
    if on:
        for index, impl in reversed(_removed):
            impls.insert(index, impl)
        _removed.clear()
    elif not _removed:
        _removed.extend((i, impl) for i, impl in enumerate(impls) if impl.plugin is self)
        for index, _ in reversed(_removed):
            del impls[index]


def _use(self: IsolintPlugin, on: bool) -> None:
    """Give the recorder all its probes (on) or all but ``ISOLINT_WITHOUT`` (off). Switching
    keeps the other probes' baseline, and gives the left-out probes back the state they ended the
    last "on" block with when their own check says it still holds (as an uninterrupted run
    would): the comparison measures their per-test work, not a snapshot per block."""
    from isolint.plugin.probes.base import compile_check

    recorder = self.recorder
    if id(self) not in _arms:
        fewer = tuple(p for p in recorder.probes if p.kind not in _WITHOUT)
        left_out = tuple(p for p in recorder.probes if p.kind in _WITHOUT)
        _arms[id(self)] = ((recorder.probes, recorder._unchanged), (fewer, compile_check(fewer)), left_out, {})
    (all_probes, all_check), (fewer, fewer_check), left_out, saved = _arms[id(self)]
    probes, check = (all_probes, all_check) if on else (fewer, fewer_check)
    if recorder.probes is probes:
        return
    last = recorder._last
    if not on and last is not None:
        saved.clear()
        saved.update({p.kind: last[p.kind] for p in left_out if p.kind in last})
    if on and last is not None:
        last = dict(last)
        for probe in left_out:
            old = saved.get(probe.kind)
            last[probe.kind] = old if old is not None and probe.unchanged(old) else probe.snapshot()
    recorder.probes, recorder._unchanged, recorder._last = probes, check, last


_was_on = [True]


def _rebase(self: IsolintPlugin, on: bool) -> None:
    """Before the first "on" test of a block (not timed): the state the "off" block left becomes
    the baseline, as the end of the test before it would be in a real run (the probes whose own
    check fails are snapshot). Each test's own changes are paid in the run where it is "on"."""
    if on and not _was_on[0]:
        recorder = self.recorder
        last = recorder._last
        recorder._last = recorder.snapshot() if last is None else recorder._state_since(last)
    _was_on[0] = on


@pytest.hookimpl(wrapper=True, tryfirst=True)
def _alternating_protocol(self: IsolintPlugin, item: pytest.Item, nextitem: Any) -> Generator[None, object, object]:
    on = (_count[0] // _BLOCK + _OFFSET) % 2 == 0
    _count[0] += 1
    if _WITHOUT:
        _use(self, on)
    else:
        _per_report_hooks(self, on)
        _rebase(self, on)
    _gc[:] = (0, 0, 0, 0)
    _self[0] = 0
    cpu, start = _cpu(), _wall()
    if _PARTS and not _parts_wrapped:
        _timed_parts(self)
    if on or _WITHOUT:
        _parts_tests[0] += on
        result = yield from _bracketed(self, item, nextitem)
    else:
        result = yield
    wall, cpu = _wall() - start, _cpu() - cpu
    _times.append((item.nodeid, wall, on, cpu, *_gc, _self[0]))
    return result


IsolintPlugin.pytest_runtest_protocol = _alternating_protocol  # type: ignore[method-assign]

#: With ``ISOLINT_SELF_TIME=1``: nanoseconds inside the plugin's own calls, per test (start and
#: finish of a test), appended to each row (diagnostics: the timers cost the "on" arm).
_self = [0]
_PARTS = os.environ.get("ISOLINT_SELF_TIME") == "parts"
if os.environ.get("ISOLINT_SELF_TIME"):

    def _timed(method: Any) -> Any:
        def timed(self: IsolintPlugin, *args: Any) -> Any:
            start = _wall()
            try:
                return method(self, *args)
            finally:
                _self[0] += _wall() - start

        return timed

    IsolintPlugin.start_test = _timed(IsolintPlugin.start_test)  # type: ignore[method-assign]
    IsolintPlugin.finish_test = _timed(IsolintPlugin.finish_test)  # type: ignore[method-assign]

#: With ``ISOLINT_SELF_TIME=parts``: nanoseconds per part of the plugin's work (each probe's check
#: on its own, the memory sample, the mock count) summed over the "on" tests, written to
#: ``ISOLINT_TIMES_FILE`` + ``.parts.json`` (diagnostics: the parts are called apart, with timers).
_parts: dict[str, int] = {}
_parts_tests = [0]
_parts_wrapped: list[bool] = []


def _timed_parts(self: IsolintPlugin) -> None:
    from isolint.plugin.probes.base import compile_check

    recorder = self.recorder
    checks = [(p.kind, compile_check((p,))) for p in recorder.probes]

    def unchanged(state: Any) -> bool:
        ok = True
        for kind, check in checks:
            start = _wall()
            ok = check(state) and ok
            _parts[kind] = _parts.get(kind, 0) + _wall() - start
        return ok

    def part(name: str, function: Any) -> Any:
        def timed() -> Any:
            start = _wall()
            try:
                return function()
            finally:
                _parts[name] = _parts.get(name, 0) + _wall() - start

        return timed

    _parts_wrapped.append(True)
    recorder._unchanged = unchanged
    recorder.sample_memory = part("memory", recorder.sample_memory)
    recorder.count_mocks = part("mocks", recorder.count_mocks)


@atexit.register
def _report() -> None:
    with open(os.environ["ISOLINT_TIMES_FILE"], "w", encoding="utf-8") as out:
        out.writelines(json.dumps(row) + "\n" for row in _times)
    if _PARTS:
        with open(os.environ["ISOLINT_TIMES_FILE"] + ".parts.json", "w", encoding="utf-8") as out:
            json.dump({"tests": _parts_tests[0], "ns": _parts}, out)
