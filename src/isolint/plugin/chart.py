"""``--isolint-memory-chart FILE.svg``: resident memory after each test, one line per worker.

A pure function of the report: the x axis is each worker's n-th test (the order record), the y axis
the resident size after the test's teardown; the tests with the largest growth are marked and
labelled with their node id, so a reader sees whether a worker's memory climbs, and where. Every
text is XML-escaped (node ids come from the suite). Imported only when the option is given.
"""

from __future__ import annotations

import heapq
from xml.sax.saxutils import escape

from isolint.runtime import Record, RuntimeReport
from isolint.wording import count

WIDTH, HEIGHT = 960, 420
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 50
#: Distinct line colours (one per worker, cycled).
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
#: Points per worker at most (a long run is thinned to its largest value per bucket).
MAX_POINTS = 2000


def _mib(size: float) -> str:
    return f"{size / 2**20:.0f} MiB"


def _thin(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(points) <= MAX_POINTS:
        return points
    size = -(-len(points) // MAX_POINTS)
    return [max(points[i : i + size], key=lambda p: p[1]) for i in range(0, len(points), size)]


def render_memory_chart(report: RuntimeReport, top: int = 5) -> str:
    """The SVG document (a string)."""
    runs: dict[str, list[Record]] = {
        worker: [r for r in tests if r.memory is not None] for worker, tests in report.order().items()
    }
    runs = {worker: tests for worker, tests in runs.items() if tests}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{LEFT}" y="20" font-size="14">Resident memory after each test, per worker (isolint)</text>',
    ]
    if not runs:
        parts.append(f'<text x="{LEFT}" y="{HEIGHT // 2}">no memory samples in this run</text></svg>')
        return "\n".join(parts) + "\n"
    longest = max(len(tests) for tests in runs.values())
    sizes = [r.memory.rss_after for tests in runs.values() for r in tests]  # type: ignore[union-attr]
    low, high = min(sizes), max(sizes)
    if high == low:
        high = low + 2**20
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + plot_w * (index / max(longest - 1, 1))

    def y(size: int) -> float:
        return TOP + plot_h * (1 - (size - low) / (high - low))

    # axes and their labels
    parts.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#444"/>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#444"/>')
    for fraction in (0.0, 0.5, 1.0):
        size = low + (high - low) * fraction
        parts.append(f'<text x="{LEFT - 6}" y="{y(int(size)) + 4:.1f}" text-anchor="end">{_mib(size)}</text>')
    parts.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 12}" text-anchor="middle">n-th test of the worker ({longest} at most)</text>')
    for number, (worker, tests) in enumerate(sorted(runs.items())):
        colour = COLOURS[number % len(COLOURS)]
        points = _thin([(i, r.memory.rss_after) for i, r in enumerate(tests)])  # type: ignore[union-attr]
        path = " ".join(f"{x(i):.1f},{y(s):.1f}" for i, s in points)
        growth = tests[-1].memory.rss_after - tests[0].memory.rss_before  # type: ignore[union-attr]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.2" points="{path}"/>')
        legend = f"{escape(worker)}: {count(len(tests), 'test')}, {'+' if growth >= 0 else ''}{growth / 2**20:.1f} MiB"
        parts.append(f'<text x="{LEFT + plot_w - 4}" y="{TOP + 14 * (number + 1)}" text-anchor="end" fill="{colour}">{legend}</text>')
        largest = heapq.nlargest(top, enumerate(tests), key=lambda item: item[1].memory.rss_growth)  # type: ignore[union-attr]
        for index, record in largest:
            if record.memory.rss_growth <= 0:  # type: ignore[union-attr]
                continue
            px, py = x(index), y(record.memory.rss_after)  # type: ignore[union-attr]
            label = f"{record.nodeid} (+{record.memory.rss_growth / 2**20:.1f} MiB)"  # type: ignore[union-attr]
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"><title>{escape(label)}</title></circle>')
            anchor = "end" if px > LEFT + plot_w * 0.6 else "start"
            dx = -5 if anchor == "end" else 5
            parts.append(f'<text x="{px + dx:.1f}" y="{py - 5:.1f}" text-anchor="{anchor}" fill="{colour}">{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
