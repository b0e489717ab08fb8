"""Settings: ``[tool.isolint]`` plus the parts of pytest's own configuration that matter.

``load_settings`` finds pytest's configuration file the way pytest 9 does (see
``PYTEST_CONFIG_FILES``), reads the collection options and ``addopts`` from it, derives the
pytest-xdist distribution mode, and then applies ``[tool.isolint]`` from the nearest
``pyproject.toml`` that has one.

A problem in isolint's own configuration (``[tool.isolint]``) is a ``ConfigError`` naming the
file (exit 2). A problem in pytest's configuration never stops a scan: it becomes a warning
(``Settings.warnings``) naming the file, the table or line and the pytest versions concerned,
and isolint goes on with what pytest 8 reads (defaults for what it cannot read).
"""

from __future__ import annotations

import configparser
import difflib
import os
import re
import shlex
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_PYTHON_FILES = ("test_*.py", "*_test.py")
DEFAULT_PYTHON_CLASSES = ("Test",)
DEFAULT_PYTHON_FUNCTIONS = ("test",)
#: pytest's default ``norecursedirs``.
DEFAULT_NORECURSEDIRS = (
    "*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}",
)
DIST_MODES = ("no", "each", "load", "loadscope", "loadfile", "loadgroup", "worksteal")
XDIST_GROUP_POLICIES = ("all", "changed-state", "shared-state")
SEVERITY_NAMES = ("critical", "high", "medium", "low")

#: The files pytest 9 considers in each directory, in precedence order (pytest's
#: ``CONFIG_LOADERS_BY_NAME``). The first one holding pytest configuration wins.
PYTEST_CONFIG_FILES = (
    "pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini",
    "pyproject.toml", "tox.ini", "setup.cfg",
)


class ConfigError(Exception):
    """A configuration problem the user must fix (exit code 2)."""


@dataclass(frozen=True)
class PytestConfig:
    """What isolint needs from the project's pytest configuration."""

    rootdir: str = "."
    #: The file the pytest configuration came from, or "" when none was found.
    inifile: str = ""
    python_files: tuple[str, ...] = DEFAULT_PYTHON_FILES
    python_classes: tuple[str, ...] = DEFAULT_PYTHON_CLASSES
    python_functions: tuple[str, ...] = DEFAULT_PYTHON_FUNCTIONS
    testpaths: tuple[str, ...] = ()
    addopts: tuple[str, ...] = ()
    #: The xdist distribution mode in effect (one of DIST_MODES), or "" when none is configured.
    dist_mode: str = ""
    #: Where dist_mode came from, e.g. "pytest.ini [pytest] addopts" or "[tool.isolint] dist".
    dist_source: str = ""
    #: The -n / --numprocesses value from addopts ("auto", "4", ...) or "".
    numprocesses: str = ""
    #: The table/section of ``inifile`` that held the configuration, e.g. "[tool.pytest]";
    #: "" when the file had none (an empty pytest.ini, a pyproject.toml without a pytest table).
    section: str = ""
    norecursedirs: tuple[str, ...] = DEFAULT_NORECURSEDIRS
    #: The ``pythonpath`` ini option: directories (relative to rootdir) put on ``sys.path``.
    pythonpath: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """Everything that changes what a scan reports. Hashable: it keys the cache."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: Rules added to ``select`` (or to the default set when ``select`` is empty).
    extend_select: tuple[str, ...] = ()
    #: Rules skipped on top of ``ignore``.
    extend_ignore: tuple[str, ...] = ()
    #: (rule name or code, SEVERITY NAME) pairs.
    severity_overrides: tuple[tuple[str, str], ...] = ()
    #: (glob, (rule names or codes...)) pairs.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    xdist_group_policy: str = "changed-state"
    #: Template of the ``xdist_group`` name ``--fix`` adds: {stem}, {dir}, {module}, {cls}.
    xdist_group_name: str = "{stem}"
    #: Severity name at or above which findings fail the run; "" means any finding.
    fail_on: str = ""
    pytest: PytestConfig = field(default_factory=PytestConfig)
    #: The pyproject.toml that held [tool.isolint], or "".
    config_file: str = ""
    #: Method names a project's pytest plugin calls before / after each test or class, on top
    #: of pytest's and unittest's own (``setup_method``, ``tearDown``...).
    setup_methods: tuple[str, ...] = ()
    teardown_methods: tuple[str, ...] = ()
    #: Report changes that configure the whole session on purpose (a conftest's module level
    #: and ``pytest_*`` hooks, session-scoped autouse fixtures, repeatable changes in the root
    #: conftest's autouse fixtures), which are quiet by default.
    report_session_configuration: bool = False
    #: Problems in pytest's configuration that did not stop the scan (one line each, naming
    #: the file). Not part of the settings' identity: they change no finding.
    warnings: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def with_overrides(self, **changes: object) -> "Settings":
        """A copy with command-line values applied (None means "not given")."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_settings(
    paths: list[Path] | None = None,
    cwd: Path | None = None,
    *,
    config_file: Path | None = None,
    isolated: bool = False,
    rule_key_problem: Callable[[str], str | None] | None = None,
) -> Settings:
    """Find and read the configuration that applies to ``paths`` (default: ``cwd``).

    ``config_file`` (``--config``) is read instead of the nearest ``[tool.isolint]``: a
    ``pyproject.toml`` with that table, or a TOML file whose top level is isolint's settings
    (``isolint.toml``). ``isolated`` (``--isolated``) reads no isolint configuration at all.
    pytest's own configuration is read either way: it says which files are tests.

    ``rule_key_problem(key)`` says why a rule name or code names no rule (None: it does); the
    layer that knows the rule registry passes it (:func:`isolint.orchestration.load_settings`),
    this one does not know the rules."""
    cwd = Path(os.path.abspath(cwd or Path.cwd()))
    files = _Files(cwd)
    ancestor = common_ancestor(paths or [], cwd)
    pytest_config = load_pytest_config(ancestor, cwd, files)
    settings = Settings(pytest=pytest_config)
    if isolated:
        pyproject = None
    elif config_file is not None:
        pyproject = Path(os.path.abspath(cwd / config_file))
        if not pyproject.is_file():
            raise ConfigError(f"--config: {config_file}: no such file")
    else:
        pyproject = _nearest_isolint_pyproject(ancestor, files)
    if pyproject is not None:
        settings = _apply_isolint_table(settings, pyproject, files, rule_key_problem)
    return replace(settings, warnings=tuple(dict.fromkeys(files.warnings)))


