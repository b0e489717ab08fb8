"""Process memory: resident and virtual size (psutil) and the resident high-water mark."""

from __future__ import annotations

import sys


class MemorySampler:
    """Reads this process's memory; psutil is imported only when the plugin is enabled."""

    def __init__(self) -> None:
        import psutil

        self._process = psutil.Process()
        self.peak_vms = 0
        self._peak_rss_sampled = 0

    def sample(self) -> tuple[int, int]:
        """``(rss, vms)`` in bytes; remembers the largest sizes seen."""
        info = self._process.memory_info()
        self.peak_vms = max(self.peak_vms, info.vms)
        self._peak_rss_sampled = max(self._peak_rss_sampled, info.rss)
        return info.rss, info.vms

    def peak_rss(self) -> int:
        """The process's peak resident size in bytes: the kernel's high-water mark (which also
        sees peaks between samples, but is updated lazily) or the largest sample, if larger."""
        try:
            import resource
        except ImportError:  # pragma: no cover - Windows
            return self._peak_rss_sampled
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak = peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB
        return max(peak, self._peak_rss_sampled)
