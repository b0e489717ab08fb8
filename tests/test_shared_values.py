"""The whole-scan pass over fixed ports and paths (:mod:`isolint.shared_values`): a value only
one test uses is not reported, one that tests in different files share is, and the count
survives the result cache."""

from __future__ import annotations

import textwrap
from pathlib import Path

from isolint.cache import ResultCache
from isolint.config import load_settings
from isolint.model import FileResult, Finding, Severity, ValueUse
from isolint.orchestration import discover_and_scan
from isolint.shared_values import drop_single_test_values



def project(root: Path, files: dict[str, str]) -> Path:
    for name, text in {"pytest.ini": "[pytest]\n", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def findings(root: Path, cache: ResultCache | None = None) -> set[tuple[str, int, str]]:
    settings = load_settings([root], root)
    result = discover_and_scan([root], settings, root, cache=cache)
    assert not result.errors, result.errors
    return {(f.path, f.line, f.name) for f in result.findings
            if f.name in ("hardcoded_port", "shared_tmp_path")}


def bind(port: int, name: str = "test_binds") -> str:
    return f"""
        import socket

        def {name}():
            socket.socket().bind(("127.0.0.1", {port}))
        """


def test_a_port_two_files_bind_is_reported_in_both(tmp_path: Path) -> None:
    project(tmp_path, {"tests/test_a.py": bind(8080), "tests/test_b.py": bind(8080),
                       "tests/test_c.py": bind(8081)})
    assert findings(tmp_path) == {("tests/test_a.py", 5, "hardcoded_port"),
                                  ("tests/test_b.py", 5, "hardcoded_port")}


def test_a_path_written_in_one_file_and_read_in_another_is_reported(tmp_path: Path) -> None:
    project(tmp_path, {
        "tests/test_a.py": """
            def test_writes():
                with open("/tmp/shared.json", "w") as out:
                    out.write("{}")

            def test_alone():
                open("/tmp/mine.json", "w").close()
            """,
        "tests/test_b.py": """
            def test_reads():
                assert open("/tmp/shared.json").read()
            """,
    })
    assert findings(tmp_path) == {("tests/test_a.py", 3, "shared_tmp_path")}


def test_session_fixture_is_reported_though_one_fixture_uses_the_path(tmp_path: Path) -> None:
    # sentry-python's aws_lambda tests: every worker runs the session fixture and opens the log.
    project(tmp_path, {
        "tests/test_lambda.py": """
            import tempfile
            import pytest

            @pytest.fixture(scope="session", autouse=True)
            def environment():
                debug_log_file = tempfile.gettempdir() + "/sentry_aws_lambda_tests_sam_debug.log"
                debug_log = open(debug_log_file, "w")
                yield
                debug_log.close()

            def test_invoke():
                pass
            """,
    })
    assert findings(tmp_path) == {("tests/test_lambda.py", 8, "shared_tmp_path")}


def test_a_test_class_subclassed_in_another_file_runs_twice(tmp_path: Path) -> None:
    project(tmp_path, {
        "tests/__init__.py": "",
        "tests/test_base.py": """
            import socket

            class TestServer:
                def test_binds(self):
                    socket.socket().bind(("", 8080))

            class TestAlone:
                def test_binds(self):
                    socket.socket().bind(("", 8081))
            """,
        "tests/test_more.py": """
            from tests.test_base import TestServer

            class TestMoreServer(TestServer):
                pass
            """,
    })
    assert findings(tmp_path) == {("tests/test_base.py", 6, "hardcoded_port")}


def test_a_parametrized_fixture_or_generate_tests_in_a_conftest(tmp_path: Path) -> None:
    project(tmp_path, {
        "tests/conftest.py": """
            import pytest

            @pytest.fixture(params=["sqlite", "postgres"])
            def backend(request):
                return request.param
            """,
        "tests/test_a.py": """
            import socket

            def test_backend(backend):
                socket.socket().bind(("", 8080))

            def test_alone():
                socket.socket().bind(("", 8081))
            """,
        "gen/conftest.py": """
            def pytest_generate_tests(metafunc):
                pass
            """,
        "gen/test_b.py": bind(8082),
    })
    assert findings(tmp_path) == {("tests/test_a.py", 5, "hardcoded_port"),
                                  ("gen/test_b.py", 5, "hardcoded_port")}


def test_the_count_survives_the_cache(tmp_path: Path) -> None:
    project(tmp_path, {"tests/test_a.py": bind(8080), "tests/test_b.py": bind(8080)})
    cache = tmp_path / ".cache"
    settings = load_settings([tmp_path], tmp_path)
    both = {("tests/test_a.py", 5, "hardcoded_port"), ("tests/test_b.py", 5, "hardcoded_port")}
    assert findings(tmp_path, ResultCache(cache, settings)) == both
    assert findings(tmp_path, ResultCache(cache, settings)) == both  # all from the cache
    (tmp_path / "tests" / "test_b.py").write_text(bind(9090).replace("\n        ", "\n"))
    # test_a.py is a cache hit; its recorded use is counted again, now alone.
    assert findings(tmp_path, ResultCache(cache, settings)) == set()


def test_a_place_using_a_shared_and_a_single_value_is_kept() -> None:
    finding = Finding("a.py", 3, 5, "ISO011", "shared_tmp_path", Severity.MEDIUM, "m")
    uses_a = (ValueUse("shared_tmp_path", "/tmp/x", "a.py::test_a", 3, 5),
              ValueUse("shared_tmp_path", "/tmp/y", "a.py::test_a", 3, 5))
    other = ValueUse("shared_tmp_path", "/tmp/y", "b.py::test_b", 1, 1)
    kept = drop_single_test_values([FileResult("a.py", (finding,), uses=uses_a),
                                    FileResult("b.py", (), uses=(other,))])
    assert kept[0].findings == (finding,)
    alone = drop_single_test_values([FileResult("a.py", (finding,), uses=uses_a)])
    assert alone[0].findings == ()
