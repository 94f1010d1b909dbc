"""Column and bar charts: one accent colour, estimates hatched, every value labelled if it fits."""

from __future__ import annotations

import math
from typing import Sequence

from ..model import ChartSpec
from ._axes import grid, hatched_rect, header, reference, tick_room
from ._scales import Scale, as_years, extent, nice_ticks
from ._spec import axis_values, point_labels
from ._svg import Box, Canvas
from ._text import LABEL_SIZES, fit_labels, fits, text_width, wrap

_VALUE_SIZES = (8.5, 8, 7.5, 7, 6.5)


def _bar(canvas: Canvas, x: float, y: float, width: float, height: float, estimate: bool,
         colours: dict[str, str]) -> None:
    """Draw one bar or column; a zero-length one is only its label."""
    if width <= 0 or height <= 0:
        return
    if estimate:
        hatched_rect(canvas, x, y, width, height, colours, "bar estimate")
    else:
        canvas.add("rect", x=float(x), y=float(y), width=float(width), height=float(height),
                   fill=colours["accent"], class_="bar")


def draw_columns(canvas: Canvas, spec: ChartSpec, derived: Sequence[bool],
                 colours: dict[str, str]) -> None:
    """Draw *spec* as vertical columns, with gridlines only when some values go unlabelled."""
    labels, n = point_labels(spec, derived), len(spec.values)
    left, right = 1.0, canvas.width - 1
    top = header(canvas, spec, derived, colours, left, "swatch")
    slot = (right - left) / n
    value_size = next((size for size in _VALUE_SIZES
                       if max(text_width(label, size) for label in labels) <= slot - 2),
                      _VALUE_SIZES[-1])
    shown = _thin(labels, value_size, slot, spec.values)
    numbers = axis_values(spec)
    lo, hi = extent(numbers, zero=True)
    ticks: list[float] = []
    if not all(shown):  # without a label on every column, readers need a scale
        ticks = nice_ticks(lo, hi)
        lo, hi = ticks[0], ticks[-1]
        left = tick_room(ticks)
        slot = (right - left) / n
    label_size, category_lines = fit_labels(spec.categories, slot - 4)
    step = 1
    if as_years(spec.categories) and not all(fits(lines, label_size, slot - 4)
                                             for lines in category_lines):
        # A run of dates reads fine with every n-th label, counted back from the latest.
        label_size = LABEL_SIZES[-1]
        widest = max(text_width(category, label_size) for category in spec.categories)
        step = math.ceil((widest + 4) / slot)
        category_lines = [[category] if (n - 1 - i) % step == 0 else []
                          for i, category in enumerate(spec.categories)]
    lines = max(len(lines) for lines in category_lines)
    bottom = canvas.height - lines * label_size * 1.18 - 5
    room = value_size * 1.25 + 2
    scale = Scale(lo, hi, bottom - (room if lo < 0 else 0), top + room)
    if ticks:
        grid(canvas, scale, ticks, left, right, colours)
    bar_width = min(slot * 0.62, 64)
    zero = scale(0)
    obstacles = []
    for i, (value, estimate) in enumerate(zip(spec.values, derived)):
        centre = left + slot * (i + 0.5)
        y0, y1 = sorted((zero, scale(value)))
        _bar(canvas, centre - bar_width / 2, y0, bar_width, max(y1 - y0, 0.0), estimate, colours)
        obstacles.append(Box(centre - bar_width / 2, y0, centre + bar_width / 2, y1))
        if shown[i]:
            y = y0 - 3 if value >= 0 else y1 + 2 + 0.72 * value_size
            canvas.text(centre, y, labels[i], value_size, colours["text"], anchor="middle",
                        cls="value")
        first = canvas.height - 3 - (lines - 1) * label_size * 1.18
        for j, line in enumerate(category_lines[i]):
            canvas.text(centre, first + j * label_size * 1.18, line, label_size, colours["muted"],
                        anchor="middle", cls="category")
    canvas.add("line", x1=left, y1=zero, x2=right, y2=zero, stroke=colours["baseline"],
               stroke_width=0.8, class_="baseline")
    if spec.reference_value is not None:
        reference(canvas, spec, colours, True, scale(spec.reference_value), (left, right),
                  obstacles + canvas.text_boxes)


def _thin(labels: Sequence[str], size: float, slot: float, values: Sequence[float]) -> list[bool]:
    """Return which value labels to show: all if they fit, else the latest and the extremes."""
    n = len(labels)
    if max(text_width(label, size) for label in labels) <= slot - 2:
        return [True] * n
    keep = {n - 1, values.index(max(values)), values.index(min(values))}
    return [i in keep for i in range(n)]


def draw_bars(canvas: Canvas, spec: ChartSpec, derived: Sequence[bool],
              colours: dict[str, str]) -> None:
    """Draw *spec* as horizontal bars, categories at the left and every value at its bar's end."""
    labels, n = point_labels(spec, derived), len(spec.values)
    top = header(canvas, spec, derived, colours, 1.0, "swatch")
    if spec.reference_value is not None:
        top += 12
    bottom = canvas.height - 2
    row = (bottom - top) / n
    size = next((s for s in LABEL_SIZES if s * 1.15 <= row - 1), 6.0)
    lines_allowed = 2 if row >= 2 * size * 1.15 + 1 else 1
    natural = max(text_width(category, size) for category in spec.categories)
    label_width = min(natural, canvas.width * 0.34)
    category_lines = [wrap(category, size, label_width, lines_allowed)
                      for category in spec.categories]
    value_size = min(8.5, max(size, 6.5))
    widths = [text_width(label, value_size) for label in labels]
    numbers = axis_values(spec)
    lo, hi = extent(numbers, zero=True)
    plot_left = 1.0 + label_width + 6
    left_room = max([w for w, v in zip(widths, spec.values) if v < 0], default=-4) + 4
    right_room = max([w for w, v in zip(widths, spec.values) if v >= 0], default=-4) + 4
    scale = Scale(lo, hi, plot_left + (left_room if lo < 0 else 0), canvas.width - 1 - right_room)
    thickness = min(row * 0.64, 22)
    zero = scale(0)
    obstacles = []
    for i, (value, estimate) in enumerate(zip(spec.values, derived)):
        middle = top + row * (i + 0.5)
        x0, x1 = sorted((zero, scale(value)))
        _bar(canvas, x0, middle - thickness / 2, max(x1 - x0, 0.0), thickness, estimate, colours)
        obstacles.append(Box(x0, middle - thickness / 2, x1, middle + thickness / 2))
        anchor, x = ("start", x1 + 3) if value >= 0 else ("end", x0 - 3)
        canvas.text(x, middle + 0.33 * value_size, labels[i], value_size, colours["text"],
                    anchor=anchor, cls="value")
        lines = category_lines[i]
        first = middle + 0.33 * size - (len(lines) - 1) * size * 1.15 / 2
        for j, line in enumerate(lines):
            canvas.text(1.0 + label_width, first + j * size * 1.15, line, size, colours["muted"],
                        anchor="end", cls="category")
    canvas.add("line", x1=zero, y1=top, x2=zero, y2=bottom, stroke=colours["baseline"],
               stroke_width=0.8, class_="baseline")
    if spec.reference_value is not None:
        reference(canvas, spec, colours, False, scale(spec.reference_value), (top, bottom),
                  obstacles + canvas.text_boxes)
