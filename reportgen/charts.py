"""Vector SVG charts and timelines for the briefing, written as plain SVG text.

Coordinates are in points (1/72 in): the viewBox is the size in mm converted to pt, so a
font size of 8 prints at 8 pt when the SVG is shown at its nominal width.
"""

from __future__ import annotations

import calendar
import hashlib
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from .model import ChartSpec, Event, Theme, format_number

__all__ = ["CHART_TYPES", "alt_text", "chart_svg", "suggested_height", "text_width",
           "timeline_svg"]

CHART_TYPES = ("column", "bar", "line", "pie", "doughnut")
FONT_FAMILY = "Source Sans Pro, sans-serif"
PT_PER_MM = 72 / 25.4
_FONTS = Path(__file__).parent / "assets" / "fonts"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HYPHEN_MINUS = re.compile(r"(?<![\w.])-(?=[$€£¥]?\d)")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_TYPE_NAMES = {"column": "Column chart", "bar": "Bar chart", "line": "Line chart",
               "pie": "Pie chart", "doughnut": "Doughnut chart"}
_VALUE_SIZES = (8.5, 8, 7.5, 7, 6.5)
_LABEL_SIZES = (8, 7.5, 7, 6.5)
_TICK = 7.0  # size of gridline values


# --- text -------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _advances(bold: bool) -> dict[str, float]:
    # Real advance widths of the shipped font; without them wrapping would be guesswork.
    name = "SourceSansPro-Bold.ttf" if bold else "SourceSansPro-Regular.ttf"
    try:
        from fontTools.ttLib import TTFont

        with TTFont(_FONTS / name) as font:
            per_em = font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            return {chr(code): metrics[glyph][0] / per_em
                    for code, glyph in font.getBestCmap().items()}
    except (ImportError, OSError, KeyError):
        return {}


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Return the advance width in pt of *text* set in Source Sans Pro at *size* pt."""
    advances = _advances(bold)
    return size * sum(advances.get(char, 0.55) for char in text)


def _ellipsize(text: str, size: float, width: float, bold: bool = False) -> str:
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text.rstrip() + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, size: float, width: float, max_lines: int, bold: bool = False) -> list[str]:
    """Return *text* broken into at most *max_lines* lines, the last cut with an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(trial, size, bold) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
    return [_ellipsize(line, size, width, bold) for line in lines] or [""]


def _fits(lines: list[str], size: float, width: float) -> bool:
    return all(not line.endswith("…") and text_width(line, size) <= width for line in lines)


def _fit_labels(texts: Sequence[str], width: float,
                max_lines: int = 2) -> tuple[float, list[list[str]]]:
    """Return the largest label size at which every text wraps into *width*, and the lines."""
    for size in _LABEL_SIZES:
        wrapped = [_wrap(text, size, width, max_lines) for text in texts]
        if all(_fits(lines, size, width) for lines in wrapped):
            return size, wrapped
    return size, wrapped


# --- SVG text building ----------------------------------------------------------------

def _esc(text: str) -> str:
    text = _XML_INVALID.sub("", str(text))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(attributes: dict[str, object]) -> str:
    parts = []
    for key, value in attributes.items():
        if value is None:
            continue
        text = _num(value) if isinstance(value, float) else str(value)
        parts.append(f' {key.rstrip("_").replace("_", "-")}="{_esc(text)}"')
    return "".join(parts)


@dataclass(frozen=True)
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: _Box, gap: float = 0) -> bool:
        return (self.x0 < other.x1 + gap and other.x0 < self.x1 + gap
                and self.y0 < other.y1 + gap and other.y0 < self.y1 + gap)


