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
        "--isolint-memory-chart",
        metavar="FILE",
        default=None,
        help="with --isolint: write an SVG chart of resident memory after each test, per worker, "
        "the largest growths labelled.",
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


#: The plugin's options that take a value. pytest decides its rootdir and reads its configuration
#: before it loads plugins, so at that point ``--isolint-report FILE`` is an unknown option and
#: ``FILE`` a test path: the ``=`` form (``--isolint-report=FILE``) is always safe.
VALUE_OPTIONS = ("--isolint-report", "--isolint-top", "--isolint-memory-chart", "--isolint-replay", "--isolint-worker", "--isolint-until")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, args: list[str], parser: pytest.Parser) -> None:
    spaced = [(option, value) for option, value in zip(args, args[1:]) if option in VALUE_OPTIONS]
    if not spaced:
        return
    from isolint.plugin.option_form import check_space_form

    check_space_form(early_config, args, parser, spaced)


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("isolint_replay"):
        from isolint.plugin.replay import configure_replay

        configure_replay(config)
    if not config.getoption("isolint"):
        return
    from isolint.plugin.hooks import IsolintPlugin

    config.pluginmanager.register(IsolintPlugin(config), RUNTIME_PLUGIN_NAME)
