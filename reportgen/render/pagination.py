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
    """Return the ``data-block`` names of figures laid out over two pages; long tables may split.

    A fragment without content does not count: a side note that moved whole to the next page
    leaves its empty first box behind (see the side notes in ``briefing.css``)."""
    seen: dict[str, int] = {}
    split = []
    for index, page in enumerate(pages):
        for child in page._page_box.children:
            for descendant in child.descendants() if type(child).__name__ not in ("MarginBox", "FootnoteAreaBox") else ():
                element = getattr(descendant, "element", None)
                name = element.get("data-block") if element is not None else None
                if not name or element is None or element.tag == "figure" and "data-table" in (element.get("class") or ""):
                    continue
                if name in split or not _has_content(descendant):
                    continue
                if seen.setdefault(name, index) != index:
                    split.append(name)
    return split


_CONTENT_BOXES = ("LineBox", "BlockReplacedBox", "InlineReplacedBox", "TableRowBox")


def _has_content(box: Any) -> bool:
    return any(type(descendant).__name__ in _CONTENT_BOXES for descendant in box.descendants())


def stranded_figures(pages: Sequence[Any]) -> list[str]:
    """Return the ``data-block`` names of side notes on a page with no text of its own: moved
    past the last line of the text they stand beside (a page holding only a side column).

    A blank last page counts against the side notes of the page before: the end of the
    document is set below every float, so a side note whose bottom margin reaches past the
    foot of the last page of text pushes the end onto a page of its own.
    """
    found: list[str] = []
    for index, page in enumerate(pages):
        notes, text = _side_notes(page)
        if not text:
            if not notes and index == len(pages) - 1 and index > 0:
                notes = _side_notes(pages[index - 1])[0]
            found += [name for name in notes if name not in found]
    return found


def _side_notes(page: Any) -> tuple[list[str], bool]:
    """Return the names of the side notes on *page* and whether it holds content outside them."""
    notes: list[str] = []
    text = False
    for child in page._page_box.children:
        if type(child).__name__ not in ("MarginBox", "FootnoteAreaBox"):
            text = _walk_floats(child, notes) or text
    return notes, text


def _walk_floats(box: Any, notes: list[str]) -> bool:
    """Add the names of the side notes (floats with content) under *box* to *notes*; return
    whether *box* holds content outside them."""
    element = getattr(box, "element", None)
    name = element.get("data-block") if element is not None else None
    if name and getattr(box, "style", None) is not None and box.style["float"] != "none":
        if _has_content(box) and name not in notes:
            notes.append(name)
        return False
    if type(box).__name__ in _CONTENT_BOXES:
        return True
    found = False
    for child in getattr(box, "children", ()):
        found = _walk_floats(child, notes) or found
    return found


def page_fill(page: Any) -> float:
    """Return how far down its text area a laid-out page's content reaches, from 0 to 1."""
    box = page._page_box
    top, height = box.content_box_y(), box.height
    bottom = top
    for child in box.children:
        if type(child).__name__ in ("MarginBox", "FootnoteAreaBox"):
            continue
        for descendant in child.descendants():
            if type(descendant).__name__ in _CONTENT_BOXES:
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

_MAX_PASSES = 4  # first passes judged per briefing; past that the arrangement at hand is kept
_MAX_MOVES = 2  # paragraphs a split figure may be moved past
_SHORT_LAST_PAGE = 1 / 3  # a last page filled less than this is worth taking back
# What the tighter setting (the .tight rules of briefing.css) takes back, as a share of the text
# before the last page: 2.2-3% on the repository's editions. A last page fuller than this share
# of the pages before it is not tried (it would not come back), so the try costs no pass.
_TIGHT_TAKES_BACK = 0.025


@dataclass(frozen=True)
class Arrangement:
    """How a briefing is printed: the figures deferred (a name twice: past two paragraphs),
    and whether its text is set a little tighter."""

    deferred: tuple[str, ...] = ()
    tight: bool = False

    @property
    def sources_beside(self) -> bool:
        """Whether the sources stand beside the digest (moved after it when they do not fit there)."""
        return "sources" not in self.deferred


@dataclass(frozen=True)
class _Seen:
    """What the first pass of an arrangement showed."""

    arrangement: Arrangement
    faults: tuple[int, int]  # figures split over two pages or stranded, then holes
    pages: int
    last_fill: float
    text_before_last: float  # the pages before the last, as full pages (their fills summed)


