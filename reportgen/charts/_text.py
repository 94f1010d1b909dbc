"""Chart labels in the shipped Source Sans 3: widths (measured by ``textfit``), wrapping and label sizes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..textfit import em_width

SANS_FILE = "SourceSans3-Roman-VF.ttf"

_HYPHEN_MINUS = re.compile(r"(?<![\w.])-(?=[$€£¥]?\d)")
LABEL_SIZES = (8, 7.5, 7, 6.5)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Return the advance width in pt of *text* set in Source Sans 3 at *size* pt (the weight drawn)."""
    return size * em_width(text, SANS_FILE, 700 if bold else 400)


def ellipsize(text: str, size: float, width: float, bold: bool = False) -> str:
    """Return *text*, cut with an ellipsis if it is wider than *width* pt."""
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text.rstrip() + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap(text: str, size: float, width: float, max_lines: int, bold: bool = False) -> list[str]:
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
    return [ellipsize(line, size, width, bold) for line in lines] or [""]


def fits(lines: list[str], size: float, width: float) -> bool:
    """Return whether every line fits *width* pt at *size* pt without being cut."""
    return all(not line.endswith("…") and text_width(line, size) <= width for line in lines)


def fit_labels(texts: Sequence[str], width: float,
               max_lines: int = 2) -> tuple[float, list[list[str]]]:
    """Return the largest label size at which every text wraps into *width*, and the lines."""
    for size in LABEL_SIZES:
        wrapped = [wrap(text, size, width, max_lines) for text in texts]
        if all(fits(lines, size, width) for lines in wrapped):
            return size, wrapped
    return size, wrapped


def minus(label: str) -> str:
    """Return *label* with the hyphen before a number set as a typographic minus."""
    return _HYPHEN_MINUS.sub("\u2212", label)
