"""The pytest hooks of ``--isolint``: thin glue between pytest's test protocol and the recorder.

Where the records go:

* without xdist, straight into the list the report is built from;
* on an xdist worker, into an outbox sent to the controller in batches: a batch rides on a
  ``TestReport`` as the attribute ``isolint_records`` (one JSON string: pytest serialises extra
  report attributes and xdist ships them with the report, and one string costs execnet far less
  than nested dicts), at most every :data:`BATCH_SECONDS` and with the next report when a record
  has leaks, so a worker that dies loses at most the last second of leak-free records;
* at the end of a worker's session its peaks and the rest of its outbox (with fixtures finished
  after its last test) go into ``config.workeroutput["isolint"]``, which the controller reads in
  ``pytest_testnodedown``;
* the controller (or the single process without xdist) prints the summary and writes
  ``--isolint-report``.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
import time
from pathlib import Path
from typing import Any, Generator

import pytest

from isolint.gc_pause import gc_paused
from isolint.plugin.probes import ALL_PROBES
from isolint.plugin.probes.memory import MemorySampler
from isolint.plugin.probes.mocks import MockCounter, instance_mocks
from isolint.plugin.probes.project import project_state_probe
from isolint.plugin.probes.threads import SIGNAL_WATCH
from isolint.plugin.recorder import RecordRow, Recorder, row_record
from isolint.plugin.report import build_report, render_summary, to_json
from isolint.runtime import Leak, Record

_REPORT_ATTRIBUTE = "isolint_records"
_WATCHES = (SIGNAL_WATCH,)
# Captured when the plugin loads: a test may patch or replace them (a `patch("json.dumps")` left
# started, `json.dumps = None`), and the plugin must still write what it recorded.
_encode = json.JSONEncoder(separators=(",", ":")).encode
_decode = json.JSONDecoder().decode

#: How long a worker keeps leak-free records before sending them with the next teardown report.
BATCH_SECONDS = 1.0


Row = tuple[Any, ...]  # a plain tuple in RecordRow's field order
_LEAKS = RecordRow._fields.index("leaks")


def encode_batch(rows: list[Row], records: list[Record]) -> str:
    """Tests' rows (as JSON arrays) and fixtures' records, for the trip to the xdist controller."""
    tests = [
        (*row[:_LEAKS], [leak.to_dict() for leak in row[_LEAKS]], *row[_LEAKS + 1 :]) if row[_LEAKS] else row
        for row in rows
    ]
    return _encode({"tests": tests, "fixtures": [r.to_dict() for r in records]})


def decode_batch(data: str) -> tuple[list[Row], list[Record]]:
    batch = _decode(data)
    rows = [
        (*row[:_LEAKS], tuple(Leak.from_dict(leak) for leak in row[_LEAKS]), *row[_LEAKS + 1 :])
        for row in batch["tests"]
    ]
    return rows, [Record.from_dict(d) for d in batch["fixtures"]]


#: The fixtures pytest generates for xunit and unittest set-ups, by name prefix.
_XUNIT_NAMES = {
    "_xunit_setup_module_fixture_": "setup_module",
    "_xunit_setup_class_fixture_": "setup_class",
    "_unittest_setUpClass_fixture_": "setUpClass",
    "_unittest_skip_fixture_": "unittest_skip",
}


@functools.lru_cache(maxsize=None)
def _relative_file(filename: str, rootpath: Path) -> str:
    path = Path(filename)
    try:
        return path.resolve().relative_to(rootpath.resolve()).as_posix()
    except ValueError:  # a plugin's fixture outside the rootdir
        return path.as_posix()


def _xunit_function_name(wrapper: Any, default: str) -> str:
    """The name of the xunit function pytest's fixture wraps: ``setUpModule`` or ``setup_module``
    (pytest accepts both), ``teardown_module`` when only that exists; ``default`` otherwise."""
    names = [
        getattr(cell.cell_contents, "__name__", None) for cell in getattr(wrapper, "__closure__", None) or () if _filled(cell)
    ]
    for name in names:  # a set-up before a tear-down
        if isinstance(name, str) and name.lower().startswith("setup"):
            return name
    return next((n for n in names if isinstance(n, str) and n.lower().startswith("teardown")), default)


def _filled(cell: Any) -> bool:
    try:
        cell.cell_contents
    except ValueError:  # an empty cell
        return False
    return True


def fixture_nodeid(fixturedef: Any, rootpath: Path) -> str:
    """``tests/conftest.py::db``; ``tests/test_a.py::TestA::setup_class`` for xunit set-ups,
    ``tests/test_a.py::TestA::setUpClass`` for a ``unittest.TestCase``'s."""
    for prefix, name in _XUNIT_NAMES.items():
        if fixturedef.argname.startswith(prefix):
            return f"{fixturedef.baseid}::{_xunit_function_name(fixturedef.func, name)}"
    func = inspect.unwrap(fixturedef.func)
    code = getattr(func, "__code__", None)
    if code is None:
        return f"{fixturedef.baseid}::{fixturedef.argname}"
    where = _relative_file(code.co_filename, rootpath)
    qualname = getattr(func, "__qualname__", fixturedef.argname).replace(".<locals>", "")
    return f"{where}::{qualname.replace('.', '::')}"