class _Canvas:
    """Collects SVG elements in drawing order and remembers where text went."""

    def __init__(self, width_mm: float, height_mm: float) -> None:
        if not (width_mm >= 30 and height_mm >= 20):
            raise ValueError(f"a chart needs at least 30 x 20 mm, got {width_mm} x {height_mm} mm")
        self.width_mm, self.height_mm = width_mm, height_mm
        self.width, self.height = width_mm * PT_PER_MM, height_mm * PT_PER_MM
        self.items: list[str] = []
        self.text_boxes: list[_Box] = []
        self.hatched = False

    def hatch(self) -> str:
        """Return the fill that lays white diagonal hatching over a shape (an estimate)."""
        self.hatched = True
        return "url(#@HATCH@)"

    def add(self, tag: str, **attributes: object) -> None:
        self.items.append(f"<{tag}{_attrs(attributes)}/>")

    def text(self, x: float, y: float, text: str, size: float, fill: str,
             anchor: str = "start", bold: bool = False, italic: bool = False,
             cls: str | None = None) -> _Box:
        """Draw one line of text with its baseline at *y*; return the box it covers."""
        width = text_width(text, size, bold)
        x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        # A label wider than its slot (the last of a crowded axis) slides in from the edge.
        shift = max(0.5 - x0, 0.0) + min(self.width - 0.5 - (x0 + width), 0.0)
        x, x0 = x + shift, x0 + shift
        box = _Box(x0, y - 0.72 * size, x0 + width, y + 0.22 * size)
        self.text_boxes.append(box)
        attributes = {"x": float(x), "y": float(y), "font-size": float(size), "fill": fill,
                      "text-anchor": None if anchor == "start" else anchor,
                      "font-weight": "bold" if bold else None,
                      "font-style": "italic" if italic else None, "class": cls}
        self.items.append(f"<text{_attrs(attributes)}>{_esc(text)}</text>")
        return box

    def render(self, title: str, description: str) -> str:
        """Return the finished SVG document as text."""
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1"'
                f' width="{_num(self.width_mm)}mm" height="{_num(self.height_mm)}mm"'
                f' viewBox="0 0 {_num(self.width)} {_num(self.height)}"'
                f' role="img" aria-label="{_esc(description or title)}">')
        body, defs = "\n".join(self.items), ""
        if self.hatched:
            # One id per drawing, from its content: stable, and distinct between charts.
            hatch = "hatch-" + hashlib.sha1(body.encode()).hexdigest()[:10]
            body = body.replace("@HATCH@", hatch)
            defs = (f'<defs><pattern id="{hatch}" patternUnits="userSpaceOnUse" width="3.2"'
                     ' height="3.2" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0"'
                     ' y2="3.2" stroke="#FFFFFF" stroke-width="1.1"/></pattern></defs>\n')
        return (f"{head}\n<title>{_esc(title)}</title>\n<desc>{_esc(description)}</desc>\n{defs}"
                f'<g font-family="{FONT_FAMILY}">\n{body}\n</g>\n</svg>\n')


# --- colours and scales -----------------------------------------------------------------

def _mix(colour: str, other: str, share: float) -> str:
    """Return *colour* blended with *other*; *share* is the part of *colour* kept."""
    rgb = [_rgb(colour), _rgb(other)]
    if rgb[0] is None or rgb[1] is None:
        return colour
    mixed = (round(a * share + b * (1 - share)) for a, b in zip(rgb[0], rgb[1]))
    return "#" + "".join(f"{channel:02X}" for channel in mixed)


def _rgb(colour: str) -> tuple[int, int, int] | None:
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(char * 2 for char in text)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        return None
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


