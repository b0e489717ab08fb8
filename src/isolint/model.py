"""The values that flow through isolint: findings, errors, severities and the summary.

Everything here is a small frozen dataclass of primitives: picklable (worker processes),
JSON-able (cache, baseline, reports) and sortable (deterministic output).
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable


class Severity(enum.IntEnum):
    """How much a finding matters; ordered so that ``Severity.HIGH > Severity.MEDIUM``."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> "Severity":
        """``"high"`` / ``"HIGH"`` -> ``Severity.HIGH``; raises ``ValueError`` otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


class FixSafety(enum.Enum):
    """Whether a rule's automatic fix can change behaviour (ruff's safe / unsafe levels)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    NONE = "none"


@dataclass(frozen=True, order=True)
class Finding:
    """One hazard at one place. Sort order is path, line, column, code."""

    path: str
    line: int
    col: int
    code: str
    name: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    fix: str = field(default="", compare=False)
    #: Dotted scope that encloses the finding (``TestApi.test_get``); line-independent identity.
    scope: str = field(default="", compare=False)
    #: The stripped source line; with ``scope`` it fingerprints a finding across line shifts.
    snippet: str = field(default="", compare=False)
    end_line: int = field(default=0, compare=False)
    end_col: int = field(default=0, compare=False)
    #: Set by ``--fix`` / ``--diff`` on a finding of a fixable rule left unfixed: why.
    unfixed: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` shape: the contract keys first, then the extras."""
        data = {
            "rule": self.code,
            "name": self.name,
            "severity": self.severity.name,
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "fix": self.fix,
            "scope": self.scope,
            "snippet": self.snippet,
            "end_line": self.end_line,
            "end_col": self.end_col,
        }
        if self.unfixed:
            data["unfixed"] = self.unfixed
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        """The finding :meth:`to_dict` gave; ``ValueError`` (or ``KeyError``, ``TypeError``)
        when ``data`` does not have that shape, so that a corrupt cache entry is a miss."""
        from isolint.jsonio import integer, string

        severity = string(data["severity"], "severity")
        if severity not in Severity.__members__:
            raise ValueError(f"unknown severity {severity!r:.40}")
        return cls(
            path=string(data["path"], "path"),
            line=integer(data["line"], "line"),
            col=integer(data["col"], "col"),
            code=string(data["rule"], "rule"),
            name=string(data["name"], "name"),
            severity=Severity[severity],
            message=string(data["message"], "message"),
            fix=string(data.get("fix", ""), "fix"),
            scope=string(data.get("scope", ""), "scope"),
            snippet=string(data.get("snippet", ""), "snippet"),
            end_line=integer(data.get("end_line", 0), "end_line"),
            end_col=integer(data.get("end_col", 0), "end_col"),
            unfixed=string(data.get("unfixed", ""), "unfixed"),
        )


@dataclass(frozen=True, order=True)
class FileError:
    """A file that could not be scanned (or a rule that crashed on it), with the reason."""

    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True, order=True)
class ValueUse:
    """A fixed value a rule saw used at one place (a port bound, a path written or read), and
    which test uses it there: the whole-scan pass of :mod:`isolint.shared_values` keeps a
    finding about the value only when more than one test (or anything shared) uses it."""

    #: The rule that records it (``"hardcoded_port"``).
    rule: str
    #: The value, as text (``"8080"``, ``"/tmp/out.txt"``).
    value: str
    #: The one test that runs this place (``"tests/test_a.py::TestX::test_y"``), or ``""``
    #: when it may run for several tests or several times (a fixture, a helper, module level,
    #: a parametrized test).
    user: str
    line: int
    col: int


@dataclass(frozen=True)
class FileResult:
    """What scanning one file produced."""

    path: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[FileError, ...] = ()
    #: The other project modules the analysis read, as ``(absolute path, SHA-256 hex of the
    #: content)``: a cached result holds only while they are unchanged.
    depends: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    #: The fixed values rules saw used, for the whole-scan pass (:class:`ValueUse`).
    uses: tuple[ValueUse, ...] = field(default=(), compare=False)
    #: Names of test classes this file subclasses or imports (pytest then runs their tests
    #: here too): a test method of such a class is not one single test.
    reused_classes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Summary:
    """Every count a report prints, computed once from the findings."""

    files_scanned: int
    files_with_findings: int
    by_severity: dict[str, int]
    by_name: dict[str, int]
    errors: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())

    @classmethod
    def build(cls, files_scanned: int, findings: Iterable[Finding], errors: int = 0) -> "Summary":
        findings = list(findings)
        severities = Counter(f.severity for f in findings)
        names = Counter(f.name for f in findings)
        return cls(
            files_scanned=files_scanned,
            files_with_findings=len({f.path for f in findings}),
            by_severity={s.name: severities.get(s, 0) for s in sorted(Severity, reverse=True)},
            by_name=dict(sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))),
            errors=errors,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "files_scanned": self.files_scanned,
            "files_with_findings": self.files_with_findings,
            "by_severity": dict(self.by_severity),
            "by_name": dict(self.by_name),
            "total": self.total,
            "errors": self.errors,
        }


@dataclass(frozen=True)
class ScanResult:
    """The outcome of a scan: sorted findings, sorted errors, one summary."""

    findings: tuple[Finding, ...]
    errors: tuple[FileError, ...]
    summary: Summary
    #: Every file that was scanned (relative paths), sorted.
    files: tuple[str, ...] = ()

    @classmethod
    def build(cls, results: Iterable[FileResult]) -> "ScanResult":
        results = list(results)
        findings = tuple(sorted(f for r in results for f in r.findings))
        errors = tuple(sorted(e for r in results for e in r.errors))
        files = tuple(sorted(r.path for r in results))
        # A file that gave nothing but errors (unreadable, unparsable) was not scanned.
        scanned = sum(1 for r in results if r.findings or not r.errors)
        return cls(findings, errors, Summary.build(scanned, findings, len(errors)), files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
            "summary": self.summary.to_dict(),
        }
