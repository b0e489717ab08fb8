"""``--isolint-report FILE`` (space-separated): safe only when pytest's set-up did not depend on it.

pytest determines its rootdir and configuration file from the command line's test paths before it
loads any plugin. At that moment ``--isolint-report`` is an unknown option and ``FILE`` looks like
a test path: pytest then looks for the configuration from ``FILE``'s directory, and a report
written elsewhere (``/tmp/isolint.json``) silently moves the rootdir and drops the project's
configuration. Once the plugin is loaded the option parses as meant, so only that early decision
can be wrong: :func:`check_space_form` makes it again without the option values and stops the run
with a clear message when the answer differs. Imported only when the space form was used.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest


def _setup_without(early_config: pytest.Config, args: list[str], parser: pytest.Parser) -> tuple[Any, Any] | None:
    """``(rootdir, inifile)`` as pytest decides them from ``args`` now that the options are known."""
    try:
        from _pytest.config.findpaths import determine_setup
    except ImportError:  # pragma: no cover - a pytest that moved it
        return None
    namespace = parser.parse_known_args(args)
    wanted = {
        "inifile": getattr(namespace, "inifilename", None),
        "override_ini": getattr(namespace, "override_ini", None),
        "args": list(getattr(namespace, "file_or_dir", None) or []),
        "rootdir_cmd_arg": getattr(namespace, "rootdir", None) or None,
        "invocation_dir": early_config.invocation_params.dir,
    }
    try:
        parameters = inspect.signature(determine_setup).parameters
        result = determine_setup(**{k: v for k, v in wanted.items() if k in parameters})
    except Exception:  # pragma: no cover - another pytest's signature
        return None
    return result[0], result[1]


def check_space_form(
    early_config: pytest.Config, args: list[str], parser: pytest.Parser, spaced: list[tuple[str, str]]
) -> None:
    """Stop with a clear message when a space-separated option value moved pytest's rootdir or
    configuration file; otherwise the space form did no harm and the run goes on."""
    decided = _setup_without(early_config, args, parser)
    if decided is None:
        return
    rootdir, inifile = decided
    if rootdir == early_config.rootpath and inifile == early_config.inipath:
        return
    option, value = spaced[0]
    raise pytest.UsageError(
        f"isolint: `{option} {value}`: pytest took {value!r} as a test path while choosing its rootdir and "
        f"configuration (before it loads isolint), so it chose rootdir {early_config.rootpath} and "
        f"configuration {early_config.inipath or 'none'} instead of {rootdir} and {inifile or 'none'}. "
        f"Write it with `=`: {option}={value}"
    )
