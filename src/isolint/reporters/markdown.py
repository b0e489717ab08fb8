"""``isolint report``: a Markdown report to hand to a team.

Structure: title and facts; executive summary with the severity and issue-type breakdowns and
what the suite's xdist mode means for ``xdist_group``; one section per severity (CRITICAL to
LOW) with, for each rule, its impact, every affected file grouped by test directory with the
scopes and lines concerned, the fix pattern and how to verify the fix; recommendations; an
appendix with every file and every finding. Every number is taken from ``result.summary`` or
counted from ``result.findings``; nothing is elided.
"""

from __future__ import annotations

import datetime
import posixpath
import re
from collections import defaultdict
from typing import Iterable, NamedTuple, Sequence

from isolint._version import __version__
from isolint.model import Finding, ScanResult, Severity
from isolint.reporters.rule_docs import doc_sections, first_paragraph, known_rules
from isolint.wording import count as _plural

TITLE = "pytest-xdist Test Isolation Report"
#: What one finding is, said once in the executive summary.
COUNTING = (
    "A finding is one place to fix: a statement that changes shared state, a test class (for "
    "`missing_teardown_method`, whose finding lists every mock the class keeps, and for "
    "`missing_xdist_group`), or a module (for `inert_xdist_group`, reported at its first "
    "marker). Files are counted once however many findings they have."
)

class _Wording(NamedTuple):
    priority: str  # the section heading's
    meaning: str
    horizon: str  # when the recommendations say to act


WORDING = {
    Severity.CRITICAL: _Wording(
        "immediate action required",
        "can exhaust a worker's memory or break every later test on it", "Immediately"),
    Severity.HIGH: _Wording(
        "address soon",
        "state leaks into later tests on the same worker: order-dependent, flaky runs",
        "Short term"),
    Severity.MEDIUM: _Wording(
        "plan to fix",
        "cleanup that does not run on every path (a failing assertion, an exception)",
        "Medium term"),
    Severity.LOW: _Wording(
        "fix when convenient", "hygiene: unlikely to break a run on its own", "When convenient"),
}

#: How to confirm a fix at runtime, per rule name; other rules get the generic check.
RUNTIME_CHECKS = {
    "missing_teardown_method": (
        "pytest -n 2 --isolint --isolint-top 10 {files}",
        "the tests of the fixed classes no longer lead the memory-growth list",
    ),
    "missing_xdist_group": (
        "pytest -n 2 --dist loadgroup -v {files}",
        "every test of a fixed class reports the same worker (`[gw0]`, `[gw1]`, ...) in each run",
    ),
    "hardcoded_port": (
        "pytest -n 4 {files}",
        "no test fails with `Address already in use`",
    ),
    "inert_xdist_group": (
        "pytest -n 2 --dist loadgroup -v {files}",
        "the tests of one group report the same worker in each run",
    ),
}
GENERIC_RUNTIME_CHECK = (
    "pytest -n 2 --isolint --isolint-strict {files}",
    "no test fails in teardown with leaked state",
)


def render(
    result: ScanResult,
    settings=None,
    generated: datetime.date | str | None = None,
    rules: Sequence[type] | None = None,
) -> str:
    """The report. ``settings`` supplies the dist mode; ``generated`` the date (default today);
    ``rules`` the rule documentation (default: every rule isolint has)."""
    report = _Report(result, settings, generated, rules)
    return "\n".join(report.lines()).rstrip("\n") + "\n"


#: A GitHub comment's size limit, in characters: ``isolint report --summary`` stays under it.
COMMENT_LIMIT = 65_536


def render_summary(
    result: ScanResult,
    settings=None,
    generated: datetime.date | str | None = None,
    rules: Sequence[type] | None = None,
    limit: int = COMMENT_LIMIT,
) -> str:
    """The short report (``isolint report --summary``): the head, the executive summary, the
    counts per directory and the files with the most findings, under ``limit`` characters (a
    PR comment). The lists shrink until it fits; what is left out is counted, never cut."""
    report = _Report(result, settings, generated, rules)
    rows = 50
    while True:
        text = "\n".join(report.summary_lines(rows)).rstrip("\n") + "\n"
        if len(text) < limit or rows == 0:
            return text
        rows //= 2


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _files(findings: Iterable[Finding]) -> list[str]:
    return sorted({f.path for f in findings})


