"""The chart registry: every kind a `::: chart` may name, defined once for both products.

An entry holds what the kind accepts (series, stacking, a reference), the SVG drawer for the
briefing and the preview, the native python-pptx chart type for the deck (by name, so that the
briefing never imports python-pptx), the noun its alt text opens with, and the height it suits.
Adding a kind means adding an entry here (and, for a new native construction, a branch in
render/deck_charts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from ..model import ChartSpec
from ._spec import check
from ._svg import Canvas
from .bars import draw_bars, draw_columns
from .lines import draw_line
from .multi import draw_horizontal, draw_vertical
from .pies import draw_pie
from .scatter import draw_scatter

Drawer = Callable[[Canvas, ChartSpec, dict[str, str]], None]


@dataclass(frozen=True)
class ChartKind:
    """One kind of chart and everything the pipeline needs to know about it."""

    name: str
    noun: str  # opens the alt text: "Column chart of …"
    draw: Drawer
    native: Mapping[str, str]  # stacking ("", "stacked", "percent") -> XL_CHART_TYPE member name
    min_series: int = 1
    max_series: int | None = None
    parts_of_whole: bool = False  # pie, doughnut: one series of shares, nothing negative
    reference: bool = True  # may carry a reference: a target line, or a doughnut's whole
    tall: Callable[[ChartSpec, float], float] | None = None  # height in mm for a width in mm

    @property
    def stacks(self) -> tuple[str, ...]:
        return tuple(self.native)

    def height(self, spec: ChartSpec, width: float) -> float:
        """Return the height in mm that suits *spec* drawn *width* mm wide."""
        return self.tall(spec, width) if self.tall else round(width * 0.45, 1)


def _single(spec: ChartSpec) -> bool:
    return not spec.series


def _columns(canvas: Canvas, spec: ChartSpec, colours: dict[str, str]) -> None:
    if _single(spec):
        draw_columns(canvas, spec, check(spec), colours)
    else:
        draw_vertical(canvas, spec, colours)


def _bars(canvas: Canvas, spec: ChartSpec, colours: dict[str, str]) -> None:
    if _single(spec):
        draw_bars(canvas, spec, check(spec), colours)
    else:
        draw_horizontal(canvas, spec, colours)


def _lines(canvas: Canvas, spec: ChartSpec, colours: dict[str, str]) -> None:
    if _single(spec):
        draw_line(canvas, spec, check(spec), colours)
    else:
        draw_vertical(canvas, spec, colours)


def _pie(hole: bool) -> Drawer:
    def draw(canvas: Canvas, spec: ChartSpec, colours: dict[str, str]) -> None:
        draw_pie(canvas, spec, check(spec), colours, hole=hole)
    return draw


def _bar_height(spec: ChartSpec, width: float) -> float:
    rows = len(spec.categories) * (1 if _single(spec) or spec.stack else 0.6 * len(spec.series))
    return float(min(max(20 + 8.5 * rows + (0 if _single(spec) else 8), 35), 150))


def _pie_height(spec: ChartSpec, width: float) -> float:
    return float(min(max(10 + 5.5 * len(spec.categories), 50), 110))


_STACKS = {"": "{0}_CLUSTERED", "stacked": "{0}_STACKED", "percent": "{0}_STACKED_100"}

KINDS: dict[str, ChartKind] = {kind.name: kind for kind in (
    ChartKind("column", "Column chart", _columns, {k: v.format("COLUMN") for k, v in _STACKS.items()}),
    ChartKind("bar", "Bar chart", _bars, {k: v.format("BAR") for k, v in _STACKS.items()},
              tall=_bar_height),
    ChartKind("line", "Line chart", _lines, {"": "LINE_MARKERS"}),
    ChartKind("area", "Area chart", draw_vertical,
              {"": "AREA", "stacked": "AREA_STACKED", "percent": "AREA_STACKED_100"}),
    ChartKind("pie", "Pie chart", _pie(False), {"": "PIE"}, max_series=1, parts_of_whole=True,
              reference=False, tall=_pie_height),
    ChartKind("doughnut", "Doughnut chart", _pie(True), {"": "DOUGHNUT"}, max_series=1,
              parts_of_whole=True, tall=_pie_height),  # its reference is the whole, in the hole
    ChartKind("scatter", "Scatter chart", draw_scatter, {"": "XY_SCATTER"}, min_series=2,
              max_series=2, reference=False),
    ChartKind("combo", "Column and line chart", draw_vertical, {"": "COLUMN_CLUSTERED"},
              min_series=2),
)}


def kind(name: str) -> ChartKind:
    """Return the registry entry for *name*; raise ValueError naming the known kinds."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown chart type '{name}' (known: {', '.join(KINDS)})") from None
