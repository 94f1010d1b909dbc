"""Line charts: points spaced by time, estimates dashed, labels placed clear of the line."""

from __future__ import annotations

import math
from typing import Sequence

from ..model import ChartSpec
from ._axes import grid, header, reference, tick_room
from ._scales import Scale, as_years, extent, nice_ticks
from ._spec import axis_values, point_labels
from ._svg import Box, Canvas
from ._text import LABEL_SIZES, ellipsize, text_width


def _x_positions(categories: Sequence[str], start: float, end: float) -> list[float]:
    """Place categories along start..end: in proportion to time when they are dates, else evenly."""
    n = len(categories)
    if n == 1:
        return [(start + end) / 2]
    dates = as_years(categories)
    if dates:
        scale = Scale(dates[0], dates[-1], start, end)
        return [scale(date) for date in dates]
    return [start + (end - start) * i / (n - 1) for i in range(n)]


def draw_line(canvas: Canvas, spec: ChartSpec, derived: Sequence[bool],
              colours: dict[str, str]) -> None:
    """Draw *spec* as a line over gridlines, labelling every point or, when dense, the key ones."""
    labels, n = point_labels(spec, derived), len(spec.values)
    value_size = 8.0
    top = header(canvas, spec, derived, colours, 1.0, "marker") + value_size * 1.3 + 2
    numbers = axis_values(spec)
    lo, hi = min(numbers), max(numbers)
    # Start at zero unless that would flatten the line into a strip at the top (or bottom).
    zero = lo == hi or 0 <= lo <= 0.5 * hi or 0.5 * lo <= hi <= 0
    ticks = nice_ticks(*extent(numbers, zero))
    left = tick_room(ticks)
    inset = max(8, *(text_width(text, size) / 2 for text, size in (
        (labels[0], value_size), (labels[-1], value_size),
        (spec.categories[0], LABEL_SIZES[0]), (spec.categories[-1], LABEL_SIZES[0]))))
    xs = _x_positions(spec.categories, left + inset, canvas.width - 1 - inset)
    spacing = min([b - a for a, b in zip(xs, xs[1:])] or [canvas.width])
    widest = max(text_width(category, LABEL_SIZES[0]) for category in spec.categories)
    label_size = next((size for size in LABEL_SIZES
                       if widest * size / LABEL_SIZES[0] <= spacing - 3), LABEL_SIZES[-1])
    step = max(1, math.ceil((widest * label_size / LABEL_SIZES[0] + 3) / spacing))
    bottom = canvas.height - label_size * 1.2 - 6
    if (min(spec.values) - ticks[0]) / (ticks[-1] - ticks[0]) < 0.08:
        bottom -= value_size * 1.2  # room for a label under the lowest point
    scale_y = Scale(ticks[0], ticks[-1], bottom, top)
    ys = [scale_y(value) for value in spec.values]
    grid(canvas, scale_y, ticks, left, canvas.width - 1, colours)
    for i, (x, category) in enumerate(zip(xs, spec.categories)):
        if (n - 1 - i) % step == 0:  # thin from the latest point back, so it is always labelled
            text = ellipsize(category, label_size, spacing * step - 3)
            canvas.text(x, canvas.height - 4, text, label_size, colours["muted"], anchor="middle",
                        cls="category")
    for i in range(n - 1):
        canvas.add("line", x1=xs[i], y1=ys[i], x2=xs[i + 1], y2=ys[i + 1],
                   stroke=colours["accent"], stroke_width=1.8, stroke_linecap="round",
                   stroke_dasharray="3.5 2.5" if derived[i] or derived[i + 1] else None,
                   class_="series")
    if max(text_width(label, value_size) for label in labels) + 4 <= spacing * 2:
        shown = [True] * n  # labels can alternate above and below
    else:  # too dense to label every point: the ends and the extremes
        keep = {0, n - 1, spec.values.index(max(spec.values)), spec.values.index(min(spec.values))}
        shown = [i in keep for i in range(n)]
    segments = list(zip(zip(xs, ys), zip(xs[1:], ys[1:])))
    markers = [Box(x - 3, y - 3, x + 3, y + 3) for x, y in zip(xs, ys)]
    if ticks[0] < 0 < ticks[-1]:  # keep labels off the zero line
        markers.append(Box(left, scale_y(0) - 0.5, canvas.width - 1, scale_y(0) + 0.5))
    for i, (x, y) in enumerate(zip(xs, ys)):
        if spacing >= 9 or shown[i] or derived[i]:  # dense lines get markers only where labelled
            canvas.add("circle", cx=x, cy=y, r=2.8,
                       fill="#FFFFFF" if derived[i] else colours["accent"],
                       stroke=colours["accent"], stroke_width=1.3,
                       class_="point estimate" if derived[i] else "point")
    for i, (x, y) in enumerate(zip(xs, ys)):
        if shown[i]:
            _point_label(canvas, x, y, labels[i], value_size, colours, segments, markers)
    if spec.reference_value is not None:
        reference(canvas, spec, colours, True, scale_y(spec.reference_value),
                  (left, canvas.width - 1), canvas.text_boxes + markers)


def _point_label(canvas: Canvas, x: float, y: float, text: str, size: float,
                 colours: dict[str, str], segments: list[tuple[tuple[float, float], tuple[float, float]]],
                 markers: list[Box]) -> None:
    """Label a point above, below or beside it, wherever the line and other labels leave room."""
    width = text_width(text, size)
    candidates = [(x, y - 6, "middle"), (x - 4, y - 5, "end"), (x + 4, y - 5, "start"),
                  (x, y + 6 + 0.72 * size, "middle"), (x - 5, y + 3, "end"),
                  (x + 5, y + 3, "start")]

    def cost(candidate: tuple[float, float, str]) -> float:
        cx, cy, anchor = candidate
        x0 = {"start": cx, "middle": cx - width / 2, "end": cx - width}[anchor]
        box = Box(x0, cy - 0.72 * size, x0 + width, cy + 0.22 * size)
        outside = box.x0 < 0 or box.y0 < 0 or box.x1 > canvas.width or box.y1 > canvas.height
        crossings = sum(_crosses(box, a, b) for a, b in segments)
        return (100 * outside + 10 * crossings
                + sum(box.overlaps(other, 1) for other in canvas.text_boxes)
                + sum(box.overlaps(marker) for marker in markers))

    cx, cy, anchor = min(candidates, key=cost)
    canvas.text(cx, cy, text, size, colours["text"], anchor=anchor, cls="value")


def _crosses(box: Box, a: tuple[float, float], b: tuple[float, float]) -> bool:
    steps = 24
    return any(box.x0 - 1 <= a[0] + (b[0] - a[0]) * t / steps <= box.x1 + 1
               and box.y0 - 1 <= a[1] + (b[1] - a[1]) * t / steps <= box.y1 + 1
               for t in range(steps + 1))
