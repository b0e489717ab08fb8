"""isolint's pytest plugin: ``pytest --isolint`` records what every test really leaked.

Registered through the ``pytest11`` entry point, so pytest loads this module in every run in an
environment where isolint is installed. It therefore imports only the standard library and
pytest, adds its options, and does nothing else unless ``--isolint`` is given: the probes,
psutil and the hook implementations (``isolint.plugin.hooks``) are imported only then.

With plugin autoloading disabled (``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``) load it with
``-p isolint`` (and still pass ``--isolint``). See docs/plugin.md.
"""

from __future__ import annotations

import pytest

#: Name under which the active recorder is registered with pytest's plugin manager.
RUNTIME_PLUGIN_NAME = "isolint-runtime"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("isolint", "isolint runtime isolation checks")
    group.addoption(
        "--isolint",
        action="store_true",
        default=False,
        help="record the process state each test leaks (environment, patches, sys.modules, "
        "sys.path, cwd, threads, signals, logging, warnings, socket timeout) and memory.",
    )
    group.addoption(
        "--isolint-report",
        metavar="FILE",
        default=None,
        help="with --isolint: write every record to FILE as JSON.",
    )
    group.addoption(
        "--isolint-strict",
        action="store_true",
        default=False,
        help="with --isolint: a test (or fixture) that leaks state fails with a teardown error.",
    )
    group.addoption(
        "--isolint-top",
        type=int,
        default=5,
        metavar="N",
        help="with --isolint: list the N tests with the largest memory growth (default 5; 0 hides).",
    )
    group.addoption(
        "--isolint-replay",
        metavar="REPORT",
        default=None,
        help="run the tests one worker ran in the run that wrote REPORT (an --isolint-report), in "
        "that order and in one process; the rest are deselected.",
    )
    group.addoption(
        "--isolint-worker",
        metavar="ID",
        default=None,
        help="with --isolint-replay: the worker whose tests to run (gw0, gw1 ...; main without xdist).",
    )
    group.addoption(
        "--isolint-until",
        metavar="NODEID",
        default=None,
        help="with --isolint-replay: stop after this test.",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("isolint_replay"):
        from isolint.plugin.replay import configure_replay

        configure_replay(config)
    if not config.getoption("isolint"):
        return
    from isolint.plugin.hooks import IsolintPlugin

    config.pluginmanager.register(IsolintPlugin(config), RUNTIME_PLUGIN_NAME)
