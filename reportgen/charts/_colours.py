"""The chart palette, derived from the audience's theme by blending with white (``reportgen.colours``)."""

from __future__ import annotations

from ..colours import SUPPORT, tint
from ..model import Theme


def palette(theme: Theme) -> dict[str, str]:
    """Return the colours a chart draws with, by role: accent, estimate, text, grid and so on."""
    return {
        "accent": theme.accent,
        "estimate": tint(theme.accent, 0.72),
        "hatch": tint(theme.accent, 0.25),
        "text": theme.text,
        "muted": theme.muted,
        "baseline": tint(theme.muted, 0.3),
        "grid": tint(theme.muted, 0.78),
        "reference": theme.accent_dark,
    }


def series_colours(theme: Theme, count: int) -> list[str]:
    """Return one colour per series: the theme's accent first, then distinct support colours."""
    colours = [theme.accent, *SUPPORT, theme.accent_dark, tint(theme.accent, 0.5)]
    return [colours[i % len(colours)] for i in range(count)]
