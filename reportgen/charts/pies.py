"""Pie and doughnut charts: shades of the accent, with a legend of values and shares beside them."""

from __future__ import annotations

import math
from typing import Sequence

from ..colours import tint
from ..model import ChartSpec, format_number
from ._spec import percent, point_labels
from ._svg import Canvas, num
from ._text import ellipsize, minus, text_width


def draw_pie(canvas: Canvas, spec: ChartSpec, derived: Sequence[bool], colours: dict[str, str],
             hole: bool) -> None:
    """Draw *spec* as a pie at the left, or a doughnut with the total in its hole, and a legend."""
    n, total = len(spec.values), sum(spec.values)
    radius = min(canvas.height / 2 - 4, canvas.width * 0.22)
    cx, cy = 2 + radius, canvas.height / 2
    shades = [tint(colours["accent"], 0.78 * i / max(n - 1, 1)) for i in range(n)]
    inner = radius * 0.58 if hole else 0.0
    angle = -math.pi / 2
    for i, value in enumerate(spec.values):
        sweep = 2 * math.pi * value / total
        if sweep > 0:
            path = _sector(cx, cy, radius, inner, angle, angle + sweep)
            canvas.add("path", d=path, fill=shades[i], stroke="#FFFFFF", stroke_width=1.0,
                       class_="slice estimate" if derived[i] else "slice")
            if derived[i]:
                canvas.add("path", d=path, fill=canvas.hatch(), class_="hatch")
        angle += sweep
    if hole:
        total_label, caption = _centre(spec, total, any(derived))
        canvas.text(cx, cy + 2, total_label, 10, colours["text"], anchor="middle", bold=True,
                    cls="total")
        if caption:
            canvas.text(cx, cy + 11, ellipsize(caption, 7, inner * 1.6), 7, colours["muted"],
                        anchor="middle", cls="unit" if spec.reference_value is None else "whole")
    _legend(canvas, spec, derived, colours, shades, cx + radius + 18, cy)


def _centre(spec: ChartSpec, total: float, derived: bool) -> tuple[str, str]:
    """Return what a doughnut's hole says: the whole its reference names (as reported, with its
    name), or else the sum of its segments (starred when one is derived) and the unit."""
    if spec.reference_value is None:
        return minus(format_number(total)) + ("*" if derived else ""), spec.unit
    name = spec.reference_label.partition(":")[0]
    return minus(format_number(spec.reference_value)), name


def _legend(canvas: Canvas, spec: ChartSpec, derived: Sequence[bool], colours: dict[str, str],
            shades: Sequence[str], left: float, middle: float) -> None:
    """List the slices beside the pie: swatch, category, value and share, centred on *middle*."""
    n, total = len(spec.values), sum(spec.values)
    rows = n + any(derived) + bool(spec.unit)
    row = min(15.0, (canvas.height - 4) / rows)
    size = min(8.0, max(5.5, row / 1.25))
    values = point_labels(spec, derived)
    shares = [percent(value, total) for value in spec.values]
    share_width = max(text_width(share, size) for share in shares)
    value_width = max(text_width(value, size) for value in values)
    room = canvas.width - 1 - (left + 12) - value_width - share_width - 24
    names = [ellipsize(category, size, room) for category in spec.categories]
    value_x = left + 12 + max(text_width(name, size) for name in names) + 16 + value_width
    y = middle - (rows - 1) * row / 2 + 0.33 * size
    if spec.unit:
        canvas.text(value_x + 8 + share_width, y, spec.unit, min(size, 7.5), colours["muted"],
                    anchor="end", cls="unit")
        y += row
    for i in range(n):
        canvas.add("rect", x=left, y=y - 0.72 * size, width=0.9 * size, height=0.9 * size,
                   fill=shades[i], class_="swatch")
        if derived[i]:
            canvas.add("rect", x=left, y=y - 0.72 * size, width=0.9 * size, height=0.9 * size,
                       fill=canvas.hatch(), class_="hatch")
        canvas.text(left + 12, y, names[i], size, colours["text"], cls="category")
        canvas.text(value_x, y, values[i], size, colours["text"], anchor="end", cls="value")
        canvas.text(value_x + 8 + share_width, y, shares[i], size, colours["muted"], anchor="end",
                    cls="share")
        y += row
    if any(derived):
        canvas.text(left + 12, y, spec.derived_key, 7, colours["muted"], cls="key")


def _sector(cx: float, cy: float, outer: float, inner: float, start: float, end: float) -> str:
    """Return the path of a pie slice or, with *inner*, a doughnut segment."""
    if end - start >= 2 * math.pi - 1e-9:  # a full circle cannot be one arc
        half = start + math.pi
        return (_sector(cx, cy, outer, inner, start, half)
                + _sector(cx, cy, outer, inner, half, end))
    large = 1 if end - start > math.pi else 0

    def point(r: float, a: float) -> str:
        return f"{num(cx + r * math.cos(a))} {num(cy + r * math.sin(a))}"

    path = f"M{point(outer, start)}A{num(outer)} {num(outer)} 0 {large} 1 {point(outer, end)}"
    if inner:
        path += (f"L{point(inner, end)}A{num(inner)} {num(inner)} 0 {large} 0"
                 f" {point(inner, start)}Z")
    else:
        path += f"L{num(cx)} {num(cy)}Z"
    return path
