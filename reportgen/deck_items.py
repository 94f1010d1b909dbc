"""What each section offers the deck, in order: its visuals, callouts, pictures and extra slides.

The built-in deck plan turns each item into a slide. Here the items are chosen: one visual per
set of figures (a chart rather than a table of the same numbers), nothing from prose left
behind (pictures and Markdown tables become items), and every item carries its own notes and
source line. What is passed over is recorded with the reason, for ``reportgen list``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from . import resolve
from .bibliography import short_name
from .charts import chart_alt
from .citations import cited_in_html
from .directives import CalloutOptions, ChartOptions, KeyFiguresOptions, QuoteOptions, TableOptions
from .front import figure_set
from .locales import full_stop, without_full_stop
from .model import Block, ChartSpec, Edition, Event, Picture, Section, TableSpec, TimelineSpec
from .numbers import event_date
from .slide_content import footnotes, pictures_and_tables

PICTURE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp")
_VISUALS = ("chart", "table", "timeline", "keyfigures")


@dataclass
class Omission:
    """Something of the content that no slide shows, and why."""

    origin: str  # "path:line"
    what: str  # "table 'Cargo …'"
    why: str


@dataclass
class DeckItems:
    """Every main section's items, and what was passed over."""

    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    omitted: list[Omission] = field(default_factory=list)


def section_source(edition: Edition, section: Section, blocks: tuple[Block, ...] | None = None) -> str:
    """Return the source line of what *blocks* (default: all of *section*) show and cite."""
    blocks = section.blocks if blocks is None else blocks
    ids: list[str] = []
    notes: list[str] = []
    for block in blocks:
        ids.extend(block.source_ids)
        notes.extend(footnotes(block.html))
        ids.extend(cited_in_html(block.html))
    if blocks is section.blocks:
        ids.extend(section.cites)
        said = " ".join((section.slide_title, section.summary, *section.key_points))
        for name, dataset in edition.data.items():
            if f"data.{name}" in section.body:
                ids.extend(dataset.sources)
            ids.extend(figure.source for figure in dataset.figures if figure.text in said)
    return _join(edition, ids, notes)


def _join(edition: Edition, ids: list[str], notes: list[str]) -> str:
    credits: list[str] = []
    for source_id in dict.fromkeys(i for i in ids if i):
        source = edition.config.source(source_id)
        credits.append(short_name(source) if source else source_id)
    known = {_key(credit) for credit in credits}
    credits += [note for note in dict.fromkeys(notes) if _key(note) not in known]
    label = edition.labels.get("source", "Source")
    return f"{label}: {'; '.join(map(without_full_stop, credits))}" if credits else ""


def _key(text: str) -> str:
    return " ".join(text.lower().rstrip(". ").split())


def figures_source(edition: Edition, figures: Any) -> str:
    """Return the source line of a set of figures."""
    return _join(edition, [figure.source for figure in figures], [])


def collect(edition: Edition, sections: list[Section], shown_figures: list[str]) -> DeckItems:
    """Return the deck items of *sections*, in order; *shown_figures* are already on a slide."""
    result = DeckItems()
    shown: list[tuple[str, frozenset[str], str]] = [("the key figures slide", frozenset(shown_figures), "")] if shown_figures else []
    kinds: list[str] = []
    for section in sections:
        items: list[dict[str, Any]] = []
        full = section.depth == "full"
        candidates = _candidates(edition, section)
        first = True
        for item in candidates:
            kind = item["kind"]
            if not full and kind not in _VISUALS:
                continue
            figures = item.get("figure_set") or frozenset()
            if kind == "keyfigures" and shown_figures and not figures <= set(shown_figures):
                # Cards already on the key-figures slide are not shown twice: only the new ones.
                item = {**item, "figures": [ref for ref in item["figures"] if ref not in shown_figures]}
                figures = frozenset(item["figures"])
            duplicate = _duplicate_of(figures, kind, shown, candidates, item)
            if duplicate:
                result.omitted.append(Omission(item["origin"], _describe(item), f"shows the same figures as {duplicate}"))
                continue
            if kind == "picture" and not item["src"].lower().endswith(PICTURE_TYPES):
                suffix = PurePosixPath(item["src"]).suffix or "this"
                result.omitted.append(Omission(item["origin"], _describe(item), f"a deck cannot show {suffix} pictures (use PNG or JPEG)"))
                continue
            if kind == "slide" and not item["bullets"]:
                result.omitted.append(Omission(item["origin"], _describe(item), "a '::: slides' slide with no text or picture"))
                continue
            if figures:
                shown.append((_describe(item), figures, kind))
            if not full:  # a section shown as key points: its first chart outranks its list slide
                item["priority"] = 2 if first and kind == "chart" else 3
                first = first and kind != "chart"
            elif kind in _VISUALS:
                item["priority"] = 1 if first and kind not in kinds else 2
                kinds.append(kind)
                first = first and kind in ("chart", "keyfigures")  # a table or timeline is the visual
            else:
                item["priority"] = 3 if kind == "quote" else 2
            items.append({key: value for key, value in item.items() if key != "figure_set"})
        result.items[section.id] = items
    return result


def _describe(item: dict[str, Any]) -> str:
    noun = {"keyfigures": "key figures", "slide": "slide", "picture": "picture"}.get(item["kind"], item["kind"])
    return f"{noun} '{item['title']}'" if item.get("title") else noun


