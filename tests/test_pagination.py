"""Pagination costs: WeasyPrint's first pass is judged, so a briefing without holes is laid out
once, and one whose first pass shows holes is rearranged without a whole layout per move."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reportgen.edition import make_edition
from reportgen.project import load_project
from reportgen.render import pagination
from reportgen.render.briefing import briefing_html, write_pdf

MINIMAL = Path(__file__).parent / "projects" / "minimal"


@pytest.fixture
def passes(monkeypatch):
    """Count WeasyPrint's layouts and the first passes pagination judged, with what it saw."""
    import weasyprint.document

    counted = {"layouts": 0, "finished": 0, "judged": []}
    layout_document = weasyprint.document.layout_document

    def counting_layout(*args, **kwargs):  # layout_document yields the pages
        counted["layouts"] += 1
        yield from layout_document(*args, **kwargs)
        counted["finished"] += 1

    judge = pagination._Trial._judge

    def counting_judge(trial, pages, arrangement, against):
        counted["judged"].append((arrangement, len(pages)))
        return judge(trial, pages, arrangement, against)

    monkeypatch.setattr(weasyprint.document, "layout_document", counting_layout)
    monkeypatch.setattr(pagination._Trial, "_judge", counting_judge)
    return counted


def test_a_briefing_without_holes_is_laid_out_once(passes):
    edition = make_edition(load_project(MINIMAL), "team")
    pdf, pages = write_pdf(briefing_html(edition), edition)
    assert pdf.startswith(b"%PDF") and pages >= 1
    assert passes["layouts"] == passes["finished"] == 1
    assert passes["judged"] == [(pagination.Arrangement(), pages)]  # its first pass, judged and kept


def test_the_first_pass_is_judged_on_the_pages_weasyprint_then_finishes(passes):
    """The page boxes judged are the pages of the finished document (nothing reflows after)."""
    import weasyprint

    edition = make_edition(load_project(MINIMAL), "team")
    html = briefing_html(edition)
    seen = []
    with pagination._first_pass(lambda boxes: seen.append([pagination.page_fill(pagination._Laid(box)) for box in boxes])):
        document = weasyprint.HTML(string=html, base_url=MINIMAL.resolve().as_uri() + "/").render()
    assert seen == [[pagination.page_fill(page) for page in document.pages]]
    document = weasyprint.HTML(string=html, base_url=MINIMAL.resolve().as_uri() + "/").render()  # outside: not judged
    assert len(seen) == 1


def test_arrangements_defer_and_keep_the_sources_beside_unless_they_moved():
    assert pagination.Arrangement().sources_beside
    assert pagination.Arrangement(("s:5",)).sources_beside
    assert not pagination.Arrangement(("sources", "s:5")).sources_beside


# --- side notes --------------------------------------------------------------------------

_PARAGRAPH = ("Orders rose in every region through the quarter, and the pipeline for the next one is deeper than at "
              "any point last year; margins held despite higher freight costs.")
_NOTE = ("Watch the freight line: it rose for three quarters in a row, and a fourth rise would take back most of the "
         "margin that pricing won. ") * 3


def _with_a_side_note(root: Path, file: str, before: int, after: str) -> None:
    """Append to a section of the minimal project *before* paragraphs, a call-out, then *after*."""
    section = root / "content" / "sections" / file
    text = section.read_text(encoding="utf-8")
    addition = "\n\n".join([_PARAGRAPH] * before) + "\n\n::: callout Watch\n" + _NOTE + "\n:::\n\n" + after + "\n\n"
    text = text.replace("[^ledger]: ", addition + "[^ledger]: ", 1) if "[^ledger]: " in text else text + "\n\n" + addition
    section.write_text(text, encoding="utf-8")


def _note_pages(pdf: bytes) -> list[int]:
    import io

    from pypdf import PdfReader

    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    return [number for number, page in enumerate(pages) if "Watch the freight line" in page or "margin that pricing won" in page]


def _moved_whole(document: Any) -> bool:
    """Whether the call-out left its empty first box at one page's foot and stands on the next."""
    pieces = [(number, pagination._has_content(box)) for number, page in enumerate(document.pages)
              for box in page._page_box.descendants()
              if getattr(box, "element", None) is not None and box.element.tag == "aside" and "Watch" in "".join(box.element.itertext())]
    return any(not content for _, content in pieces) and len({number for number, _ in pieces}) == 2


