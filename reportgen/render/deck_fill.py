"""Compose planned slides so that none is thin or repeats its neighbour.

A list of bullets that fills less than half of its box (measured with the master's geometry
and Carlito's metrics, as the renderer lays it out) is paired with the section's own visual or
callout on the Two content layout; bullets that repeat the slide's title, or restate a key
figure shown beside them, are folded away; consecutive slides never share speaker notes.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from pptx import Presentation

from reportgen.model import Figure, Planned, Slide
from reportgen.render import deck_pages
from reportgen.render.deck_layouts import Layouts, bullet_indent, text_area
from reportgen.resources import MAX_MASTER_BYTES, read_file
from reportgen.textfit import TextStyle, block_height

THIN = deck_pages.THIN
PAIRS = "Two content"
STATEMENT = "Section"  # a callout on its own: a statement slide, as the ask
_STOP = {"a", "an", "the", "of", "in", "on", "and", "to", "for", "by", "is", "are", "with", "its", "at", "as"}


class Geometry:
    """The master's boxes, to measure slides as the renderer will set them."""

    def __init__(self, master: Path) -> None:
        self.layouts = Layouts(Presentation(io.BytesIO(read_file(master, [master], str(master), MAX_MASTER_BYTES))))

    def text_fill(self, layout_name: str, items: list[str]) -> float:
        """Return the share of the bullets' box of *layout_name* that *items* fill (1.0 when they page)."""
        rules = self.layouts.rules(layout_name)
        placeholder = rules.placeholder("bullets") if rules is not None else None
        if rules is None or placeholder is None or not items:
            return 0.0
        area = text_area(placeholder)
        style = deck_pages.bullet_style(rules.size("bullets")[0], bullet_indent(placeholder))
        if rules.max_bullets is not None and len(items) > rules.max_bullets:
            return 1.0
        return min(1.0, block_height(items, area.w, style) / area.h)

    def fits(self, layout_name: str, items: list[str]) -> bool:
        """Return whether *items* fit the bullets' box of *layout_name* on one page."""
        rules = self.layouts.rules(layout_name)
        placeholder = rules.placeholder("bullets") if rules is not None else None
        if rules is None or placeholder is None:
            return False
        if rules.max_bullets is not None and len(items) > rules.max_bullets:
            return False
        area = text_area(placeholder)
        style = deck_pages.bullet_style(rules.size("bullets")[1], bullet_indent(placeholder))
        return block_height(items, area.w, style) <= area.h


def slide_fill(geometry: Geometry, slide: Slide) -> float:
    """Return the share of the body a text-only slide's laid-out text fills."""
    return geometry.text_fill(slide.layout, [*deck_pages.paragraphs(slide.text), *deck_pages.clean(slide.bullets)])


def compose(planned: list[Planned], master: Path) -> list[Planned]:
    """Return *planned* with thin slides paired or filled, repeats folded and notes unique."""
    if geometry_of(master).layouts.rules(PAIRS) is None:
        return _unique_notes(planned)
    geometry = geometry_of(master)
    slides = _fold_into_figures([replace(item, slide=_fold(item.slide)) for item in planned], geometry)
    slides = _bottom_line_beside_figures(slides, geometry)
    deck_figures = tuple(f for item in slides if item.slide.role in ("visual", "bottom_line") and not item.origins
                         for f in item.slide.figures)
    result: list[Planned] = []
    index = 0
    while index < len(slides):
        item = slides[index]
        slide = item.slide
        if slide.role == "points" and slide_fill(geometry, slide) < THIN:
            partner = _partner(slides, index, geometry)
            if partner is not None:
                paired = _pair(item, slides[partner], geometry, deck_figures)
                if paired is not None:
                    result.append(paired)
                    del slides[partner]
                    index += 1
                    continue
            following = slides[index + 1] if index + 1 < len(slides) else None
            if (following is not None and following.slide.role == "points" and _section_of(following) == _section_of(item)
                    and slide_fill(geometry, following.slide) < THIN and geometry.fits(PAIRS, list(deck_pages.clean(slide.bullets)))):
                result.append(_list_beside(item, following))
                index += 2
                continue
            result.append(replace(item, slide=_with_lead(slide, geometry)))
        elif slide.role == "callout" and result and _can_join_visual(result[-1], item):
            result[-1] = _callout_beside(result[-1], item)
        elif slide.role == "callout":
            result.append(replace(item, slide=_statement(slide, geometry)))
        else:
            result.append(item)
        index += 1
    return _unique_notes(result)


_GEOMETRY: dict[Path, Geometry] = {}


def geometry_of(master: Path) -> Geometry:
    """Return the Geometry of *master*, read once per process."""
    if master not in _GEOMETRY:
        _GEOMETRY[master] = Geometry(master)
    return _GEOMETRY[master]


def _section_of(item: Planned) -> str:
    return item.slide.origin.rpartition(":")[0]


