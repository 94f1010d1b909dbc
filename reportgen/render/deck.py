"""Render a DeckPlan as a native PowerPoint deck: the master's layouts, measured text, charts.

Each planned slide becomes one or more slides (see ``deck_pages``). Every text is measured
with Carlito's metrics and sized or paged so that it stays inside its box; placeholders left
empty are removed. The same plan always gives the same bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
from pathlib import Path
from typing import Any, Iterator, Sequence

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.slide import Slide as PptxSlide
from pptx.slide import SlideLayout
from pptx.util import Emu, Pt

from reportgen.errors import ReportgenError
from reportgen.locales import using
from reportgen.model import DeckPlan, Slide
from reportgen.render import deck_charts, deck_drawings, deck_pages, deck_panels, ooxml
from reportgen.render.deck_drawings import Para, Region, stack_height
from reportgen.render.deck_language import set_text_language
from reportgen.render.deck_layouts import OTHER, ROLES, LayoutRules, Layouts, box_of, bullet_indent, placeholder_of, text_area
from reportgen.render.deck_package import apply_theme, parse_timestamp, save_deterministic, set_core_properties
from reportgen.render.ooxml import qn
from reportgen.resources import MAX_MASTER_BYTES, check_package, read_file
from reportgen.textfit import TextStyle, fit_size
from reportgen.typography import smart_quotes


def render_deck(plan: DeckPlan) -> bytes:
    """Return the bytes of a .pptx deck for *plan*, built on the layouts of *plan.master*.

    Raises ReportgenError when the master cannot be read, a slide names a layout the master
    does not have, or a text cannot fit its box at the smallest allowed size.
    """
    with using(plan.locale):
        return _render_deck(plan)


def _render_deck(plan: DeckPlan) -> bytes:
    prs = _open_master(plan.master)
    layouts = Layouts(prs)
    rules: dict[str, LayoutRules] = {}
    for slide in plan.slides:
        found = layouts.rules(slide.layout)
        if found is None:
            raise ReportgenError(f"layout '{slide.layout}' not found in {plan.master}; the master "
                                 f"has: {', '.join(layouts.names())}", path=plan.master)
        rules[slide.layout] = found
    apply_theme(prs, plan.theme)
    pages = []
    for slide in map(_typeset, plan.slides):
        with _located(slide):
            pages.extend(deck_pages.paginate_slide(slide, rules[slide.layout], prs, plan))
    notes = 0
    for number, page in enumerate(pages, start=1):
        layout_rules = rules[page.slide.layout]
        added = prs.slides.add_slide(layout_rules.layout)
        with _located(page.slide):
            _build_slide(added, layout_rules, page, number, plan, prs)
        notes += added.has_notes_slide
    set_text_language(prs, plan.language)
    created = parse_timestamp(plan.created)
    set_core_properties(prs, title=plan.title, author=plan.author, subject=plan.subject,
                        keywords=plan.keywords, language=plan.language, created=created)
    app = ooxml.app_properties(len(pages), notes, [page.slide.title for page in pages])
    return save_deterministic(prs, created, {"docProps/app.xml": app})


def check_master_layouts(data: bytes, slides: Sequence[Slide], name: str, referrer: str) -> None:
    """Raise an error unless the master *data* has every layout *slides* use, each with the
    placeholders their text needs (title, body, …): a text with no placeholder would be dropped.

    *name* is the master's name in messages; *referrer* the file that chose it.
    """
    try:
        prs = Presentation(io.BytesIO(data))
    except Exception as error:  # python-pptx raises several types for unreadable files
        raise ReportgenError(f"cannot open the deck master '{name}': {error}", referrer) from None
    layouts = Layouts(prs)
    checked: set[str] = set()
    for slide in slides:
        rules = layouts.rules(slide.layout)
        if rules is None:
            raise ReportgenError(f"deck master '{name}' has no layout '{slide.layout}' (it has: {', '.join(layouts.names())})", referrer)
        fields = ROLES.get(slide.layout, OTHER).fields
        wanted = {"title": 0, **{field: idx for idx, field in enumerate(fields, start=1)}}  # the built-in master's idx, as a hint
        if "text" not in wanted:
            wanted["text"] = wanted.get("bullets", 1)  # a lead paragraph goes above the bullets
        missing = sorted({f"{field} (idx {idx})" for field, idx in wanted.items()
                          if getattr(slide, field) and rules.home(field) is None})
        if missing and slide.layout not in checked:
            raise ReportgenError(
                f"deck master '{name}': layout '{slide.layout}' has no placeholder for the {', '.join(missing)} "
                f"its slides need; add {'them' if len(missing) > 1 else 'it'} to the layout", referrer)
        checked.add(slide.layout)


_TEXT_FIELDS = ("title", "subtitle", "text", "quote", "attribution", "notes", "source")


def _typeset(slide: Slide) -> Slide:
    """Return *slide* with typographic quotes in its text, as the briefing's prose has."""
    texts: dict[str, Any] = {name: smart_quotes(getattr(slide, name)) for name in _TEXT_FIELDS}
    return dataclasses.replace(
        slide, **texts,
        bullets=tuple(map(smart_quotes, slide.bullets)),
        bullets_right=tuple(map(smart_quotes, slide.bullets_right)))


