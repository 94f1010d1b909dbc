"""Vector SVG charts and timelines for the briefing, written as plain SVG text.

Coordinates are in points (1/72 in): the viewBox is the size in mm converted to pt, so a
font size of 8 prints at 8 pt when the SVG is shown at its nominal width.
"""

from __future__ import annotations

from ..model import ChartSpec, Theme
from ._colours import palette
from ._spec import check
from ._svg import Canvas
from ._text import text_width
from .describe import alt_text, chart_alt
from .kinds import KINDS, ChartKind, kind
from .timeline import date_label, timeline_svg

__all__ = ["KINDS", "ChartKind", "alt_text", "chart_alt", "chart_svg", "date_label", "kind",
           "suggested_height", "text_width", "timeline_svg"]


def chart_svg(spec: ChartSpec, theme: Theme, width: float = 160, height: float = 80) -> str:
    """Return *spec* drawn as an SVG document of *width* x *height* mm (at least 30 x 20).

    The title and source are left to the caption around it; the unit, an estimate key, the
    direct labels and the reference line are drawn. Raise ValueError for a spec with no values,
    mismatched lengths, an unknown type, a non-finite value or a pie without a positive total.
    """
    check(spec)
    canvas = Canvas(width, height)
    KINDS[spec.type].draw(canvas, spec, palette(theme))
    return canvas.render(spec.title, chart_alt(spec))


def suggested_height(spec: ChartSpec, width: float = 160) -> float:
    """Return a height in mm that suits *spec* at *width* mm: bars grow with their number."""
    return KINDS[spec.type].height(spec, width)