def _partner(slides: list[Planned], index: int, geometry: Geometry) -> int | None:
    """Return the index of the first later slide of the same section that can sit beside *index*."""
    section = _section_of(slides[index])
    for other in range(index + 1, len(slides)):
        candidate = slides[other]
        if _section_of(candidate) != section or not section:
            return None
        if candidate.slide.role == "points":
            return None
        if _pairable(candidate.slide):
            return other
    return None


def _fold_into_figures(slides: list[Planned], geometry: Geometry) -> list[Planned]:
    """Drop the bullets of the list after a key-figures slide that restate its figures.

    A list left with at most one bullet and too little to fill its slide says nothing the
    figures do not: it is merged into the key-figures slide, which takes its title and notes.
    """
    result: list[Planned] = []
    shown: tuple[Figure, ...] = ()
    for item in slides:
        current = item.slide
        if current.role == "visual" and current.figures and current.layout != PAIRS:
            shown = current.figures
        elif current.role == "points" and shown:
            bullets = _without_figures(current.bullets, shown)
            figures = result[-1]
            folded = replace(current, bullets=bullets)
            says_more = any(not _restates(b, shown) for b in current.bullets)
            if not says_more and figures.slide.figures == shown and slide_fill(geometry, folded) < THIN:
                merged = replace(figures.slide, title=current.title, notes=current.notes or figures.slide.notes,
                                 source=_sources(figures.slide.source, current.source))
                result[-1] = Planned(merged, min(figures.priority, item.priority), (*figures.origins, *item.origins))
                shown = ()
                continue
            item = replace(item, slide=folded)
            shown = ()
        else:
            shown = () if current.role == "points" else shown
        result.append(item)
    return result


def _bottom_line_beside_figures(slides: list[Planned], geometry: Geometry) -> list[Planned]:
    """Set a thin bottom line beside the key figures that follow it, on one slide."""
    for index, item in enumerate(slides[:-1]):
        following = slides[index + 1]
        if (item.slide.role == "bottom_line" and slide_fill(geometry, item.slide) < THIN
                and following.slide.role == "visual" and 0 < len(following.slide.figures) <= 4
                and not following.origins  # the deck's own key figures, not a section's (its title would go)
                and following.slide.layout != PAIRS and geometry.fits(PAIRS, list(item.slide.bullets))):
            slide = replace(item.slide, layout=PAIRS, figures=following.slide.figures,
                            notes="\n\n".join(n for n in (item.slide.notes, following.slide.notes) if n),
                            source=_sources(item.slide.source, following.slide.source))
            paired = Planned(slide, min(item.priority, following.priority), (*item.origins, *following.origins))
            return [*slides[:index], paired, *slides[index + 2:]]
    return slides


def _pairable(slide: Slide) -> bool:
    if slide.role == "callout":
        return True
    if slide.role != "visual" or slide.table is not None or slide.events:
        return False
    return bool(slide.chart or slide.image or slide.quote or 0 < len(slide.figures) <= 4)


def _pair(points: Planned, visual: Planned, geometry: Geometry, shown: tuple[Figure, ...] = ()) -> Planned | None:
    """Return *points* beside *visual* on Two content, or None when the list would not fit.

    Beside key figures, bullets that restate them, or the deck's key figures (*shown*), go.
    """
    left = points.slide
    other = visual.slide
    bullets = deck_pages.clean(left.bullets)
    if other.figures:
        bullets = _without_figures(bullets, (*other.figures, *shown))
    if not geometry.fits(PAIRS, [*deck_pages.paragraphs(left.text), *bullets]):
        return None
    fields: dict[str, Any] = {
        "chart": other.chart, "figures": other.figures, "image": other.image, "alt": other.alt,
        "caption": (other.caption or other.title) if other.image else "",
        "quote": other.quote, "attribution": other.attribution,
        "callout": other.callout, "callout_title": other.callout_title,
    }
    source = _sources(left.source, other.source)
    slide = replace(left, layout=PAIRS, bullets=bullets, source=source, **fields)
    if geometry.text_fill(PAIRS, list(bullets)) < THIN and _without_figures((slide.lead, "-"), other.figures)[0] == slide.lead:
        slide = _with_lead(slide, geometry)
    return Planned(slide, min(points.priority, visual.priority), (*points.origins, *visual.origins))


def _list_beside(points: Planned, other: Planned) -> Planned:
    """Merge two thin lists of one section: the second becomes a box beside the first."""
    second = other.slide
    slide = replace(points.slide, layout=PAIRS, callout_title=second.title, callout="\n".join(second.bullets),
                    source=_sources(points.slide.source, second.source))
    return Planned(slide, min(points.priority, other.priority), (*points.origins, *other.origins))


def _without_figures(bullets: tuple[str, ...], figures: tuple[Figure, ...]) -> tuple[str, ...]:
    """Return *bullets* less those that restate one of *figures* (keeping at least one)."""
    kept = tuple(b for b in bullets if not _restates(b, figures))
    return kept or tuple(bullets[:1])


