"""Automatic fixes (``isolint check --fix``): one LibCST fixer module per fixable rule.

Importing this package is cheap; LibCST is imported only when a fixer is loaded, so the plain
``isolint check`` path never pays for it. ``FIXERS`` maps a rule name to ``"module:Class"``;
``FIX_ORDER`` is the order fixers run in (a later fixer sees the code an earlier one wrote:
a stop that the patch fixer put in ``teardown_method`` is followed by the ``gc.collect()`` the
teardown fixer adds to the same method).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from isolint.fixes.base import Fixer

FIXERS: dict[str, str] = {
    "env_var_pollution": "isolint.fixes.environment:EnvFixer",
    "sys_path_pollution": "isolint.fixes.process_state:SysPathFixer",
    "sys_modules_pollution": "isolint.fixes.process_state:SysModulesFixer",
    "cwd_pollution": "isolint.fixes.process_state:CwdFixer",
    "patch_without_context": "isolint.fixes.patches:PatchFixer",
    "missing_teardown_method": "isolint.fixes.teardown:TeardownFixer",
    "missing_xdist_group": "isolint.fixes.xdist:XdistGroupFixer",
}
FIX_ORDER = tuple(FIXERS)


def load_fixer(rule_name: str) -> "Fixer | None":
    """The fixer for ``rule_name`` (None when the rule has none or its module is missing)."""
    spec = FIXERS.get(rule_name)
    if spec is None:
        return None
    module_name, _, class_name = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, class_name)()


__all__ = ["FIXERS", "FIX_ORDER", "load_fixer"]
