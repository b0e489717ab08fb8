"""Helpers for the plugin tests: run pytest --isolint in a subprocess and read its JSON report."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from isolint.runtime import Record, RuntimeReport, load_runtime_report


@dataclass
class IsolintRun:
    result: pytest.RunResult
    report: RuntimeReport

    def record(self, name: str) -> Record:
        """The record of the test (or fixture) whose node id ends with ``::name``."""
        matches = [r for r in self.report.records if r.nodeid.endswith("::" + name)]
        assert len(matches) == 1, (name, [r.nodeid for r in self.report.records])
        return matches[0]

    def rules(self, name: str) -> list[str]:
        return sorted(leak.rule for leak in self.record(name).leaks)

    @property
    def leaking(self) -> dict[str, list[str]]:
        return {r.nodeid.split("::", 1)[1]: sorted(l.rule for l in r.leaks) for r in self.report.leaking}


@pytest.fixture
def run_isolint(pytester: pytest.Pytester):
    """``run_isolint(*args)``: pytest --isolint in a subprocess, in pytester's directory."""

    def run(*args: str) -> IsolintRun:
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "--isolint", "--isolint-report", "isolint.json", *args
        )
        return IsolintRun(result, load_runtime_report(pytester.path / "isolint.json"))

    return run
