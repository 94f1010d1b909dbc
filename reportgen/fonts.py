"""The shipped fonts: which file sets which style, their @font-face rules, and what they can draw.

Every product is set only in fonts shipped in ``reportgen/assets/fonts/`` (SIL Open Font
Licence): the briefing in Source Serif 4 and Source Sans 3 (variable fonts, every weight from one
file per style), the deck in Calibri, which LibreOffice draws with its metric twin Carlito.
Which characters they can all draw is glyphs.py's concern.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import memo
from .resources import FONTS


@dataclass(frozen=True)
class Face:
    """One font file and the CSS family, weights and style it serves."""

    family: str
    file: str
    weights: tuple[int, int]  # the CSS weight range the file covers (a variable font: all of them)
    style: str = "normal"
    aliases: tuple[str, ...] = ()  # older family names that stylesheets may still use

    @property
    def path(self) -> Path:
        return FONTS / self.file


SERIF = "Source Serif 4"
SANS = "Source Sans 3"
BRIEFING_FACES = (
    Face(SERIF, "SourceSerif4-Roman-VF.ttf", (200, 900), "normal", ("Source Serif Pro",)),
    Face(SERIF, "SourceSerif4-Italic-VF.ttf", (200, 900), "italic", ("Source Serif Pro",)),
    Face(SANS, "SourceSans3-Roman-VF.ttf", (200, 900), "normal", ("Source Sans Pro",)),
    Face(SANS, "SourceSans3-Italic-VF.ttf", (200, 900), "italic", ("Source Sans Pro",)),
)
DECK_FACES = (
    Face("Carlito", "Carlito-Regular.ttf", (400, 400)),
    Face("Carlito", "Carlito-Bold.ttf", (700, 700)),
    Face("Carlito", "Carlito-Italic.ttf", (400, 400), "italic"),
)
ALL_FACES = BRIEFING_FACES + DECK_FACES


def font_face_rules(faces: Iterable[Face] = BRIEFING_FACES, base: str | None = None) -> str:
    """Return the @font-face rules for *faces*, each file as a ``file:`` URL (or under *base*)."""
    rules = []
    for face in faces:
        url = f"{base}/{face.file}" if base is not None else face.path.as_uri()
        # WeasyPrint takes no weight range: a variable face is left without one and serves every weight.
        low, high = face.weights
        weight = f" font-weight: {low};" if low == high else ""
        for family in (face.family, *face.aliases):
            rules.append(f'@font-face {{ font-family: "{family}"; src: url("{url}");{weight} font-style: {face.style}; }}')
    return "\n".join(rules)


@dataclass(frozen=True)
class Metrics:
    """A font's metrics in ems: each character's advance width, the advance of the glyph drawn
    for a character it lacks (.notdef), and the height of one line (ascent, descent and gap)."""

    advances: Mapping[str, float]
    missing: float
    line: float


@cache
def metrics(file: str, weight: int = 400) -> Metrics:
    """Return the metrics of *file* at *weight* (variable fonts: that instance), read with
    fontTools the first time and kept between runs (memo.py)."""
    stat = (FONTS / file).stat()
    advances, missing, line = memo.cached("font-metrics", f"{file}:{stat.st_size}:{stat.st_mtime_ns}:{weight}",
                                          lambda: _measured(file, weight))
    return Metrics(advances, missing, line)


def _measured(file: str, weight: int) -> tuple[dict[str, float], float, float]:
    from fontTools.ttLib import TTFont

    # Carlito's head table gives its creation date as a few seconds after 1904, which fontTools
    # reports as a warning on stderr every time the table is read; the date is of no use here.
    head_log = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")
    level = head_log.level
    head_log.setLevel(logging.ERROR)
    try:
        font = _read_metrics(TTFont, file, weight)
    finally:
        head_log.setLevel(level)
    return dict(font.advances), font.missing, font.line


def _read_metrics(opener: Any, file: str, weight: int) -> Metrics:
    with opener(FONTS / file) as font:
        per_em = font["head"].unitsPerEm
        location = {"wght": float(weight)} if "fvar" in font else None
        glyphs = font.getGlyphSet(location=location)
        hhea = font["hhea"]
        return Metrics({chr(code): glyphs[name].width / per_em for code, name in font.getBestCmap().items()},
                       glyphs[".notdef"].width / per_em, (hhea.ascent - hhea.descent + hhea.lineGap) / per_em)
