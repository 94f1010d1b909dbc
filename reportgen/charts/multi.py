"""Charts of several series from a table: grouped or stacked columns and bars, lines, areas, combos.

A legend of the series sits at the top beside the unit; gridlines give the scale; values are
labelled where they fit. A missing cell is a gap: no bar, a break in the line or the area.
"""

from __future__ import annotations

from typing import Sequence

from ..model import ChartSpec, Series
from ._axes import grid, reference
from ._colours import series_colours
from ._scales import Scale, extent, nice_ticks
from ._svg import Canvas, num
from ._text import fit_labels, minus, text_width, wrap

_VALUE = 7.0  # size of value labels
_LEGEND = 7.5


def stacked_values(spec: ChartSpec) -> list[list[tuple[float, float] | None]]:
    """Return, per series and category, the (bottom, top) of its segment; None at a gap.

    A gap adds nothing to the stack. For a 100% stack the values are shares of each category's total.
    """
    series = spec.all_series()
    n = len(spec.categories)
    totals = [sum(abs(s.values[i] or 0.0) for s in series) or 1.0 for i in range(n)]
    below, above = [0.0] * n, [0.0] * n
    result: list[list[tuple[float, float] | None]] = []
    for s in series:
        row: list[tuple[float, float] | None] = []
        for i, value in enumerate(s.values):
            if value is None:
                row.append(None)
                continue
            value = 100 * value / totals[i] if spec.stack == "percent" else value
            base = above if value >= 0 else below
            row.append((base[i], base[i] + value))
            base[i] += value
        result.append(row)
    return result


def _value_range(spec: ChartSpec) -> tuple[float, float]:
    if spec.stack:
        ends = [end for row in stacked_values(spec) for seg in row if seg for end in seg]
    else:
        ends = [v for s in spec.all_series() for v in s.values if v is not None]
    if spec.reference_value is not None:
        ends.append(spec.reference_value)
    return extent(ends or [0.0], zero=True)


def legend(canvas: Canvas, spec: ChartSpec, colours: Sequence[str], main: dict[str, str]) -> float:
    """Draw the unit and a legend of the series (a swatch or a line each); return its height."""
    x, y = 1.0, 8.0
    unit = "% of total" if spec.stack == "percent" else spec.unit
    if unit:
        x = canvas.text(x, y, unit, _LEGEND, main["muted"], cls="unit").x1 + 12
    rows = 1
    for s, colour in zip(spec.all_series(), colours):
        width = 14 + text_width(s.name, _LEGEND)
        if x + width > canvas.width - 1 and x > 1.0 + 1:
            x, y, rows = 1.0, y + _LEGEND * 1.5, rows + 1
        if s.line or spec.type == "line":
            canvas.add("line", x1=x, y1=y - 2.6, x2=x + 10, y2=y - 2.6, stroke=colour,
                       stroke_width=1.8, stroke_dasharray="3 2" if s.reference else None,
                       class_="swatch")
        else:
            canvas.add("rect", x=x, y=y - 6.5, width=9.0, height=7.0, fill=colour, class_="swatch")
        canvas.text(x + 12, y, s.name, _LEGEND, main["text"], cls="legend")
        x += width + 10
    return 6.0 + rows * _LEGEND * 1.5


def draw_vertical(canvas: Canvas, spec: ChartSpec, colours: dict[str, str]) -> None:
    """Draw columns (grouped or stacked), lines, areas or a column+line combination, upright."""
    series = spec.all_series()
    fills = series_colours_for(spec, colours)
    top = legend(canvas, spec, fills, colours) + 4
    lo, hi = _value_range(spec)
    ticks = nice_ticks(lo, hi)
    left = max(text_width(minus(_tick(spec, t)), 7.0) for t in ticks) + 5
    right = canvas.width - 1
    n = len(spec.categories)
    slot = (right - left) / n
    label_size, lines = fit_labels(spec.categories, slot - 3)
    bottom = canvas.height - max(len(ls) for ls in lines) * label_size * 1.18 - 5
    scale = Scale(ticks[0], ticks[-1], bottom, top + _VALUE * 1.4)  # room for the top labels
    _grid(canvas, spec, scale, ticks, left, right, colours)
    for i, category_lines in enumerate(lines):
        first = canvas.height - 3 - (len(category_lines) - 1) * label_size * 1.18
        for j, line in enumerate(category_lines):
            canvas.text(left + slot * (i + 0.5), first + j * label_size * 1.18, line, label_size,
                        colours["muted"], anchor="middle", cls="category")
    bars = [k for k, s in enumerate(series) if _is_bar(spec, s)]
    if spec.type == "area":
        _areas(canvas, spec, scale, left, slot, fills)
    elif bars:
        _columns(canvas, spec, bars, scale, left, slot, fills, colours)
    for k, s in enumerate(series):
        if not _is_bar(spec, s) and spec.type != "area":
            _line(canvas, s, scale, left, slot, fills[k], colours, label=len(series) <= 3,
                  ground=bool(bars))
    if spec.reference_value is not None:
        reference(canvas, spec, colours, True, scale(spec.reference_value), (left, right),
                  list(canvas.text_boxes))