@contextlib.contextmanager
def _located(slide: Slide) -> Iterator[None]:
    """Give a slide's errors the file and line of the content it was made from."""
    try:
        yield
    except ReportgenError as error:
        path, line = slide.where
        if error.path or path is None:
            raise
        raise ReportgenError(error.message, path, line) from None


def _open_master(master: Path) -> Presentation:
    # The master was found and checked when planning (plan._check_master); read it under the same rule.
    data = read_file(master, [master], str(master), MAX_MASTER_BYTES)
    check_package(data, "the deck master", str(master))
    try:
        prs = Presentation(io.BytesIO(data))
    except Exception as error:  # python-pptx raises several types for unreadable files
        raise ReportgenError(f"cannot open the deck master: {error}", path=master) from None
    slide_ids = prs.slides._sldIdLst
    for slide_id in list(slide_ids):  # a master saved with example slides: start empty
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
    return prs


# --- building one slide ------------------------------------------------------------------

def _build_slide(added: PptxSlide, rules: LayoutRules, page: deck_pages.Page, number: int,
                 plan: DeckPlan, prs: Presentation) -> None:
    slide = page.slide
    region = deck_pages.content_region(rules, prs)
    _set_title(added, rules, slide, number)
    beside = deck_pages.beside_region(rules, slide)
    if beside is not None:  # Two content: the text on the left, what it pairs with on the right
        region = beside
    shown_source, chart_notes = "", ""
    if slide.callout and (beside is None or not slide.bullets):
        box = box_of(rules.placeholder("bullets")) if beside is not None else region
        largest = 22 if beside is not None else 28  # a callout on its own is set large
        deck_panels.draw_callout(added.shapes, box, slide.callout_title, slide.callout, plan.theme, largest)
    elif slide.callout:
        deck_panels.draw_callout(added.shapes, region, slide.callout_title, slide.callout, plan.theme, 18)
    if slide.chart is not None:
        shown_source, chart_notes = _build_chart(added, rules, slide, prs, plan, beside)
    elif slide.table is not None:
        shown_source = _build_table(added, rules, page, prs, plan)
    elif slide.figures:
        deck_drawings.draw_key_figures(added.shapes, region, slide.figures, plan.theme)
    elif slide.events:
        deck_drawings.draw_timeline(added.shapes, region, slide.events, plan.theme)
    elif slide.image:
        deck_panels.draw_picture(added.shapes, region, plan.root, plan.root / slide.image, slide.alt,
                                 slide.caption, plan.theme)
    elif slide.quote and beside is not None:
        deck_panels.draw_quote(added.shapes, region, slide.quote, slide.attribution, plan.theme)
    _fill_texts(added, rules, page, number)
    if plan.logo and number == 1 and slide.layout == "Title":
        title = rules.placeholder("title")
        deck_panels.draw_picture(added.shapes, deck_panels.logo_region(box_of(title) if title is not None else None),
                                 plan.root, plan.root / plan.logo, plan.logo_alt, "", plan.theme, name="Logo", corner=True)
    if slide.layout != "Title":
        source = "" if _said(slide.source, shown_source) else slide.source
        _add_footer(added, rules.layout, " ".join(source.split()), number)
    notes = "\n\n".join(part for part in (slide.notes.strip(), chart_notes) if part)
    if notes:
        added.notes_slide.notes_text_frame.text = notes
        _remove_empty_placeholders(added.notes_slide)
    _remove_empty_placeholders(added)


def _said(source: str, shown: str) -> bool:
    """Return whether every credit of the footer's *source* is in the line under the visual."""
    if not source.strip() or source.strip() == shown.strip():
        return True
    credits = [c.split(". *")[0].strip(" .") for c in source.partition(": ")[2].split(";")]
    return bool(shown.strip()) and all(credit in shown for credit in credits if credit)


def _slide_placeholder(added: PptxSlide, idx: int | None) -> Any:
    for placeholder in added.placeholders:
        if placeholder.placeholder_format.idx == idx:
            return placeholder
    return None