# --------------------------------------------------------------------------------------------
# reading files


class _Files:
    """Reads and parses each configuration file once per ``load_settings`` call."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self._text: dict[Path, str] = {}
        self._toml: dict[Path, dict[str, Any]] = {}
        self._ini: dict[Path, configparser.ConfigParser] = {}
        #: Warnings about pytest's configuration, in the order found.
        self.warnings: list[str] = []

    def warn(self, path: Path, message: str) -> None:
        self.warnings.append(f"{self.show(path)}: {message}")

    def show(self, path: Path) -> str:
        try:
            return path.relative_to(self.cwd).as_posix()
        except ValueError:
            return path.as_posix()

    def error(self, path: Path, message: str) -> ConfigError:
        return ConfigError(f"{self.show(path)}: {message}")

    def text(self, path: Path) -> str:
        if path not in self._text:
            try:
                self._text[path] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise self.error(path, f"cannot read: {exc}") from None
        return self._text[path]

    def toml(self, path: Path) -> dict[str, Any]:
        if path not in self._toml:
            try:
                self._toml[path] = tomllib.loads(self.text(path))
            except tomllib.TOMLDecodeError as exc:
                raise self.error(path, f"invalid TOML: {exc}") from None
            except (RecursionError, MemoryError):
                raise self.error(path, "invalid TOML: nested too deeply") from None
        return self._toml[path]

    def ini(self, path: Path) -> configparser.ConfigParser:
        if path not in self._ini:
            # Like pytest's iniconfig: no interpolation, no inline comments, keys kept as written.
            parser = configparser.ConfigParser(interpolation=None, strict=False)
            parser.optionxform = str  # type: ignore[assignment,method-assign]
            try:
                parser.read_string(self.text(path), source=str(path))
            except configparser.Error as exc:
                reason = " ".join(str(exc).split())
                raise self.error(path, f"invalid INI: {reason}") from None
            self._ini[path] = parser
        return self._ini[path]


# --------------------------------------------------------------------------------------------
# pytest's configuration


@dataclass(frozen=True)
class _Found:
    path: Path
    section: str
    values: dict[str, Any]


def common_ancestor(paths: Iterable[Path], cwd: Path) -> Path:
    """pytest's ``get_common_ancestor``: the deepest directory holding every existing path
    (a file counts as its directory); ``cwd`` when no path exists."""
    ancestor: Path | None = None
    for given in paths:
        path = Path(os.path.abspath(cwd / given))
        if not path.exists():
            continue
        if ancestor is None:
            ancestor = path
        else:
            ancestor = Path(os.path.commonpath([ancestor, path]))
    if ancestor is None:
        return cwd
    return ancestor.parent if ancestor.is_file() else ancestor


def load_pytest_config(ancestor: Path, cwd: Path, files: _Files | None = None) -> PytestConfig:
    """The pytest configuration that applies when pytest is run on ``ancestor`` from ``cwd``.

    Problems become warnings on ``files``: a value pytest would refuse is left at its default."""
    files = files or _Files(cwd)
    found, rootdir = _locate_pytest_config(ancestor, cwd, files)
    if found is None:
        return PytestConfig(rootdir=str(rootdir))
    where = f"{files.show(found.path)} {found.section}".rstrip()
    values = found.values

    def option(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        if name not in values:
            return default
        try:
            return _string_list(values[name], ConfigError)
        except ConfigError as exc:
            files.warn(
                found.path,
                f"{found.section} {name}: {exc}; pytest refuses this value, isolint uses "
                "pytest's default instead",
            )
            return default

    addopts = option("addopts", ())
    try:
        dist_mode, numprocesses = dist_from_args(addopts)
    except ConfigError as exc:
        files.warn(
            found.path,
            f"{found.section} addopts: {exc}; pytest-xdist refuses it, isolint assumes no "
            "`--dist` mode is configured",
        )
        dist_mode, numprocesses = "", ""
    return PytestConfig(
        rootdir=str(rootdir),
        inifile=str(found.path),
        section=found.section,
        python_files=option("python_files", DEFAULT_PYTHON_FILES),
        python_classes=option("python_classes", DEFAULT_PYTHON_CLASSES),
        python_functions=option("python_functions", DEFAULT_PYTHON_FUNCTIONS),
        testpaths=option("testpaths", ()),
        norecursedirs=option("norecursedirs", DEFAULT_NORECURSEDIRS),
        pythonpath=option("pythonpath", ()),
        addopts=addopts,
        dist_mode=dist_mode,
        dist_source=f"{where} addopts" if dist_mode else "",
        numprocesses=numprocesses,
    )


def _locate_pytest_config(ancestor: Path, cwd: Path, files: _Files) -> tuple[_Found | None, Path]:
    """pytest's ``locate_config`` + ``determine_setup`` for a run without ``-c``/``--rootdir``.

    A candidate file that cannot be read at all is skipped with a warning (pytest would stop)."""
    first_pyproject: Path | None = None
    for base in (ancestor, *ancestor.parents):
        for name in PYTEST_CONFIG_FILES:
            candidate = base / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and first_pyproject is None:
                first_pyproject = candidate
            try:
                found = _LOADERS[name](candidate, files)
            except ConfigError as exc:
                files.warnings.append(
                    f"{exc}; pytest (every version) stops on this file, isolint scans without "
                    "the pytest options it holds"
                )
                continue
            if found is not None:
                return found, base
    if first_pyproject is not None:
        # pytest >= 8.1: a pyproject.toml without pytest tables still fixes rootdir/inifile.
        return _Found(first_pyproject, "", {}), first_pyproject.parent
    for base in (ancestor, *ancestor.parents):
        if (base / "setup.py").is_file():
            return None, base
    rootdir = Path(os.path.commonpath([cwd, ancestor]))
    return None, ancestor if rootdir.parent == rootdir else rootdir


def _load_pytest_toml(path: Path, files: _Files) -> _Found:
    document = files.toml(path)
    if "pytest" in document:
        return _Found(path, "[pytest]", _table(document["pytest"], path, "[pytest]", files))
    stray = [key for key, value in document.items() if not isinstance(value, dict)]
    if stray:
        files.warn(
            path,
            f"options outside a [pytest] table ({', '.join(stray)}, line "
            f"{_key_line(files.text(path), stray[0])}): pytest 9 refuses this file; "
            "isolint ignores them",
        )
    return _Found(path, "", {})


def _load_pyproject(path: Path, files: _Files) -> _Found | None:
    tool_pytest = _table(files.toml(path).get("tool", {}), path, "[tool]", files).get("pytest")
    if tool_pytest is None:
        return None
    tool_pytest = _table(tool_pytest, path, "[tool.pytest]", files)
    native = {key: value for key, value in tool_pytest.items() if key != "ini_options"}
    ini_options = tool_pytest.get("ini_options")
    if native and ini_options is not None:
        key = next(iter(native))
        table = f"[tool.pytest.{key}]" if isinstance(native[key], dict) else f"[tool.pytest] {key}"
        files.warn(
            path,
            f"{table} (line {_key_line(files.text(path), key, 'tool.pytest')}) next to "
            "[tool.pytest.ini_options]: pytest >= 9.0 refuses this file (it reads [tool.pytest] "
            "as its native configuration); pytest 8 reads only [tool.pytest.ini_options], and "
            "so does isolint",
        )
    if native and ini_options is None:
        return _Found(path, "[tool.pytest]", native)
    if ini_options is not None:
        section = "[tool.pytest.ini_options]"
        return _Found(path, section, _table(ini_options, path, section, files))
    return None


def _key_line(text: str, key: str, table: str = "") -> str:
    """The line number (as text) where TOML ``text`` defines ``key`` of ``table`` (as a
    ``[table.key]`` header or a ``key =`` line), or "?" when it cannot tell."""
    dotted = re.escape(f"{table}.{key}" if table else key).replace(r"\.", r"\s*\.\s*")
    header = re.compile(rf"^\s*\[\s*{dotted}\s*\]")
    assignment = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if header.match(line):
            return str(number)
    for number, line in enumerate(lines, 1):
        if assignment.match(line):
            return str(number)
    return "?"


def _ini_loader(section: str, always: bool = False) -> Callable[[Path, _Files], _Found | None]:
    def load(path: Path, files: _Files) -> _Found | None:
        parser = files.ini(path)
        if parser.has_section(section):
            return _Found(path, f"[{section}]", dict(parser.items(section)))
        if path.name == "setup.cfg" and parser.has_section("pytest"):
            files.warn(
                path,
                f"[pytest] (line {_key_line(files.text(path), 'pytest')}) is not read from "
                "setup.cfg (pytest >= 4.0 stops on it; use [tool:pytest]); isolint ignores it",
            )
        return _Found(path, "", {}) if always else None

    return load


_LOADERS: dict[str, Callable[[Path, _Files], _Found | None]] = {
    "pytest.toml": _load_pytest_toml,
    ".pytest.toml": _load_pytest_toml,
    "pytest.ini": _ini_loader("pytest", always=True),
    ".pytest.ini": _ini_loader("pytest", always=True),
    "pyproject.toml": _load_pyproject,
    "tox.ini": _ini_loader("pytest"),
    "setup.cfg": _ini_loader("tool:pytest"),
}


def _table(value: object, path: Path, name: str, files: _Files) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise files.error(path, f"{name} must be a table")
    return value


def _string_list(value: object, error: Callable[[str], ConfigError]) -> tuple[str, ...]:
    """An ini ``args`` value: a string split like a shell command line, or a list of strings."""
    if isinstance(value, str):
        try:
            return tuple(shlex.split(value))
        except ValueError as exc:
            raise error(str(exc)) from None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise error(f"expected a string or a list of strings, got {value!r}")


# --------------------------------------------------------------------------------------------
# pytest-xdist's distribution mode


def dist_from_args(
    args: Sequence[str], error: Callable[[str], ConfigError] = ConfigError
) -> tuple[str, str]:
    """``(dist_mode, numprocesses)`` that pytest-xdist derives from command-line ``args``.

    Mirrors ``xdist.plugin.pytest_cmdline_main``: ``-d`` means ``--dist load``; ``-n N`` with
    N > 0 (or ``auto`` / ``logical``) turns the default ``no`` into ``load``; ``-n 0`` forces
    ``no``. ``--dist X`` without ``-n`` still reports X: ``-n`` is usually given on the command
    line that isolint cannot see. ``-p no:xdist`` means ``no``. Nothing relevant gives ``""``.
    """
    dist = numprocesses = ""
    distload = disabled = False
    tokens = list(args)
    index = 0

    def value(token: str, long: str, short: str = "") -> str | None:
        """The value of option ``long``/``short`` if ``token`` is one, consuming the next token."""
        nonlocal index
        if token == long or (short and token == short):
            if index + 1 >= len(tokens):
                raise error(f"{token} expects a value")
            index += 1
            return tokens[index]
        if token.startswith(long + "="):
            return token[len(long) + 1 :]
        if short and token.startswith(short) and not token.startswith("--"):
            return token[len(short) :].removeprefix("=")
        return None

    while index < len(tokens):
        token = tokens[index]
        if token == "--":
            break
        if (mode := value(token, "--dist")) is not None:
            if mode not in DIST_MODES:
                choices = ", ".join(DIST_MODES)
                raise error(f"--dist {mode!r} is not a dist mode (choose from {choices})")
            dist = mode
        elif (count := value(token, "--numprocesses", "-n")) is not None:
            if count not in ("auto", "logical") and not count.isdigit():
                raise error(f"-n {count!r} is not a number of processes, 'auto' or 'logical'")
            numprocesses = count
        elif token == "-d":
            distload = True
        elif (plugin := value(token, "-p", "-p")) is not None:
            disabled = disabled or plugin.strip() in ("no:xdist", "no:xdist.plugin")
        index += 1

    if disabled:
        return "no", ""
    if distload:
        dist = "load"
    if numprocesses and numprocesses.isdigit() and int(numprocesses) == 0:
        dist = "no"
    elif numprocesses and dist in ("", "no"):
        dist = "load"
    return dist, numprocesses


# --------------------------------------------------------------------------------------------
# [tool.isolint]

#: Canonical key -> accepted spellings.
ISOLINT_KEYS: dict[str, tuple[str, ...]] = {
    "select": ("select",),
    "ignore": ("ignore",),
    "extend-select": ("extend-select", "extend_select"),
    "extend-ignore": ("extend-ignore", "extend_ignore"),
    "severity": ("severity",),
    "per-file-ignores": ("per-file-ignores", "per_file_ignores"),
    "exclude": ("exclude",),
    "xdist-group-policy": ("xdist-group-policy", "xdist_group_policy"),
    "xdist-group-name": ("xdist-group-name", "xdist_group_name"),
    "fail-on": ("fail-on", "fail_on"),
    "dist": ("dist",),
    "setup-methods": ("setup-methods", "setup_methods"),
    "teardown-methods": ("teardown-methods", "teardown_methods"),
    "report-session-configuration": ("report-session-configuration", "report_session_configuration"),
}
_SPELLINGS = {spelling: key for key, spellings in ISOLINT_KEYS.items() for spelling in spellings}


def _nearest_isolint_pyproject(start: Path, files: _Files) -> Path | None:
    for base in (start, *start.parents):
        candidate = base / "pyproject.toml"
        if candidate.is_file():
            tool = files.toml(candidate).get("tool")
            if isinstance(tool, dict) and "isolint" in tool:
                return candidate
    return None


def _apply_isolint_table(
    settings: Settings,
    path: Path,
    files: _Files,
    rule_key_problem: Callable[[str], str | None] | None = None,
) -> Settings:
    document = files.toml(path)
    tool = document.get("tool")
    if isinstance(tool, dict) and "isolint" in tool:
        table = _table(tool["isolint"], path, "[tool.isolint]", files)
    elif path.name == "pyproject.toml":
        raise files.error(path, "no [tool.isolint] table")
    else:
        table = document  # isolint.toml: isolint's settings at the top level
    values: dict[str, Any] = {}
    for spelling, value in table.items():
        key = _SPELLINGS.get(spelling)
        if key is None:
            hint = _suggest(spelling, _SPELLINGS)
            raise files.error(path, f"[tool.isolint]: unknown key {spelling!r}{hint}")
        if key in values:
            raise files.error(path, f"[tool.isolint]: {key!r} is given twice")
        values[key] = (spelling, value)

    def check(key: str) -> tuple[Any, Callable[[str], ConfigError]] | None:
        if key not in values:
            return None
        spelling, value = values[key]
        return value, lambda why: files.error(path, f"[tool.isolint] {spelling}: {why}")

    changes: dict[str, Any] = {"config_file": str(path)}
    for key in ("select", "ignore", "extend-select", "extend-ignore"):
        if got := check(key):
            changes[key.replace("-", "_")] = _rule_keys(*got, rule_key_problem)
    if got := check("exclude"):
        changes["exclude"] = _strings(*got)
    if got := check("severity"):
        value, error = got
        changes["severity_overrides"] = tuple(
            (_rule_keys([rule], error, rule_key_problem)[0], _severity(level, error))
            for rule, level in _mapping(value, error).items()
        )
    if got := check("per-file-ignores"):
        value, error = got
        changes["per_file_ignores"] = tuple(
            (glob, _rule_keys(rules, error, rule_key_problem)) for glob, rules in _mapping(value, error).items()
        )
    if got := check("xdist-group-policy"):
        changes["xdist_group_policy"] = _choice(*got, XDIST_GROUP_POLICIES)
    if got := check("xdist-group-name"):
        changes["xdist_group_name"] = _group_name_template(*got)
    if got := check("fail-on"):
        changes["fail_on"] = _severity(*got)
    for key in ("setup-methods", "teardown-methods"):
        if got := check(key):
            changes[key.replace("-", "_")] = _identifiers(*got)
    if got := check("report-session-configuration"):
        changes["report_session_configuration"] = _boolean(*got)
    if got := check("dist"):
        mode = _choice(*got, DIST_MODES)
        changes["pytest"] = replace(
            settings.pytest, dist_mode=mode, dist_source="[tool.isolint] dist"
        )
    return replace(settings, **changes)


GROUP_NAME_FIELDS = ("stem", "dir", "module", "cls")


def group_name_template_problem(value: object) -> str | None:
    """Why ``value`` is not a usable ``xdist-group-name`` template, or None when it is: only
    the plain fields are allowed (no ``{stem.attr}``, ``{stem[0]}``, ``!r`` or format spec)."""
    import string

    fields = ", ".join("{" + f + "}" for f in GROUP_NAME_FIELDS)
    expected = f"expected a non-empty template using {fields}, got {value!r}"
    if not isinstance(value, str):
        return expected
    try:
        parts = list(string.Formatter().parse(value))
    except ValueError:
        return expected
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in GROUP_NAME_FIELDS or spec or conversion:
            written = "{" + field + (f"!{conversion}" if conversion else "") + \
                (f":{spec}" if spec else "") + "}"
            return f"{written} is not one of {fields} (no attribute, index, conversion or " \
                   f"format spec), in {value!r}"
    if not value.format(**{f: "x" for f in GROUP_NAME_FIELDS}).strip():
        return expected
    return None


def _group_name_template(value: object, error: Callable[[str], ConfigError]) -> str:
    problem = group_name_template_problem(value)
    if problem:
        raise error(problem)
    return value  # type: ignore[return-value]


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _identifiers(value: object, error: Callable[[str], ConfigError]) -> tuple[str, ...]:
    names = _strings(value, error)
    bad = [name for name in names if not name.isidentifier()]
    if bad:
        raise error(f"expected method names, got {bad[0]!r}")
    return names


def _boolean(value: object, error: Callable[[str], ConfigError]) -> bool:
    if isinstance(value, bool):
        return value
    raise error(f"expected true or false, got {value!r}")


def _strings(value: object, error: Callable[[str], ConfigError]) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise error(f"expected a list of strings, got {value!r}")


def _mapping(value: object, error: Callable[[str], ConfigError]) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise error(f"expected a table, got {value!r}")


def _choice(value: object, error: Callable[[str], ConfigError], choices: Sequence[str]) -> str:
    if isinstance(value, str) and value in choices:
        return value
    hint = _suggest(value, choices) if isinstance(value, str) else ""
    raise error(f"{value!r} is not one of {', '.join(choices)}{hint}")


def _severity(value: object, error: Callable[[str], ConfigError]) -> str:
    level = value.lower() if isinstance(value, str) else value
    return _choice(level, error, SEVERITY_NAMES).upper()


def _rule_keys(
    value: object,
    error: Callable[[str], ConfigError],
    problem: Callable[[str], str | None] | None = None,
) -> tuple[str, ...]:
    """Rule names or codes, each checked by ``problem`` when given."""
    keys = _strings(value, error)
    for key in keys:
        why = problem(key) if problem is not None else None
        if why:
            raise error(why)
    return keys
