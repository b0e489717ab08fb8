"""isolint.runtime: reading a runtime report and confirming static findings with it."""

from __future__ import annotations

import json
import os

import pytest

from isolint.model import Finding, Severity
from isolint.runtime import (
    SCHEMA_VERSION,
    Leak,
    Record,
    RuntimeReport,
    RuntimeReportError,
    confirmed_findings,
    confirming_records,
    is_confirmed,
    load_runtime_report,
)


def _leak(rule: str) -> Leak:
    return Leak("kind", rule, "KEY", "detail")


def _record(nodeid: str, *rules: str, kind: str = "test") -> Record:
    return Record(nodeid=nodeid, kind=kind, leaks=tuple(_leak(r) for r in rules))


def _finding(path: str, name: str, scope: str) -> Finding:
    return Finding(path, 3, 4, "ISO003", name, Severity.HIGH, "message", scope=scope)


@pytest.fixture
def report(tmp_path) -> RuntimeReport:
    return RuntimeReport(
        rootdir=str(tmp_path),
        records=(
            _record("tests/test_api.py::TestApi::test_get[1-a]", "env_var_pollution"),
            _record("tests/test_api.py::TestApi::test_post", "patch_without_context"),
            _record("tests/test_api.py::test_plain", "cwd_pollution"),
            _record("tests/test_api.py::test_clean"),
            _record("tests/conftest.py::db", "sys_path_pollution", kind="fixture"),
            _record("tests/test_api.py::TestApi::setup_class", "sys_modules_pollution", kind="fixture"),
        ),
    )


@pytest.mark.parametrize(
    ("path", "name", "scope", "expected"),
    [
        ("tests/test_api.py", "env_var_pollution", "TestApi.test_get", True),  # parameters ignored
        ("tests/test_api.py", "env_var_pollution", "TestApi.test_post", False),  # other test
        ("tests/test_api.py", "patch_without_context", "TestApi", True),  # class: any of its tests
        ("tests/test_api.py", "cwd_pollution", "", True),  # module level: any test in the file
        ("tests/test_api.py", "cwd_pollution", "test_plain.helper", True),  # nested in the test
        ("tests/test_api.py", "env_var_pollution", "test_plain", False),  # other rule
        ("tests/test_api.py", "cwd_pollution", "test_clean", False),  # a test that leaked nothing
        ("tests/test_other.py", "cwd_pollution", "", False),  # other file
        ("tests/conftest.py", "sys_path_pollution", "db", True),  # a fixture
        ("tests/test_api.py", "sys_modules_pollution", "TestApi.setup_class", True),  # xunit set-up
        ("tests/test_api.py", "sys_modules_pollution", "TestApi", True),
        ("tests/test_api.py", "env_var_pollution", "TestApiX", False),  # a prefix is not a class
        # set-up methods and function-scoped fixtures leak on behalf of the test they ran for
        ("tests/test_api.py", "env_var_pollution", "TestApi.setup_method", True),
        ("tests/test_api.py", "cwd_pollution", "make_workdir", True),
        ("tests/test_api.py", "patch_without_context", "TestOther.setup_method", False),
    ],
)
def test_is_confirmed(report, monkeypatch, tmp_path, path, name, scope, expected):
    monkeypatch.chdir(tmp_path)
    assert is_confirmed(_finding(path, name, scope), report) is expected


def test_finding_paths_are_resolved_from_the_current_directory(report, monkeypatch, tmp_path):
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path / "tests")  # isolint check run from a subdirectory
    assert is_confirmed(_finding("test_api.py", "cwd_pollution", ""), report)
    assert is_confirmed(_finding("./test_api.py", "cwd_pollution", ""), report)
    assert not is_confirmed(_finding("tests/test_api.py", "cwd_pollution", ""), report)
    absolute = os.path.join(str(tmp_path), "tests", "test_api.py")
    assert is_confirmed(_finding(absolute, "cwd_pollution", ""), report)


def test_without_rootdir_relative_paths_are_compared_as_written(report):
    bare = RuntimeReport(rootdir="", records=report.records)
    assert is_confirmed(_finding("./tests/test_api.py", "cwd_pollution", "test_plain"), bare)
    assert not is_confirmed(_finding("test_api.py", "cwd_pollution", "test_plain"), bare)


def test_confirming_records_and_confirmed_findings(report, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    yes = _finding("tests/test_api.py", "patch_without_context", "TestApi")
    no = _finding("tests/test_api.py", "patch_without_context", "test_plain")
    assert [r.nodeid for r in confirming_records(yes, report)] == ["tests/test_api.py::TestApi::test_post"]
    assert confirmed_findings([no, yes], report) == (yes,)


def test_load_round_trips_a_report(report, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report.to_dict()))
    loaded = load_runtime_report(path)
    assert loaded == report
    assert loaded.to_dict()["summary"]["leaks_by_rule"]["env_var_pollution"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "runtime report not found"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not an isolint runtime report"),
        ('{"findings": []}', "not an isolint runtime report"),
        ('{"isolint_runtime_report": 99, "records": []}', "version 99 is not supported"),
        (json.dumps({"isolint_runtime_report": SCHEMA_VERSION}), "malformed runtime report"),
        (json.dumps({"isolint_runtime_report": SCHEMA_VERSION, "records": [{"kind": "test"}]}), "malformed"),
        (
            json.dumps({"isolint_runtime_report": SCHEMA_VERSION, "records": [{"nodeid": "a", "leaks": [{}]}]}),
            "malformed",
        ),
    ],
)
def test_load_rejects_missing_and_malformed_files(tmp_path, content, message):
    path = tmp_path / "r.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(RuntimeReportError, match=message) as info:
        load_runtime_report(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("snippet", "kind", "key", "expected"),
    [
        # a never-called helper's variable is not confirmed by another test's leak in the file
        ('os.environ["NEVER_SET"] = "1"', "environment", "OTHER_VAR", False),
        ('os.environ["NEVER_SET"] = "1"', "environment", "NEVER_SET", True),
        ("os.environ[name] = value", "environment", "ANY", True),  # the line spells no key
        ("os.chdir(tmp_path)", "cwd", "/tmp/x", True),
        ("sys.modules['json'] = fake", "sys.modules", "yaml", False),
        ("settings._CURRENCY = 'USD'", "module_state", "shop.settings._CURRENCY", True),
        ("settings._DEBUG = True", "module_state", "shop.settings._CURRENCY", False),
        ("self.client = mock.MagicMock()", "instance_mock", "self.client", True),
        ("self.server = mock.MagicMock()", "instance_mock", "self.client", False),
        ("mock.patch('os.getcwd').start()", "patch", "os.getcwd", True),
        ("", "environment", "X", True),  # no line (an old baseline): rule and scope only
    ],
)
def test_confirmation_needs_the_key_the_finding_changes(tmp_path, monkeypatch, snippet, kind, key, expected):
    monkeypatch.chdir(tmp_path)
    rule = "env_var_pollution"
    report = RuntimeReport(str(tmp_path), (Record("tests/test_a.py::test_x", leaks=(Leak(kind, rule, key, "d"),)),))
    finding = Finding("tests/test_a.py", 3, 4, "ISO003", rule, Severity.HIGH, "m", scope="", snippet=snippet)
    assert is_confirmed(finding, report) is expected
