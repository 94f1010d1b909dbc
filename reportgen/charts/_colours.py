"""The chart palette, derived from the audience's theme by blending with white."""

from __future__ import annotations

import re

from ..model import Theme


def mix(colour: str, other: str, share: float) -> str:
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


def palette(theme: Theme) -> dict[str, str]:
    """Return the colours a chart draws with, by role: accent, estimate, text, grid and so on."""
    return {
        "accent": theme.accent,
        "estimate": mix(theme.accent, "#FFFFFF", 0.28),
        "hatch": mix(theme.accent, "#FFFFFF", 0.75),
        "text": theme.text,
        "muted": theme.muted,
        "baseline": mix(theme.muted, "#FFFFFF", 0.7),
        "grid": mix(theme.muted, "#FFFFFF", 0.22),
        "reference": theme.accent_dark,
    }


SUPPORT = ("#D9822B", "#2A9D8F", "#8C8C8C", "#7A8B3A")  # after the accent, for further series


def series_colours(theme: Theme, count: int) -> list[str]:
    """Return one colour per series: the theme's accent first, then distinct support colours."""
    colours = [theme.accent, *SUPPORT, theme.accent_dark, mix(theme.accent, "#FFFFFF", 0.5)]
    return [colours[i % len(colours)] for i in range(count)]
