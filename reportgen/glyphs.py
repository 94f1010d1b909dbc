"""Which characters the shipped fonts can draw: text with any other is an error, not an empty box.

A character must be drawable by every shipped face — serif and sans, roman and italic for the
briefing, Carlito's three styles for the deck — because prose reaches both products in any
style. The set is read from ``coverage.txt`` beside the fonts (fast: no font is opened), which
scripts/font_coverage.py writes from the font files and tests/test_fonts.py checks.
"""

from __future__ import annotations

import functools
import unicodedata

from .errors import ReportgenError
from .fonts import ALL_FACES
from .resources import FONTS

COVERAGE = FONTS / "coverage.txt"
_FAMILIES = ", ".join(dict.fromkeys(face.family for face in ALL_FACES))
# Characters that are not drawn as glyphs: line breaks, tabs, joiners, soft hyphens, marks of direction;
# and spaces, which text shaping sets as a space where a font has no glyph of its own (Carlito has
# no U+00A0, the no-break space Russian numbers and units are written with).
_NOT_DRAWN = {"Cc", "Cf", "Zs", "Zl", "Zp"}


@functools.lru_cache(maxsize=1)
def drawable() -> frozenset[int]:
    """Return the code points every shipped face has a glyph for (from coverage.txt)."""
    points: set[int] = set()
    for line in COVERAGE.read_text(encoding="ascii").splitlines():
        if line and not line.startswith("#"):
            low, _, high = line.partition("-")
            points.update(range(int(low, 16), int(high or low, 16) + 1))
    return frozenset(points)


def measured_coverage() -> frozenset[int]:
    """Return the code points every shipped face can draw, read from the font files (slow: 0.3 s)."""
    from fontTools.ttLib import TTFont

    points: frozenset[int] | None = None
    for face in ALL_FACES:
        with TTFont(face.path, lazy=True) as font:
            cmap = frozenset(font.getBestCmap() or {})
        points = cmap if points is None else points & cmap
    return points or frozenset()


def coverage_text(points: frozenset[int]) -> str:
    """Return *points* as the lines of ``coverage.txt``: one hex range ('0020-007E') per line."""
    lines, ordered = [], sorted(points)
    start = previous = ordered[0]
    for point in [*ordered[1:], -1]:
        if point != previous + 1:
            lines.append(f"{start:04X}-{previous:04X}" if previous != start else f"{start:04X}")
            start = point
        previous = point
    return ("# Code points every shipped font face can draw (scripts/font_coverage.py writes this file)\n"
            + "\n".join(lines) + "\n")


def undrawable(text: str) -> str | None:
    """Return the first character of *text* that some shipped face cannot draw, or None."""
    if text.isascii():
        return None
    points = drawable()
    for char in text:
        if ord(char) > 0x7E and ord(char) not in points and unicodedata.category(char) not in _NOT_DRAWN:
            return char
    return None


def check_drawable(text: str, path: str, first_line: int = 1) -> None:
    """Raise an error at *path* and the line of the first character in *text* a shipped font lacks.

    *first_line* is the file line *text* starts on. The PDF would show an empty box and the
    deck a substitute font; an emoji, a lone surrogate or a private-use character is refused.
    """
    char = undrawable(text)
    if char is None:
        return
    line = first_line + text[: text.index(char)].count("\n")
    raise ReportgenError(cannot_draw(char), path, line)


def cannot_draw(char: str) -> str:
    """Return the message for *char*, which some shipped font lacks: "character '🚀' (U+1F680, ROCKET) …"."""
    surrogate = "\ud800" <= char <= "\udfff"
    name = "a lone surrogate" if surrogate else unicodedata.name(char, "")
    shown = f"'{char}' " if char.isprintable() and not surrogate else ""
    return (f"character {shown}(U+{ord(char):04X}{', ' + name if name else ''}) cannot be drawn: "
            f"the fonts shipped with reportgen ({_FAMILIES}) do not all have it")