def _duplicate_of(figures: frozenset[str], kind: str, shown: list[tuple[str, frozenset[str], str]],
                  candidates: list[dict[str, Any]], item: dict[str, Any]) -> str:
    """Return what already shows these figures (or will: a chart beats a table), or ""."""
    if not figures:
        return ""
    for what, other, _kind in shown:
        if figures <= other or (kind == "table" and other <= figures and _kind == "chart"):
            return what
    if kind == "table":
        for candidate in candidates:
            chart_set = candidate.get("figure_set") or frozenset()
            if candidate is not item and candidate["kind"] == "chart" and chart_set and (chart_set <= figures or figures <= chart_set):
                return _describe(candidate)
    return ""


def _candidates(edition: Edition, section: Section) -> list[dict[str, Any]]:
    """Return every item *section* could put in the deck, in the order of its body."""
    items: list[dict[str, Any]] = []
    for index, block in enumerate(section.blocks):
        if block.only == "briefing":
            continue
        origin = f"{section.path}:{block.line or 1}"
        ref = f"{section.id}#{index}"
        source = section_source(edition, section, (block,))
        base = {"origin": origin, "ref": ref, "source": source}
        options, spec = block.options, block.spec
        if isinstance(options, (ChartOptions, TableOptions)) and isinstance(spec, (ChartSpec, TableSpec)):
            notes = chart_alt(spec) if isinstance(spec, ChartSpec) else _table_notes(spec)
            items.append({**base, "kind": block.kind, "title": spec.title, "source": spec.source,
                          "notes": _notes(section.summary, options.caption, notes), "figure_set": figure_set(options, edition)})
        elif isinstance(spec, TimelineSpec):
            events = spec.events
            items.append({**base, "kind": "timeline", "title": spec.title, "source": spec.source,
                          "notes": _notes(getattr(options, "caption", ""), "\n".join(_event_note(e) for e in events)),
                          "figure_set": frozenset(f"{e.date} {e.title}" for e in events)})
        elif isinstance(options, KeyFiguresOptions):
            figures = block.figures
            refs = list(options.figures or ())
            items.append({**base, "kind": "keyfigures", "title": options.title or edition.labels["in_figures"].format(section.title),
                          "figures": refs, "source": figures_source(edition, figures),
                          "notes": _notes(section.summary, "; ".join(f"{edition.figure_caption(f)}: {f.text}" for f in figures)),
                          "figure_set": frozenset(refs)})
        elif isinstance(options, QuoteOptions):
            items.append({**base, "kind": "quote", "title": section.title, "text": block.text,
                          "attribution": options.attribution,
                          "notes": _notes(f"{options.attribution}:", block.text)})
        elif isinstance(options, CalloutOptions):
            items.append({**base, "kind": "callout", "title": options.title or section.title,
                          "text": block.text, "notes": _notes(section.summary, block.text),
                          "source": source or section_source(edition, section)})
        elif block.kind == "slides":
            for extra in block.slides:
                title = extra.title or section.slide_title
                bullets = list(extra.bullets)
                pictures = extra.pictures
                notes = _notes(title, "\n".join(bullets)) if bullets else ""
                source = _join(edition, [], list(extra.footnotes)) if extra.footnotes else section_source(edition, section)
                items.append({**base, "kind": "slide", "title": title, "bullets": bullets,
                              "notes": notes, "source": source, "pictures": len(pictures)})
                for picture in pictures:
                    items.append(_picture(base, picture, title, section, edition))
                if not bullets and pictures:
                    items.pop(-1 - len(pictures))  # the heading titles its picture slide
        elif block.kind == "html":
            for number, found in enumerate(pictures_and_tables(block.html)):
                if isinstance(found, Picture):
                    items.append(_picture(base, found, "", section, edition))
                else:
                    title = found.title or section.title
                    items.append({**base, "kind": "table", "ref": f"{ref}/{number}", "title": title,
                                  "source": section_source(edition, section),
                                  "notes": _notes(section.summary, _table_notes(found))})
    return items


def _picture(base: dict[str, Any], picture: Picture, title: str, section: Section, edition: Edition) -> dict[str, Any]:
    caption = picture.caption
    return {**base, "kind": "picture", "title": title or caption or section.title, "src": picture.src,
            "alt": picture.alt or caption, "caption": caption if caption != (title or caption) else "",
            "notes": _notes(section.summary, edition.labels["picture_note"].format(picture.alt or caption)),
            "source": section_source(edition, section)}


def markdown_table(section: Section, reference: str) -> TableSpec | None:
    """Return the Markdown table "n/k" of *section* (block n's k-th picture or table), or None."""
    index, _, number = reference.partition("/")
    if not index.isdigit() or not number.isdigit() or int(index) >= len(section.blocks):
        return None
    found = pictures_and_tables(section.blocks[int(index)].html)
    item = found[int(number)] if int(number) < len(found) else None
    return item if isinstance(item, TableSpec) else None


def _event_note(event: Event) -> str:
    """Return one event as the speaker reads it: its date as the slide prints it, title, text."""
    text = full_stop(event.text) if event.text else ""
    return f"{event_date(event, short=False)}: {full_stop(event.title)}" + (f" {text}" if text else "")


def _table_notes(table: TableSpec) -> str:
    return "; ".join(", ".join(cell for cell in row if cell) for row in table.rows)


def _notes(*parts: str) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def source_line(edition: Edition) -> str:
    """Return the source line of the whole edition."""
    return resolve.source_line([source.id for source in edition.sources], edition.config, False)
