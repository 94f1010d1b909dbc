"""Colours: read and write '#RRGGBB', mix two colours, tell a light colour from a dark one.

Every colour reportgen derives — a theme's dark and light accent, the charts' estimate,
hatching and grid shades, the deck's cards, rules and pie slices — is one mix: each channel
*c* moves towards the other colour's *o* by *amount*, ``round(c + (o - c) * amount)``, rounded
half to even (Python's ``round``), so the briefing and the deck agree to the last digit.
"""

from __future__ import annotations

import re

WHITE, BLACK = "#FFFFFF", "#000000"
SUPPORT = ("#D9822B", "#2A9D8F", "#8C8C8C", "#7A8B3A")  # orange, teal, warm grey, olive: after the accent
PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")  # the form a theme colour is written in
_HEX = re.compile(r"[0-9A-Fa-f]{6}")
_LIGHT = 160  # luma above which a colour is light (dark text on it)


def parse(colour: str) -> tuple[int, int, int] | None:
    """Return the (red, green, blue) channels of '#RRGGBB', 'RRGGBB' or '#RGB', or None."""
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(char * 2 for char in text)
    if not _HEX.fullmatch(text):
        return None
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def css(channels: tuple[int, int, int]) -> str:
    """Return *channels* as '#RRGGBB'."""
    return "#" + "".join(f"{channel:02X}" for channel in channels)


def hex6(colour: str) -> str:
    """Return *colour* as 'RRGGBB', the form OOXML writes ('#1f4e79' -> '1F4E79')."""
    return colour.strip().lstrip("#").upper()


def mix(colour: str, other: str, amount: float) -> str:
    """Return *colour* moved towards *other* by *amount* (0: *colour*, 1: *other*), as '#RRGGBB'.

    A colour that cannot be read is returned as it is.
    """
    start, end = parse(colour), parse(other)
    if start is None or end is None:
        return colour
    return css(tuple(round(c + (o - c) * amount) for c, o in zip(start, end)))  # type: ignore[arg-type]


def tint(colour: str, amount: float) -> str:
    """Return *colour* mixed with white; *amount* 0 is the colour, 1 is white."""
    return mix(colour, WHITE, amount)


def shade(colour: str, amount: float) -> str:
    """Return *colour* mixed with black; *amount* 0 is the colour, 1 is black."""
    return mix(colour, BLACK, amount)


def is_light(colour: str) -> bool:
    """Return whether *colour* is light enough to carry dark text (its luma above 160 of 255)."""
    channels = parse(colour)
    if channels is None:
        return False
    red, green, blue = channels
    return 0.299 * red + 0.587 * green + 0.114 * blue > _LIGHT
