"""Pagination an editor accepts: find the holes a figure leaves when it is pushed to the next
page, and let the prose that follows it fill them instead.

A figure (chart, table, key figures, timeline, call-out, quote) never splits, so one that
does not fit at the foot of a page moves whole to the next and leaves the rest of the page
blank. After layout, each such figure is *deferred*: the briefing is rendered again with the
figure placed after the paragraph that follows it, as a typesetter floats a figure.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Sequence

from ..model import Block, Section

MOVABLE = ("chart", "table", "keyfigures", "timeline", "callout", "quote")
MIN_FILL = 2 / 3  # a page (but a chapter's last) is at least two-thirds full
_AT_TOP_PT = 30.0  # how close to the top of the text area a figure starts to count as "pushed"


def block_key(section: Section, block: Block) -> str:
    """Return the name a figure carries in the HTML (``data-block``): section id and line."""
    return f"{section.id}:{block.line}"


def arranged(section: Section, blocks: Sequence[Block], deferred: Iterable[str]) -> list[Block]:
    """Return *blocks* in print order: each deferred figure after the prose block that follows
    it (a name given twice, after the second prose block, and so on)."""
    times = Counter(deferred)
    ordered: list[Block] = []
    held: list[tuple[Block, int]] = []  # figure, prose blocks still to pass
    for block in blocks:
        count = times.get(block_key(section, block), 0) if block.kind in MOVABLE else 0
        if count:
            held.append((block, count))
            continue
        ordered.append(block)
        if block.kind == "html" and held:
            held = [(figure, left - 1) for figure, left in held]
            ordered.extend(figure for figure, left in held if left == 0)
            held = [(figure, left) for figure, left in held if left > 0]
    return ordered + [figure for figure, _ in held]


def holes(pages: Sequence[Any], breaks_after: Iterable[int] = ()) -> int:
    """Return how many pages (not the last, not a chapter's end) are more than a third empty."""
    forced = set(breaks_after)
    return sum(1 for index in range(len(pages) - 1) if index not in forced and page_fill(pages[index]) < MIN_FILL)


def pushed_figures(pages: Sequence[Any], breaks_after: Iterable[int] = ()) -> list[str]:
    """Return the ``data-block`` names of figures that start a page after one left too empty.

    *pages* are WeasyPrint's laid-out pages; *breaks_after* the indexes of pages that end
    with a forced break (a chapter's end), whose blank foot is expected. The last page is
    never a hole.
    """
    forced = set(breaks_after)
    found = []
    for index in range(len(pages) - 1):
        if index in forced or page_fill(pages[index]) >= MIN_FILL:
            continue
        name = _figure_at_top(pages[index + 1])
        if name:
            found.append(name)
    return found


def split_figures(pages: Sequence[Any]) -> list[str]:
    """Return the ``data-block`` names of figures laid out over two pages (a side note that
    floats at a page foot is split, whatever its ``break-inside``); long tables may split."""
    seen: dict[str, int] = {}
    split = []
    for index, page in enumerate(pages):
        for child in page._page_box.children:
            for descendant in child.descendants() if type(child).__name__ not in ("MarginBox", "FootnoteAreaBox") else ():
                element = getattr(descendant, "element", None)
                name = element.get("data-block") if element is not None else None
                if not name or element is None or element.tag == "figure" and "data-table" in (element.get("class") or ""):
                    continue
                if seen.setdefault(name, index) != index and name not in split:
                    split.append(name)
    return split


def page_fill(page: Any) -> float:
    """Return how far down its text area a laid-out page's content reaches, from 0 to 1."""
    box = page._page_box
    top, height = box.content_box_y(), box.height
    bottom = top
    for child in box.children:
        if type(child).__name__ in ("MarginBox", "FootnoteAreaBox"):
            continue
        for descendant in child.descendants():
            if type(descendant).__name__ in ("LineBox", "BlockReplacedBox", "InlineReplacedBox", "TableRowBox"):
                bottom = max(bottom, descendant.position_y + descendant.margin_height())
    return (bottom - top) / height if height else 1.0


def _figure_at_top(page: Any) -> str:
    box = page._page_box
    top = box.content_box_y()
    for child in box.children:
        if type(child).__name__ in ("MarginBox", "FootnoteAreaBox"):
            continue
        for descendant in child.descendants():
            element = getattr(descendant, "element", None)
            if type(descendant).__name__ == "LineBox" and getattr(descendant, "element_tag", "") not in ("h3", "h4"):
                return ""  # text comes first (a heading kept with its figure does not count)
            if element is not None and element.get("data-block"):
                return element.get("data-block") if descendant.position_y <= top + _AT_TOP_PT else ""
    return ""
