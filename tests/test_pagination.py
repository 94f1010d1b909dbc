"""Pagination costs: WeasyPrint's first pass is judged, so a briefing without holes is laid out
once, and one whose first pass shows holes is rearranged without a whole layout per move."""

from __future__ import annotations

from pathlib import Path

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

    judge = pagination._judge

    def counting_judge(page_boxes, arrangement, seen, breaks, looser=None):
        counted["judged"].append((arrangement, len(page_boxes)))
        return judge(page_boxes, arrangement, seen, breaks, looser)

    monkeypatch.setattr(weasyprint.document, "layout_document", counting_layout)
    monkeypatch.setattr(pagination, "_judge", counting_judge)
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
