"""Page the slides of a deck: fit each planned slide to its layout's boxes (``deck_layouts``).

A planned slide becomes one or more pages. A bullet list, table, set of key figures or
timeline that does not fit its box continues on further pages titled "<title> (cont.)". All
measuring uses ``reportgen.textfit``; lengths are EMU, sizes points.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.presentation import Presentation

from reportgen.errors import ReportgenError
from reportgen.locales import current
from reportgen.model import DeckPlan, Slide, TableSpec
from reportgen.render import deck_drawings
from reportgen.render.deck_drawings import Para, Region, stack_height
from reportgen.render.deck_layouts import LayoutRules, box_of, bullet_indent, placeholder_of, text_area
from reportgen.textfit import EMU_PER_INCH, TextStyle, block_height, paginate

FIGURES_PER_SLIDE = 8
EVENTS_PER_SLIDE = 8
TABLE_SIZES = (18.0, 16.0, 14.0, 12.0)  # the largest at which the table fits one slide

THIN = 0.5  # share of its box below which a list of bullets looks thin
SHORT_LIST_SIZES = (28, 26, 24, 22)  # a thin list on its own is set larger, the largest that fits
SMALL = TextStyle(11)
METHODS_SHARE = 0.3  # the most of a chart's box its caption, derived points' methods and source may take
CAPTION = TextStyle(16, bold=True)


@dataclass(frozen=True)
class Page:
    """One slide to add: the planned slide cut down to what this page shows, and its sizes."""

    slide: Slide
    body_size: float = 0.0
    table_size: float = 0.0
    lead: int = 0  # how many of the first bullets are plain paragraphs (the slide's text)
    widths: tuple[int, ...] = ()  # table column widths, shared by a table's pages
    start: int = 0  # bullets shown on earlier pages: a numbered list continues its numbers


# --- geometry read from the layout -------------------------------------------------------

def content_region(rules: LayoutRules, prs: Presentation) -> Region:
    """Return where drawn content goes: the layout's content box, else between title and footer."""
    layout = rules.layout
    body = placeholder_of(layout, rules.content) if rules.content is not None else None
    if body is not None:
        return box_of(body)
    title = rules.placeholder("title")
    top = box_of(title).bottom + EMU_PER_INCH * 45 // 100 if title is not None else EMU_PER_INCH
    bottom = int(prs.slide_height) - EMU_PER_INCH * 95 // 100
    for placeholder in layout.placeholders:
        if placeholder.placeholder_format.type in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER):
            bottom = min(bottom, box_of(placeholder).y - EMU_PER_INCH * 35 // 100)
    margin = box_of(title).x if title is not None else EMU_PER_INCH // 2
    return Region(margin, top, int(prs.slide_width) - 2 * margin, bottom - top)


def beside_region(rules: LayoutRules, slide: Slide) -> Region | None:
    """Return the right-hand box of a Two content slide that pairs its text with a visual.

    None when *slide* is not such a pairing (two lists of bullets use both text boxes).
    """
    if slide.layout != "Two content" or slide.bullets_right:
        return None
    if not (slide.chart or slide.figures or slide.image or slide.quote or slide.callout):
        return None
    right = rules.placeholder("bullets_right")
    return box_of(right) if right is not None else None


# --- paging ------------------------------------------------------------------------------

def paginate_slide(slide: Slide, rules: LayoutRules, prs: Presentation,
                   plan: DeckPlan) -> list[Page]:
    """Return the pages *slide* needs on the layout of *rules*: one, or more when its content overflows."""
    if slide.table is not None:
        return _paginate_table(slide, rules, prs, plan)
    if slide.bullets and beside_region(rules, slide) is not None:
        return _paginate_text(slide, rules, prs)
    if slide.figures:
        return _continued(slide, [replace(slide, figures=chunk)
                                  for chunk in _chunks(slide.figures, FIGURES_PER_SLIDE)])
    if slide.events:
        return _continued(slide, [replace(slide, events=chunk)
                                  for chunk in _chunks(slide.events, EVENTS_PER_SLIDE)])
    if slide.chart is not None or slide.quote or slide.image or slide.callout:
        return [Page(slide)]
    return _paginate_text(slide, rules, prs)


def _chunks(items: Sequence, size: int) -> list[tuple]:
    count = -(-len(items) // size)
    per_page = -(-len(items) // count)  # even pages: 9 items at 8 a page become 5 + 4
    return [tuple(items[i:i + per_page]) for i in range(0, len(items), per_page)]


def _continued(slide: Slide, parts: list[Slide], **sizes: Any) -> list[Page]:
    pages = [Page(parts[0], **sizes)]
    for part in parts[1:]:
        notes = current().label("continued_note").format(slide.title) if slide.notes else ""
        title = f"{slide.title} ({current().label('continued')})" if slide.title else ""
        pages.append(Page(replace(part, title=title, text="", notes=notes), **sizes))
    return pages


def _paginate_text(slide: Slide, rules: LayoutRules, prs: Presentation) -> list[Page]:
    places = rules.places
    lead = paragraphs(slide.text) if "text" not in places else []
    boxes = {}
    for field in ("bullets", "bullets_right"):
        items = [*lead, *clean(slide.bullets)] if field == "bullets" else [*clean(slide.bullets_right)]
        placeholder = rules.placeholder(field)
        if placeholder is not None and items:
            boxes[field] = (items, text_area(placeholder), bullet_indent(placeholder))
    if not boxes:
        return [Page(slide)]
    largest, smallest = rules.size("bullets")
    max_items = rules.max_bullets

    def pages_at(size: float) -> dict[str, list[list[str]]]:
        return {field: paginate(items, area.w, area.h, bullet_style(size, indent), max_items)
                for field, (items, area, indent) in boxes.items()}

    size, pages = largest, pages_at(largest)
    if max(map(len, pages.values())) > 1:
        smaller = pages_at(smallest)
        if max(map(len, smaller.values())) == 1:
            size, pages = smallest, smaller
    elif set(boxes) == {"bullets"} and slide.layout == "Bullets":
        size = _short_list_size(boxes["bullets"], size)
    parts = []
    for index in range(max(map(len, pages.values()))):
        changes: dict[str, Any] = {field: tuple(chunk[index]) if index < len(chunk) else ()
                                   for field, chunk in pages.items()}
        if "text" not in places:
            changes["text"] = ""
        parts.append(replace(slide, **changes))
    result = _continued(slide, parts, body_size=size)
    remaining, numbered = len(lead), 0
    for index, page in enumerate(result):
        shown = min(remaining, len(page.slide.bullets))
        result[index] = replace(page, lead=shown, start=numbered)
        remaining -= shown
        numbered += len(page.slide.bullets) - shown
    return result


def _short_list_size(box: tuple[list[str], Region, int], size: float) -> float:
    """Return a larger size for a short list that would leave most of its box empty."""
    items, area, indent = box
    if block_height(items, area.w, bullet_style(size, indent)) >= (THIN + 0.05) * area.h:  # clear of half
        return size
    for larger in SHORT_LIST_SIZES:
        if larger > size and block_height(items, area.w, bullet_style(larger, indent)) <= area.h:
            return larger
    return size


def _paginate_table(slide: Slide, rules: LayoutRules, prs: Presentation,
                    plan: DeckPlan) -> list[Page]:
    table = slide.table
    assert table is not None
    region = content_region(rules, prs)
    caption, below = table_texts(slide, table, plan)
    available = region.h - stack_height(caption, region.w) - gap(caption) \
        - stack_height(below, region.w) - gap(below)
    for size in TABLE_SIZES:
        widths = tuple(deck_drawings.column_widths(table, region.w, size))
        header = deck_drawings.row_height(table.columns, widths, size, header=True)
        heights = [deck_drawings.row_height(row, widths, size) for row in table.rows]
        if header + sum(heights) <= available:
            return [Page(slide, table_size=size, widths=widths)]
    groups = _group_rows(heights, available - header)
    if groups is None:
        raise ReportgenError(f"table '{table.title}' has a row too tall for a slide")
    parts = [replace(slide, table=replace(table, rows=tuple(table.rows[a:b]))) for a, b in groups]
    return _continued(slide, parts, table_size=TABLE_SIZES[-1], widths=widths)


def _group_rows(heights: list[int], available: int) -> list[tuple[int, int]] | None:
    if any(h > available for h in heights):
        return None
    groups, start, used = [], 0, 0
    for index, height in enumerate(heights):
        if used + height > available:
            groups.append((start, index))
            start, used = index, 0
        used += height
    groups.append((start, len(heights)))
    per_page = -(-len(heights) // len(groups))
    even = [(i, min(i + per_page, len(heights))) for i in range(0, len(heights), per_page)]
    if len(even) == len(groups) and all(sum(heights[a:b]) <= available for a, b in even):
        return even
    return groups


def bullet_style(size: float, indent: int) -> TextStyle:
    """Return how bullets are set at *size* points: half a line between items."""
    return TextStyle(size, space_before=size / 2, indent=indent)


def clean(items: Sequence[str]) -> tuple[str, ...]:
    """Return the non-blank *items* with runs of whitespace made single spaces."""
    # A text that starts with a newline renders as an empty bullet line.
    return tuple(" ".join(item.split()) for item in items if item.strip())


def paragraphs(text: str) -> list[str]:
    """Return the non-blank lines of *text*, one paragraph each."""
    return [" ".join(part.split()) for part in text.split("\n") if part.strip()]


def gap(paras: Sequence[Para]) -> int:
    """Return the space kept between a block of *paras* and what it labels (0 if none)."""
    return EMU_PER_INCH // 8 if paras else 0


# --- charts and tables -------------------------------------------------------------------

def _caption(title: str, slide: Slide, colour: str) -> list[Para]:
    title = " ".join(title.split())
    if not title or title == " ".join(slide.title.split()):
        return []
    return [Para(title, CAPTION, colour)]


def _small_lines(lines: Sequence[str], colour: str) -> list[Para]:
    return [Para(" ".join(line.split()), SMALL, colour) for line in lines if line.strip()]


def chart_texts(slide: Slide, plan: DeckPlan, region: Region) -> tuple[list[Para], list[Para], str]:
    """Return the caption above a chart in *region*, the lines below it (the key of its "*", the
    method of each derived point, the source line) and what its speaker notes must add: the
    methods, when they would take more than METHODS_SHARE of the region (then a short key says so)."""
    spec = slide.chart
    assert spec is not None
    caption = _caption(spec.title, slide, plan.theme.text)
    derived = any(any(series.derived) for series in spec.all_series())
    keyed = derived and "*" not in spec.source  # the source line may key it already
    key = [spec.derived_key + (":" if spec.methods else "")] if keyed else []
    below = _small_lines([*key, *spec.methods, spec.source] if derived else [spec.source], plan.theme.muted)
    used = stack_height([*caption, *below], region.w) + gap(caption) + gap(below)
    if not derived or not spec.methods or used <= region.h * METHODS_SHARE:
        return caption, below, ""
    short = ["* " + current().label("derived_in_notes")] if keyed else []
    notes = "\n".join([spec.derived_key + ":", *spec.methods])
    return caption, _small_lines([*short, spec.source], plan.theme.muted), notes


def table_texts(slide: Slide, table: TableSpec, plan: DeckPlan) -> tuple[list[Para], list[Para]]:
    """Return the caption above a table and the notes and source line below it."""
    below = _small_lines([*table.notes, table.source], plan.theme.muted)
    return _caption(table.title, slide, plan.theme.text), below