def _restates(bullet: str, figures: tuple[Figure, ...]) -> bool:
    """Return whether *bullet* states one of *figures* (its text, or its number with its label's words)."""
    for figure in figures:
        if figure.text in bullet:
            return True
        label = {w for w in _words(figure.label) if len(w) > 3}
        if re.search(rf"(?<![\d.,]){re.escape(figure.number)}(?![\d.,]*\d)", bullet) and label and label <= _words(bullet):
            return True
    return False


def _can_join_visual(previous: Planned, callout: Planned) -> bool:
    slide = previous.slide
    return (_section_of(previous) == _section_of(callout) and slide.role == "visual" and slide.layout != PAIRS
            and slide.table is None and not slide.events and bool(slide.chart or slide.image or 0 < len(slide.figures) <= 4))


def _callout_beside(visual: Planned, callout: Planned) -> Planned:
    """Put a callout beside the visual before it: the box on the left, the visual on the right."""
    slide = replace(visual.slide, layout=PAIRS, callout=callout.slide.callout,
                    callout_title=callout.slide.callout_title, role="visual",
                    notes="\n\n".join(n for n in (visual.slide.notes, callout.slide.callout) if n),
                    source=_sources(visual.slide.source, callout.slide.source))
    return Planned(slide, min(visual.priority, callout.priority), (*visual.origins, *callout.origins))


def _sources(first: str, second: str) -> str:
    """Return one source line for two: 'Source: a; b', each credit once (notes such as
    '* Estimate …' after a credit do not make it another)."""
    if not second or second == first:
        return first
    if not first:
        return second
    label, _, credits = first.partition(": ")
    seen = [c.strip() for c in credits.split(";")]
    known = {_credit_key(c) for c in seen}
    for credit in second.partition(": ")[2].split(";"):
        if credit.strip() and _credit_key(credit) not in known:
            seen.append(credit.strip())
            known.add(_credit_key(credit))
    return f"{label}: {'; '.join(seen)}"


def _credit_key(credit: str) -> str:
    return " ".join(credit.split(". *")[0].lower().rstrip(". ").split())


def _statement(slide: Slide, geometry: Geometry) -> Slide:
    """Set a callout on its own as a statement slide (its title, its text large), when it fits."""
    rules = geometry.layouts.rules(STATEMENT)
    box = rules.placeholder("text") if rules is not None else None
    if rules is None or box is None:
        return slide
    area = text_area(box)
    _largest, smallest = rules.size("text")
    texts = deck_pages.paragraphs(slide.callout)
    if block_height(texts, area.w, TextStyle(smallest, space_before=smallest / 2)) > area.h:
        return slide
    return replace(slide, layout=STATEMENT, title=slide.callout_title or slide.title, text=slide.callout,
                   callout="", callout_title="")


def _with_lead(slide: Slide, geometry: Geometry) -> Slide:
    """Open a thin list with the section's summary, unless it says what the title says."""
    lead = " ".join(slide.lead.split())
    if not lead or slide.text or _overlap(lead, slide.title) >= 0.6:
        return slide
    filled = replace(slide, text=lead)
    return filled if geometry.fits(slide.layout, [lead, *deck_pages.clean(slide.bullets)]) else slide


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[\w$%.,]+", text.lower().replace("’", "'")) if w not in _STOP} - {"", ".", ","}


def _repeats(text: str, title: str) -> bool:
    """Return whether *text* says nothing its *title* does not (its words are the title's)."""
    words = {w.strip(".,") for w in _words(text)}
    return bool(words) and words <= {w.strip(".,") for w in _words(title)}


def _overlap(text: str, title: str) -> float:
    """Return the share of *text*'s words that its *title* has too."""
    words = {w.strip(".,") for w in _words(text)}
    return len(words & {w.strip(".,") for w in _words(title)}) / len(words) if words else 1.0


def _fold(slide: Slide) -> Slide:
    """Drop bullets that only repeat the slide's title (keeping at least one)."""
    if slide.role != "points" or len(slide.bullets) < 2:
        return slide
    kept = tuple(b for b in slide.bullets if not _repeats(b, slide.title))
    return replace(slide, bullets=kept or slide.bullets[:1])


def _unique_notes(planned: list[Planned]) -> list[Planned]:
    """Give a slide whose notes repeat the previous slide's notes its own, from what it shows."""
    result: list[Planned] = []
    for item in planned:
        slide = item.slide
        if result and slide.notes.strip() and slide.notes.strip() == result[-1].slide.notes.strip():
            result.append(replace(item, slide=replace(slide, notes=_own_notes(slide))))
        else:
            result.append(item)
    return result


def _own_notes(slide: Slide) -> str:
    parts = [slide.title.rstrip(".") + "."]
    parts += [b.rstrip(".") + "." for b in slide.bullets]
    parts += [f"{figure.label}: {figure.text}." for figure in slide.figures]
    parts += [f"{event.when}: {event.title}." for event in slide.events]
    if slide.chart is not None and slide.chart.alt:
        parts.append(slide.chart.alt)
    if slide.callout:
        parts.append(slide.callout)
    return " ".join(parts)