def dist_mode_note(mode: str, source: str = "", numprocesses: str = "") -> str:
    """What the suite's pytest-xdist mode means for ``xdist_group`` markers, in one paragraph."""
    where = f" (from {source})" if source else ""
    flags = f"-n {numprocesses} --dist {mode}" if numprocesses else f"--dist {mode}"
    if mode == "loadgroup":
        return (
            f"The suite runs with `{flags}`{where}. pytest-xdist sends all tests "
            "that share an `xdist_group` name to the same worker, so the `xdist_group` markers "
            "recommended here take effect; tests without a marker are spread one by one."
        )
    if mode == "":
        return (
            "isolint found no distribution mode in pytest's configuration (no `--dist`, `-n` or "
            "`-d` in `addopts`). `xdist_group` markers only take effect under `--dist "
            "loadgroup`: if CI runs `pytest -n auto` without it, pytest-xdist uses `--dist load` "
            "and ignores them. Put `--dist loadgroup` in `addopts`, or, if CI passes it on the "
            "command line, tell isolint with `dist = \"loadgroup\"` in `[tool.isolint]`."
        )
    if mode == "no":
        return (
            f"The suite is not distributed{where}: every test runs in one process, so "
            "`xdist_group` markers have no effect, and state a test leaks reaches every later "
            "test of the session. The hazards below matter as soon as the suite runs with `-n`."
        )
    how = {
        "load": "sends each test to whichever worker is free",
        "worksteal": "sends each test to whichever worker is free and rebalances work",
        "loadscope": "keeps the tests of one module or class on one worker",
        "loadfile": "keeps the tests of one file on one worker",
        "each": "runs every test on every worker",
    }.get(mode, "distributes tests its own way")
    return (
        f"The suite runs with `{flags}`{where}, which {how}; it ignores `xdist_group` "
        "markers. They take effect only once the suite runs with `--dist loadgroup`."
    )


