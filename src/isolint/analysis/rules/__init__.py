"""The rule registry: a literal tuple, in code order. Codes are never reused once retired.

Assigned codes:
  ISO001 missing_teardown_method   ISO002 missing_xdist_group   ISO003 env_var_pollution
  ISO004 patch_without_context     ISO005 inert_xdist_group     ISO006 sys_path_pollution
  ISO007 sys_modules_pollution     ISO008 cwd_pollution         ISO009 module_state_pollution
  ISO010 hardcoded_port            ISO011 shared_tmp_path       ISO012 mock_retained_on_instance
  ISO013 invalid_suppression      ISO014 unused_suppression
"""

from __future__ import annotations

from isolint.analysis.rules.base import Rule
from isolint.analysis.rules.environment import EnvVarPollution
from isolint.analysis.rules.filesystem_paths import SharedTmpPath
from isolint.analysis.rules.filesystem import CwdPollution
from isolint.analysis.rules.interpreter import SysModulesPollution, SysPathPollution
from isolint.analysis.rules.mock_retention import MockRetainedOnInstance
from isolint.analysis.rules.mocks import MissingTeardownMethod, PatchWithoutContext
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
    MockRetainedOnInstance,
    InvalidSuppression,
    UnusedSuppression,
)


def rule_by_key(key: str) -> type[Rule] | None:
    """The rule whose name or code is ``key`` (codes case-insensitive), or None."""
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
