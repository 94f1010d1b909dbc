"""SVG written as plain text: escaping, number formatting, and a canvas that collects elements."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ._text import text_width

FONT_FAMILY = "Source Sans 3, sans-serif"
PT_PER_MM = 72 / 25.4
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _esc(text: str) -> str:
    text = _XML_INVALID.sub("", str(text))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def num(value: float) -> str:
    """Return *value* as SVG number text: at most two decimals, no trailing zeros, no -0."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(attributes: dict[str, object]) -> str:
    parts = []
    for key, value in attributes.items():
        if value is None:
            continue
        text = num(value) if isinstance(value, float) else str(value)
        parts.append(f' {key.rstrip("_").replace("_", "-")}="{_esc(text)}"')
    return "".join(parts)


@dataclass(frozen=True)
class Box:
    """A rectangle on the canvas, in pt from the top left."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, gap: float = 0) -> bool:
        """Return whether the boxes come closer than *gap* pt."""
        return (self.x0 < other.x1 + gap and other.x0 < self.x1 + gap
                and self.y0 < other.y1 + gap and other.y0 < self.y1 + gap)


class Canvas:
    """Collects SVG elements in drawing order and remembers where text went."""

    def __init__(self, width_mm: float, height_mm: float) -> None:
        if not (width_mm >= 30 and height_mm >= 20):
            raise ValueError(f"a chart needs at least 30 x 20 mm, got {width_mm} x {height_mm} mm")
        self.width_mm, self.height_mm = width_mm, height_mm
        self.width, self.height = width_mm * PT_PER_MM, height_mm * PT_PER_MM
        self.items: list[str] = []
        self.text_boxes: list[Box] = []
        self.hatched = False

    def hatch(self) -> str:
        """Return the fill that lays white diagonal hatching over a shape (an estimate)."""
        self.hatched = True
        return "url(#@HATCH@)"

    def add(self, tag: str, **attributes: object) -> None:
        """Add an empty element; a float is written by num(), a None attribute left out."""
        self.items.append(f"<{tag}{_attrs(attributes)}/>")

    def text(self, x: float, y: float, text: str, size: float, fill: str,
             anchor: str = "start", bold: bool = False, italic: bool = False,
             cls: str | None = None) -> Box:
        """Draw one line of text with its baseline at *y*; return the box it covers."""
        width = text_width(text, size, bold)
        x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        # A label wider than its slot (the last of a crowded axis) slides in from the edge.
        shift = max(0.5 - x0, 0.0) + min(self.width - 0.5 - (x0 + width), 0.0)
        x, x0 = x + shift, x0 + shift
        box = Box(x0, y - 0.72 * size, x0 + width, y + 0.22 * size)
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
                f' width="{num(self.width_mm)}mm" height="{num(self.height_mm)}mm"'
                f' viewBox="0 0 {num(self.width)} {num(self.height)}"'
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
