"""Process memory: resident and virtual size (psutil) and the resident high-water mark."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any


class MemorySampler:
    """Reads this process's memory.

    On Linux the sizes come from ``/proc/<pid>/statm`` (the file psutil reads) through a file
    descriptor kept open, so a sample costs one ``pread``: about 1 microsecond instead of
    psutil's ~12 per call, which matters at a sample per test. Elsewhere psutil does it
    (imported only then, and only with ``--isolint``).

    Taking a sample (:meth:`raw`) and reading sizes from it (:meth:`sizes`) are apart: the
    plugin takes one between every two tests and reads them all when it reports.
    """

    def __init__(self) -> None:
        self._process: Any = None
        self.peak_vms = 0
        self.peak_rss_sampled = 0
        self._statm: int | None = None
        self._page = 0
        try:
            import resource

            self._getrusage: Any = functools.partial(resource.getrusage, resource.RUSAGE_SELF)
        except ImportError:  # pragma: no cover - Windows
            self._getrusage = None
        if sys.platform.startswith("linux"):
            try:
                self._statm = os.open(f"/proc/{os.getpid()}/statm", os.O_RDONLY)
                self._page = os.sysconf("SC_PAGE_SIZE")
                # The statm line as bytes; one C call, no Python frame.
                self.raw = functools.partial(os.pread, self._statm, 128, 0)  # type: ignore[method-assign]
                self.sizes(self.raw())
            except (OSError, ValueError):  # pragma: no cover - no procfs
                self.close()
        if self._statm is None:  # pragma: no cover - not Linux: psutil (imported only then)
            import psutil

            self._process = psutil.Process()

    def raw(self) -> Any:
        """A sample as taken: statm's line (bytes) on Linux, else ``(rss, vms)``; see :meth:`sizes`."""
        info = self._process.memory_info()
        return info.rss, info.vms

    def sizes(self, raw: Any) -> tuple[int, int]:
        """``(rss, vms)`` in bytes from a sample of :meth:`raw`; remembers the largest seen."""
        if isinstance(raw, bytes):
            vms_pages, rss_pages, _ = raw.split(None, 2)
            rss, vms = int(rss_pages) * self._page, int(vms_pages) * self._page
        else:
            rss, vms = raw
        if vms > self.peak_vms:
            self.peak_vms = vms
        if rss > self.peak_rss_sampled:
            self.peak_rss_sampled = rss
        return rss, vms

    def sample(self) -> tuple[int, int]:
        """``(rss, vms)`` in bytes, now."""
        return self.sizes(self.raw())

    def close(self) -> None:
        if self._statm is not None:
            os.close(self._statm)
            self._statm = None
            self.__dict__.pop("raw", None)

    def peak_rss(self) -> int:
        """The process's peak resident size in bytes: the kernel's high-water mark (which also
        sees peaks between samples, but is updated lazily) or the largest sample, if larger."""
        if self._getrusage is None:  # pragma: no cover - Windows
            return self.peak_rss_sampled
        peak = self._getrusage().ru_maxrss
        peak = peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB
        return max(peak, self.peak_rss_sampled)