#: Set-up methods of test classes, whichever framework runs them.
_SETUP_METHODS = ("setUp", "asyncSetUp", "setup_method", "setup")


def setup_sources(item: Any, rootpath: Path) -> tuple[str, ...]:
    """The project's set-up code that ran for ``item`` (asked for a test that leaked): its
    class's set-up methods where they are defined (``tests/base.py::Base::setUp``, so tests of
    several subclasses name the base) and the project's function-scoped fixtures it used."""
    found: list[str] = []
    cls = getattr(item, "cls", None)
    for name in _SETUP_METHODS if cls is not None else ():
        owner = next((k for k in cls.__mro__ if name in k.__dict__), None)
        code = getattr(inspect.unwrap(owner.__dict__[name]), "__code__", None) if owner is not None else None
        if code is not None:
            where = _relative_file(code.co_filename, rootpath)
            if not Path(where).is_absolute():  # the project's, not unittest's own
                found.append(f"{where}::{owner.__qualname__.replace('.', '::')}::{name}")  # type: ignore[union-attr]
    info = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", ()):
        definitions = info.name2fixturedefs.get(name) if info is not None else None
        if definitions and definitions[-1].scope == "function":
            nodeid = fixture_nodeid(definitions[-1], rootpath)
            if not Path(nodeid.split("::", 1)[0]).is_absolute():
                found.append(nodeid)
    return tuple(found)


def _group_name(marker: Any) -> str | None:
    if marker is None:
        return None
    name = marker.args[0] if marker.args else marker.kwargs.get("name")
    return None if name is None else str(name)


class _XdistGroups:
    """The ``xdist_group`` mark closest to a test: its own marks first, then its class, module
    ... (what ``item.get_closest_marker`` returns), the parents' answer cached per parent node."""

    def __init__(self) -> None:
        self._by_parent: dict[int, tuple[Any, str | None]] = {}

    def __call__(self, item: pytest.Item) -> str | None:
        for marker in item.own_markers:
            if marker.name == "xdist_group":
                return _group_name(marker)
        parent = item.parent
        if parent is None:
            return None
        cached = self._by_parent.get(id(parent))
        if cached is None or cached[0] is not parent:
            cached = (parent, _group_name(parent.get_closest_marker("xdist_group")))
            self._by_parent[id(parent)] = cached
        return cached[1]


