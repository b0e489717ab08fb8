"""``--isolint-report FILE`` (space-separated): pytest chooses its rootdir before loading isolint."""

from __future__ import annotations


def test_space_form_that_would_move_the_rootdir_stops_with_a_clear_message(pytester, monkeypatch):
    project = pytester.mkdir("project")
    (project / "pyproject.toml").write_text('[tool.pytest.ini_options]\nmarkers = ["slow"]\n')
    (project / "test_x.py").write_text("def test_x(): pass\n")
    elsewhere = pytester.mkdir("reports") / "isolint.json"
    elsewhere.write_text("{}")
    monkeypatch.chdir(project)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--isolint", "--isolint-report", str(elsewhere))
    assert result.ret == 4  # usage error, no tests run with the wrong configuration
    result.stderr.fnmatch_lines([f"*`--isolint-report {elsewhere}`*took*as a test path*Write it with `=`: --isolint-report={elsewhere}*"])
    # the = form works, and so does a space form that changes nothing
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--isolint", f"--isolint-report={elsewhere}")
    result.assert_outcomes(passed=1)
    assert '"isolint_runtime_report": 1' in elsewhere.read_text()
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--isolint", "--isolint-report", "here.json")
    result.assert_outcomes(passed=1)
    assert (project / "here.json").exists()
