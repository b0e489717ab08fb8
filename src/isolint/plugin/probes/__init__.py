"""The probes, in report order. Each watches one kind of process-wide state."""

from __future__ import annotations

from isolint.plugin.probes.base import MISSING, Probe, changed_keys
from isolint.plugin.probes.environment import CWD, ENVIRONMENT
from isolint.plugin.probes.imports import MODULES, PATH
from isolint.plugin.probes.mocks import PATCHES
from isolint.plugin.probes.stdlib_state import LOGGING, SOCKET, WARNINGS
from isolint.plugin.probes.threads import SIGNALS, THREADS

ALL_PROBES: tuple[Probe, ...] = (
    ENVIRONMENT,
    PATCHES,
    MODULES,
    PATH,
    CWD,
    THREADS,
    SIGNALS,
    LOGGING,
    WARNINGS,
    SOCKET,
)

__all__ = ["ALL_PROBES", "MISSING", "Probe", "changed_keys"]
