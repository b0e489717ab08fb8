"""``isolint polluters``: ranking and exit codes from a report alone (no pytest run)."""

from __future__ import annotations

import json

from isolint.cli import main
from isolint.commands.polluters import candidates, find_victims
from isolint.runtime import Leak, Record, RuntimeReport
from isolint.analysis.victim_reads import Reads


def _leak(key: str, kind: str = "environment") -> Leak:
    return Leak(kind, "env_var_pollution", key, f"`{key}` set")


def _report(tmp_path) -> RuntimeReport:
    records = (
        Record("t.py::test_a", worker="gw0", leaks=(_leak("A"),), outcome="passed", index=0),
        Record("t.py::test_b", worker="gw0", leaks=(_leak("A"), _leak("B")), outcome="passed", index=1),
        Record("t.py::test_c", worker="gw0", leaks=(_leak("C"),), outcome="passed", index=2),
        Record("t.py::test_victim", worker="gw0", outcome="failed", index=3),
        Record("t.py::test_later", worker="gw0", leaks=(_leak("D"),), outcome="passed", index=4),
        Record("t.py::test_other_worker", worker="gw1", leaks=(_leak("A"),), outcome="passed", index=0),
        Record("conftest.py::db", kind="fixture", scope="session", worker="gw0", leaks=(_leak("E"),), index=0),
    )
    return RuntimeReport(str(tmp_path), records)


def test_candidates_are_earlier_leaks_still_in_place_on_the_victims_worker(tmp_path):
    report = _report(tmp_path)
    sequence = report.order()["gw0"]
    fixtures = [r for r in report.records if r.kind == "fixture"]
    found = {record.nodeid: [leak.key for leak in state] for record, state in candidates(sequence, fixtures, sequence[3])}
    # test_a's A was taken over by test_b; later tests and other workers are no candidates
    assert found == {"conftest.py::db": ["E"], "t.py::test_b": ["A", "B"], "t.py::test_c": ["C"]}


def test_ranking_reads_first_then_recency(tmp_path):
    (victim,) = find_victims(_report(tmp_path), lambda nodeid: Reads(strings={"B"}))
    assert [c.test for c in victim.polluters] == ["t.py::test_b", "t.py::test_c", "conftest.py::db"]
    assert victim.polluters[0].read == (0, 2)


def test_cli_exit_codes_and_json(tmp_path, capsys):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(_report(tmp_path).to_dict()))
    assert main(["polluters", str(path), "--format", "json"]) == 1  # a victim, nothing confirmed
    data = json.loads(capsys.readouterr().out)
    assert data["victims"][0]["test"] == "t.py::test_victim" and data["pytest_runs"] == 0
    assert all(p["confirmed"] is None for p in data["victims"][0]["polluters"])
    assert main(["polluters", str(path), "--all"]) == 2
    assert "--all needs --confirm" in capsys.readouterr().err
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps(RuntimeReport(str(tmp_path), (Record("t.py::a", outcome="passed", index=0),)).to_dict()))
    assert main(["polluters", str(clean)]) == 0
    assert capsys.readouterr().out == "no failed tests in the report\n"
    old = tmp_path / "old.json"
    old.write_text(json.dumps(RuntimeReport(str(tmp_path), (Record("t.py::a"),)).to_dict()))
    assert main(["polluters", str(old)]) == 2
    assert "no order record" in capsys.readouterr().err
    assert main(["polluters", str(tmp_path / "missing.json")]) == 2
