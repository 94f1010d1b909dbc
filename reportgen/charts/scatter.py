"""Scatter charts: one point per category, the first series across and the second up."""

from __future__ import annotations

from ..model import ChartSpec
from ..numbers import format_number
from ._scales import Scale, extent, nice_ticks
from ._svg import Canvas
from ._text import ellipsize, minus, text_width

_TICK, _LABEL = 7.0, 7.0


def scatter_points(spec: ChartSpec) -> list[tuple[str, float, float]]:
    """Return (category, x, y) for every category with both values; a gap leaves its point out."""
    across, up = spec.all_series()[:2]
    return [(category, x, y) for category, x, y in zip(spec.categories, across.values, up.values)
            if x is not None and y is not None]


def draw_scatter(canvas: Canvas, spec: ChartSpec, colours: dict[str, str]) -> None:
    """Draw the points with their category beside each, gridlines both ways, both axes titled."""
    across, up = spec.all_series()[:2]
    points = scatter_points(spec)
    y_ticks = nice_ticks(*extent([p[2] for p in points], zero=True))
    x_ticks = nice_ticks(*extent([p[1] for p in points], zero=True))
    top = 14.0
    canvas.text(1.0, 8.0, spec.value_title or up.name, 7.5, colours["muted"], cls="unit")
    left = max(text_width(minus(format_number(t)), _TICK) for t in y_ticks) + 5
    right = canvas.width - 4
    bottom = canvas.height - 2 * _TICK * 1.3 - 4
    sy = Scale(y_ticks[0], y_ticks[-1], bottom, top)
    sx = Scale(x_ticks[0], x_ticks[-1], left, right)
    for tick in y_ticks:
        canvas.add("line", x1=left, y1=sy(tick), x2=right, y2=sy(tick), stroke=colours["grid"],
                   stroke_width=0.5, class_="grid")
        canvas.text(left - 4, sy(tick) + 0.33 * _TICK, minus(format_number(tick)), _TICK,
                    colours["muted"], anchor="end", cls="tick")
    for tick in x_ticks:
        canvas.add("line", x1=sx(tick), y1=top, x2=sx(tick), y2=bottom, stroke=colours["grid"],
                   stroke_width=0.5, class_="grid")
        canvas.text(sx(tick), bottom + _TICK * 1.3, minus(format_number(tick)), _TICK,
                    colours["muted"], anchor="middle", cls="tick")
    canvas.text(right, canvas.height - 3, spec.category_title or across.name, 7.5, colours["muted"],
                anchor="end", cls="axis-title")
    for category, x, y in points:
        cx, cy = sx(x), sy(y)
        canvas.add("circle", cx=cx, cy=cy, r=3.0, fill=colours["accent"], stroke="#FFFFFF",
                   stroke_width=0.8, class_="point")
        anchor, lx = ("end", cx - 5) if cx > (left + right) / 2 else ("start", cx + 5)
        canvas.text(lx, cy + 0.33 * _LABEL, ellipsize(category, _LABEL, (right - left) / 3), _LABEL,
                    colours["text"], anchor=anchor, cls="value")
