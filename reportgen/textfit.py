"""Measure text: the one place widths come from, the fonts' own advance widths (``fonts.metrics``).

Slide text is measured, wrapped and fitted here with Carlito's metrics (metric-compatible with
Calibri); chart labels take their widths in Source Sans 3 from ``em_width``. Lengths are EMU (914,400 per inch, 12,700 per point); font sizes are points. Widths are
measured without kerning and padded by ``SAFETY`` so that text measured to fit here fits in
both PowerPoint (Calibri) and LibreOffice (Carlito). Nothing is ever truncated: text that does
not fit is wrapped, paged or reported as not fitting (``None``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from .fonts import metrics

EMU_PER_PT = 12_700
EMU_PER_INCH = 914_400
SAFETY = 0.96  # share of a box's width that text may fill

_FILES = {
    (False, False): "Carlito-Regular.ttf",
    (True, False): "Carlito-Bold.ttf",
    (False, True): "Carlito-Italic.ttf",
    (True, True): "Carlito-Bold.ttf",  # no bold italic shipped; bold is the wider of the two
}


@dataclass(frozen=True)
class TextStyle:
    """How a paragraph is set: size in points, weight, line spacing and spacing before."""

    size: float
    bold: bool = False
    italic: bool = False
    line_spacing: float = 1.0  # multiple of the font's single line height
    space_before: float = 0.0  # points above each paragraph but the first
    indent: int = 0  # EMU taken from the width by a bullet's hanging indent

    def at(self, size: float) -> TextStyle:
        """Return this style at another point *size*, spacing scaled with it."""
        ratio = size / self.size
        return TextStyle(size, self.bold, self.italic, self.line_spacing,
                         self.space_before * ratio, self.indent)


def em_width(text: str, file: str, weight: int = 400) -> float:
    """Return the advance width of *text* on one line in ems of font *file* at *weight*, unkerned."""
    font = metrics(file, weight)
    table, missing = font.advances, font.missing
    return sum(table.get(char, missing) for char in text)


@lru_cache(maxsize=65_536)
def _word_units(word: str, bold: bool, italic: bool) -> float:
    return em_width(word, _FILES[(bold, italic)])


def _line_factor() -> float:
    return metrics(_FILES[(False, False)]).line  # ascent + descent + line gap: 1.22 for Carlito


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> int:
    """Return the advance width of *text* on one line at *size* points, in EMU."""
    return round(_word_units(text, bold, italic) * size * EMU_PER_PT)


def box_width(text: str, size: float, bold: bool = False, italic: bool = False) -> int:
    """Return the narrowest box width, in EMU, that holds *text* on one line at *size* points."""
    return int(text_width(text, size, bold, italic) / SAFETY) + 2


def line_height(size: float, line_spacing: float = 1.0) -> int:
    """Return the height of one line at *size* points and *line_spacing*, in EMU."""
    return round(_line_factor() * size * line_spacing * EMU_PER_PT)


def wrap(text: str, width: int, size: float, bold: bool = False, italic: bool = False) -> list[str]:
    """Return *text* broken into lines no wider than *width* EMU at *size* points.

    Breaks at spaces; a word wider than the line is broken between characters. A newline in
    *text* forces a break. Empty text is one empty line.
    """
    limit = width * SAFETY / (size * EMU_PER_PT)
    space = _word_units(" ", bold, italic)
    lines: list[str] = []
    for hard_line in text.split("\n"):
        current: list[str] = []
        used = 0.0
        for word in hard_line.split():
            units = _word_units(word, bold, italic)
            needed = units if not current else used + space + units
            if needed <= limit:
                current.append(word)
                used = needed
                continue
            if current:
                lines.append(" ".join(current))
            if units <= limit:
                current, used = [word], units
            else:
                pieces = _break_word(word, limit, bold, italic)
                lines.extend(pieces[:-1])
                current, used = [pieces[-1]], _word_units(pieces[-1], bold, italic)
        lines.append(" ".join(current))
    return lines


def _break_word(word: str, limit: float, bold: bool, italic: bool) -> list[str]:
    pieces, start = [], 0
    for end in range(1, len(word) + 1):
        if _word_units(word[start:end], bold, italic) > limit and end - 1 > start:
            pieces.append(word[start:end - 1])
            start = end - 1
    pieces.append(word[start:])
    return pieces


def paragraph_height(text: str, width: int, style: TextStyle, first: bool = True) -> int:
    """Return the height of one paragraph wrapped to *width* EMU, with its space before."""
    lines = wrap(text, width - style.indent, style.size, style.bold, style.italic)
    height = len(lines) * line_height(style.size, style.line_spacing)
    return height if first else height + round(style.space_before * EMU_PER_PT)


def block_height(paragraphs: Sequence[str], width: int, style: TextStyle) -> int:
    """Return the height of *paragraphs* set one after another in a box *width* EMU wide."""
    return sum(paragraph_height(text, width, style, first=index == 0)
               for index, text in enumerate(paragraphs))


def fits(paragraphs: Sequence[str], width: int, height: int, style: TextStyle) -> bool:
    """Return whether *paragraphs* fit a box of *width* × *height* EMU."""
    return block_height(paragraphs, width, style) <= height


def fit_size(paragraphs: str | Sequence[str], width: int, height: int, style: TextStyle,
             minimum: float, step: float = 1.0) -> float | None:
    """Return the largest size from *style.size* down to *minimum* at which the text fits.

    Returns None when the text does not fit even at *minimum* points.
    """
    texts = [paragraphs] if isinstance(paragraphs, str) else list(paragraphs)
    size = style.size
    while size >= minimum - 1e-9:
        if fits(texts, width, height, style.at(size)):
            return size
        size -= step
    return None


def paginate(items: Sequence[str], width: int, height: int, style: TextStyle,
             max_items: int | None = None) -> list[list[str]]:
    """Split *items* (bullets) into pages that each fit a box of *width* × *height* EMU.

    Uses as few pages as the greedy fill needs, then evens out the page lengths (9 bullets
    on two pages become 5 + 4, not 8 + 1). An item too tall for a page on its own is split
    between lines, so no page overflows. An empty list is one empty page.
    """
    pieces = [piece for item in items for piece in _split_tall(item, width, height, style)]
    greedy = _fill(pieces, width, height, style, max_items)
    if len(greedy) <= 1:
        return greedy or [[]]
    per_page = -(-len(pieces) // len(greedy))
    cap = per_page if max_items is None else min(per_page, max_items)
    balanced = _fill(pieces, width, height, style, cap)
    return balanced if len(balanced) == len(greedy) else greedy


def _fill(items: Sequence[str], width: int, height: int, style: TextStyle,
          max_items: int | None) -> list[list[str]]:
    pages: list[list[str]] = []
    page: list[str] = []
    for item in items:
        full = max_items is not None and len(page) >= max_items
        if page and (full or not fits([*page, item], width, height, style)):
            pages.append(page)
            page = []
        page.append(item)
    if page:
        pages.append(page)
    return pages


def _split_tall(item: str, width: int, height: int, style: TextStyle) -> list[str]:
    if fits([item], width, height, style):
        return [item]
    lines = wrap(item, width - style.indent, style.size, style.bold, style.italic)
    per_page = max(1, height // line_height(style.size, style.line_spacing))
    return [" ".join(lines[start:start + per_page]) for start in range(0, len(lines), per_page)]