@pytest.mark.slow  # two dozen small PDFs
def test_a_side_note_is_never_split_or_lost_and_moving_it_whole_costs_no_pass(tmp_path, passes):
    """Wherever the call-out falls, it stands whole on one page; one that does not fit at a
    page foot moves whole to the next page in the first pass, with nothing rearranged."""
    import shutil

    import weasyprint

    moved = 0
    for file in ("01-overview.md", "02-sales.md"):
        for before in range(2, 14):
            root = tmp_path / f"{file}-{before}"
            shutil.copytree(MINIMAL, root)
            _with_a_side_note(root, file, before, _PARAGRAPH)
            edition = make_edition(load_project(root), "team")
            html = briefing_html(edition)
            passes.update(layouts=0, finished=0, judged=[])
            pdf, pages = write_pdf(html, edition)
            on = _note_pages(pdf)
            assert len(on) == 1, f"{file}, {before} paragraphs: the call-out is on pages {on} of {pages}"
            assert passes["finished"] == 1, passes
            if _moved_whole(weasyprint.HTML(string=html, base_url=root.as_uri() + "/").render()):
                moved += 1
                assert passes["judged"] == [(pagination.Arrangement(), pages)], f"{file}, {before} paragraphs"
    assert moved >= 1  # the case the test is about occurred


def test_a_side_note_past_the_last_line_of_text_gets_a_page_and_is_seen_there():
    """WeasyPrint drops the rest of a float that runs past the end of the document; the
    briefing's stylesheet ends the document below every float, so the side note is printed
    (on a page of its own, which the first pass reports as stranded)."""
    import weasyprint

    from reportgen.templates import PACKAGE_TEMPLATES

    css = (PACKAGE_TEMPLATES / "briefing.css").read_text(encoding="utf-8")

    def laid_out(paragraphs: int, note: str) -> tuple[list[str], Any]:
        html = (f"<html><head><style>{css} @page {{ size: A5; margin: 15mm }} .callout {{ width: 40mm }}</style></head>"
                f"<body>{f'<p>{_PARAGRAPH}</p>' * paragraphs}"
                f'<aside class="callout" data-block="s:9"><div class="float-body">{note}</div></aside></body></html>')
        pages = weasyprint.HTML(string=html).render().pages
        return [" ".join(box.text for box in page._page_box.descendants() if type(box).__name__ == "TextBox") for page in pages], pages

    text, pages = laid_out(17, _NOTE)  # the call-out does not fit below the last paragraph
    assert [page for page in text if "margin that pricing won" in page] == [text[-1]]
    assert pagination.stranded_figures(pages) == ["s:9"]
    assert pagination.split_figures(pages) == []  # the empty box it left behind is no part of it
    text, pages = laid_out(17, _NOTE * 2)  # a note that fills its page pushes the end onto a blank one
    assert sum("margin that pricing won" in page for page in text) == 1 and text[-1] == ""
    assert pagination.stranded_figures(pages) == ["s:9"]


@pytest.mark.parametrize("tight_pages, kept", [(10, "as written"), (9, "tight")])
def test_an_alternative_is_laid_out_from_the_first_pass_and_a_dropped_one_costs_only_its_first_pass(monkeypatch, tight_pages, kept):
    """A short last page: the tighter setting is laid out from within the first pass of the
    briefing as written. Kept, it is the one finished; dropped (no page saved), the waiting
    layout finishes — no layout is ever started twice."""
    from dataclasses import dataclass

    @dataclass
    class Page:
        fill: float

    laid = {"as written": [Page(0.9)] * 9 + [Page(0.05)], "tight": [Page(0.9)] * (tight_pages - 1) + [Page(0.6)]}
    log = []

    def layout(html: str) -> str:
        log.append(f"start {html}")
        pagination._judges.judge(laid[html])  # what WeasyPrint's first pass hands over
        log.append(f"finish {html}")
        return html

    for name in ("split_figures", "pushed_figures", "stranded_figures"):
        monkeypatch.setattr(pagination, name, lambda pages, *rest: [])
    monkeypatch.setattr(pagination, "page_fill", lambda page: page._page_box.fill)  # judged pages wrap the boxes
    monkeypatch.setattr(pagination, "faults", lambda pages, breaks=(): (0, 0))
    document = pagination.laid_out("as written", lambda arrangement: "tight" if arrangement.tight else "as written", layout)
    assert document == kept
    assert log == ["start as written", "start tight", f"finish {kept}"]