def _set_title(added: PptxSlide, rules: LayoutRules, slide: Slide, number: int) -> None:
    placeholder = _slide_placeholder(added, rules.places.get("title"))
    title = " ".join(slide.title.split())
    if placeholder is None or not title:
        return
    largest, smallest = rules.size("title")
    area = text_area(rules.placeholder("title"))
    style = TextStyle(largest, bold=True, line_spacing=0.9)
    size = fit_size(title, area.w, area.h, style, smallest)
    if size is None:
        raise ReportgenError(f"slide {number}: the title does not fit even at {smallest:g} pt; "
                             f"shorten it: {title!r}")
    _write(placeholder, [title], style.at(size), plain=0, set_bold=False)


def _write(placeholder, texts: Sequence[str], style: TextStyle, plain: int,
           set_bold: bool = True) -> None:
    """Write *texts* as paragraphs of *placeholder*; the first *plain* ones without bullets."""
    frame = placeholder.text_frame
    for index, text in enumerate(texts):
        first, bulleted = index == 0, index >= plain

        def write(paragraph: Any, text: str = text) -> None:
            paragraph.line_spacing = style.line_spacing
            paragraph.space_before = Pt(0 if first else style.space_before)
            if not bulleted:
                properties = paragraph._p.get_or_add_pPr()
                properties.set("marL", "0")
                properties.set("indent", "0")
                properties.append(ooxml.no_bullet())
            run = paragraph.add_run()
            run.text = text
            run.font.size = Pt(style.size)
            if style.italic:
                run.font.italic = True
            if style.bold and set_bold:
                run.font.bold = True

        ooxml.stamped(frame, index, ("placeholder", style, first, bulleted, set_bold), write, text)


def _fill_texts(added: PptxSlide, rules: LayoutRules, page: deck_pages.Page, number: int) -> None:
    slide = page.slide
    for field, idx in rules.places.items():
        placeholder = _slide_placeholder(added, idx)
        base = placeholder_of(rules.layout, idx)
        if field == "title" or placeholder is None or base is None or not placeholder.has_text_frame:
            continue
        if field in ("bullets", "bullets_right"):
            items = getattr(slide, field)
            if items:
                indent = bullet_indent(base)
                size = page.body_size or rules.size("bullets")[0]
                _write(placeholder, items, deck_pages.bullet_style(size, indent),
                       plain=page.lead if field == "bullets" else 0)
                if field == "bullets" and page.start:
                    _continue_numbering(placeholder, base, page.start, page.lead)
            continue
        joined = [other for other, home in rules.joins.items() if home == field and other not in rules.places]
        texts = [text for name in (field, *joined) for text in deck_pages.paragraphs(_field_text(slide, name))]
        if not texts:
            continue
        largest, smallest = rules.size(field)
        style = TextStyle(largest, italic=field == "quote",
                          line_spacing=1.05 if field == "quote" else 1.0, space_before=largest / 2)
        area = deck_pages.text_area(base)
        fitted = fit_size(texts, area.w, area.h, style, smallest)
        if fitted is None:
            raise ReportgenError(f"slide {number} ('{slide.title}'): the {field} does not fit its "
                                 f"box even at {smallest:g} pt; shorten it")
        _write(placeholder, texts, style.at(fitted), plain=len(texts))


def _continue_numbering(placeholder: Any, base: Any, done: int, plain: int) -> None:
    """Start a numbered list at done + 1 on a continuation slide (bullets stay as they are)."""
    auto = base._element.find(".//" + ooxml.path("a:lstStyle", "a:lvl1pPr", "a:buAutoNum"))
    if auto is None:
        auto = base.part.slide_master._element.find(
            ooxml.path("p:txStyles", "p:bodyStyle", "a:lvl1pPr", "a:buAutoNum"))
    if auto is None:
        return
    for paragraph in placeholder.text_frame.paragraphs[plain:]:
        properties = paragraph._p.get_or_add_pPr()
        properties.insert(_bullet_position(properties), ooxml.numbering(auto.get("type"), done + 1))


def _bullet_position(properties) -> int:
    """Return where a bullet element goes among a:pPr's children (after spacing, before tabs)."""
    before = {qn(tag) for tag in ("a:lnSpc", "a:spcBef", "a:spcAft", "a:buClrTx", "a:buClr",
                                  "a:buSzTx", "a:buSzPct", "a:buSzPts", "a:buFontTx", "a:buFont")}
    return sum(1 for child in properties if child.tag in before)


