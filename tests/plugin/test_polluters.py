"""``isolint polluters --confirm`` names the test that polluted each failed test, from one
recorded run, for each mechanism; decoy leaks the victim does not read rank below the polluter;
under ``-n 2`` the polluter ran on the victim's worker and ``--isolint-replay`` reproduces the
failure in one process."""

from __future__ import annotations

import json
import sys

import pytest

from isolint.runtime import load_runtime_report

SHOP = {
    "shop/__init__.py": "",
    "shop/settings.py": """
_CURRENCY = "EUR"
_DEBUG = False


def set_currency(code):
    global _CURRENCY
    _CURRENCY = code


def set_debug(flag):
    global _DEBUG
    _DEBUG = flag


def currency():
    return _CURRENCY
""",
    "shop/catalog.py": """
class Catalog:
    _items = {}

    @classmethod
    def add(cls, name, price):
        cls._items[name] = price

    @classmethod
    def count(cls):
        return len(cls._items)
""",
    "shop/basket.py": """
class Basket:
    lines = []
""",
    "plugins/shop_plugin.py": "NAME = 'plugin'\n",
    "data.txt": "shop data\n",
}

# mechanism -> (test module: polluter, decoy, victim, in this order)
SUITE = {
    "env": """
import os

def test_polluter():
    os.environ["SHOP_MODE"] = "test"

def test_decoy():
    os.environ["SHOP_DECOY"] = "1"

def test_victim():
    assert os.environ.get("SHOP_MODE") is None
""",
    "setter": """
from shop import settings

def test_polluter():
    settings.set_currency("USD")

def test_decoy():
    settings.set_debug(True)

def test_victim():
    assert settings.currency() == "EUR"
""",
    "registry": """
from shop.basket import Basket
from shop.catalog import Catalog

def test_polluter():
    Catalog.add("apple", 3)

def test_decoy():
    Basket.lines.append("pear")

def test_victim():
    assert Catalog.count() == 0
""",
    "sysmodules": """
import pathlib, sys, types
import pytest

def test_polluter(monkeypatch):
    monkeypatch.syspath_prepend(str(pathlib.Path(__file__).parent.parent / "plugins"))
    import shop_plugin  # noqa: F401  (left in sys.modules when the path goes)

def test_decoy():
    sys.modules["shop_decoy"] = types.SimpleNamespace()

def test_victim():
    with pytest.raises(ImportError):
        import shop_plugin  # noqa: F401
""",
    "cwd": """
import os

def test_polluter(tmp_path):
    os.chdir(tmp_path)

def test_decoy():
    os.environ["CWD_DECOY"] = "1"

def test_victim():
    with open("data.txt") as handle:
        assert handle.read() == "shop data\\n"
""",
}


def _project(pytester: pytest.Pytester) -> None:
    for name, text in SHOP.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (pytester.path / "tests").mkdir()
    for name, text in SUITE.items():
        (pytester.path / "tests" / f"test_{name}.py").write_text(text)
    pytester.makeini("[pytest]\npythonpath = .\n")


def _polluters(pytester: pytest.Pytester, *args: str) -> tuple[int, dict]:
    result = pytester.run(sys.executable, "-m", "isolint", "polluters", "isolint.json", "--format", "json", *args)
    return result.ret, json.loads(result.stdout.str())


def _by_victim(data: dict) -> dict[str, dict]:
    return {v["test"].split("/")[1].split(".py")[0][len("test_"):]: v for v in data["victims"]}


def _check_traced(data: dict) -> None:
    victims = _by_victim(data)
    assert sorted(victims) == sorted(SUITE)
    for name, victim in victims.items():
        ranked = [p["test"] for p in victim["polluters"]]
        polluter, decoy = f"tests/test_{name}.py::test_polluter", f"tests/test_{name}.py::test_decoy"
        assert ranked[0] == polluter, (name, ranked)
        assert ranked.index(decoy) > 0, (name, ranked)  # the more recent decoy ranks below
        assert victim["polluters"][0]["confirmed"] is True, (name, victim)
        assert victim["alone"] == "passed"
        assert any(s["read_by_victim"] for s in victim["polluters"][0]["state"]), victim


