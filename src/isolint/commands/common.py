"""What the scanning commands share: settings from the config and the command line, the
scan itself, and writing output. Errors surface as :class:`isolint.errors.UsageError`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from isolint.errors import UsageError
from isolint.escaping import line, line_path


def _csv(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _check_rule_keys(keys: tuple[str, ...] | None, option: str) -> None:
    if not keys:
        return  # the registry is not even imported (a warm run never loads the analysis)
    from isolint.analysis.rules import closest_rule_key, rule_by_key

    for key in keys:
        if rule_by_key(key) is None:
            close = closest_rule_key(key)
            hint = f" (did you mean {close!r}?)" if close else ""
            raise UsageError(f"{option}: unknown rule {key!r}{hint}; `isolint rules` lists them")


def load_settings_for(args: argparse.Namespace):
    """The project's settings with the command line's options applied on top."""
    from isolint.config import ConfigError
    from isolint.orchestration import load_settings

    paths = [Path(p) for p in args.paths]
    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:
        raise UsageError(f"path does not exist: {missing[0]}")
    config = getattr(args, "config", None)
    try:
        settings = load_settings(paths or None, Path.cwd(),
                                 config_file=Path(config) if config else None,
                                 isolated=getattr(args, "isolated", False))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    for warning in settings.warnings:
        print(f"isolint: warning: {warning}", file=sys.stderr)
    return apply_overrides(args, settings)


def apply_overrides(args: argparse.Namespace, settings):
    """``settings`` with the command line's rule options applied on top."""
    select, ignore = _csv(args.select), _csv(args.ignore)
    extend_select, extend_ignore = _csv(args.extend_select), _csv(args.extend_ignore)
    for keys, option in ((select, "--select"), (ignore, "--ignore"),
                         (extend_select, "--extend-select"), (extend_ignore, "--extend-ignore")):
        _check_rule_keys(keys, option)
    exclude = settings.exclude + tuple(args.exclude or ())
    changes: dict[str, object] = {
        "select": select,
        "ignore": ignore,
        "extend_select": settings.extend_select + extend_select if extend_select else None,
        "extend_ignore": settings.extend_ignore + extend_ignore if extend_ignore else None,
        "exclude": exclude if args.exclude else None,
        "xdist_group_policy": args.xdist_group_policy,
        "fail_on": getattr(args, "fail_on", None),
        "report_session_configuration": getattr(args, "report_session_configuration", None),
    }
    if args.dist:
        from dataclasses import replace

        from isolint.config import DIST_MODES

        if args.dist not in DIST_MODES:
            raise UsageError(f"--dist: unknown mode {args.dist!r} (choose from {', '.join(DIST_MODES)})")
        changes["pytest"] = replace(settings.pytest, dist_mode=args.dist, dist_source="--dist option")
    return settings.with_overrides(**changes)


def scan_paths_for(args: argparse.Namespace, settings):
    """Scan what ``args.paths`` names (default: testpaths, else the current directory)."""
    from isolint.discovery import default_paths
    from isolint.orchestration import default_jobs, discover_and_scan

    cwd = Path.cwd()
    paths = [Path(p) for p in args.paths] or default_paths(settings, cwd)
    cache = result_cache_for(args, settings, cwd)
    jobs = getattr(args, "jobs", None) or default_jobs()
    from isolint.progress import Progress, wants_progress

    fmt = progress_format(getattr(args, "format", None))

    def progress_for(files: int):
        return Progress(files, sys.stderr) if wants_progress(files, sys.stderr, fmt) else None

    return discover_and_scan(paths, settings, cwd, jobs=jobs, cache=cache, progress_for=progress_for)


def result_cache_for(args: argparse.Namespace, settings, cwd: Path):
    """The result cache the options ask for (None with ``--no-cache``)."""
    if getattr(args, "no_cache", False):
        return None
    from isolint.cache import ResultCache, default_cache_dir

    cache_dir = getattr(args, "cache_dir", None)
    return ResultCache(Path(cache_dir) if cache_dir else default_cache_dir(settings, cwd), settings)


#: The formats for people, whose summary ``--quiet`` leaves out.
TERMINAL_FORMATS = ("concise", "full", "text")


def progress_format(fmt: str | None) -> str:
    """``fmt`` as :func:`isolint.progress.wants_progress` knows it: "text" for every format
    for people (the default included), else the machine format's name."""
    return "text" if fmt is None or fmt in TERMINAL_FORMATS else fmt


def render_check(result, args: argparse.Namespace) -> str:
    """The check's output: per-rule counts (``--statistics``), or the chosen format (default:
    ``full`` on a terminal, else ``concise``); ``--quiet`` drops the summary line."""
    from isolint.progress import is_terminal
    from isolint.reporters import renderer
    from isolint.reporters.text import statistics

    if args.statistics:
        return "".join(line + "\n" for line in statistics(result))
    fmt = args.format or ("full" if not args.output and is_terminal(sys.stdout) else "concise")
    if args.quiet and fmt in TERMINAL_FORMATS:
        return renderer(fmt)(result, summary=False)  # type: ignore[call-arg]
    return renderer(fmt)(result)


def write_output(text: str, output: str | None) -> None:
    """``text`` to standard output (no ``output``, or ``-``) or to the file ``output``, the way
    :func:`isolint.atomic.write_output` writes what is there (never renaming over a symbolic
    link, a FIFO or a device)."""
    if output and output != "-":
        from isolint import atomic

        try:
            atomic.write_output(output, text.encode("utf-8", "surrogateescape"))
        except atomic.UnsafeWrite as exc:
            raise UsageError(f"refusing to write {output}: {exc}") from None
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)


def report_errors(result) -> None:
    for error in result.errors:
        print(f"{line_path(error.path)}: error: {line(error.message)}", file=sys.stderr)


def warn(message: str) -> None:
    """A warning on standard error, safe on one line."""
    print(f"isolint: warning: {line(message)}", file=sys.stderr)
