"""What column, bar and line charts share: unit and estimate key, gridlines, reference line."""

from __future__ import annotations

from typing import Sequence

from ..model import ChartSpec, format_number
from ._scales import Scale
from ._svg import Box, Canvas, num
from ._text import ellipsize, minus, text_width

_TICK = 7.0  # size of gridline values


def header(canvas: Canvas, spec: ChartSpec, derived: Sequence[bool], colours: dict[str, str],
           left: float, key: str) -> float:
    """Draw the unit and, after it, the estimate key along the top; return the height used."""
    if not spec.unit and not any(derived):
        return 0.0
    baseline = 8.0
    if spec.unit:
        left = canvas.text(left, baseline, spec.unit, 7.5, colours["muted"], cls="unit").x1 + 14
    if any(derived):
        if key == "swatch":
            hatched_rect(canvas, left, baseline - 7, 10, 7.5, colours, "swatch")
        else:
            canvas.add("line", x1=left, y1=baseline - 2.8, x2=left + 14, y2=baseline - 2.8,
                       stroke=colours["accent"], stroke_width=1.5, stroke_dasharray="2.5 2")
            canvas.add("circle", cx=left + 7, cy=baseline - 2.8, r=2.6, fill="#FFFFFF",
                       stroke=colours["accent"], stroke_width=1.3)
        canvas.text(left + (14 if key == "swatch" else 18), baseline, spec.derived_key, 7.5,
                    colours["muted"], cls="key")
    return 14.0


def hatched_rect(canvas: Canvas, x: float, y: float, width: float, height: float,
                 colours: dict[str, str], cls: str) -> None:
    """Draw an estimate: a light rectangle with diagonal hatching and an accent outline."""
    canvas.add("rect", x=float(x), y=float(y), width=float(width), height=float(height),
               fill=colours["estimate"], class_=cls)
    step, path = 3.2, []
    k = x + y + step / 2
    while k < x + width + y + height:
        xa, xb = max(x, k - (y + height)), min(x + width, k - y)
        if xb - xa > 0.2:
            path.append(f"M{num(xa)} {num(k - xa)}L{num(xb)} {num(k - xb)}")
        k += step
    if path:
        canvas.add("path", d="".join(path), stroke=colours["hatch"], stroke_width=0.7, fill="none",
                   class_="hatch")
    inset = 0.4  # keep the outline inside the bar's true extent
    canvas.add("rect", x=x + inset, y=y + inset, width=max(width - 2 * inset, 0.1),
               height=max(height - 2 * inset, 0.1), fill="none", stroke=colours["accent"],
               stroke_width=0.8, class_="outline")


def _reference_text(spec: ChartSpec) -> str:
    if spec.reference_value is None:
        return ""
    return spec.reference_label or format_number(spec.reference_value)


def reference(canvas: Canvas, spec: ChartSpec, colours: dict[str, str], horizontal: bool,
              at: float, span: tuple[float, float], obstacles: list[Box]) -> None:
    """Draw the dashed reference line at *at*, broken around labels, with its label placed clear."""
    size, (lo, hi) = 7.5, span
    room = hi - lo if horizontal else max(at, canvas.width - at) - 4
    text = ellipsize(_reference_text(spec), size, room)
    width = text_width(text, size)
    if horizontal:
        candidates = [(hi, at - 3, "end"), (lo, at - 3, "start"),
                      (hi, at + 3 + 0.72 * size, "end"), (lo, at + 3 + 0.72 * size, "start")]
    else:
        below = hi + 3 + 0.72 * size
        candidates = [(at + 3, lo - 3, "start"), (at - 3, lo - 3, "end"),
                      (at + 3, below, "start"), (at - 3, below, "end")]

    def box(candidate: tuple[float, float, str]) -> Box:
        x, y, anchor = candidate
        x0 = x if anchor == "start" else x - width
        return Box(x0, y - 0.72 * size, x0 + width, y + 0.22 * size)

    def cost(candidate: tuple[float, float, str]) -> float:
        label = box(candidate)
        outside = (label.x0 < 0 or label.y0 < 0 or label.x1 > canvas.width
                   or label.y1 > canvas.height)
        return 1000 * outside + sum(label.overlaps(other, 1) for other in obstacles)

    x, y, anchor = min(candidates, key=cost)  # min keeps the first of equal costs
    # Break the line where it would cross a value label, so both stay legible.
    gaps = sorted((b.x0 - 2, b.x1 + 2) if horizontal else (b.y0 - 2, b.y1 + 2)
                  for b in canvas.text_boxes
                  if (b.y0 - 1 < at < b.y1 + 1 if horizontal else b.x0 - 1 < at < b.x1 + 1))
    start = lo
    for gap_start, gap_end in gaps + [(hi, hi)]:
        end = min(gap_start, hi)
        if end - start > 1:
            ends = ({"x1": start, "x2": end, "y1": at, "y2": at} if horizontal
                    else {"x1": at, "x2": at, "y1": start, "y2": end})
            canvas.add("line", **ends, stroke=colours["reference"], stroke_width=1.0,
                       stroke_dasharray="4 2.5", class_="reference")
        start = max(start, gap_end)
    canvas.text(x, y, text, size, colours["reference"], anchor=anchor, cls="reference-label")


def grid(canvas: Canvas, scale: Scale, ticks: Sequence[float], left: float, right: float,
         colours: dict[str, str]) -> None:
    """Draw faint horizontal gridlines with their values at the left, and a firmer zero line."""
    for tick in ticks:
        y = scale(tick)
        canvas.add("line", x1=left, y1=y, x2=right, y2=y,
                   stroke=colours["baseline"] if tick == 0 else colours["grid"],
                   stroke_width=0.8 if tick == 0 else 0.5, class_="grid")
        canvas.text(left - 4, y + 0.33 * _TICK, minus(format_number(tick)), _TICK,
                    colours["muted"], anchor="end", cls="tick")


def tick_room(ticks: Sequence[float]) -> float:
    """Return the width in pt that the gridline values need at the left of the plot."""
    return max(text_width(minus(format_number(tick)), _TICK) for tick in ticks) + 5