class _Report:
    def __init__(self, result: ScanResult, settings, generated, rules) -> None:
        self.result = result
        self.summary = result.summary
        pytest_config = getattr(settings, "pytest", None)
        self.dist_mode = getattr(pytest_config, "dist_mode", "")
        self.dist_source = getattr(pytest_config, "dist_source", "")
        self.numprocesses = getattr(pytest_config, "numprocesses", "")
        if generated is None:
            generated = datetime.date.today()
        self.generated = generated if isinstance(generated, str) else generated.isoformat()
        self.rules = {rule.code: rule for rule in known_rules(rules)}
        self.by_severity: dict[Severity, list[Finding]] = defaultdict(list)
        self.by_code: dict[str, list[Finding]] = defaultdict(list)
        for finding in result.findings:
            self.by_severity[finding.severity].append(finding)
            self.by_code[finding.code].append(finding)

    # ------------------------------------------------------------------ helpers
    def _codes(self, findings: Iterable[Finding]) -> list[str]:
        """Rule codes of ``findings``, most findings first, then by code."""
        counts: dict[str, int] = defaultdict(int)
        for finding in findings:
            counts[finding.code] += 1
        return sorted(counts, key=lambda code: (-counts[code], code))

    def _name(self, code: str) -> str:
        return self.by_code[code][0].name

    def _section(self, code: str, heading: str) -> str:
        rule = self.rules.get(code)
        return doc_sections(rule).get(heading, "") if rule else ""

    def _analysed(self) -> str:
        files = self.result.files
        conftests = sum(1 for path in files if posixpath.basename(path) == "conftest.py")
        total = self.summary.files_scanned
        if not files or not conftests:
            return str(total)
        modules = len(files) - conftests
        return (
            f"{total} ({_plural(modules, 'test module')}, "
            f"{_plural(conftests, 'conftest.py', 'conftest.py files')})"
        )

    # ------------------------------------------------------------------ sections
    def lines(self) -> list[str]:
        out = self._head()
        out += self._executive_summary()
        for severity in sorted(Severity, reverse=True):
            out += self._severity_section(severity)
        out += self._recommendations()
        out += self._errors()
        out += self._appendix()
        return out

    def summary_lines(self, rows: int) -> list[str]:
        """The short report, with at most ``rows`` directories and ``rows`` files listed."""
        out = self._head(" (summary)")
        out += self._executive_summary()
        if self.result.findings:
            out += ["## Where they are", ""]
            out += self._per_directory(rows)
            out += self._top_files(rows)
        out += self._errors(rows)
        out += [
            "The full report, with every finding, its fix pattern and how to verify it: "
            "`isolint report -o isolint-report.md`.",
            "",
        ]
        return out

    def _per_directory(self, rows: int) -> list[str]:
        by_dir: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.result.findings:
            by_dir[posixpath.dirname(finding.path) or "."].append(finding)
        order = sorted(by_dir, key=lambda d: (-len(by_dir[d]), d))
        out = [
            f"### Findings per directory ({len(by_dir)})",
            "",
            "| Directory | Findings | Files | Rules |",
            "|---|---:|---:|---|",
        ]
        for directory in order[:rows]:
            found = by_dir[directory]
            out.append(
                f"| `{_cell(directory)}/` | {len(found)} | {len(_files(found))} | "
                f"{self._rule_counts(found)} |"
            )
        rest = order[rows:]
        if rest:
            count = sum(len(by_dir[d]) for d in rest)
            out.append(f"| {_plural(len(rest), 'more directory', 'more directories')} | {count} "
                       f"| {len({f.path for d in rest for f in by_dir[d]})} | |")
        return out + [""]

    def _top_files(self, rows: int) -> list[str]:
        by_file: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.result.findings:
            by_file[finding.path].append(finding)
        order = sorted(by_file, key=lambda p: (-len(by_file[p]), p))
        shown = order[:rows]
        out = [
            f"### Files with the most findings (top {len(shown)} of {len(order)})",
            "",
            "| File | Findings | Highest severity | Rules |",
            "|---|---:|---|---|",
        ]
        for path in shown:
            found = by_file[path]
            top = max(f.severity for f in found)
            out.append(f"| `{_cell(path)}` | {len(found)} | {top.name} | {self._rule_counts(found)} |")
        return out + [""]

    def _rule_counts(self, findings: list[Finding]) -> str:
        """"`env_var_pollution` 3, `cwd_pollution` 1": most findings first."""
        return ", ".join(
            f"`{self._name(code)}` {sum(1 for f in findings if f.code == code)}"
            for code in self._codes(findings)
        )

    def _head(self, suffix: str = "") -> list[str]:
        s = self.summary
        out = [
            f"# {TITLE}{suffix}",
            "",
            f"- **Generated:** {self.generated}",
            f"- **Scanner:** isolint {__version__}",
            f"- **Test files analysed:** {self._analysed()}",
            f"- **Files with issues:** {s.files_with_findings}",
        ]
        if s.errors:
            out.append(f"- **Files that could not be scanned:** {s.errors} (see *Errors*)")
        mode = f"`{self.dist_mode}`" if self.dist_mode else "not configured"
        out += [f"- **pytest-xdist mode:** {mode}", "", "---", ""]
        return out

    def _executive_summary(self) -> list[str]:
        s = self.summary
        out = ["## Executive summary", ""]
        if s.total:
            parts = ", ".join(f"{n} {sev.lower()}" for sev, n in s.by_severity.items() if n)
            out.append(
                f"isolint found **{_plural(s.total, 'test-isolation hazard')}** ({parts}) in "
                f"**{s.files_with_findings} of the {_plural(s.files_scanned, 'file')}** analysed. "
                "Each is state that one test can leave behind for the tests that run after it "
                "on the same pytest-xdist worker, or a scheduling assumption xdist does not keep: "
                "the cause of tests that pass alone and fail in parallel, or only on CI."
            )
            out += ["", COUNTING]
        else:
            out.append(
                f"isolint found **no test-isolation hazards** in the "
                f"{_plural(s.files_scanned, 'file')} analysed."
            )
        if s.errors:
            them = "it" if s.errors == 1 else "them"
            out += ["", f"{_plural(s.errors, 'file')} could not be scanned; see *Errors* below. "
                    f"Hazards in {them} are not counted here."]
        out += [
            "",
            "**pytest-xdist mode and `xdist_group`:** "
            + dist_mode_note(self.dist_mode, self.dist_source, self.numprocesses),
            "",
            "### Severity breakdown",
            "",
            "| Severity | Findings | Files | Priority | What it means |",
            "|---|---:|---:|---|---|",
        ]
        if not s.total:
            return out[:-4] + ["---", ""]
        for severity in sorted(Severity, reverse=True):
            findings = self.by_severity[severity]
            if findings:
                out.append(
                    f"| {severity.name} | {len(findings)} | {len(_files(findings))} | "
                    f"{WORDING[severity].priority} | {WORDING[severity].meaning} |"
                )
        out += ["", "### Issue type breakdown", ""]
        out += [
            "| # | Rule | Code | Severity | Findings | Files | What it flags |",
            "|---:|---|---|---|---:|---:|---|",
        ]
        order = sorted(self.by_code, key=lambda c: (-self.by_code[c][0].severity,
                                                    -len(self.by_code[c]), c))
        for number, code in enumerate(order, 1):
            findings = self.by_code[code]
            what = _short(first_paragraph(self._section(code, "What it does")))
            out.append(
                f"| {number} | `{self._name(code)}` | {code} | {findings[0].severity.name} | "
                f"{len(findings)} | {len(_files(findings))} | {_cell(what)} |"
            )
        return out + ["", "---", ""]

    def _severity_section(self, severity: Severity) -> list[str]:
        findings = self.by_severity[severity]
        if not findings:
            return []
        out = [f"## {severity.name} priority: {WORDING[severity].priority}", ""]
        for code in self._codes(findings):
            out += self._rule_section(code, [f for f in findings if f.code == code])
        return out

    def _rule_section(self, code: str, findings: list[Finding]) -> list[str]:
        files = _files(findings)
        out = [
            f"### `{self._name(code)}` ({code}): {_plural(len(findings), 'finding')} in "
            f"{_plural(len(files), 'file')}",
            "",
        ]
        impact = self._section(code, "Why is this bad?")
        if impact:
            out += ["#### Impact", "", impact, ""]
        out += ["#### Affected files", ""]
        by_dir: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            by_dir[posixpath.dirname(finding.path) or "."].append(finding)
        for directory in sorted(by_dir):
            group = by_dir[directory]
            group_files = _files(group)
            out += [
                f"**`{directory}/`** ({_plural(len(group_files), 'file')}, "
                f"{_plural(len(group), 'finding')})",
                "",
            ]
            for path in group_files:
                out.append(f"- `{posixpath.basename(path)}`: " + _scopes(
                    [f for f in group if f.path == path]))
            out.append("")
        fix = self._section(code, "Use instead")
        out += ["#### Fix pattern", ""]
        if fix:
            out += [fix, ""]
        advice = sorted({f.fix for f in findings if f.fix})
        if len(advice) == 1:
            out += [f"In short: {advice[0]}.", ""]
        rule = self.rules.get(code)
        if rule is not None and rule.has_fix():
            out += [
                f"An automatic fix is {rule.fix_availability} available "
                f"({rule.fix_safety.value}).",
                "",
            ]
        out += self._verification(code, files)
        return out

    def _verification(self, code: str, files: list[str]) -> list[str]:
        command, expectation = RUNTIME_CHECKS.get(self._name(code), GENERIC_RUNTIME_CHECK)
        joined = " ".join(files)
        return [
            "#### How to verify the fix",
            "",
            "```bash",
            f"isolint check --select {code} {joined}",
            command.format(files=joined),
            "```",
            "",
            f"The first command must report no {code} finding; in the second, {expectation}.",
            "",
        ]

    def _recommendations(self) -> list[str]:
        out = ["---", "", "## Recommendations", ""]
        number = 0
        for severity in sorted(Severity, reverse=True):
            findings = self.by_severity[severity]
            if not findings:
                continue
            number += 1
            out.append(f"{number}. **{WORDING[severity].horizon} ({severity.name}):**")
            for code in self._codes(findings):
                mine = [f for f in findings if f.code == code]
                files = _files(mine)
                listed = ", ".join(f"`{p}`" for p in files) if len(files) <= 5 else (
                    f"the {len(files)} files listed under {severity.name}")
                out.append(
                    f"   - fix {_plural(len(mine), 'finding')} of `{self._name(code)}` in "
                    f"{_plural(len(files), 'file')}: {listed}"
                )
        if number == 0:
            out.append("Nothing to fix. Keep it that way:")
        if any(f.name == "missing_xdist_group" for f in self.result.findings) and self.dist_mode not in ("loadgroup", "no"):
            number += 1
            out.append(
                f"{number}. **Make `xdist_group` work:** run pytest-xdist with `--dist loadgroup` "
                "(in `addopts`), or the markers added for `missing_xdist_group` do nothing."
            )
        gate = [
            "**Gate CI:** `isolint check --fail-on critical --format sarif -o isolint.sarif` "
            "fails the build on CRITICAL findings and uploads them to code scanning; tighten "
            "`--fail-on` as the counts go down.",
            "**Freeze the rest:** `isolint baseline .isolint-baseline.json` once, then "
            "`isolint check --baseline .isolint-baseline.json` fails only on new findings.",
            "**Catch them before commit:** use the `isolint` pre-commit hook.",
            "**Watch the trend:** `isolint trend --last 20 --chart isolint-trend.svg`.",
        ]
        for item in gate:
            number += 1
            out.append(f"{number}. {item}")
        return out + [""]

    def _errors(self, rows: int | None = None) -> list[str]:
        """The files that could not be scanned (the first ``rows`` of them, when given)."""
        errors = self.result.errors
        if not errors:
            return []
        out = ["## Errors", "", "These files could not be scanned; their hazards are unknown.", "",
               "| File | Reason |", "|---|---|"]
        out += [f"| `{e.path}` | {_cell(e.message)} |" for e in errors[:rows]]
        if rows is not None and len(errors) > rows:
            out.append(f"| {_plural(len(errors) - rows, 'more file')} | |")
        return out + [""]

    def _appendix(self) -> list[str]:
        out = ["---", "", "## Appendix: every finding", ""]
        if not self.result.findings:
            return out + ["No findings.", ""]
        files = _files(self.result.findings)
        severities = [s for s in sorted(Severity, reverse=True) if self.by_severity[s]]
        out += [
            f"### Files with findings ({len(files)})",
            "",
            "| File | " + " | ".join(s.name for s in severities) + " | Total |",
            "|---|" + "---:|" * (len(severities) + 1),
        ]
        for path in files:
            mine = [f for f in self.result.findings if f.path == path]
            counts = [sum(1 for f in mine if f.severity is s) for s in severities]
            out.append(f"| `{path}` | " + " | ".join(map(str, counts)) + f" | {len(mine)} |")
        out += [
            "",
            f"### Findings ({len(self.result.findings)})",
            "",
            "| # | Severity | Rule | Location | Scope | Message |",
            "|---:|---|---|---|---|---|",
        ]
        for number, f in enumerate(self.result.findings, 1):
            scope = f"`{f.scope}`" if f.scope else "module"
            out.append(
                f"| {number} | {f.severity.name} | {f.code} `{f.name}` | "
                f"`{f.path}:{f.line}:{f.col}` | {scope} | {_cell(f.message)} |"
            )
        return out


def _short(text: str) -> str:
    """The first sentence of a rule description without its asides in parentheses and without
    what follows a colon (lists of spellings)."""
    text = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    out, depth = [], 0
    for i, char in enumerate(text):
        if char == "(" and (depth or (i and text[i - 1] == " ")):
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(char)
    text = re.sub(r" +", " ", "".join(out)).replace(" ,", ",")
    return re.split(r":(?:\s|$)", text, maxsplit=1)[0].rstrip(" .")


def _scopes(findings: list[Finding]) -> str:
    """"`TestA` (line 3), `TestB.test_x` (lines 9, 12)" for the findings of one file."""
    lines: dict[str, list[int]] = defaultdict(list)
    for finding in sorted(findings):
        lines[finding.scope].append(finding.line)
    parts = []
    for scope, numbers in sorted(lines.items(), key=lambda kv: kv[1][0]):
        label = f"`{scope}`" if scope else "module level"
        unique = sorted(set(numbers))
        where = f"line {unique[0]}" if len(unique) == 1 else "lines " + ", ".join(map(str, unique))
        parts.append(f"{label} ({where})")
    return ", ".join(parts)
