"""The rule registry: a literal tuple, in code order. Codes are never reused once retired.

Assigned codes:
  ISO001 missing_teardown_method   ISO002 missing_xdist_group   ISO003 env_var_pollution
  ISO004 patch_without_context     ISO005 inert_xdist_group     ISO006 sys_path_pollution
  ISO007 sys_modules_pollution     ISO008 cwd_pollution         ISO009 module_state_pollution
  ISO010 hardcoded_port            ISO011 shared_tmp_path       ISO013 invalid_suppression
  ISO014 unused_suppression

Retired, redirected (``RULE_REDIRECTS``): ISO012 mock_retained_on_instance -> ISO001.
"""

from __future__ import annotations

from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.environment import EnvVarPollution
from isolint.analysis.rules.filesystem_paths import SharedTmpPath
from isolint.analysis.rules.filesystem import CwdPollution
from isolint.analysis.rules.interpreter import SysModulesPollution, SysPathPollution
from isolint.analysis.rules.mock_retention import MissingTeardownMethod
from isolint.analysis.rules.mocks import PatchWithoutContext
from isolint.analysis.rules.module_state import ModuleStatePollution
from isolint.analysis.rules.network import HardcodedPort
from isolint.analysis.rules.suppression import InvalidSuppression, UnusedSuppression
from isolint.analysis.rules.xdist import InertXdistGroup, MissingXdistGroup

ALL_RULES: tuple[type[Rule], ...] = (
    MissingTeardownMethod,
    MissingXdistGroup,
    EnvVarPollution,
    PatchWithoutContext,
    InertXdistGroup,
    SysPathPollution,
    SysModulesPollution,
    CwdPollution,
    ModuleStatePollution,
    HardcodedPort,
    SharedTmpPath,
    InvalidSuppression,
    UnusedSuppression,
)

#: Retired rules: code -> (name, the code of the rule that took them over, why).
RETIRED_RULES: dict[str, tuple[str, str, str]] = {
    "ISO012": (
        "mock_retained_on_instance",
        "ISO001",
        "`missing_teardown_method` now flags the mocks a test class keeps alive (on `self`, on "
        "the class, in module-level containers), which is what this rule found for `self`, "
        "and reports them as CRITICAL: they are what grows a worker's memory.",
    ),
}

#: Retired rule names and codes -> the rule that took them over (ruff's ``rule_redirects``).
#: Accepted wherever a rule can be named: --select, --ignore, severity, per-file-ignores,
#: suppression comments, baselines. Codes are never reused.
RULE_REDIRECTS: dict[str, str] = {
    **{code: target for code, (_, target, _) in RETIRED_RULES.items()},
    **{
        name: next(r.name for r in ALL_RULES if r.code == target)
        for name, target, _ in RETIRED_RULES.values()
    },
}


def retired_page(key: str) -> str | None:
    """The docs page of a retired rule named by ``key`` (name or code): where it went."""
    for code, (name, target, why) in RETIRED_RULES.items():
        if key in (name, code) or key.upper() == code:
            new = rule_by_key(target)
            assert new is not None
            return (
                f"# {name} ({code})\n\n"
                f"Retired: merged into [`{new.name}`]({new.name}.md) ({new.code}). {why}\n\n"
                f"`{name}` and `{code}` are still accepted wherever a rule can be named "
                "(`--select`, `--ignore`, `severity`, `per-file-ignores`, suppression comments, "
                f"baselines) and mean `{new.name}`.\n"
            )
    return None


def rule_by_key(key: str) -> type[Rule] | None:
    """The rule whose name or code is ``key`` (codes case-insensitive), or None. A retired
    name or code gives the rule it was merged into."""
    key = RULE_REDIRECTS.get(key, RULE_REDIRECTS.get(key.upper(), key))
    for rule in ALL_RULES:
        if key == rule.name or key.upper() == rule.code:
            return rule
    return None


def closest_rule_key(key: str) -> str | None:
    """The rule name or code closest to the unknown ``key``, for a did-you-mean; or None."""
    import difflib
    import re

    if re.fullmatch(r"ISO\d+", key, re.IGNORECASE):
        padded = f"ISO{int(key[3:]):03d}"
        if rule_by_key(padded) is not None:
            return padded
    if key[:3].upper() == "ISO":
        known = [rule.code for rule in ALL_RULES]
        close = difflib.get_close_matches(key.upper(), known, n=1, cutoff=0.6)
    else:
        known = [rule.name for rule in ALL_RULES]
        close = difflib.get_close_matches(key, known, n=1)
    return close[0] if close else None