def series_colours_for(spec: ChartSpec, colours: dict[str, str]) -> list[str]:
    """Return each series' colour; a reference series is drawn in the reference colour."""
    from ..model import Theme

    base = series_colours(Theme(accent=colours["accent"]), len(spec.all_series()))
    return [colours["reference"] if s.reference else c for s, c in zip(spec.all_series(), base)]


def _is_bar(spec: ChartSpec, s: Series) -> bool:
    return spec.type in ("column", "bar") or (spec.type == "combo" and not s.line)


def _tick(spec: ChartSpec, value: float) -> str:
    from ..numbers import format_number

    return format_number(value) + ("%" if spec.stack == "percent" else "")


def _grid(canvas: Canvas, spec: ChartSpec, scale: Scale, ticks: list[float], left: float,
          right: float, colours: dict[str, str]) -> None:
    grid(canvas, scale, ticks, left, right, colours)
    if spec.stack == "percent":  # the gridline values read as shares
        for element in range(len(canvas.items) - 1, -1, -1):
            item = canvas.items[element]
            if 'class="tick"' in item and not item.endswith("%</text>"):
                canvas.items[element] = item.replace("</text>", "%</text>")


def _columns(canvas: Canvas, spec: ChartSpec, bars: list[int], scale: Scale, left: float,
             slot: float, fills: list[str], colours: dict[str, str]) -> None:
    series = spec.all_series()
    stacked = stacked_values(spec) if spec.stack else None
    group = slot * 0.72
    width = group if stacked else group / len(bars)
    for position, k in enumerate(bars):
        s = series[k]
        for i, value in enumerate(s.values):
            if value is None:
                continue
            if stacked:
                seg = stacked[k][i]
                assert seg is not None
                x = left + slot * (i + 0.5) - group / 2
                y0, y1 = sorted((scale(seg[0]), scale(seg[1])))
            else:
                x = left + slot * (i + 0.5) - group / 2 + position * width
                y0, y1 = sorted((scale(0), scale(value)))
            canvas.add("rect", x=x, y=y0, width=width * (0.9 if not stacked and len(bars) > 1 else 1),
                       height=max(y1 - y0, 0.0), fill=fills[k],
                       class_="bar estimate" if s.derived and s.derived[i] else "bar")
            label = minus(s.labels[i])
            fits = text_width(label, _VALUE) <= width * 0.95 + 2
            if stacked and fits and y1 - y0 >= _VALUE + 2:
                canvas.text(x + width / 2, (y0 + y1) / 2 + 0.33 * _VALUE, label, _VALUE, "#FFFFFF",
                            anchor="middle", cls="value")
            elif not stacked and fits:
                y = y0 - 2 if value >= 0 else y1 + 2 + 0.72 * _VALUE
                canvas.text(x + width * 0.45, y, label, _VALUE, colours["text"], anchor="middle",
                            cls="value")


