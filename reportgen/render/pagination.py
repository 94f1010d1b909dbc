"""Pagination an editor accepts: find the holes a figure leaves when it is pushed to the next
page, and let the prose that follows it fill them instead.

A figure (chart, table, key figures, timeline, call-out, quote) never splits, so one that
does not fit at the foot of a page moves whole to the next and leaves the rest of the page
blank. Each such figure is *deferred*: the briefing is rendered with the figure placed after
the paragraph that follows it, as a typesetter floats a figure.

WeasyPrint lays a document out in passes: the first places every line and page break, the
following ones only fill in page numbers (the contents, "see page 9", "Page 3 of 10"). The
first pass is where holes are seen, so :func:`laid_out` looks at it and, when it shows
holes, stops WeasyPrint there and starts the rearranged briefing instead: a briefing without
holes is laid out once, one with holes costs a first pass more, not a whole layout per move.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Sequence

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


# --- choosing the arrangement ---------------------------------------------------------------

_MAX_PASSES = 4  # first passes looked at per briefing; past that the best arrangement seen is kept
_MAX_MOVES = 2  # paragraphs a split figure may be moved past
_SHORT_LAST_PAGE = 1 / 3  # a last page filled less than this is worth taking back


@dataclass(frozen=True)
class Arrangement:
    """How a briefing is printed: the figures deferred (a name twice: past two paragraphs),
    and whether its text is set a little tighter."""

    deferred: tuple[str, ...] = ()
    tight: bool = False

    @property
    def sources_beside(self) -> bool:
        """Whether the sources stand beside the digest (moved after it when they split there)."""
        return "sources" not in self.deferred


@dataclass(frozen=True)
class _Seen:
    arrangement: Arrangement
    faults: tuple[int, int]  # figures split over two pages, then holes
    pages: int
    last_fill: float


class _Rearrange(Exception):
    """Raised from WeasyPrint's first pass: lay out *arrangement* instead (*final*: unjudged)."""

    def __init__(self, arrangement: Arrangement, final: bool) -> None:
        super().__init__(arrangement)
        self.arrangement = arrangement
        self.final = final


class _NotBetter(Exception):
    """Raised from the first pass of a tighter setting that saves no page: keep the looser one."""


def laid_out(html: str, html_for: Callable[[Arrangement], str], layout: Callable[[str], Any]) -> Any:
    """Return the laid-out briefing (a WeasyPrint document) with the fewest holes.

    *html* is the briefing as written; *html_for* renders it in another arrangement and
    *layout* lays HTML out. Every figure the first pass shows pushed to the next page after a
    page more than a third empty, or split over two, is deferred at once, and an arrangement
    worse than one seen before is dropped for it. When a few lines stand alone on the last page,
    the text set a little tighter is tried, and kept when it saves that page without more faults.
    """
    breaks = (0,) if _with_contents(html) else ()  # the front page ends with a forced break
    seen: list[_Seen] = []
    rendered, looser = _arranged_layout(html, Arrangement(), html_for, layout, seen, breaks)
    if looser is None or looser.pages < 2 or looser.last_fill >= _SHORT_LAST_PAGE or len(seen) >= _MAX_PASSES:
        return rendered
    try:
        tight = Arrangement(tight=True)
        return _arranged_layout(html_for(tight), tight, html_for, layout, seen, breaks, looser)[0]
    except _NotBetter:
        return rendered


def _arranged_layout(html: str, arrangement: Arrangement, html_for: Callable[[Arrangement], str], layout: Callable[[str], Any],
                     seen: list[_Seen], breaks: tuple[int, ...], looser: _Seen | None = None) -> tuple[Any, _Seen | None]:
    """Lay out *html* (in *arrangement*), rearranged as its first passes ask; return the document
    and what its first pass showed (None when the budget of passes was spent before)."""
    final = False
    while True:
        judge = None if final else (lambda pages: _judge(pages, arrangement, seen, breaks, looser))
        try:
            with _first_pass(judge):
                rendered = layout(html)
            if judge is not None and not _HOOKED:  # no first-pass hook: judge the finished layout
                judge([page._page_box for page in rendered.pages])
            return rendered, next((item for item in reversed(seen) if item.arrangement == arrangement), None)
        except _Rearrange as change:
            arrangement, final = change.arrangement, change.final
            html = html_for(arrangement)


