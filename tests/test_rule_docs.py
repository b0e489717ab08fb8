"""Rule documentation: the committed pages in docs/rules/ are up to date, every rule's
"## Example" is reported by that rule and its "## Use instead" is not, and `isolint rules` /
`isolint rule NAME` print them."""

from __future__ import annotations

import importlib.util
import re
import textwrap
from pathlib import Path

import pytest

from isolint import cli
from isolint.config import load_settings
from isolint.engine import scan_source
from isolint.analysis.rules import ALL_RULES
from isolint.analysis.rules.base import Rule

ROOT = Path(__file__).resolve().parent.parent
RULE_IDS = [rule.name for rule in ALL_RULES]
#: Config blocks in a docs section become these files next to the example.
CONFIG_FILES = {"ini": "pytest.ini", "toml": "pyproject.toml"}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def section(rule: type[Rule], heading: str) -> str:
    """The text under ``## heading`` in the rule's docstring, up to the next heading."""
    doc = textwrap.dedent(rule.__doc__ or "")
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", doc, re.DOTALL | re.MULTILINE)
    assert match, f"{rule.name}: no '## {heading}' section"
    return match.group(1)


def blocks(text: str, language: str) -> list[str]:
    return [code for lang, code in FENCE.findall(text) if lang == language]


def scan_section(rule: type[Rule], heading: str, tmp_path: Path) -> list[list[str]]:
    """Scan each python block of the section with that rule, under the section's config blocks
    (```ini -> pytest.ini, ```toml -> pyproject.toml); the findings' names per block."""
    text = section(rule, heading)
    directory = tmp_path / heading.replace(" ", "_")
    directory.mkdir()
    for language, filename in CONFIG_FILES.items():
        for config in blocks(text, language):
            (directory / filename).write_text(config)
    settings = load_settings([directory], directory).with_overrides(select=(rule.name,))
    codes = blocks(text, "python")
    assert codes, f"{rule.name}: '## {heading}' has no ```python block"
    out = []
    for code in codes:
        result = scan_source(code, "test_example.py", settings)
        assert not result.errors, result.errors
        out.append([f.name for f in result.findings])
    return out


def test_committed_pages_are_up_to_date() -> None:
    stale = load_generator().stale()
    assert not stale, f"stale docs/rules pages {stale}: run `python scripts/gen_rule_docs.py`"


def test_index_lists_every_rule_in_code_order() -> None:
    index = load_generator().index_page()
    assert re.findall(r"^\| (ISO\d{3}) ", index, re.M) == sorted(r.code for r in ALL_RULES)


def test_generator_writes_and_removes_pages(tmp_path: Path) -> None:
    generator = load_generator()
    (tmp_path / "retired_rule.md").write_text("# gone\n")
    (tmp_path / "env_var_pollution.md").write_text("old\n")
    changed = generator.write(tmp_path)
    assert {"retired_rule.md", "env_var_pollution.md", "README.md"} <= set(changed)
    assert not (tmp_path / "retired_rule.md").exists()
    assert generator.stale(tmp_path) == []
    assert generator.write(tmp_path) == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=RULE_IDS)
def test_docs_have_every_heading(rule: type[Rule]) -> None:
    page = rule.documentation()
    headings = re.findall(r"^## (.+)$", page, re.M)
    assert headings == ["What it does", "Why is this bad?", "Example", "Use instead", "Fix safety"]


@pytest.mark.parametrize("rule", ALL_RULES, ids=RULE_IDS)
def test_example_is_reported(rule: type[Rule], tmp_path: Path) -> None:
    for names in scan_section(rule, "Example", tmp_path):
        assert rule.name in names, f"{rule.name}: its docs Example is not reported"


@pytest.mark.parametrize("rule", ALL_RULES, ids=RULE_IDS)
def test_use_instead_is_not_reported(rule: type[Rule], tmp_path: Path) -> None:
    for names in scan_section(rule, "Use instead", tmp_path):
        assert names == [], f"{rule.name}: its docs 'Use instead' is reported"


# --------------------------------------------------------------------------- the CLI
def test_rules_command_lists_codes_in_order_with_fix_safety(capsys) -> None:
    assert cli.main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [r.code for r in ALL_RULES]
    by_code = {line.split()[0]: line for line in lines}
    assert by_code["ISO001"].endswith("fix: safe")
    assert "fix:" not in by_code["ISO005"]


@pytest.mark.parametrize("rule", ALL_RULES, ids=RULE_IDS)
def test_rule_command_prints_the_page(rule: type[Rule], capsys) -> None:
    page = (ROOT / "docs" / "rules" / f"{rule.name}.md").read_text(encoding="utf-8")
    for key in (rule.name, rule.code, rule.code.lower()):
        assert cli.main(["rule", key]) == 0
        assert capsys.readouterr().out == page


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [("cwd_polution", "cwd_pollution"), ("inert_xdist", "inert_xdist_group"), ("ISO05", "ISO005")],
)
def test_rule_command_unknown_name_suggests(key: str, suggestion: str, capsys) -> None:
    assert cli.main(["rule", key]) == 2
    err = capsys.readouterr().err
    assert f"unknown rule {key!r}" in err
    assert f"did you mean {suggestion!r}" in err


def test_rule_command_as_a_subprocess() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "isolint", "rule", "no_such_rule"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "unknown rule 'no_such_rule'" in done.stderr
    assert done.stdout == ""
