"""Vector SVG charts and timelines for the briefing, written as plain SVG text.

Coordinates are in points (1/72 in): the viewBox is the size in mm converted to pt, so a
font size of 8 prints at 8 pt when the SVG is shown at its nominal width.
"""

from __future__ import annotations

from ..model import ChartSpec, Theme
from ._colours import palette
from ._spec import CHART_TYPES, check
from ._svg import Canvas
from ._text import text_width
from .bars import draw_bars, draw_columns
from .describe import alt_text
from .lines import draw_line
from .pies import draw_pie
from .timeline import date_label, timeline_svg

__all__ = ["CHART_TYPES", "alt_text", "chart_svg", "date_label", "suggested_height",
           "text_width", "timeline_svg"]


def chart_svg(spec: ChartSpec, theme: Theme, width: float = 160, height: float = 80) -> str:
    """Return *spec* drawn as an SVG document of *width* x *height* mm (at least 30 x 20).

    The title and source are left to the caption around it; the unit, an estimate key, the
    direct labels and the reference line are drawn. Raise ValueError for a spec with no values,
    mismatched lengths, an unknown type, a non-finite value or a pie without a positive total.
    """
    derived = check(spec)
    canvas = Canvas(width, height)
    colours = palette(theme)
    if spec.type == "column":
        draw_columns(canvas, spec, derived, colours)
    elif spec.type == "bar":
        draw_bars(canvas, spec, derived, colours)
    elif spec.type == "line":
        draw_line(canvas, spec, derived, colours)
    else:
        draw_pie(canvas, spec, derived, colours, hole=spec.type == "doughnut")
    return canvas.render(spec.title, spec.alt or alt_text(spec))


def suggested_height(spec: ChartSpec, width: float = 160) -> float:
    """Return a height in mm that suits *spec* at *width* mm: bars grow with their number."""
    n = len(spec.values)
    if spec.type == "bar":
        return float(min(max(20 + 8.5 * n, 35), 150))
    if spec.type in ("pie", "doughnut"):
        return float(min(max(10 + 5.5 * n, 50), 110))
    return round(width * 0.45, 1)
