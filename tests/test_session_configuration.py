"""Session configuration and code pytest never runs, in a small project: what the conftest,
a package ``__init__.py`` (nose's ``setup_package``) and a module the tests import at collection
set is the same before every test; a test module's own module level is still reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

from isolint.config import Settings, load_settings
from isolint.orchestration import scan_paths

FILES = {
    "tests/__init__.py": "",
    "tests/conftest.py": """
        import os
        import pytest

        os.environ["CONFTEST_IMPORT"] = "1"

        @pytest.fixture(scope="session", autouse=True)
        def configure():
            os.environ["SESSION"] = "1"
            yield

        @pytest.fixture(scope="session")
        def lazy():
            os.environ["LAZY"] = "1"
    """,
    "tests/functional/__init__.py": """
        import os

        _ORIGINAL = os.environ.copy()

        def setup_package():
            os.environ["AWS_CONFIG_FILE"] = "nowhere"
            os.environ.pop("AWS_ACCESS_KEY_ID", None)

        def teardown_package():
            os.environ = _ORIGINAL
    """,
    "tests/functional/test_a.py": """
        import os
        from tests.myapp import asgi

        os.environ["TEST_MODULE_IMPORT"] = "1"

        def test_a():
            assert asgi
    """,
    "tests/myapp/__init__.py": "",
    "tests/myapp/asgi.py": """
        import os

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.myapp.settings")

        def application():
            os.environ["PER_REQUEST"] = "1"
    """,
}


def test_only_the_leaks_are_reported(tmp_path: Path) -> None:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = scan_paths(["tests"], Settings(select=("env_var_pollution",)), cwd=tmp_path)
    found = sorted((f.path.replace("\\", "/"), f.snippet) for f in result.findings)
    assert found == [
        ("tests/conftest.py", 'os.environ["LAZY"] = "1"'),
        ("tests/functional/test_a.py", 'os.environ["TEST_MODULE_IMPORT"] = "1"'),
        ("tests/myapp/asgi.py", 'os.environ["PER_REQUEST"] = "1"'),
    ], found


def test_a_nose_function_something_calls_is_reported(tmp_path: Path) -> None:
    init = tmp_path / "tests" / "__init__.py"
    init.parent.mkdir()
    init.write_text(textwrap.dedent("""
        import os

        def setup_package():
            os.environ["X"] = "1"

        setup_module = setup_package
    """), encoding="utf-8")
    (tmp_path / "tests" / "test_a.py").write_text("def test_a():\n    pass\n", encoding="utf-8")
    result = scan_paths(["tests"], Settings(select=("env_var_pollution",)), cwd=tmp_path)
    assert [(f.path.replace("\\", "/"), f.line) for f in result.findings] == [("tests/__init__.py", 5)]


ROOT_AUTOUSE = """
    import sys
    import pytest

    @pytest.fixture(autouse=True)
    def no_dot():
        if "." in sys.path:
            sys.path.remove(".")
        yield
"""


def _project(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def _sys_path_findings(root: Path) -> list[str]:
    settings = load_settings(None, root)
    settings = Settings(select=("sys_path_pollution",), pytest=settings.pytest)
    result = scan_paths(["tests"], settings, cwd=root)
    return sorted(f.path.replace("\\", "/") for f in result.findings)


def test_root_autouse_fixture_sets_the_same_state_before_every_test(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _project(tmp_path, {
        "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
        "tests/conftest.py": ROOT_AUTOUSE,
        "tests/sub/conftest.py": ROOT_AUTOUSE,  # tests outside tests/sub see the change later
        "tests/sub/test_a.py": "def test_a():\n    pass\n",
        "tests/test_b.py": "def test_b():\n    pass\n",
    })
    assert _sys_path_findings(tmp_path) == ["tests/sub/conftest.py"]


def test_without_testpaths_a_conftest_below_the_rootdir_is_not_the_root(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _project(tmp_path, {
        "pyproject.toml": "[tool.pytest.ini_options]\n",
        "tests/conftest.py": ROOT_AUTOUSE,
        "tests/test_b.py": "def test_b():\n    pass\n",
    })
    assert _sys_path_findings(tmp_path) == ["tests/conftest.py"]


def test_report_session_configuration_reports_it_again(tmp_path: Path) -> None:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    settings = Settings(select=("env_var_pollution",), report_session_configuration=True)
    result = scan_paths(["tests"], settings, cwd=tmp_path)
    found = sorted((f.path.replace("\\", "/"), f.snippet) for f in result.findings)
    assert found == [
        ("tests/conftest.py", 'os.environ["CONFTEST_IMPORT"] = "1"'),
        ("tests/conftest.py", 'os.environ["LAZY"] = "1"'),
        ("tests/conftest.py", 'os.environ["SESSION"] = "1"'),
        ("tests/functional/test_a.py", 'os.environ["TEST_MODULE_IMPORT"] = "1"'),
        ("tests/myapp/asgi.py", 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.myapp.settings")'),
        ("tests/myapp/asgi.py", 'os.environ["PER_REQUEST"] = "1"'),
    ], found


def test_report_session_configuration_reports_the_root_autouse_fixture(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _project(tmp_path, {
        "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
                          "[tool.isolint]\nreport-session-configuration = true\n",
        "tests/conftest.py": ROOT_AUTOUSE,
        "tests/test_b.py": "def test_b():\n    pass\n",
    })
    settings = load_settings(None, tmp_path)
    assert settings.report_session_configuration is True
    settings = Settings(select=("sys_path_pollution",), pytest=settings.pytest,
                        report_session_configuration=settings.report_session_configuration)
    result = scan_paths(["tests"], settings, cwd=tmp_path)
    assert [f.path.replace("\\", "/") for f in result.findings] == ["tests/conftest.py"]


def test_report_session_configuration_on_the_command_line(tmp_path: Path, monkeypatch, capsys) -> None:
    from isolint.cli import main

    monkeypatch.chdir(tmp_path)
    _project(tmp_path, {"pytest.ini": "[pytest]\n", "tests/conftest.py": ROOT_AUTOUSE.replace(
        "@pytest.fixture(autouse=True)", '@pytest.fixture(scope="session", autouse=True)'),
        "tests/test_b.py": "def test_b():\n    pass\n"})
    args = ["check", "tests", "--select", "sys_path_pollution", "--no-cache", "--format", "json"]
    assert main(args) == 0
    capsys.readouterr()
    assert main([*args, "--report-session-configuration"]) == 1
    assert "tests/conftest.py" in capsys.readouterr().out


def test_report_session_configuration_must_be_a_boolean(tmp_path: Path) -> None:
    import pytest

    from isolint.config import ConfigError

    (tmp_path / "pyproject.toml").write_text('[tool.isolint]\nreport-session-configuration = "yes"\n')
    with pytest.raises(ConfigError, match="report-session-configuration: expected true or false"):
        load_settings(None, tmp_path)
