"""Server-rendered SVG charts: no script, no external library, readable by screen readers.

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (the desc
sums the data up in a sentence); every bar and point has a ``<title>`` with its exact value
(a tooltip on hover). The page puts a data table next to each chart. Every text is escaped.
Colours meet 3:1 against white and the two series of the line chart also differ in line style
and marker shape, so colour is never the only difference.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from markupsafe import Markup, escape

INK = "#1d2a2f"
MUTED = "#4a5a60"
GRID = "#d5dedb"
BAR = "#1f6f5c"
BEFORE = "#1f5f8b"
AFTER = "#b3541e"


@dataclass(frozen=True)
class Point:
    label: str  # shown on the axis (may be shortened)
    value: Optional[float]
    title: str  # the tooltip / accessible text of this bar or point


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Optional[float]]  # one per category; None leaves a gap
    colour: str
    dashed: bool = False
    marker: str = "circle"  # or "square"


def nice_scale(value: float, target_ticks: int = 4) -> Tuple[float, int]:
    """An axis top and tick count for counts up to ``value``: steps of 1, 2 or 5 times a power of ten.

    Counts get whole-number ticks (a top of 2 has ticks 0, 1, 2, not 0.5 apart).
    """
    if value <= 0:
        return 1.0, 1
    raw = max(value / target_ticks, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 5, 10) if s * power >= raw)
    ticks = max(1, math.ceil(value / step))
    return float(step * ticks), ticks


def _number(value: float) -> str:
    return f"{value:g}"


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> List[str]:
    return [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]


def _y_axis(parts: List[str], left: int, top: int, plot_w: int, plot_h: int, top_value: float, ticks: int) -> None:
    for i in range(ticks + 1):
        value = top_value * i / ticks
        y = top + plot_h - plot_h * i / ticks
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{MUTED}">{escape(_number(value))}</text>'
        )


def bar_chart(chart_id: str, title: str, desc: str, points: Sequence[Point], width: int = 720, height: int = 260) -> Markup:
    """Vertical bars, one per point (e.g. conversations per day); about eight axis labels at most."""
    left, right, top, bottom = 44, 12, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value, ticks = nice_scale(max((p.value or 0 for p in points), default=0))
    parts = _open(chart_id, title, desc, width, height)
    _y_axis(parts, left, top, plot_w, plot_h, top_value, ticks)
    n = max(len(points), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.7, 1.0)
    every = max(1, math.ceil(n / 8))
    for i, point in enumerate(points):
        value = point.value or 0
        h = plot_h * value / top_value
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{max(h, 0):.1f}" fill="{BAR}">'
            f"<title>{escape(point.title)}</title></rect>"
        )
        if i % every == 0:
            cx = left + i * slot + slot / 2
            parts.append(
                f'<text x="{cx:.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="12" fill="{MUTED}">{escape(point.label)}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def hbar_chart(chart_id: str, title: str, desc: str, points: Sequence[Point], width: int = 720, label_width: int = 190) -> Markup:
    """Horizontal bars with their label on the left and value on the right (e.g. top intents)."""
    row, top, right = 26, 8, 56
    height = top * 2 + row * max(len(points), 1)
    plot_w = width - label_width - right
    top_value = max((p.value or 0 for p in points), default=0) or 1
    parts = _open(chart_id, title, desc, width, height)
    for i, point in enumerate(points):
        value = point.value or 0
        y = top + i * row
        w = plot_w * value / top_value
        label = point.label if len(point.label) <= 26 else point.label[:25] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end" font-size="13" fill="{INK}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row - 8}" fill="{BAR}">'
            f"<title>{escape(point.title)}</title></rect>"
        )
        parts.append(
            f'<text x="{label_width + w + 6:.1f}" y="{y + row / 2 + 4:.1f}" font-size="13" fill="{INK}">{escape(_number(value))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    y_max: float = 10,
    point_titles: Optional[Sequence[Sequence[str]]] = None,
    width: int = 720,
    height: int = 280,
) -> Markup:
    """Lines over evenly spaced categories (e.g. exercises in time order), one per series, with a legend.

    A None value leaves a gap in its line. ``point_titles[s][i]`` is the tooltip of series s at i.
    """
    left, right, top, bottom = 44, 16, 36, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = _open(chart_id, title, desc, width, height)
    _y_axis(parts, left, top, plot_w, plot_h, y_max, 5)
    n = max(len(categories), 1)
    slot = plot_w / n

    def x_of(i: int) -> float:
        return left + i * slot + slot / 2

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * max(0.0, min(value, y_max)) / y_max

    every = max(1, math.ceil(n / 8))
    for i, label in enumerate(categories):
        if i % every == 0:
            parts.append(
                f'<text x="{x_of(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="12" fill="{MUTED}">{escape(label)}</text>'
            )
    # The legend, in the top margin: a sample of each line and marker, and the name.
    lx = left
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        parts.append(f'<line x1="{lx}" x2="{lx + 28}" y1="14" y2="14" stroke="{s.colour}" stroke-width="2.5"{dash}/>')
        parts.append(_marker(s, lx + 14, 14, None))
        parts.append(f'<text x="{lx + 36}" y="18" font-size="13" fill="{INK}">{escape(s.name)}</text>')
        lx += 36 + 9 * len(s.name) + 24
    for index, s in enumerate(series):
        segments: List[List[Tuple[float, float]]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                if segments[-1]:
                    segments.append([])
                continue
            segments[-1].append((x_of(i), y_of(value)))
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        for segment in segments:
            if len(segment) > 1:
                path = " ".join(f"{'M' if j == 0 else 'L'}{x:.1f},{y:.1f}" for j, (x, y) in enumerate(segment))
                parts.append(f'<path d="{path}" fill="none" stroke="{s.colour}" stroke-width="2.5"{dash}/>')
        for i, value in enumerate(s.values):
            if value is None:
                continue
            tip = point_titles[index][i] if point_titles is not None else f"{s.name}: {_number(value)}"
            parts.append(_marker(s, x_of(i), y_of(value), tip))
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def _marker(s: Series, x: float, y: float, tip: Optional[str]) -> str:
    inner = f"<title>{escape(tip)}</title>" if tip else ""
    if s.marker == "square":
        return f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" fill="{s.colour}">{inner}</rect>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{s.colour}">{inner}</circle>'


def short_day(day: dt.date) -> str:
    """``Mar 20``."""
    return f"{day:%b} {day.day}"