def _test_nodeid(item: pytest.Item, group: str | None) -> str:
    """The node id without the ``@group`` suffix ``--dist loadgroup`` appends (on pytest < 9.2)."""
    nodeid = item.nodeid
    if group is None:
        return nodeid
    at = nodeid.rfind("@")
    if at > nodeid.rfind("]") and at > nodeid.rfind("::"):
        return nodeid[:at]
    return nodeid


#: Outcomes of a test, the later ones winning over the earlier when its reports differ.
_OUTCOME_RANK = {"passed": 0, "skipped": 1, "xfailed": 2, "failed": 3, "error": 4}


def _outcome(report: pytest.TestReport) -> str:
    """A report that did not pass: ``skipped`` / ``xfailed``, ``failed`` (in its call) or ``error``."""
    if report.skipped:
        return "xfailed" if hasattr(report, "wasxfail") else "skipped"
    return "failed" if report.when == "call" else "error"


def _strict_message(records: list[Record]) -> str:
    lines = ["isolint --isolint-strict: state leaked past this test's teardown:"]
    for record in records:
        who = "this test" if record.kind == "test" else f"fixture {record.nodeid} ({record.scope} scope)"
        lines.extend(f"  {who}: {leak.rule}: {leak.detail}" for leak in record.leaks)
    return "\n".join(lines)