def _field_text(slide: Slide, field: str) -> str:
    if field == "attribution":
        return f"— {slide.attribution.strip()}" if slide.attribution.strip() else ""
    if field == "text" and slide.layout == "Section":
        return slide.text or slide.subtitle
    return getattr(slide, field)


def _add_footer(added: PptxSlide, layout: SlideLayout, source: str, number: int) -> None:
    for placeholder in layout.placeholders:
        kind = placeholder.placeholder_format.type
        idx = placeholder.placeholder_format.idx
        if kind == PP_PLACEHOLDER.SLIDE_NUMBER:
            added.shapes.clone_placeholder(placeholder)
            paragraph = _slide_placeholder(added, idx).text_frame.paragraphs[0]._p
            paragraph.append(ooxml.slide_number(number))
        elif kind == PP_PLACEHOLDER.FOOTER and source:
            area = text_area(placeholder)
            size = fit_size(source, area.w, area.h, TextStyle(9), 7, step=0.5)
            if size is None:
                raise ReportgenError(f"slide {number}: the source line is too long for the footer: "
                                     f"{source!r}")
            added.shapes.clone_placeholder(placeholder)
            _write(_slide_placeholder(added, idx), [source], TextStyle(size), plain=1)


def _remove_empty_placeholders(slide) -> None:
    for placeholder in list(slide.placeholders):
        element = placeholder._element
        if element.tag != qn("p:sp"):
            continue  # a graphic frame: a filled chart or table placeholder
        if placeholder.placeholder_format.type == PP_PLACEHOLDER.SLIDE_IMAGE:
            continue
        if not placeholder.has_text_frame or not placeholder.text_frame.text.strip():
            element.getparent().remove(element)


def _build_chart(added: PptxSlide, rules: LayoutRules, slide: Slide, prs: Presentation,
                 plan: DeckPlan, beside: Region | None = None) -> tuple[str, str]:
    """Draw the slide's chart; return its source line and what its speaker notes must add."""
    spec = slide.chart
    assert spec is not None
    region = beside or deck_pages.content_region(rules, prs)
    caption, below, notes = deck_pages.chart_texts(slide, plan, region)
    top = _draw_caption(added, region, caption)
    below_h = stack_height(below, region.w)
    frame = Region(region.x, top, region.w, region.bottom - top - below_h - deck_pages.gap(below))
    placeholder = _slide_placeholder(added, rules.content) if beside is None else None
    if placeholder is None or not hasattr(placeholder, "insert_chart"):
        placeholder = None
    deck_charts.add_chart(added.shapes, placeholder, frame, spec, plan.theme)
    if below:
        deck_drawings.add_text(added.shapes, Region(region.x, region.bottom - below_h, region.w,
                                                    below_h), below, name="Chart notes")
    return spec.source, notes


def _draw_caption(added: PptxSlide, region: Region, caption: list[Para]) -> int:
    if not caption:
        return region.y
    height = stack_height(caption, region.w)
    deck_drawings.add_text(added.shapes, Region(region.x, region.y, region.w, height), caption,
                           name="Caption")
    return region.y + height + deck_pages.gap(caption)


def _build_table(added: PptxSlide, rules: LayoutRules, page: deck_pages.Page, prs: Presentation,
                 plan: DeckPlan) -> str:
    table = page.slide.table
    assert table is not None
    region = deck_pages.content_region(rules, prs)
    caption, below = deck_pages.table_texts(page.slide, table, plan)
    top = _draw_caption(added, region, caption)
    size = page.table_size or deck_pages.TABLE_SIZES[0]
    widths = list(page.widths) or deck_drawings.column_widths(table, region.w, size)
    heights = [deck_drawings.row_height(table.columns, widths, size, header=True)]
    heights += [deck_drawings.row_height(row, widths, size) for row in table.rows]
    rows, columns = len(heights), len(table.columns)
    placeholder = _slide_placeholder(added, rules.content)
    if placeholder is not None and hasattr(placeholder, "insert_table"):
        frame = placeholder.insert_table(rows, columns)
        frame.left, frame.top, frame.width = Emu(region.x), Emu(top), Emu(region.w)
    else:
        frame = added.shapes.add_table(rows, columns, Emu(region.x), Emu(top), Emu(region.w),
                                       Emu(sum(heights)))
    deck_drawings.fill_table(frame, table, widths, size, plan.theme)
    frame.height = Emu(sum(heights))
    if below:
        y = top + sum(heights) + deck_pages.gap(below)
        deck_drawings.add_text(added.shapes, Region(region.x, y, region.w,
                                                    stack_height(below, region.w)),
                               below, name="Table notes")
    return table.source
