"""The deck plan once trimming has chosen its slides: an agenda of the sections still shown, and
the method note on the closing slide when a slide shows a derived ("*") figure."""

from __future__ import annotations

import dataclasses
import re
from typing import Sequence

from .model import Planned, Section, Slide

MIN_AGENDA = 2  # an agenda of fewer sections says nothing the titles do not
_STARRED = re.compile(r"\d\*")  # "about $437*": a derived figure written in a text


def settle(kept: Sequence[Planned], sections: Sequence[Section], method_note: str,
           why: str) -> tuple[list[Planned], list[tuple[str, str]]]:
    """Return the kept slides with the agenda listing only *sections* some kept slide shows and the
    closing slide carrying *method_note* when a slide shows a derived figure; and what that left
    out (what, *why*): the agenda itself when it would list fewer than two sections."""
    shown = {origin.rpartition(":")[0] for item in kept for origin in item.origins}
    gone = {_plain(section.title) for section in sections if str(section.path) not in shown}
    result: list[Planned] = []
    omitted: list[tuple[str, str]] = []
    for item in kept:
        slide = item.slide
        if slide.role == "agenda" and gone:
            bullets = tuple(bullet for bullet in slide.bullets if _plain(bullet) not in gone)
            if len(bullets) < MIN_AGENDA:
                omitted.append((f"slide '{slide.title}'", why))
                continue
            item = dataclasses.replace(item, slide=dataclasses.replace(slide, bullets=bullets))
        result.append(item)
    note = " ".join(method_note.split())
    if note and any(shows_derived(item.slide) for item in result):
        closing = next((i for i, item in enumerate(result) if item.slide.role == "closing"), len(result) - 1)
        slide = result[closing].slide
        if note not in slide.bullets:
            result[closing] = dataclasses.replace(
                result[closing], slide=dataclasses.replace(slide, bullets=(*slide.bullets, note)))
    return result, omitted


def shows_derived(slide: Slide) -> bool:
    """Return whether *slide* shows a derived or estimated figure (marked "*")."""
    chart = slide.chart
    if chart is not None and any(any(series.derived) for series in chart.all_series()):
        return True
    if any(figure.is_derived for figure in slide.figures):
        return True
    if slide.table is not None and any(_STARRED.search(cell) for row in slide.table.rows for cell in row):
        return True
    texts = (slide.title, slide.text, slide.callout, *slide.bullets, *slide.bullets_right)
    return any(_STARRED.search(text) for text in texts)


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()