@dataclass(frozen=True)
class _Scale:
    """A linear map from data values to canvas positions."""

    lo: float
    hi: float
    start: float  # position of lo
    end: float  # position of hi

    def __call__(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def _extent(values: Sequence[float], zero: bool) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        hi, lo = (hi + 1, lo) if hi >= 0 else (hi, lo - 1)
    return lo, hi


def _nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Return round tick values covering lo..hi, about *count* steps."""
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def _palette(theme: Theme) -> dict[str, str]:
    return {
        "accent": theme.accent,
        "estimate": _mix(theme.accent, "#FFFFFF", 0.28),
        "hatch": _mix(theme.accent, "#FFFFFF", 0.75),
        "text": theme.text,
        "muted": theme.muted,
        "baseline": _mix(theme.muted, "#FFFFFF", 0.7),
        "grid": _mix(theme.muted, "#FFFFFF", 0.22),
        "reference": theme.accent_dark,
    }


# --- validation and alt text ------------------------------------------------------------

def _check(spec: ChartSpec) -> tuple[bool, ...]:
    """Raise ValueError for a spec that cannot be drawn; return the per-point derived flags."""
    name = f"chart {spec.title!r}" if spec.title else "chart"
    if spec.type not in CHART_TYPES:
        raise ValueError(f"{name}: unknown type {spec.type!r} (known: {', '.join(CHART_TYPES)})")
    if not spec.values:
        raise ValueError(f"{name} has no values to plot")
    if len(spec.categories) != len(spec.values):
        raise ValueError(f"{name} has {len(spec.categories)} categories "
                         f"but {len(spec.values)} values")
    for what, items in (("derived flags", spec.derived), ("labels", spec.labels)):
        if items and len(items) != len(spec.values):
            raise ValueError(f"{name} has {len(items)} {what} for {len(spec.values)} values")
    numbers = _numbers(spec)
    if not all(math.isfinite(value) for value in numbers):
        raise ValueError(f"{name} has a value that is not a finite number")
    if spec.type in ("pie", "doughnut"):
        if any(value < 0 for value in spec.values):
            raise ValueError(f"{name}: a {spec.type} chart cannot show negative values")
        if sum(spec.values) <= 0:
            raise ValueError(f"{name}: a {spec.type} chart needs a total above zero")
    return tuple(spec.derived) or (False,) * len(spec.values)


def _numbers(spec: ChartSpec) -> list[float]:
    """Return the values and the reference value: what the value axis must cover."""
    reference = [] if spec.reference_value is None else [spec.reference_value]
    return list(spec.values) + reference


def _reference_text(spec: ChartSpec) -> str:
    if spec.reference_value is None:
        return ""
    return spec.reference_label or format_number(spec.reference_value)


def alt_text(spec: ChartSpec) -> str:
    """Return a one-sentence description of *spec* with every value, for screen readers."""
    derived = _check(spec)
    subject = spec.series_name or spec.title
    if subject and spec.unit:
        subject = f"{subject} in {spec.unit}"
    head = _TYPE_NAMES[spec.type] + (f" of {subject}" if subject else "")
    points = []
    total = sum(spec.values)
    for category, label, value, estimate in zip(spec.categories, spec.value_labels,
                                                spec.values, derived):
        notes = [_percent(value, total)] if spec.type in ("pie", "doughnut") else []
        notes += ["estimate"] if estimate else []
        points.append(f"{category} {label}" + (f" ({', '.join(notes)})" if notes else ""))
    text = f"{head}: {', '.join(points)}"
    if spec.reference_value is not None:
        reference = spec.reference_label or f"reference {format_number(spec.reference_value)}"
        text += f"; {reference[0].lower()}{reference[1:]}"
    return text + "."


def _percent(value: float, total: float) -> str:
    share = 100 * value / total
    return f"{share:.0f}%" if share >= 10 or share == 0 else f"{share:.1f}%"


# --- charts -----------------------------------------------------------------------------

def chart_svg(spec: ChartSpec, theme: Theme, width: float = 160, height: float = 80) -> str:
    """Return *spec* drawn as an SVG document of *width* x *height* mm (at least 30 x 20).

    The title and source are left to the caption around it; the unit, an estimate key, the
    direct labels and the reference line are drawn. Raise ValueError for a spec with no values,
    mismatched lengths, an unknown type, a non-finite value or a pie without a positive total.
    """
    derived = _check(spec)
    canvas = _Canvas(width, height)
    colours = _palette(theme)
    if spec.type == "column":
        _draw_columns(canvas, spec, derived, colours)
    elif spec.type == "bar":
        _draw_bars(canvas, spec, derived, colours)
    elif spec.type == "line":
        _draw_line(canvas, spec, derived, colours)
    else:
        _draw_pie(canvas, spec, derived, colours, hole=spec.type == "doughnut")
    return canvas.render(spec.title, spec.alt or alt_text(spec))


def suggested_height(spec: ChartSpec, width: float = 160) -> float:
    """Return a height in mm that suits *spec* at *width* mm: bars grow with their number."""
    n = len(spec.values)
    if spec.type == "bar":
        return float(min(max(20 + 8.5 * n, 35), 150))
    if spec.type in ("pie", "doughnut"):
        return float(min(max(10 + 5.5 * n, 50), 110))
    return round(width * 0.45, 1)


def _point_labels(spec: ChartSpec, derived: Sequence[bool]) -> list[str]:
    """Return the direct labels: typographic minus, and a star on estimates."""
    return [_minus(label) + ("*" if estimate else "")
            for label, estimate in zip(spec.value_labels, derived)]


def _minus(label: str) -> str:
    return _HYPHEN_MINUS.sub("\u2212", label)


def _header(canvas: _Canvas, spec: ChartSpec, derived: Sequence[bool], colours: dict[str, str],
            left: float, key: str) -> float:
    """Draw the unit and, after it, the estimate key along the top; return the height used."""
    if not spec.unit and not any(derived):
        return 0.0
    baseline = 8.0
    if spec.unit:
        left = canvas.text(left, baseline, spec.unit, 7.5, colours["muted"], cls="unit").x1 + 14
    if any(derived):
        if key == "swatch":
            _hatched_rect(canvas, left, baseline - 7, 10, 7.5, colours, "swatch")
        else:
            canvas.add("line", x1=left, y1=baseline - 2.8, x2=left + 14, y2=baseline - 2.8,
                       stroke=colours["accent"], stroke_width=1.5, stroke_dasharray="2.5 2")
            canvas.add("circle", cx=left + 7, cy=baseline - 2.8, r=2.6, fill="#FFFFFF",
                       stroke=colours["accent"], stroke_width=1.3)
        canvas.text(left + (14 if key == "swatch" else 18), baseline, "* Estimate", 7.5,
                    colours["muted"], cls="key")
    return 14.0


def _hatched_rect(canvas: _Canvas, x: float, y: float, width: float, height: float,
                  colours: dict[str, str], cls: str) -> None:
    """Draw an estimate: a light rectangle with diagonal hatching and an accent outline."""
    canvas.add("rect", x=float(x), y=float(y), width=float(width), height=float(height),
               fill=colours["estimate"], class_=cls)
    step, path = 3.2, []
    k = x + y + step / 2
    while k < x + width + y + height:
        xa, xb = max(x, k - (y + height)), min(x + width, k - y)
        if xb - xa > 0.2:
            path.append(f"M{_num(xa)} {_num(k - xa)}L{_num(xb)} {_num(k - xb)}")
        k += step
    if path:
        canvas.add("path", d="".join(path), stroke=colours["hatch"], stroke_width=0.7, fill="none",
                   class_="hatch")
    inset = 0.4  # keep the outline inside the bar's true extent
    canvas.add("rect", x=x + inset, y=y + inset, width=max(width - 2 * inset, 0.1),
               height=max(height - 2 * inset, 0.1), fill="none", stroke=colours["accent"],
               stroke_width=0.8, class_="outline")


def _bar(canvas: _Canvas, x: float, y: float, width: float, height: float, estimate: bool,
         colours: dict[str, str]) -> None:
    """Draw one bar or column; a zero-length one is only its label."""
    if width <= 0 or height <= 0:
        return
    if estimate:
        _hatched_rect(canvas, x, y, width, height, colours, "bar estimate")
    else:
        canvas.add("rect", x=float(x), y=float(y), width=float(width), height=float(height),
                   fill=colours["accent"], class_="bar")


def _reference(canvas: _Canvas, spec: ChartSpec, colours: dict[str, str], horizontal: bool,
               at: float, span: tuple[float, float], obstacles: list[_Box]) -> None:
    """Draw the dashed reference line at *at*, broken around labels, with its label placed clear."""
    size, (lo, hi) = 7.5, span
    room = hi - lo if horizontal else max(at, canvas.width - at) - 4
    text = _ellipsize(_reference_text(spec), size, room)
    width = text_width(text, size)
    if horizontal:
        candidates = [(hi, at - 3, "end"), (lo, at - 3, "start"),
                      (hi, at + 3 + 0.72 * size, "end"), (lo, at + 3 + 0.72 * size, "start")]
    else:
        below = hi + 3 + 0.72 * size
        candidates = [(at + 3, lo - 3, "start"), (at - 3, lo - 3, "end"),
                      (at + 3, below, "start"), (at - 3, below, "end")]

    def box(candidate: tuple[float, float, str]) -> _Box:
        x, y, anchor = candidate
        x0 = x if anchor == "start" else x - width
        return _Box(x0, y - 0.72 * size, x0 + width, y + 0.22 * size)

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


def _draw_columns(canvas: _Canvas, spec: ChartSpec, derived: Sequence[bool],
                  colours: dict[str, str]) -> None:
    labels, n = _point_labels(spec, derived), len(spec.values)
    left, right = 1.0, canvas.width - 1
    top = _header(canvas, spec, derived, colours, left, "swatch")
    slot = (right - left) / n
    value_size = next((size for size in _VALUE_SIZES
                       if max(text_width(label, size) for label in labels) <= slot - 2),
                      _VALUE_SIZES[-1])
    shown = _thin(labels, value_size, slot, spec.values)
    numbers = _numbers(spec)
    lo, hi = _extent(numbers, zero=True)
    ticks: list[float] = []
    if not all(shown):  # without a label on every column, readers need a scale
        ticks = _nice_ticks(lo, hi)
        lo, hi = ticks[0], ticks[-1]
        left = _tick_room(ticks)
        slot = (right - left) / n
    label_size, category_lines = _fit_labels(spec.categories, slot - 4)
    step = 1
    if _dates(spec.categories) and not all(_fits(lines, label_size, slot - 4)
                                           for lines in category_lines):
        # A run of dates reads fine with every n-th label, counted back from the latest.
        label_size = _LABEL_SIZES[-1]
        widest = max(text_width(category, label_size) for category in spec.categories)
        step = math.ceil((widest + 4) / slot)
        category_lines = [[category] if (n - 1 - i) % step == 0 else []
                          for i, category in enumerate(spec.categories)]
    lines = max(len(lines) for lines in category_lines)
    bottom = canvas.height - lines * label_size * 1.18 - 5
    room = value_size * 1.25 + 2
    scale = _Scale(lo, hi, bottom - (room if lo < 0 else 0), top + room)
    if ticks:
        _grid(canvas, scale, ticks, left, right, colours)
    bar_width = min(slot * 0.62, 64)
    zero = scale(0)
    obstacles = []
    for i, (value, estimate) in enumerate(zip(spec.values, derived)):
        centre = left + slot * (i + 0.5)
        y0, y1 = sorted((zero, scale(value)))
        _bar(canvas, centre - bar_width / 2, y0, bar_width, max(y1 - y0, 0.0), estimate, colours)
        obstacles.append(_Box(centre - bar_width / 2, y0, centre + bar_width / 2, y1))
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
        _reference(canvas, spec, colours, True, scale(spec.reference_value), (left, right),
                   obstacles + canvas.text_boxes)


def _thin(labels: Sequence[str], size: float, slot: float, values: Sequence[float]) -> list[bool]:
    """Return which value labels to show: all if they fit, else the latest and the extremes."""
    n = len(labels)
    if max(text_width(label, size) for label in labels) <= slot - 2:
        return [True] * n
    keep = {n - 1, values.index(max(values)), values.index(min(values))}
    return [i in keep for i in range(n)]


def _grid(canvas: _Canvas, scale: _Scale, ticks: Sequence[float], left: float, right: float,
          colours: dict[str, str]) -> None:
    """Draw faint horizontal gridlines with their values at the left, and a firmer zero line."""
    for tick in ticks:
        y = scale(tick)
        canvas.add("line", x1=left, y1=y, x2=right, y2=y,
                   stroke=colours["baseline"] if tick == 0 else colours["grid"],
                   stroke_width=0.8 if tick == 0 else 0.5, class_="grid")
        canvas.text(left - 4, y + 0.33 * _TICK, _minus(format_number(tick)), _TICK,
                    colours["muted"], anchor="end", cls="tick")


def _tick_room(ticks: Sequence[float]) -> float:
    return max(text_width(_minus(format_number(tick)), _TICK) for tick in ticks) + 5


def _draw_bars(canvas: _Canvas, spec: ChartSpec, derived: Sequence[bool],
               colours: dict[str, str]) -> None:
    labels, n = _point_labels(spec, derived), len(spec.values)
    top = _header(canvas, spec, derived, colours, 1.0, "swatch")
    if spec.reference_value is not None:
        top += 12
    bottom = canvas.height - 2
    row = (bottom - top) / n
    size = next((s for s in _LABEL_SIZES if s * 1.15 <= row - 1), 6.0)
    lines_allowed = 2 if row >= 2 * size * 1.15 + 1 else 1
    natural = max(text_width(category, size) for category in spec.categories)
    label_width = min(natural, canvas.width * 0.34)
    category_lines = [_wrap(category, size, label_width, lines_allowed)
                      for category in spec.categories]
    value_size = min(8.5, max(size, 6.5))
    widths = [text_width(label, value_size) for label in labels]
    numbers = _numbers(spec)
    lo, hi = _extent(numbers, zero=True)
    plot_left = 1.0 + label_width + 6
    left_room = max([w for w, v in zip(widths, spec.values) if v < 0], default=-4) + 4
    right_room = max([w for w, v in zip(widths, spec.values) if v >= 0], default=-4) + 4
    scale = _Scale(lo, hi, plot_left + (left_room if lo < 0 else 0), canvas.width - 1 - right_room)
    thickness = min(row * 0.64, 22)
    zero = scale(0)
    obstacles = []
    for i, (value, estimate) in enumerate(zip(spec.values, derived)):
        middle = top + row * (i + 0.5)
        x0, x1 = sorted((zero, scale(value)))
        _bar(canvas, x0, middle - thickness / 2, max(x1 - x0, 0.0), thickness, estimate, colours)
        obstacles.append(_Box(x0, middle - thickness / 2, x1, middle + thickness / 2))
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
        _reference(canvas, spec, colours, False, scale(spec.reference_value), (top, bottom),
                   obstacles + canvas.text_boxes)


def _dates(categories: Sequence[str]) -> list[float] | None:
    """Return the categories as fractional years when all are increasing dates, else None."""
    years = [_year(category) for category in categories]
    if any(year is None for year in years):
        return None
    dates = [float(year) for year in years if year is not None]
    return dates if all(a < b for a, b in zip(dates, dates[1:])) else None


def _x_positions(categories: Sequence[str], start: float, end: float) -> list[float]:
    """Place categories along start..end: in proportion to time when they are dates, else evenly."""
    n = len(categories)
    if n == 1:
        return [(start + end) / 2]
    dates = _dates(categories)
    if dates:
        scale = _Scale(dates[0], dates[-1], start, end)
        return [scale(date) for date in dates]
    return [start + (end - start) * i / (n - 1) for i in range(n)]


def _year(date: str) -> float | None:
    """Return a YYYY, YYYY-MM or YYYY-MM-DD date as a fractional year at the period's middle."""
    match = _DATE.match(date.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else 0 for part in match.groups())
    if not month:
        return year + 0.5
    if not 1 <= month <= 12:
        return None
    if not day:
        return year + (month - 0.5) / 12
    days = calendar.monthrange(year, month)[1]
    return year + (month - 1 + (min(day, days) - 0.5) / days) / 12


def _draw_line(canvas: _Canvas, spec: ChartSpec, derived: Sequence[bool],
               colours: dict[str, str]) -> None:
    labels, n = _point_labels(spec, derived), len(spec.values)
    value_size = 8.0
    top = _header(canvas, spec, derived, colours, 1.0, "marker") + value_size * 1.3 + 2
    numbers = _numbers(spec)
    lo, hi = min(numbers), max(numbers)
    # Start at zero unless that would flatten the line into a strip at the top (or bottom).
    zero = lo == hi or 0 <= lo <= 0.5 * hi or 0.5 * lo <= hi <= 0
    ticks = _nice_ticks(*_extent(numbers, zero))
    left = _tick_room(ticks)
    inset = max(8, *(text_width(text, size) / 2 for text, size in (
        (labels[0], value_size), (labels[-1], value_size),
        (spec.categories[0], _LABEL_SIZES[0]), (spec.categories[-1], _LABEL_SIZES[0]))))
    xs = _x_positions(spec.categories, left + inset, canvas.width - 1 - inset)
    spacing = min([b - a for a, b in zip(xs, xs[1:])] or [canvas.width])
    widest = max(text_width(category, _LABEL_SIZES[0]) for category in spec.categories)
    label_size = next((size for size in _LABEL_SIZES
                       if widest * size / _LABEL_SIZES[0] <= spacing - 3), _LABEL_SIZES[-1])
    step = max(1, math.ceil((widest * label_size / _LABEL_SIZES[0] + 3) / spacing))
    bottom = canvas.height - label_size * 1.2 - 6
    if (min(spec.values) - ticks[0]) / (ticks[-1] - ticks[0]) < 0.08:
        bottom -= value_size * 1.2  # room for a label under the lowest point
    scale_y = _Scale(ticks[0], ticks[-1], bottom, top)
    ys = [scale_y(value) for value in spec.values]
    _grid(canvas, scale_y, ticks, left, canvas.width - 1, colours)
    for i, (x, category) in enumerate(zip(xs, spec.categories)):
        if (n - 1 - i) % step == 0:  # thin from the latest point back, so it is always labelled
            text = _ellipsize(category, label_size, spacing * step - 3)
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
    markers = [_Box(x - 3, y - 3, x + 3, y + 3) for x, y in zip(xs, ys)]
    if ticks[0] < 0 < ticks[-1]:  # keep labels off the zero line
        markers.append(_Box(left, scale_y(0) - 0.5, canvas.width - 1, scale_y(0) + 0.5))
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
        _reference(canvas, spec, colours, True, scale_y(spec.reference_value),
                   (left, canvas.width - 1), canvas.text_boxes + markers)


def _point_label(canvas: _Canvas, x: float, y: float, text: str, size: float,
                 colours: dict[str, str], segments: list[tuple[tuple[float, float], ...]],
                 markers: list[_Box]) -> None:
    """Label a point above, below or beside it, wherever the line and other labels leave room."""
    width = text_width(text, size)
    candidates = [(x, y - 6, "middle"), (x - 4, y - 5, "end"), (x + 4, y - 5, "start"),
                  (x, y + 6 + 0.72 * size, "middle"), (x - 5, y + 3, "end"),
                  (x + 5, y + 3, "start")]

    def cost(candidate: tuple[float, float, str]) -> float:
        cx, cy, anchor = candidate
        x0 = {"start": cx, "middle": cx - width / 2, "end": cx - width}[anchor]
        box = _Box(x0, cy - 0.72 * size, x0 + width, cy + 0.22 * size)
        outside = box.x0 < 0 or box.y0 < 0 or box.x1 > canvas.width or box.y1 > canvas.height
        crossings = sum(_crosses(box, a, b) for a, b in segments)
        return (100 * outside + 10 * crossings
                + sum(box.overlaps(other, 1) for other in canvas.text_boxes)
                + sum(box.overlaps(marker) for marker in markers))

    cx, cy, anchor = min(candidates, key=cost)
    canvas.text(cx, cy, text, size, colours["text"], anchor=anchor, cls="value")


def _crosses(box: _Box, a: tuple[float, float], b: tuple[float, float]) -> bool:
    steps = 24
    return any(box.x0 - 1 <= a[0] + (b[0] - a[0]) * t / steps <= box.x1 + 1
               and box.y0 - 1 <= a[1] + (b[1] - a[1]) * t / steps <= box.y1 + 1
               for t in range(steps + 1))


def _draw_pie(canvas: _Canvas, spec: ChartSpec, derived: Sequence[bool], colours: dict[str, str],
              hole: bool) -> None:
    n, total = len(spec.values), sum(spec.values)
    radius = min(canvas.height / 2 - 4, canvas.width * 0.22)
    cx, cy = 2 + radius, canvas.height / 2
    shades = [_mix(colours["accent"], "#FFFFFF", 1 - 0.78 * i / max(n - 1, 1)) for i in range(n)]
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
        total_label = _minus(format_number(total)) + ("*" if any(derived) else "")
        canvas.text(cx, cy + 2, total_label, 10, colours["text"], anchor="middle", bold=True,
                    cls="total")
        if spec.unit:
            canvas.text(cx, cy + 11, _ellipsize(spec.unit, 7, inner * 1.6), 7, colours["muted"],
                        anchor="middle", cls="unit")
    _legend(canvas, spec, derived, colours, shades, cx + radius + 18, cy)


def _legend(canvas: _Canvas, spec: ChartSpec, derived: Sequence[bool], colours: dict[str, str],
            shades: Sequence[str], left: float, middle: float) -> None:
    """List the slices beside the pie: swatch, category, value and share, centred on *middle*."""
    n, total = len(spec.values), sum(spec.values)
    rows = n + any(derived) + bool(spec.unit)
    row = min(15.0, (canvas.height - 4) / rows)
    size = min(8.0, max(5.5, row / 1.25))
    values = _point_labels(spec, derived)
    shares = [_percent(value, total) for value in spec.values]
    share_width = max(text_width(share, size) for share in shares)
    value_width = max(text_width(value, size) for value in values)
    room = canvas.width - 1 - (left + 12) - value_width - share_width - 24
    names = [_ellipsize(category, size, room) for category in spec.categories]
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
        canvas.text(left + 12, y, "* Estimate", 7, colours["muted"], cls="key")


def _sector(cx: float, cy: float, outer: float, inner: float, start: float, end: float) -> str:
    """Return the path of a pie slice or, with *inner*, a doughnut segment."""
    if end - start >= 2 * math.pi - 1e-9:  # a full circle cannot be one arc
        half = start + math.pi
        return (_sector(cx, cy, outer, inner, start, half)
                + _sector(cx, cy, outer, inner, half, end))
    large = 1 if end - start > math.pi else 0

    def point(r: float, a: float) -> str:
        return f"{_num(cx + r * math.cos(a))} {_num(cy + r * math.sin(a))}"

    path = f"M{point(outer, start)}A{_num(outer)} {_num(outer)} 0 {large} 1 {point(outer, end)}"
    if inner:
        path += (f"L{point(inner, end)}A{_num(inner)} {_num(inner)} 0 {large} 0"
                 f" {point(inner, start)}Z")
    else:
        path += f"L{_num(cx)} {_num(cy)}Z"
    return path


# --- timeline ---------------------------------------------------------------------------

_HEAD, _BODY, _LEAD = 8.5, 8.0, 9.4  # year size, title size, title line pitch (pt)
_STEM, _GAP, _PAD = 14.0, 8.0, 4.0  # axis to label, between labels, rule to text


@dataclass
class _Milestone:
    """An event placed on the timeline: dot at *x*, label box from *left*, above or below."""

    event: Event
    year: float
    heading: str
    planned: bool
    lines: list[str] = field(default_factory=list)
    x: float = 0.0
    left: float = 0.0
    above: bool = True
    flag_left: bool = False  # label hangs to the left of its rule

    @property
    def width(self) -> float:
        """Width of the label box: the rule, the padding and the widest line."""
        return _PAD + max([text_width(self.heading, _HEAD, True)]
                          + [text_width(line, _BODY) for line in self.lines])

    @property
    def height(self) -> float:
        return _HEAD * 1.2 + len(self.lines) * _LEAD

    @property
    def shift(self) -> float:
        """How far the label's rule sits from the dot."""
        rule = self.left + self.width if self.flag_left else self.left
        return abs(rule - self.x)


def _heading(date: str) -> str:
    match = _DATE.match(date.strip())
    if match and match.group(2):
        return f"{calendar.month_abbr[int(match.group(2))]} {match.group(1)}"
    return date.strip()


def timeline_svg(events: Sequence[Event], theme: Theme, width: float = 160, height: float = 60,
                 *, title: str = "Timeline") -> str:
    """Return *events* as a horizontal SVG timeline *width* x *height* mm, oldest first.

    Raise ValueError when there are no events or a date is not YYYY, YYYY-MM or YYYY-MM-DD.
    """
    if not events:
        raise ValueError("timeline has no events to show")
    canvas = _Canvas(width, height)
    colours = _palette(theme)
    milestones = []
    for event in events:
        year = _year(event.date)
        if year is None:
            raise ValueError(f"timeline event {event.title!r}: date {event.date!r} "
                             "is not YYYY, YYYY-MM or YYYY-MM-DD")
        planned = "planned" in f"{event.title} {event.text}".lower()
        milestones.append(_Milestone(event, year, _heading(event.date), planned))
    milestones.sort(key=lambda milestone: milestone.year)
    lo, hi = 2.0, canvas.width - 2.0
    first, last = milestones[0].year, milestones[-1].year
    span = (first - 0.5, last + 0.5) if last == first else (first, last)
    scale = _Scale(*span, lo + 4, hi - 4)
    for milestone in milestones:
        milestone.x = scale(milestone.year)
    above, below = _layout(milestones, lo, hi, canvas.height)
    axis = (canvas.height - above - below - 2 * _STEM) / 2 + above + _STEM
    canvas.add("line", x1=lo, y1=axis, x2=hi, y2=axis, stroke=colours["muted"],
               stroke_width=1.0, class_="axis")
    for milestone in milestones:
        _draw_milestone(canvas, milestone, axis, colours)
    description = "Timeline: " + "; ".join(
        f"{m.heading}: {m.event.title}" for m in milestones) + "."
    return canvas.render(title, description)


def _layout(milestones: list[_Milestone], lo: float, hi: float,
            height: float) -> tuple[float, float]:
    """Wrap and place every label, trying narrower wraps; return the heights above and below."""
    best: tuple[float, float] | None = None
    for wrap in (110.0, 96.0, 84.0, 72.0):
        for milestone in milestones:
            milestone.lines = _wrap(milestone.event.title, _BODY, wrap, 3)
        _place(milestones, lo, hi)
        above = max((m.height for m in milestones if m.above), default=0.0)
        below = max((m.height for m in milestones if not m.above), default=0.0)
        cut = sum(m.lines[-1].endswith("…") for m in milestones)
        overflow = max(0.0, above + below + 2 * _STEM + 4 - height)
        cost = sum(m.shift for m in milestones) + 500 * cut + 50 * overflow + above + below
        if best is None or cost < best[0]:
            best = (cost, wrap)
    for milestone in milestones:
        milestone.lines = _wrap(milestone.event.title, _BODY, best[1], 3)
    _place(milestones, lo, hi)
    return (max((m.height for m in milestones if m.above), default=0.0),
            max((m.height for m in milestones if not m.above), default=0.0))


def _place(milestones: list[_Milestone], lo: float, hi: float) -> None:
    """Put each label above or below, hanging right or left of its dot, then slide labels apart."""
    ends = {True: lo - _GAP, False: lo - _GAP}
    prefer = True
    for milestone in milestones:
        width = milestone.width
        options = []
        for side in (prefer, not prefer):
            for flag_left in (False, True):
                ideal = milestone.x - width if flag_left else milestone.x
                left = max(min(max(ideal, lo), hi - width), ends[side] + _GAP)
                options.append((round(abs(left - ideal)), side != prefer, flag_left, side, left))
        _, _, milestone.flag_left, milestone.above, milestone.left = min(options)
        ends[milestone.above] = milestone.left + width
        prefer = not milestone.above
    for side in (True, False):
        row = [m for m in milestones if m.above == side]
        limit = hi
        for milestone in reversed(row):  # pull back inside the right edge
            milestone.left = min(milestone.left, limit - milestone.width)
            limit = milestone.left - _GAP
        for milestone in row:
            milestone.left = max(milestone.left, lo)
            # Hang the label from whichever edge is nearer its dot: shorter leaders.
            milestone.flag_left = (abs(milestone.left + milestone.width - milestone.x)
                                   < abs(milestone.left - milestone.x))


def _draw_milestone(canvas: _Canvas, milestone: _Milestone, axis: float,
                    colours: dict[str, str]) -> None:
    sign = -1 if milestone.above else 1
    width = milestone.width
    rule = milestone.left + width if milestone.flag_left else milestone.left
    near, far = axis + sign * _STEM, axis + sign * (_STEM + milestone.height)
    if abs(rule - milestone.x) < 0.5:
        points = [(milestone.x, axis), (rule, far)]
    else:  # nudged aside: a leader from the dot to the label's rule
        points = [(milestone.x, axis), (milestone.x, axis + sign * 4), (rule, near), (rule, far)]
    canvas.add("polyline", points=" ".join(f"{_num(x)},{_num(y)}" for x, y in points),
               fill="none", stroke=colours["baseline"], stroke_width=0.6, class_="stem")
    canvas.add("circle", cx=milestone.x, cy=axis, r=3.2,
               fill="#FFFFFF" if milestone.planned else colours["accent"],
               stroke=colours["accent"], stroke_width=1.4,
               class_="milestone planned" if milestone.planned else "milestone")
    x, anchor = (rule - _PAD, "end") if milestone.flag_left else (rule + _PAD, "start")
    # The year sits next to the axis on both sides; the title reads on away from it.
    heading_y = near - 2 if milestone.above else near + 0.72 * _HEAD + 1
    first_line = (far if milestone.above else near + _HEAD * 1.2) + 0.72 * _BODY + 1
    canvas.items.append('<g class="label">')
    canvas.text(x, heading_y, milestone.heading, _HEAD, colours["accent"], anchor=anchor,
                bold=True, cls="year")
    for i, line in enumerate(milestone.lines):
        canvas.text(x, first_line + i * _LEAD, line, _BODY, colours["text"], anchor=anchor,
                    cls="event")
    canvas.items.append("</g>")