def _runs(values: Sequence[float | None]) -> list[list[int]]:
    """Return the runs of consecutive categories that have a value: a gap breaks a line."""
    runs: list[list[int]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return [run for run in runs if run]


def _line(canvas: Canvas, s: Series, scale: Scale, left: float, slot: float, colour: str,
          colours: dict[str, str], label: bool, ground: bool = False) -> None:
    points = {i: (left + slot * (i + 0.5), scale(v)) for i, v in enumerate(s.values) if v is not None}
    for run in _runs(s.values):
        if len(run) > 1:
            canvas.add("polyline", points=" ".join(f"{num(points[i][0])},{num(points[i][1])}" for i in run),
                       fill="none", stroke=colour, stroke_width=1.8,
                       stroke_dasharray="4 2.5" if s.reference else None, class_="series")
    if s.reference:
        last = max(points)
        canvas.text(points[last][0], points[last][1] - 4, f"{s.name}: {s.labels[last]}", _VALUE,
                    colours["reference"], anchor="end", cls="reference-label")
        return
    for i, (x, y) in points.items():
        estimate = bool(s.derived and s.derived[i])
        canvas.add("circle", cx=x, cy=y, r=2.4, fill="#FFFFFF" if estimate else colour, stroke=colour,
                   stroke_width=1.2, class_="point estimate" if estimate else "point")
        if label:
            text = minus(s.labels[i])
            if ground:  # over columns: a white ground keeps the label legible
                width = text_width(text, _VALUE)
                canvas.add("rect", x=x - width / 2 - 1.5, y=y - 5 - 0.8 * _VALUE, width=width + 3,
                           height=_VALUE * 1.05, fill="#FFFFFF", fill_opacity="0.9", class_="label-ground")
            canvas.text(x, y - 5, text, _VALUE, colours["text"], anchor="middle", cls="value")


def _areas(canvas: Canvas, spec: ChartSpec, scale: Scale, left: float, slot: float,
           fills: list[str]) -> None:
    series = spec.all_series()
    stacked = stacked_values(spec) if spec.stack else None
    for k, s in enumerate(series):
        for run in _runs(s.values):
            xs = [left + slot * (i + 0.5) for i in run]
            if stacked:
                tops = [scale(stacked[k][i][1]) for i in run]  # type: ignore[index]
                bases = [scale(stacked[k][i][0]) for i in run]  # type: ignore[index]
            else:
                tops = [scale(s.values[i] or 0.0) for i in run]
                bases = [scale(0)] * len(run)
            outline = list(zip(xs, tops)) + list(zip(reversed(xs), reversed(bases)))
            canvas.add("polygon", points=" ".join(f"{num(x)},{num(y)}" for x, y in outline),
                       fill=fills[k], fill_opacity=None if stacked else "0.55", class_="area")
            canvas.add("polyline", points=" ".join(f"{num(x)},{num(y)}" for x, y in zip(xs, tops)),
                       fill="none", stroke=fills[k], stroke_width=1.4, class_="series")


def draw_horizontal(canvas: Canvas, spec: ChartSpec, colours: dict[str, str]) -> None:
    """Draw grouped or stacked horizontal bars: categories at the left, values at the bars' ends."""
    series = spec.all_series()
    fills = series_colours_for(spec, colours)
    top = legend(canvas, spec, fills, colours) + 2
    n = len(spec.categories)
    row = (canvas.height - 2 - top) / n
    size = 8.0 if row >= 12 else 7.0
    label_width = min(max(text_width(c, size) for c in spec.categories), canvas.width * 0.3)
    plot_left = label_width + 7
    stacked = stacked_values(spec) if spec.stack else None
    lo, hi = _value_range(spec)
    widest = max(text_width(minus(label), _VALUE) for s in series for label in s.labels)
    scale = Scale(lo, hi, plot_left, canvas.width - 2 - (0 if stacked else widest + 4))
    group = row * 0.72
    thickness = group if stacked else group / len(series)
    for i, category in enumerate(spec.categories):
        middle = top + row * (i + 0.5)
        lines = wrap(category, size, label_width, 2 if row > 2.4 * size else 1)
        first = middle + 0.33 * size - (len(lines) - 1) * size * 0.575
        for j, line in enumerate(lines):
            canvas.text(label_width + 1, first + j * size * 1.15, line, size, colours["muted"],
                        anchor="end", cls="category")
        for k, s in enumerate(series):
            value = s.values[i]
            if value is None:
                continue
            seg = stacked[k][i] if stacked else (0.0, value)
            assert seg is not None
            x0, x1 = sorted((scale(seg[0]), scale(seg[1])))
            y = middle - group / 2 + (0 if stacked else k * thickness)
            canvas.add("rect", x=x0, y=y, width=max(x1 - x0, 0.0), height=thickness * (1 if stacked else 0.9),
                       fill=fills[k], class_="bar")
            label = minus(s.labels[i])
            if stacked:
                if text_width(label, _VALUE) + 3 <= x1 - x0 and thickness >= _VALUE:
                    canvas.text((x0 + x1) / 2, y + thickness / 2 + 0.33 * _VALUE, label, _VALUE,
                                "#FFFFFF", anchor="middle", cls="value")
            elif thickness >= _VALUE * 0.9:
                canvas.text(x1 + 2, y + thickness * 0.45 + 0.33 * _VALUE, label, _VALUE, colours["text"],
                            cls="value")
    canvas.add("line", x1=scale(0), y1=top, x2=scale(0), y2=canvas.height - 2,
               stroke=colours["baseline"], stroke_width=0.8, class_="baseline")
