"""Suppression comments: ``# isolint: ignore[...]``, ``# noqa`` and ``# noqa: ISO003``, and the
rules about them (``invalid_suppression``, the opt-in ``unused_suppression``)."""

from __future__ import annotations

from isolint.config import Settings
from isolint.engine import enabled_rules, scan_source
from isolint.analysis.rules import closest_rule_key
from isolint.suppressions import ALL, comments, parse_suppressions

ENV = 'import os\n\ndef test_env():\n    os.environ["A"] = "1"  {comment}\n'


def names(comment: str, **settings) -> list[str]:
    result = scan_source(ENV.format(comment=comment), "test_s.py", Settings(**settings))
    return [f.name for f in result.findings]


def messages(comment: str, **settings) -> list[str]:
    result = scan_source(ENV.format(comment=comment), "test_s.py", Settings(**settings))
    return [f.message for f in result.findings]


def test_bare_noqa_silences_every_rule_on_its_line():
    assert names("# noqa") == []
    assert names("#noqa") == []
    assert names("# noqa:") == []


def test_noqa_with_codes_silences_only_those():
    assert names("# noqa: ISO003,ISO004") == []
    assert names("# noqa: ISO004") == ["env_var_pollution"]
    assert names("# noqa: E501") == ["env_var_pollution"]


def test_misspelled_name_is_an_invalid_suppression_with_did_you_mean():
    env, invalid = messages("# isolint: ignore[env_var_polution]")
    assert env.startswith('`os.environ["A"] = "1"` changes the environment')
    assert invalid == ("unknown rule `env_var_polution` in `# isolint: ignore[env_var_polution]`; "
                       "did you mean `env_var_pollution`?")


def test_unknown_codes():
    found = scan_source(ENV.format(comment="# noqa: ISO03, ISO999"), "test_s.py").findings
    invalid = [f for f in found if f.name == "invalid_suppression"]
    assert [f.message.split(";")[0] for f in invalid] == [
        "unknown rule `ISO03` in `# noqa: ISO03, ISO999`",
        "unknown rule `ISO999` in `# noqa: ISO03, ISO999`",
    ]
    assert invalid[0].message.endswith("did you mean `ISO003`?")
    assert invalid[0].severity.name == "LOW" and invalid[0].code == "ISO013"
    assert [(f.line, f.col) for f in invalid] == [(4, 36), (4, 43)]
    assert invalid[0].scope == "test_env"


def test_other_tools_codes_in_noqa_are_not_invalid():
    assert names("# noqa: E501, W291, B008") == ["env_var_pollution"]


def test_invalid_suppression_can_be_ignored_and_suppressed():
    assert names("# isolint: ignore[nope]", ignore=("invalid_suppression",)) == ["env_var_pollution"]
    assert names("# isolint: ignore[nope, invalid_suppression]") == ["env_var_pollution"]


def test_unused_suppression_is_off_unless_selected():
    assert "unused_suppression" not in {r.name for r in enabled_rules(Settings())}
    assert "unused_suppression" in {r.name for r in enabled_rules(Settings(extend_select=("ISO014",)))}
    source = 'def test_a(monkeypatch):\n    monkeypatch.setenv("A", "1")  # noqa: ISO003\n'
    assert scan_source(source, "test_s.py").findings == ()
    found = scan_source(source, "test_s.py", Settings(extend_select=("unused_suppression",))).findings
    assert [f.message for f in found] == ["`# noqa: ISO003` silences nothing (unused: `ISO003`)"]


def test_unused_names_only_the_unused_keys_and_disabled_rules():
    assert messages("# isolint: ignore[ISO003, ISO004]", extend_select=("ISO014",)) == [
        "`# isolint: ignore[ISO003, ISO004]` silences nothing (unused: `ISO004`)"
    ]
    assert messages("# noqa: ISO003", select=("ISO014",)) == [
        '`# noqa: ISO003` silences nothing (unused: `ISO003` (not enabled))'
    ]


def test_bare_noqa_is_never_unused():
    source = 'def test_a(monkeypatch):\n    monkeypatch.setenv("A", "1")  # noqa\n'
    assert scan_source(source, "test_s.py", Settings(select=("ISO014",))).findings == ()


def test_keys_resolve_through_the_registry_lookup():
    """Old names of merged rules resolve the way the registry resolves them."""
    lookup = {"old_env_rule": "env_var_pollution"}.get
    (sup,) = parse_suppressions("x = 1  # noqa: old_env_rule\n", lookup)[1]
    assert sup.keys == {"env_var_pollution"} and sup.unknown == ()
    (sup,) = parse_suppressions("x = 1  # isolint: ignore\n", lookup)[1]
    assert sup.keys == {ALL}


def test_closest_rule_key():
    assert closest_rule_key("ISO3") == "ISO003"
    assert closest_rule_key("iso0004") == "ISO004"
    assert closest_rule_key("sys_path_polution") == "sys_path_pollution"
    assert closest_rule_key("zzzz") is None


TRICKY = (
    'a = "# noqa"  # one\n'
    "b = '''\n# noqa: ISO003 inside a string\n'''  # two\n"
    'c = "\\"# not"  # three \'"\n'
    "d = r'\\'# not'  # four\n"
    'e = f"{a!r}#x" f\'{b}\'  # five """\n'
    '"""doc # not\n"""\n'
    "# six, at column 0\n"
    "g = 1  # seven\r\n"
    "h = ('x'  # eight\n     'y')\n"
    'i = """a "" b \\""" # not"""  # nine\n'
    'j = """quote at the end\\""""  # ten\n'
    "k = '''a' '' # not\n''' '''b'''  # eleven\n"
)


def test_comments_are_the_ones_tokenize_finds():
    import io
    import tokenize

    expected = [(t.start[0], t.start[1], t.string) for t in
                tokenize.generate_tokens(io.StringIO(TRICKY).readline) if t.type == tokenize.COMMENT]
    assert list(comments(TRICKY)) == expected
    assert [text.split()[1] for _, _, text in expected] == [
        "one", "two", "three", "four", "five", "six,", "seven", "eight", "nine", "ten", "eleven"]


def test_noqa_and_isolint_in_any_case_are_found():
    for spelling in ("# NOQA", "# NoQa: ISO003", "# ISOLINT: ignore[env_var_pollution]"):
        assert names(spelling) == [], spelling
