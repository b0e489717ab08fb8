"""Rules about the suppression comments themselves (``# isolint: ignore[...]``, ``# noqa``).

They read comments, not the syntax tree: the engine reports them from the parsed suppressions
(:mod:`isolint.suppressions`) after the other rules ran, and never dispatches nodes to them.
"""

from __future__ import annotations

from isolint.model import Severity
from isolint.analysis.rules.base import Rule


class InvalidSuppression(Rule):
    """
    ## What it does
    Flags a suppression comment that names a rule that does not exist: an unknown rule name or
    code in `# isolint: ignore[...]`, or an unknown `ISO` code in `# noqa: ...`, with the
    closest existing name or code. Codes of other tools in a `# noqa` (`E501`) are left alone.

    ## Why is this bad?
    A misspelled suppression silences nothing, so the finding it was meant to silence stays
    and nobody learns why; or the finding went away and the typo hides that the comment is
    stale.

    ## Example
    ```python
    import os

    def test_debug_mode():
        os.environ["APP_DEBUG"] = "1"  # isolint: ignore[env_var_polution]
    ```

    ## Use instead
    ```python
    import os

    def test_debug_mode():
        os.environ["APP_DEBUG"] = "1"  # isolint: ignore[env_var_pollution]
    ```

    ## Fix safety
    No automatic fix: which rule was meant is for a person to decide.
    """

    code = "ISO013"
    name = "invalid_suppression"
    severity = Severity.LOW
    message = "unknown rule `{key}` in `{directive}`{hint}"
    fix = "name an existing rule or code (`isolint rules` lists them)"


class UnusedSuppression(Rule):
    """
    ## What it does
    Flags `# isolint: ignore[...]` comments, and `ISO` codes in `# noqa: ...` comments, that
    silence no finding on their line (ruff's `RUF100`). Off unless selected:
    `--extend-select unused_suppression`.

    A bare `# noqa`, and a `# noqa` that names no isolint rule, may be there for another tool
    (flake8, ruff) and is never reported. A rule named by a suppression but not enabled is
    reported with "(not enabled)". A suppression that names `unused_suppression` itself is
    never reported.

    ## Why is this bad?
    A suppression that silences nothing is left over from a fixed hazard; it will also silence
    the next real hazard on that line, unnoticed.

    ## Example
    ```python
    import os

    def test_debug_mode(monkeypatch):
        monkeypatch.setenv("APP_DEBUG", "1")  # noqa: ISO003
    ```

    ## Use instead
    ```python
    def test_debug_mode(monkeypatch):
        monkeypatch.setenv("APP_DEBUG", "1")
    ```

    ## Fix safety
    No automatic fix: a suppression may be meant for a configuration where its rule is enabled.
    """

    code = "ISO014"
    name = "unused_suppression"
    severity = Severity.LOW
    message = "`{directive}` silences nothing ({unused})"
    fix = "remove the suppression (or the unused names in it)"
    default_enabled = False