class IsolintPlugin:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.strict: bool = config.getoption("isolint_strict")
        self.report_path: str | None = config.getoption("isolint_report")
        self.top: int = config.getoption("isolint_top")
        workerinput = getattr(config, "workerinput", None)
        self.is_worker = workerinput is not None
        self.worker = workerinput["workerid"] if workerinput else "main"
        # pytest's own warnings plugin restores warnings.filters after every test: a change there
        # cannot reach the next test, so the probe only runs when that plugin is disabled.
        skip = {"warnings"} if config.pluginmanager.has_plugin("warnings") else set()
        self.probes = (*(p for p in ALL_PROBES if p.kind not in skip), project_state_probe(str(config.rootpath), tuple(config.getini("python_files"))))
        # Installed once unittest.mock is imported (importing it here would cost more than
        # everything else the plugin does at start-up); before that no mock can exist.
        self.mocks = MockCounter()
        # Count the calls that change signal handlers: a test's check then reads no handler if
        # there was none (see probes/watch.py).
        for watch in _WATCHES:
            watch.install()
        self.memory = MemorySampler()
        self.recorder = Recorder(
            self.probes, self.worker, self.memory.raw, self.memory.sizes, self.mocks.counter(),
            functools.partial(setup_sources, rootpath=config.rootpath),
        )
        #: Fixtures' records: without xdist (and on the controller) every one; on a worker, the
        #: outbox. Tests recorded in this process wait in ``recorder.rows`` until they are reported.
        self.records: list[Record] = []
        #: On the controller: the tests the workers sent.
        self.received: list[Row] = []
        self.runs_tests = True
        #: On a worker: send the outbox with the next report (a record has leaks).
        self._send_now = False
        self._sent_at = time.monotonic()
        self.worker_outputs: dict[str, dict[str, Any]] = {}
        self._xdist_group = _XdistGroups()
        #: What the plugin could not do (see :meth:`problem`).
        self.problems: list[str] = []
        #: How the running test has ended so far (its reports' worst outcome).
        self._outcome = "passed"
        #: ``len(sys.modules)`` when it was last searched for ``unittest.mock``.
        self._modules_seen = -1

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # An xdist controller only receives reports; its workers run the tests.
        self.runs_tests = self.is_worker or not self.config.pluginmanager.has_plugin("dsession")
        if self.is_worker or not self.runs_tests:
            self._register(_XdistTransport(self), "xdist")
        if self.strict and self.runs_tests:
            self._register(_StrictTeardown(self), "strict")

    def _register(self, hooks: object, suffix: str) -> None:
        """Register hooks needed only in this run, as ``isolint-runtime-<suffix>``."""
        pluginmanager = self.config.pluginmanager
        pluginmanager.register(hooks, f"{pluginmanager.get_name(self)}-{suffix}")

    # -- tests ----------------------------------------------------------------------------------
    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
        # Around the whole protocol (logstart, setup, call, teardown, logfinish) and outside
        # every other plugin's wrapper of it: nothing runs between one test's end and the next
        # test's start, so one test's end state is the next one's baseline, unchecked. (Under
        # --isolint-strict, _StrictTeardown brackets the test instead.)
        if not self.runs_tests or self.strict:
            return (yield)
        # What guarded() does, inline: this runs for every test, where each call costs.
        try:
            self.start_test(False)
        except Exception as exc:
            self.failed(self.start_test, exc)
        try:
            return (yield)
        finally:
            try:
                self.finish_test(item)
            except Exception as exc:
                self.failed(self.finish_test, exc)

    def guarded(self, step: Any, *args: Any) -> Any:
        """``step(*args)``, where a failure of the plugin's own (a probe that cannot read the
        state a test left, such as ``sys.path = None``) becomes a note in the summary: the
        plugin never changes a run's outcome. The next test starts from a fresh snapshot."""
        try:
            return step(*args)
        except Exception as exc:
            self.failed(step, exc)
            return []

    def failed(self, step: Any, exc: Exception) -> None:
        """``step`` raised ``exc``: noted, and the next test starts from a fresh snapshot."""
        self.recorder._last = None
        self.problem(f"{getattr(step, '__name__', step)}: {type(exc).__name__}: {exc}")

    def problem(self, message: str) -> None:
        """Something the plugin could not do; shown once at the end of the run."""
        if message not in self.problems and len(self.problems) < 20:
            self.problems.append(message)

    def start_test(self, check: bool) -> None:
        # The mock counter is installed once unittest.mock is imported (before, no mock exists);
        # sys.modules is searched only when it has grown.
        if self._modules_seen != len(sys.modules) and not self.mocks.installed:
            self._modules_seen = len(sys.modules)
            if "unittest.mock" in sys.modules:
                self.mocks.install()
                self.recorder.count_mocks = self.mocks.counter()
        self.recorder.start_test(check)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.outcome != "passed":  # the usual report: nothing to do
            outcome = _outcome(report)
            if _OUTCOME_RANK[outcome] > _OUTCOME_RANK[self._outcome]:
                self._outcome = outcome

    def finish_test(self, item: pytest.Item) -> list[Record]:
        """Record ``item`` (it has been torn down); returns the records with leaks."""
        instance = item.__dict__.get("_instance")  # never create one: unittest items drop theirs
        recorder = self.recorder
        # An instance with no attributes (the usual one) holds no mock.
        held = instance_mocks(instance) if instance is not None and getattr(instance, "__dict__", None) else ()
        outcome, self._outcome = self._outcome, "passed"
        leaks = recorder.finish_test(item, held, outcome)
        if not leaks and not recorder.fixture_records:
            return []  # the usual test
        nodeid, group = self.identify(item)
        leaked = [Record(nodeid=nodeid, worker=self.worker, leaks=leaks, xdist_group=group)] if leaks else []
        fixtures = recorder.drain_fixture_records()
        self.records += fixtures
        leaked += [r for r in fixtures if r.leaks]
        if leaked:
            self._send_now = True
        return leaked

    def identify(self, item: pytest.Item) -> tuple[str, str | None]:
        """``(node id, xdist_group)`` of a test."""
        group = self._xdist_group(item)
        return _test_nodeid(item, group), group

    def take_batch(self) -> str:
        """The outbox, encoded for the controller; the outbox is emptied."""
        batch = encode_batch(self.recorder.drain_rows(self.identify), self.records)
        self.records = []
        return batch

    def add_batch(self, batch: str) -> None:
        """A batch a worker sent (on the controller)."""
        rows, records = decode_batch(batch)
        self.received += rows
        self.records += records

    def all_records(self) -> list[Record]:
        """Every record so far (on a worker: not yet sent), rows made records."""
        rows = [*self.received, *self.recorder.drain_rows(self.identify)]
        self.received = []
        return [*map(row_record, rows), *self.records]

    # -- module / class / package / session fixtures --------------------------------------------
    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        # Watching fixtures costs two hook calls per fixture of every test: only when some test
        # uses a fixture of a wider scope than the function (or an xunit setup_module/class).
        if self.runs_tests and uses_wider_fixtures(session.items):
            self._register(_FixtureWatcher(self.recorder, self.config.rootpath), "fixtures")

    # -- collecting records from xdist workers --------------------------------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        output = getattr(node, "workeroutput", {}).get("isolint")
        if output:
            self.guarded(self._add_process_output, output)

    def _add_process_output(self, output: dict[str, Any]) -> None:
        # Not popped: xdist may report a node down twice (an interrupted worker).
        output = dict(output)
        self.add_batch(output.pop("records", None) or _encode({"tests": [], "fixtures": []}))
        self.worker_outputs[str(output.get("worker", "?"))] = output

    @pytest.hookimpl(trylast=True)  # after pytest's own teardown of fixtures left at the end
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.records += self.recorder.drain_fixture_records()
        if self.is_worker:
            batch = self.take_batch()  # first: reading the memory samples updates the peaks
            self.config.workeroutput["isolint"] = {**self._process_output(), "records": batch}  # type: ignore[attr-defined]
            return
        with gc_paused():  # a record per test, all at once: no garbage, only cycle-free objects
            self.records = self.all_records()
            if self.recorder.tests_started:  # not an xdist controller: tests ran in this process
                self.worker_outputs[self.worker] = self._process_output()
            self.report = build_report(
                str(self.config.rootpath), self.records, self.worker_outputs, [p.kind for p in self.probes] + ["instance_mock"]
            )
            if self.report_path:
                self.guarded(self._write_report)
            if self.config.getoption("isolint_memory_chart"):
                self.guarded(self._write_chart)

    def _write_report(self) -> None:
        path = Path(self.config.invocation_params.dir, self.report_path)  # type: ignore[arg-type]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_json(self.report), encoding="utf-8")

    def _write_chart(self) -> None:
        from isolint.plugin.chart import render_memory_chart

        path = Path(self.config.invocation_params.dir, self.config.getoption("isolint_memory_chart"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_memory_chart(self.report, max(self.top, 1)), encoding="utf-8")

    def _process_output(self) -> dict[str, Any]:
        """This process's own figures, for the report (sent to the controller by a worker)."""
        self.memory.sample()  # the peaks so far include now (the run's end holds every record)
        return {"worker": self.worker, "peak_rss": self.memory.peak_rss(), "peak_vms": self.memory.peak_vms}

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for message in self.problems:
            terminalreporter.write_line(f"isolint: could not {message}")
        report = getattr(self, "report", None)
        if report is None:
            return
        terminalreporter.write_sep("=", "isolint runtime report")
        with gc_paused():
            lines = render_summary(report, self.top, verbose=self.config.getoption("verbose") > 0)
        for line in lines:
            terminalreporter.write_line(line)
        if self.report_path:
            terminalreporter.write_line(f"isolint: report written to {self.report_path}")
        chart = self.config.getoption("isolint_memory_chart")
        if chart:
            terminalreporter.write_line(f"isolint: memory chart written to {chart}")

    def pytest_unconfigure(self) -> None:
        self.mocks.uninstall()
        for watch in _WATCHES:
            watch.uninstall()
        self.memory.close()


def uses_wider_fixtures(items: list[pytest.Item]) -> bool:
    """Whether a test's fixture closure holds a module, class, package or session fixture."""
    seen: set[int] = set()
    for item in items:
        info = getattr(item, "_fixtureinfo", None)  # items without one request no fixtures
        if info is None or id(info) in seen:
            continue
        seen.add(id(info))
        for fixturedefs in info.name2fixturedefs.values():
            if any(fixturedef.scope != "function" for fixturedef in fixturedefs):
                return True
    return False


def _param_suffix(fixturedef: Any, request: Any) -> str:
    """``[id]`` for one parameter of a parametrized fixture (its own id, else the value's
    spelling for a simple value, else ``name<index>`` as pytest spells it); "" otherwise."""
    if not hasattr(request, "param"):
        return ""
    index = getattr(request, "param_index", 0)
    ids = getattr(fixturedef, "ids", None)
    if isinstance(ids, (list, tuple)) and index < len(ids) and ids[index] is not None:
        return f"[{ids[index]}]"
    value = request.param
    if value is None or isinstance(value, (str, int, float, bool)):
        return f"[{value}]"
    return f"[{fixturedef.argname}{index}]"


class _FixtureWatcher:
    """Gives module-, class-, package- and session-scoped fixtures their own records (their
    set-up runs inside the first test of their scope, their tear-down inside the last)."""

    def __init__(self, recorder: Recorder, rootpath: Path) -> None:
        self.recorder = recorder
        self.rootpath = rootpath

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_fixture_setup(self, fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Generator[None, object, object]:
        if fixturedef.scope == "function":
            return (yield)
        before = self.recorder.state_now()
        try:
            return (yield)
        finally:
            key = id(fixturedef)
            nodeid = fixture_nodeid(fixturedef, self.rootpath) + _param_suffix(fixturedef, request)
            self.recorder.fixture_set_up(key, nodeid, fixturedef.scope, before)
            # Runs before the fixture's own tear-down: finalizers run last-in, first-out.
            fixturedef.addfinalizer(functools.partial(self.recorder.fixture_teardown_starting, key))

    def pytest_fixture_post_finalizer(self, fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> None:
        if fixturedef.scope != "function":
            self.recorder.fixture_torn_down(id(fixturedef))


class _XdistTransport:
    """Records between xdist workers and the controller, registered only under xdist.

    On a worker a batch of records rides on the next test report (of any phase) once a record
    has leaks or :data:`BATCH_SECONDS` have passed: a test's record is made after its own
    reports, so a leak reaches the controller with the next test's setup report, before that
    test can crash the worker. The controller collects the batches.
    """

    def __init__(self, plugin: IsolintPlugin) -> None:
        self.plugin = plugin

    @pytest.hookimpl(tryfirst=True)  # on a worker: before xdist serialises the report
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        plugin = self.plugin
        if plugin.is_worker:
            if (plugin.recorder.rows or plugin.records) and (
                plugin._send_now or time.monotonic() - plugin._sent_at >= BATCH_SECONDS
            ):
                setattr(report, _REPORT_ATTRIBUTE, plugin.take_batch())
                plugin._send_now, plugin._sent_at = False, time.monotonic()
            return
        batch = getattr(report, _REPORT_ATTRIBUTE, None)  # from an xdist worker
        if batch:
            plugin.guarded(plugin.add_batch, batch)


class _StrictTeardown:
    """``--isolint-strict``: a test ends inside its teardown, so that a leak fails it there.

    It therefore starts inside the protocol too (at ``logstart``, where every other plugin's
    wrapper of the protocol has done its set-up), and checks that the state the last test ended
    with still holds (those wrappers' tear-down and set-up ran in between).
    """

    def __init__(self, plugin: IsolintPlugin) -> None:
        self.plugin = plugin

    def pytest_runtest_logstart(self, nodeid: str, location: object) -> None:
        self.plugin.start_test(check=True)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
        try:
            result = yield
        except BaseException:
            self.plugin.finish_test(item)
            raise
        leaked = self.plugin.finish_test(item)
        if leaked:
            pytest.fail(_strict_message(leaked), pytrace=False)
        return result
