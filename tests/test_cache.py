"""The per-file result cache: keys, invalidation, hits that skip parsing, safe writes."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from isolint import cache as cache_module
from isolint import engine
from isolint import orchestration as parallel
from isolint.cache import CACHE_DIR_NAME, ResultCache, default_cache_dir, digest
from isolint.cli import main
from isolint.config import PytestConfig, Settings
from isolint.discovery import SourceFile, discover
from isolint.model import FileError, FileResult, Finding, Severity
from test_engine import GC_CONFTEST, MOCK_CLASS, POLLUTING

SOURCE = SourceFile("tests/test_a.py", "/p/tests/test_a.py", "test")


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def settings_for(root: Path, **changes) -> Settings:
    return Settings(pytest=PytestConfig(rootdir=str(root)), **changes)


def scan(root: Path, settings: Settings | None = None, jobs: int = 1):
    settings = settings or settings_for(root)
    files, _ = discover([root], settings, root)
    cache = ResultCache(root / CACHE_DIR_NAME, settings)
    return parallel.scan_files(files, settings, jobs=jobs, cache=cache)


def names(results) -> list[tuple[str, str]]:
    return sorted((f.path, f.name) for r in results for f in r.findings)


def packs(root: Path, name: str = CACHE_DIR_NAME) -> list[Path]:
    return sorted((root / name).rglob("*.json"))


def entries(root: Path, name: str = CACHE_DIR_NAME) -> set[str]:
    """The keys held by all packs under ``root / name``."""
    keys: set[str] = set()
    for pack in packs(root, name):
        keys.update(json.loads(pack.read_bytes())["entries"])
    return keys


# ----------------------------------------------------------------------------- keys
def key(settings: Settings = Settings(), content: bytes = b"x = 1\n", conftests=(),
        source: SourceFile = SOURCE, tmp: Path = Path("/nonexistent")) -> str:
    return ResultCache(tmp, settings).key(source, digest(content), conftests)


def test_key_is_stable():
    assert key() == key()


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(lambda: key(content=b"x = 2\n"), id="content"),
        pytest.param(lambda: key(settings=Settings(select=("ISO003",))), id="select"),
        pytest.param(lambda: key(settings=Settings(ignore=("ISO003",))), id="ignore"),
        pytest.param(lambda: key(settings=Settings(xdist_group_policy="all")),
                     id="xdist-policy"),
        pytest.param(lambda: key(settings=Settings(pytest=PytestConfig(dist_mode="loadgroup"))),
                     id="dist-mode"),
        pytest.param(lambda: key(settings=Settings(pytest=PytestConfig(python_classes=("Check",)))),
                     id="python-classes"),
        pytest.param(lambda: key(settings=Settings(severity_overrides=(("ISO003", "LOW"),))),
                     id="severity"),
        pytest.param(lambda: key(conftests=(digest(b"a"),)), id="conftest-added"),
        pytest.param(lambda: key(source=replace(SOURCE, display="tests/test_b.py")), id="path"),
        pytest.param(lambda: key(source=replace(SOURCE, kind="conftest")), id="kind"),
    ],
)
def test_key_changes_with_what_changes_the_result(other):
    assert other() != key()


def test_key_changes_with_the_conftest_content():
    assert key(conftests=(digest(b"a"),)) != key(conftests=(digest(b"b"),))


def test_key_changes_with_the_version(monkeypatch):
    before = key()
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    assert key() != before


def test_key_ignores_settings_that_only_choose_files_or_exit_codes():
    assert key(settings=Settings(exclude=("legacy/*",), fail_on="high")) == key()


def test_entries_live_in_a_pack_under_the_version(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "__version__", "9.8.7")
    store = ResultCache(tmp_path / CACHE_DIR_NAME, Settings())
    store.store("ab" + "0" * 62, FileResult("t.py"))
    store.store("cd" + "0" * 62, FileResult("u.py"))
    assert packs(tmp_path) == []  # written by flush only
    store.flush()
    [pack] = packs(tmp_path)
    assert pack.parent.relative_to(tmp_path).as_posix() == f"{CACHE_DIR_NAME}/9.8.7/packs"
    assert entries(tmp_path) == {"ab" + "0" * 62, "cd" + "0" * 62}
    store.flush()  # nothing new: no new pack
    assert packs(tmp_path) == [pack]


# ----------------------------------------------------------------------------- round trip
def test_a_result_round_trips(tmp_path):
    result = FileResult(
        "tests/test_a.py",
        (Finding("tests/test_a.py", 4, 5, "ISO003", "env_var_pollution", Severity.HIGH,
                 "`x` msg", fix="use monkeypatch", scope="test_env", snippet="x", end_line=4,
                 end_col=9),),
        (FileError("tests/test_a.py", "rule x crashed"),),
    )
    store = ResultCache(tmp_path, Settings())
    store.store("cd" + "1" * 62, result)
    assert store.load("cd" + "1" * 62) == result
    store.flush()
    assert ResultCache(tmp_path, Settings()).load("cd" + "1" * 62) == result


@pytest.mark.parametrize("garbage", [b"", b"{", b'{"path": "x"}', b"[1, 2]", b"\xff\xfe",
                                     b'{"format": 2, "entries": [1]}'])
def test_a_corrupt_pack_is_a_miss(tmp_path, garbage):
    store = ResultCache(tmp_path, Settings())
    store.store("ef" + "2" * 62, FileResult("t.py"))
    store.flush()
    pack = next(tmp_path.rglob("*.json"))
    pack.write_bytes(garbage)
    assert ResultCache(tmp_path, Settings()).load("ef" + "2" * 62) is None


@pytest.mark.parametrize("entry", [None, 1, [1], {"path": "x"}, {"path": "x", "findings": [1],
                                                               "errors": []}])
def test_a_corrupt_entry_is_a_miss(tmp_path, entry):
    store = ResultCache(tmp_path, Settings())
    store.store("ef" + "2" * 62, FileResult("t.py"))
    store.store("ef" + "3" * 62, FileResult("u.py"))
    store.flush()
    pack = next(tmp_path.rglob("*.json"))
    data = json.loads(pack.read_bytes())
    data["entries"]["ef" + "2" * 62] = entry
    pack.write_text(json.dumps(data))
    fresh = ResultCache(tmp_path, Settings())
    assert fresh.load("ef" + "2" * 62) is None
    assert fresh.load("ef" + "3" * 62) == FileResult("u.py")


def test_a_pack_of_another_format_is_a_miss(tmp_path, monkeypatch):
    store = ResultCache(tmp_path, Settings())
    store.store("ef" + "2" * 62, FileResult("t.py"))
    store.flush()
    monkeypatch.setattr(cache_module, "FORMAT", cache_module.FORMAT + 1)
    assert ResultCache(tmp_path, Settings()).load("ef" + "2" * 62) is None


def fill(root: Path, count: int, start: int = 0) -> list[str]:
    """``count`` runs, each writing one pack of one entry; their keys."""
    keys = []
    for index in range(start, start + count):
        store = ResultCache(root, Settings())
        keys.append(f"{index:064x}")
        store.store(keys[-1], FileResult(f"t{index}.py"))
        store.flush()
    return keys


def test_many_packs_are_merged_into_one(tmp_path):
    keys = fill(tmp_path, cache_module.MAX_PACKS)
    assert len(packs(tmp_path, "")) == cache_module.MAX_PACKS  # not more than the limit yet
    keys += fill(tmp_path, 1, start=len(keys))
    [merged] = packs(tmp_path, "")
    assert entries(tmp_path, "") == set(keys)
    fresh = ResultCache(tmp_path, Settings())
    assert [fresh.load(k) for k in keys] == [FileResult(f"t{i}.py") for i in range(len(keys))]
    keys += fill(tmp_path, 1, start=len(keys))
    assert len(packs(tmp_path, "")) == 2 and merged in packs(tmp_path, "")
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_pack_that_vanishes_mid_run_is_a_miss(tmp_path, monkeypatch):
    keys = fill(tmp_path, 3)
    store = ResultCache(tmp_path, Settings())
    real = store._read_pack
    listed = store._pack_names()
    assert len(listed) == 3

    def vanish_first(name):
        if name == listed[0]:  # another run merged and deleted it after this one listed it
            (store.packs / name).unlink()
        return real(name)

    monkeypatch.setattr(store, "_read_pack", vanish_first)
    hits = [store.load(k) for k in keys]
    assert hits.count(None) == 1 and len([h for h in hits if h is not None]) == 2


def test_a_pack_that_vanishes_while_merging_is_skipped(tmp_path, monkeypatch):
    keys = fill(tmp_path, cache_module.MAX_PACKS)
    store = ResultCache(tmp_path, Settings())
    real = store._read_pack
    doomed = store._pack_names()[0]

    def vanish(name):
        if name == doomed:
            (store.packs / name).unlink(missing_ok=True)
        return real(name)

    monkeypatch.setattr(store, "_read_pack", vanish)
    store.store("f" * 64, FileResult("new.py"))
    store.flush()  # no exception
    [merged] = packs(tmp_path, "")
    assert len(entries(tmp_path, "")) == len(keys)  # all but the vanished one, plus the new one
    assert "f" * 64 in entries(tmp_path, "")


def test_the_cache_directory_ignores_itself(tmp_path):
    write(tmp_path, "tests/test_a.py", POLLUTING)
    scan(tmp_path)
    assert (tmp_path / CACHE_DIR_NAME / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (tmp_path / CACHE_DIR_NAME / "CACHEDIR.TAG").read_text().startswith("Signature: ")


def test_an_unwritable_cache_only_costs_time(tmp_path):
    (tmp_path / "blocker").write_text("a file where the cache directory would go")
    store = ResultCache(tmp_path / "blocker" / CACHE_DIR_NAME, Settings())
    store.store("ab" + "3" * 62, FileResult("t.py"))
    store.flush()  # no exception
    assert ResultCache(tmp_path / "blocker" / CACHE_DIR_NAME, Settings()).load("ab" + "3" * 62) is None


def test_default_cache_dir_is_the_project_root(tmp_path):
    ini = write(tmp_path, "pytest.ini", "[pytest]\n")
    settings = Settings(pytest=PytestConfig(rootdir=str(tmp_path), inifile=str(ini)))
    assert default_cache_dir(settings, tmp_path / "tests") == tmp_path / CACHE_DIR_NAME
    assert default_cache_dir(Settings(), tmp_path / "x") == tmp_path / "x" / CACHE_DIR_NAME


# ----------------------------------------------------------------------------- invalidation
def test_a_hit_is_not_parsed(tmp_path, monkeypatch):
    write(tmp_path, "tests/test_a.py", POLLUTING)
    first = scan(tmp_path)

    def no_parsing(*args, **kwargs):
        raise AssertionError("a cached file was parsed")

    monkeypatch.setattr(engine, "parse_source", no_parsing)
    monkeypatch.setattr(parallel, "scan_data", no_parsing)
    assert scan(tmp_path) == first
    assert names(first) == [("tests/test_a.py", "env_var_pollution")]


def test_changed_content_is_scanned_again(tmp_path):
    path = write(tmp_path, "tests/test_a.py", POLLUTING)
    assert names(scan(tmp_path)) == [("tests/test_a.py", "env_var_pollution")]
    path.write_text("def test_ok():\n    pass\n", encoding="utf-8")
    assert names(scan(tmp_path)) == []


def test_a_new_or_changed_conftest_invalidates_the_files_below_it(tmp_path, monkeypatch):
    """A conftest's facts apply to the modules below it: adding or changing one rescans those
    modules, and only those."""
    write(tmp_path, "tests/unit/test_a.py", MOCK_CLASS)
    write(tmp_path, "tests/other/test_b.py", MOCK_CLASS)
    parsed: list[str] = []
    real = engine.parse_source

    def counting(source, path, *args, **kwargs):
        parsed.append(Path(path).name)
        return real(source, path, *args, **kwargs)

    monkeypatch.setattr(engine, "parse_source", counting)
    both = [("tests/other/test_b.py", "missing_teardown_method"),
            ("tests/unit/test_a.py", "missing_teardown_method")]
    assert names(scan(tmp_path)) == both
    parsed.clear()
    conftest = write(tmp_path, "tests/unit/conftest.py", GC_CONFTEST)
    assert names(scan(tmp_path)) == both  # a gc.collect() releases nothing kept on self
    assert sorted(parsed) == ["conftest.py", "test_a.py"]
    parsed.clear()
    conftest.write_text(GC_CONFTEST.replace("    yield\n    gc.collect()\n",
                                            "    gc.collect()\n    yield\n"), encoding="utf-8")
    assert names(scan(tmp_path)) == both
    assert sorted(parsed) == ["conftest.py", "test_a.py"]
    parsed.clear()
    assert names(scan(tmp_path)) == both
    assert parsed == []


def test_changed_settings_are_scanned_again(tmp_path):
    write(tmp_path, "tests/test_a.py", POLLUTING)
    assert names(scan(tmp_path)) == [("tests/test_a.py", "env_var_pollution")]
    assert names(scan(tmp_path, settings_for(tmp_path, ignore=("env_var_pollution",)))) == []
    assert names(scan(tmp_path)) == [("tests/test_a.py", "env_var_pollution")]


def test_a_new_version_is_scanned_again(tmp_path, monkeypatch):
    write(tmp_path, "tests/test_a.py", POLLUTING)
    scan(tmp_path)
    calls = []
    real = parallel.scan_data
    monkeypatch.setattr(parallel, "scan_data", lambda *a: calls.append(a) or real(*a))
    scan(tmp_path)
    assert calls == []
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    scan(tmp_path)
    assert len(calls) == 1


def test_files_that_cannot_be_read_are_errors_every_time(tmp_path):
    write(tmp_path, "tests/test_a.py", "def broken(:\n")
    (tmp_path / "tests" / "test_b.py").write_bytes(b"x = 1\x00\n")
    for _ in range(2):
        errors = [e for r in scan(tmp_path) for e in r.errors]
        assert [e.path for e in errors] == ["tests/test_a.py", "tests/test_b.py"]


# ----------------------------------------------------------------------------- the command
@pytest.fixture()
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pytest.ini", "[pytest]\n")
    write(tmp_path, "tests/test_env.py", POLLUTING)
    return tmp_path


def test_check_uses_the_cache_and_no_cache_bypasses_it(project, capsys):
    assert main(["check", "tests", "--no-cache"]) == 1
    assert not (project / CACHE_DIR_NAME).exists()
    first = capsys.readouterr().out
    assert main(["check", "tests"]) == 1
    assert len(entries(project)) == 1
    [pack] = packs(project)
    assert capsys.readouterr().out == first
    assert main(["check", "tests"]) == 1
    assert capsys.readouterr().out == first
    assert packs(project) == [pack]  # a run of hits only writes nothing


def test_cache_dir_option(project, capsys):
    assert main(["check", "tests", "--cache-dir", "elsewhere"]) == 1
    assert not (project / CACHE_DIR_NAME).exists()
    assert len(entries(project, "elsewhere")) == 1


def test_two_runs_writing_at_once(project):
    for index in range(60):
        write(project, f"tests/pkg{index % 6}/test_{index}.py", POLLUTING if index % 2 else MOCK_CLASS)
    command = [sys.executable, "-m", "isolint", "check", "tests", "--format", "json", "-j", "2"]
    runs = [subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE) for _ in range(3)]
    outputs = [run.communicate()[0] for run in runs]
    assert len(set(outputs)) == 1
    assert json.loads(outputs[0])["summary"]["files_scanned"] == 61
    assert len(entries(project)) == 61  # complete, valid packs only
    assert 1 <= len(packs(project)) <= 3
    assert not list((project / CACHE_DIR_NAME).rglob("*.tmp"))
    warm = subprocess.run(command, cwd=project, stdout=subprocess.PIPE, check=False).stdout
    assert warm == outputs[0]