class _Finished(Exception):
    """Raised through a layout whose first pass led to a better arrangement, laid out in full."""

    def __init__(self, document: Any) -> None:
        super().__init__()
        self.document = document


class _Rejected(Exception):
    """Raised from the first pass of an arrangement no better than the one it was tried for."""


def laid_out(html: str, html_for: Callable[[Arrangement], str], layout: Callable[[str], Any]) -> Any:
    """Return the laid-out briefing (a WeasyPrint document) with the fewest faults.

    *html* is the briefing as written; *html_for* renders it in another arrangement and
    *layout* lays HTML out. A first pass that shows figures pushed to the next page after a
    page more than a third empty, split over two or stranded on a page of their own has them
    deferred at once; when it shows a few lines alone on the last page, the text set a little
    tighter is tried. The alternative is laid out from within that first pass, which waits:
    when the alternative's own first pass is no better, the waiting layout simply finishes, so
    an arrangement tried and dropped costs its first pass, never a second whole layout.
    """
    return _Trial(html_for, layout, (0,) if _with_contents(html) else ()).lay_out(Arrangement(), html, None)


class _Trial:
    """The arrangements tried for one briefing, each judged on its first pass."""

    def __init__(self, html_for: Callable[[Arrangement], str], layout: Callable[[str], Any], breaks: tuple[int, ...]) -> None:
        self.html_for, self.layout, self.breaks = html_for, layout, breaks  # breaks: the front page ends with a forced break
        self.passes = 0

    def lay_out(self, arrangement: Arrangement, html: str, against: _Seen | None) -> Any:
        """Return the finished layout of *html* (*arrangement*), or of a better arrangement its
        first pass led to; raise _Rejected when it is no better than *against*."""

        def judge(page_boxes: Sequence[Any]) -> None:
            self._judge([_Laid(box) for box in page_boxes], arrangement, against)

        try:
            with _first_pass(judge):
                document = self.layout(html)
            if not _HOOKED:  # no first-pass hook: judge the finished layout
                judge([page._page_box for page in document.pages])
            return document
        except _Finished as better:
            return better.document

    def _judge(self, pages: Sequence[Any], arrangement: Arrangement, against: _Seen | None) -> None:
        """Accept a first pass (return: the layout goes on), raise _Rejected, or raise _Finished
        with the layout of a better arrangement it led to."""
        self.passes += 1
        fills = [page_fill(page) for page in pages] or [1.0]
        current = _Seen(arrangement, faults(pages, self.breaks), len(pages), fills[-1], sum(fills[:-1]))
        if against is not None and not _better(current, against):
            raise _Rejected()
        for candidate in _alternatives(current, pages, self.breaks):
            if self.passes >= _MAX_PASSES:
                return
            try:
                raise _Finished(self.lay_out(candidate, self.html_for(candidate), current))
            except _Rejected:
                continue


def _alternatives(seen: _Seen, pages: Sequence[Any], breaks: tuple[int, ...]) -> list[Arrangement]:
    """Return the arrangements worth trying after *seen*'s first pass, most promising first."""
    arrangement = seen.arrangement
    if arrangement.tight:
        return []  # a tighter setting is kept as it is or dropped
    tried = list(arrangement.deferred)
    moves = [name for name in split_figures(pages) if tried.count(name) < _MAX_MOVES]
    moves += [name for name in pushed_figures(pages, breaks) + stranded_figures(pages) if name not in tried and name not in moves]
    found = [replace(arrangement, deferred=(*tried, *moves))] if moves else []
    if seen.pages >= 2 and seen.last_fill < _SHORT_LAST_PAGE and seen.last_fill <= _TIGHT_TAKES_BACK * seen.text_before_last:
        found.append(replace(arrangement, tight=True))
    return found


def _better(tried: _Seen, against: _Seen) -> bool:
    """Whether *tried* is to be kept over the arrangement it was tried for: a tighter setting
    must save a page without more faults; moved figures must not add faults."""
    if tried.arrangement.tight and not against.arrangement.tight:
        return tried.pages < against.pages and tried.faults <= against.faults
    return tried.faults <= against.faults


def _with_contents(html: str) -> bool:
    return re.search(r'<body class="[^"]*\bwith-contents\b', html) is not None


def faults(pages: Sequence[Any], breaks: tuple[int, ...] = ()) -> tuple[int, int]:
    """Return a layout's faults, worst first: figures split over two pages or stranded on a
    page of their own, then holes."""
    return len(split_figures(pages)) + len(stranded_figures(pages)), holes(pages, breaks)


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