def _with_contents(html: str) -> bool:
    return re.search(r'<body class="[^"]*\bwith-contents\b', html) is not None


def _judge(page_boxes: Sequence[Any], arrangement: Arrangement, seen: list[_Seen], breaks: tuple[int, ...],
           looser: _Seen | None) -> None:
    """Accept the first pass of *arrangement* (return) or raise what to lay out instead.

    *looser* is the accepted arrangement a tighter one is tried against (None: not tight).
    """
    pages = [_Laid(box) for box in page_boxes]
    current = _Seen(arrangement, faults(pages, breaks), len(pages), page_fill(pages[-1]) if pages else 1.0)
    alike = [item for item in seen if item.arrangement.tight == arrangement.tight]
    best = min(alike, key=lambda item: item.faults) if alike else None
    seen.append(current)
    if best is not None and current.faults > best.faults:  # a figure moved on made things worse
        if looser is not None and not _saves_a_page(best, looser):
            raise _NotBetter()
        raise _Rearrange(best.arrangement, final=True)
    tried = list(arrangement.deferred)
    moves = [name for name in split_figures(pages) if tried.count(name) < _MAX_MOVES]
    moves += [name for name in pushed_figures(pages, breaks) if name not in tried and name not in moves]
    if moves and len(seen) < _MAX_PASSES:
        raise _Rearrange(replace(arrangement, deferred=(*arrangement.deferred, *moves)), final=False)
    if looser is not None and not _saves_a_page(current, looser):
        raise _NotBetter()


def _saves_a_page(tighter: _Seen, looser: _Seen) -> bool:
    return tighter.pages < looser.pages and tighter.faults <= looser.faults


def faults(pages: Sequence[Any], breaks: tuple[int, ...] = ()) -> tuple[int, int]:
    """Return a layout's faults, worst first: figures split over two pages, then holes."""
    return len(split_figures(pages)), holes(pages, breaks)


@dataclass(frozen=True)
class _Laid:
    """A page box of WeasyPrint's first pass, read as the finished pages are (``page._page_box``)."""

    _page_box: Any


# --- the hook into WeasyPrint's first pass ---------------------------------------------------

_judges = threading.local()
_HOOKED = False
_INSTALLING = threading.Lock()  # the preview renders in threads: wrap WeasyPrint once


class _first_pass:
    """While active, hand the page boxes of WeasyPrint's first layout pass to *judge*
    (which may raise to stop the layout there)."""

    def __init__(self, judge: Callable[[Sequence[Any]], None] | None) -> None:
        self.judge = judge

    def __enter__(self) -> None:
        _install()
        self.previous = getattr(_judges, "judge", None)
        _judges.judge = self.judge

    def __exit__(self, *exc: object) -> None:
        _judges.judge = self.previous


def _install() -> None:
    """Wrap ``weasyprint.layout.make_all_pages`` (called once per pass by ``layout_document``;
    an empty *pages* marks the first pass) so that its first pass can be judged."""
    global _HOOKED
    with _INSTALLING:
        if _HOOKED:
            return
        try:
            from weasyprint import layout
            original = layout.make_all_pages
        except (ImportError, AttributeError):  # another WeasyPrint: laid_out judges finished layouts
            return
        layout.make_all_pages = _judged(original)
        _HOOKED = True


def _judged(original: Callable[..., Any]) -> Callable[..., Any]:
    """Return *original* (``make_all_pages``) handing its first pass to the thread's judge."""

    def make_all_pages(context: Any, root_box: Any, html: Any, pages: list[Any]) -> Any:
        judge = getattr(_judges, "judge", None)
        if pages or judge is None:
            yield from original(context, root_box, html, pages)
            return
        made = list(original(context, root_box, html, pages))
        judge(made)
        yield from made

    return make_all_pages
