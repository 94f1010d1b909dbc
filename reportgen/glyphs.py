"""Which characters the shipped fonts can draw: text with any other is an error, not an empty box."""

from __future__ import annotations

import functools
import unicodedata

from .errors import ReportgenError
from .resources import FONTS

# Characters that are not drawn as glyphs: line breaks, tabs, joiners, soft hyphens, marks of direction.
_NOT_DRAWN = {"Cc", "Cf", "Zl", "Zp"}


@functools.lru_cache(maxsize=1)
def drawable() -> frozenset[int]:
    """Return the code points at least one shipped font (FONTS/*.ttf) has a glyph for."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for path in sorted(FONTS.glob("*.ttf")):
        with TTFont(path, lazy=True) as font:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


def undrawable(text: str) -> str | None:
    """Return the first character of *text* that no shipped font can draw, or None."""
    if text.isascii():
        return None
    points = drawable()
    for char in text:
        if ord(char) > 0x7E and ord(char) not in points and unicodedata.category(char) not in _NOT_DRAWN:
            return char
    return None


def check_drawable(text: str, path: str, first_line: int = 1) -> None:
    """Raise an error at *path* and the line of the first character in *text* no shipped font has.

    *first_line* is the file line *text* starts on. The PDF would show an empty box and the
    deck a substitute font; an emoji, a lone surrogate or a private-use character is refused.
    """
    char = undrawable(text)
    if char is None:
        return
    line = first_line + text[: text.index(char)].count("\n")
    raise ReportgenError(cannot_draw(char), path, line)


def cannot_draw(char: str) -> str:
    """Return the message for *char*, which no shipped font has: "character '🚀' (U+1F680, ROCKET) …"."""
    surrogate = "\ud800" <= char <= "\udfff"
    name = "a lone surrogate" if surrogate else unicodedata.name(char, "")
    shown = f"'{char}' " if char.isprintable() and not surrogate else ""
    return f"character {shown}(U+{ord(char):04X}{', ' + name if name else ''}) cannot be drawn: no font shipped with reportgen has it"