def test_each_mechanism_is_traced_to_its_polluter(pytester):
    _project(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--isolint", "--isolint-report=isolint.json")
    result.assert_outcomes(passed=10, failed=5)
    keys = {leak.key for r in load_runtime_report(pytester.path / "isolint.json").records for leak in r.leaks}
    assert {"SHOP_MODE", "shop.settings._CURRENCY", "shop.catalog.Catalog._items", "shop_plugin"} <= keys
    code, data = _polluters(pytester, "--confirm")
    _check_traced(data)
    assert code == 0
    # Without --confirm the ranking is there, nothing is confirmed, and the exit code says so.
    code, data = _polluters(pytester)
    assert code == 1
    assert all(p["confirmed"] is None for v in data["victims"] for p in v["polluters"])
    text = pytester.run(sys.executable, "-m", "isolint", "polluters", "isolint.json", "--confirm").stdout.str()
    assert "reproduce: pytest -p no:randomly tests/test_setter.py::test_polluter tests/test_setter.py::test_victim" in text
    assert "5 failed tests, 5 with a confirmed polluter" in text


def test_under_xdist_the_polluter_ran_on_the_victims_worker_and_replay_reproduces(pytester):
    pytest.importorskip("xdist")
    _project(pytester)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", "--dist", "loadfile", "--isolint", "--isolint-report=isolint.json"
    )
    result.assert_outcomes(passed=10, failed=5)
    report = load_runtime_report(pytester.path / "isolint.json")
    order = report.order()
    assert sorted(order) == ["gw0", "gw1"]
    code, data = _polluters(pytester, "--confirm")
    _check_traced(data)
    assert code == 0
    for victim in data["victims"]:
        ran = [r.nodeid for r in order[victim["worker"]]]
        assert ran.index(victim["polluters"][0]["test"]) < ran.index(victim["test"])
        replay = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", f"--isolint-replay=isolint.json", f"--isolint-worker={victim['worker']}",
            f"--isolint-until={victim['test']}",
        )
        replay.stdout.fnmatch_lines([f"FAILED {victim['test']}*"])
        # one process, exactly the recorded sequence up to the victim
        assert "bringing up nodes" not in replay.stdout.str()
        replay.stdout.fnmatch_lines([f"*replaying {ran.index(victim['test']) + 1} of {ran.index(victim['test']) + 1} recorded tests*"])


def test_replay_runs_the_recorded_order_across_files_and_deselects_the_rest(pytester, run_isolint):
    pytester.makepyfile(
        test_a="def test_a1(): pass\ndef test_a2(): pass\n",
        test_b="def test_b1(): pass\ndef test_b2(): pass\n",
    )
    report = pytester.path / "plan.json"
    order = ["test_b.py::test_b2", "test_a.py::test_a1", "test_b.py::test_b1"]
    records = [{"nodeid": n, "worker": "gw3", "index": i} for i, n in enumerate(order)]
    report.write_text(json.dumps({"isolint_runtime_report": 1, "rootdir": str(pytester.path), "records": records}))
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider", "--isolint-replay=plan.json", "--isolint-worker=gw3")
    ran = [line.split(" ")[0] for line in result.stdout.lines if " PASSED" in line]
    assert ran == order
    result.stdout.fnmatch_lines(["*3 passed, 1 deselected*"])
    # --isolint-until stops after that test; an unknown worker is a usage error
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--isolint-replay=plan.json", "--isolint-until=test_a.py::test_a1")
    result.stdout.fnmatch_lines(["*2 passed, 2 deselected*"])
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--isolint-replay=plan.json", "--isolint-worker=gw9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*no worker 'gw9' in the report (workers: gw3)*"])


def test_a_setter_called_by_the_test_that_first_imports_the_module_is_a_leak(pytester, run_isolint):
    _project(pytester)
    (pytester.path / "tests" / "test_late.py").write_text(
        "def test_first_import_and_set():\n"
        "    from shop import settings  # first imported here: no state before this test\n"
        "    settings.set_currency('USD')\n"
    )
    for name in SUITE:
        (pytester.path / "tests" / f"test_{name}.py").unlink()
    run = run_isolint("tests/test_late.py")
    (leak,) = run.record("test_first_import_and_set").leaks
    assert leak.key == "shop.settings._CURRENCY"
    assert leak.detail == (
        "`shop.settings._CURRENCY` changed after its module was first imported "
        "(from its literal value in the source ('EUR')) and not restored"
    )


def test_a_reload_or_an_equal_reset_is_not_a_leak_a_new_module_attribute_is(pytester, run_isolint):
    _project(pytester)
    for name in SUITE:
        (pytester.path / "tests" / f"test_{name}.py").unlink()
    (pytester.path / "tests" / "test_reload.py").write_text(
        "import importlib\n"
        "from shop import settings, catalog\n\n"
        "def test_reload():\n"
        "    importlib.reload(settings)  # every function re-created: the same definitions\n\n"
        "def test_reset_to_an_equal_value():\n"
        "    catalog.Catalog._items = {}  # a new, equal, empty registry\n\n"
        "def test_new_attribute():\n"
        "    settings._CACHE = []  # a name the module did not have\n"
    )
    run = run_isolint("tests/test_reload.py")
    run.result.assert_outcomes(passed=3)
    assert run.leaking == {"test_new_attribute": ["module_state_pollution"]}
    assert run.record("test_new_attribute").leaks[0].detail == "`shop.settings._CACHE` set and not removed"
