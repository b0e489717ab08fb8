"""``pytest --isolint-replay REPORT --isolint-worker W``: run one worker's recorded sequence.

The runtime report keeps, per worker, the tests in the order the worker ran them. Replaying
collects the files of that sequence (unless paths are given), keeps the recorded tests in exactly
that order (across files; ``--isolint-until NODEID`` stops after that test) and deselects the
rest, in one process: a failure seen only under ``pytest -n auto`` becomes reproducible.

Imported only when ``--isolint-replay`` is given; standard library and pytest only.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from isolint.runtime import RuntimeReport, RuntimeReportError, load_runtime_report


def recorded_sequence(report: RuntimeReport, worker: str | None, until: str | None = None) -> list[str]:
    """The node ids ``worker`` ran, in order, up to ``until`` (included); raises ``ValueError``
    with a readable reason when the worker or the test is not in the report."""
    order = report.order()
    if not order:
        raise ValueError("the report has no order record (written by an isolint older than the order record?)")
    if worker is None:
        if len(order) > 1:
            raise ValueError(f"the report has {len(order)} workers ({', '.join(order)}): name one with --isolint-worker")
        worker = next(iter(order))
    if worker not in order:
        raise ValueError(f"no worker {worker!r} in the report (workers: {', '.join(order)})")
    sequence = [record.nodeid for record in order[worker]]
    if until is not None:
        if until not in sequence:
            raise ValueError(f"{until!r} did not run on worker {worker}")
        sequence = sequence[: sequence.index(until) + 1]
    return sequence


class Replay:
    """Selects and orders the collected items by a recorded sequence."""

    def __init__(self, sequence: list[str], source: str) -> None:
        self.sequence = sequence
        self.source = source
        self.missing: list[str] = []

    @pytest.hookimpl(trylast=True)  # after plugins that reorder (pytest-randomly ...)
    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
        by_nodeid: dict[str, pytest.Item] = {}
        for item in items:
            by_nodeid.setdefault(item.nodeid, item)
        selected: list[pytest.Item] = []
        chosen: set[int] = set()
        for nodeid in self.sequence:
            item = by_nodeid.get(nodeid)
            if item is None:
                self.missing.append(nodeid)
            elif id(item) not in chosen:
                chosen.add(id(item))
                selected.append(item)
        deselected = [item for item in items if id(item) not in chosen]
        items[:] = selected
        if deselected:
            config.hook.pytest_deselected(items=deselected)

    def pytest_report_collectionfinish(self, config: pytest.Config, items: list[pytest.Item]) -> list[str]:
        lines = [f"isolint: replaying {len(items)} of {len(self.sequence)} recorded tests of {self.source} in order"]
        if self.missing:
            shown = ", ".join(self.missing[:5]) + (" ..." if len(self.missing) > 5 else "")
            lines.append(f"isolint: {len(self.missing)} recorded tests were not collected: {shown}")
        return lines


def configure_replay(config: pytest.Config) -> None:
    """Register the replay (from ``pytest_configure``, before xdist's ``trylast`` one)."""
    path = config.getoption("isolint_replay")
    worker = config.getoption("isolint_worker")
    try:
        report = load_runtime_report(os.path.join(config.invocation_params.dir, path))
        sequence = recorded_sequence(report, worker, config.getoption("isolint_until"))
    except (RuntimeReportError, ValueError) as exc:
        raise pytest.UsageError(f"--isolint-replay: {exc}") from None
    # One process: the whole point is that this worker's tests run in this order, alone.
    option: Any = config.option
    if getattr(option, "dist", "no") != "no" or getattr(option, "tx", None):
        option.dist, option.tx = "no", []
    if config.args_source != pytest.Config.ArgsSource.ARGS:  # no paths given: the sequence's files
        root = report.rootdir or str(config.rootpath)
        files = dict.fromkeys(nodeid.split("::", 1)[0] for nodeid in sequence)
        config.args[:] = [os.path.join(root, file) for file in files]
    name = worker or next(iter(report.order()))
    config.pluginmanager.register(Replay(sequence, f"worker {name}"), "isolint-replay")
