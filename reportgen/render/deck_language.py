"""The language of every text run in a deck (PowerPoint spell-checks and reads it aloud by it), and its spaces."""

from __future__ import annotations

from lxml import etree
from pptx import Presentation

from reportgen.render.ooxml import A as _A

_RUN_PROPERTIES = ("rPr", "endParaRPr", "defRPr")
_RUN_PARENTS = ("r", "fld")


def language_tag(language: str) -> str:
    """Return the tag Office expects for *language*: a region added where it has none ('ru' -> 'ru-RU')."""
    if "-" in language:
        return language
    from babel.core import get_global

    likely = str(get_global("likely_subtags").get(language, language)).split("_")
    region = next((part for part in likely[1:] if len(part) == 2 and part.isupper()), "")
    return f"{language}-{region}" if region else language


def set_text_language(prs: Presentation, language: str) -> None:
    """Mark every run, field and paragraph end of the slides, their notes and charts as *language*;
    make no-break spaces plain ones (see _mark)."""
    tag = language_tag(language)
    for slide in prs.slides:
        parts = [slide.element]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.element)
        for shape in slide.shapes:
            if getattr(shape, "has_chart", False) and shape.has_chart:
                parts.append(shape.chart._chartSpace)
        for element in parts:
            _mark(element, tag)


def _mark(element: etree._Element, tag: str) -> None:
    # Text was measured with every space a break opportunity, no-break spaces too (Russian
    # writes '3 000' and '563 млн' with them); PowerPoint and LibreOffice would not break there
    # and split a word instead, so on a slide they become plain spaces.
    for text in element.iter(f"{{{_A}}}t"):
        if text.text and ("\u00a0" in text.text or "\u202f" in text.text):
            text.text = text.text.replace("\u00a0", " ").replace("\u202f", " ")
    for name in _RUN_PARENTS:
        for run in element.iter(f"{{{_A}}}{name}"):
            if run.find(f"{{{_A}}}rPr") is None:
                run.insert(0, etree.Element(f"{{{_A}}}rPr"))
    for name in _RUN_PROPERTIES:
        for properties in element.iter(f"{{{_A}}}{name}"):
            properties.set("lang", tag)
