"""A user's own master: layouts with their own names and sizes still get every text in its place.

The master here is python-pptx's default template (4:3, PowerPoint's stock layouts) with every
layout renamed and its sizes and boxes changed, as a brand team would hand it over. The deck is
read back: which layout each slide took, which placeholder holds which text, the point sizes
(those of this master, not the built-in one), nothing overflowing, and LibreOffice opening it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import assert_renders_cleanly, measured_height
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn

from reportgen import textfit
from reportgen.errors import ReportgenError
from reportgen.model import ChartSpec, DeckPlan, Event, Figure, Slide, TableSpec, Theme
from reportgen.render.deck import check_master_layouts, render_deck

NAMES = {"Title Slide": "Cover", "Title and Content": "Content", "Section Header": "Divider",
         "Two Content": "Side by side", "Comparison": "Compare", "Title Only": "Heading only",
         "Blank": "Empty", "Content with Caption": "Content with note",
         "Picture with Caption": "Picture with note", "Title and Vertical Text": "Vertical",
         "Vertical Title and Text": "Vertical title"}
TITLE_PT, COVER_PT, SUBTITLE_PT, CONTENT_PT, COLUMN_PT, DIVIDER_PT = 36, 50, 26, 26, 20, 24
CONTENT_HEIGHT = 2_743_200  # 3 in: a shorter body box than the stock 4.95 in
SOURCE = "Source: nCa (news Central Asia), 20 September 2024"
POINTS = tuple(f"Point {n}: the corridor cuts the route to the Gulf" for n in range(1, 10))


def _set_size(element, points: float) -> None:
    """Give level-1 text of a placeholder (or a master text style) *points* points."""
    style = element.find(f"{qn('p:txBody')}/{qn('a:lstStyle')}") if element.tag == qn("p:sp") else element
    level = style.find(qn("a:lvl1pPr"))
    if level is None:
        level = parse_xml(f"<a:lvl1pPr {nsdecls('a')}/>")
        style.insert(0, level)
    properties = level.find(qn("a:defRPr"))
    if properties is None:
        properties = parse_xml(f"<a:defRPr {nsdecls('a')}/>")
        level.append(properties)
    properties.set("sz", str(round(points * 100)))


def _placeholder(layout, kind):
    return next(p for p in layout.placeholders if p.placeholder_format.type == kind)


@pytest.fixture(scope="module")
def brand(tmp_path_factory) -> Path:
    return make_brand_master(tmp_path_factory.mktemp("brand") / "brand.pptx")


def make_brand_master(path: Path) -> Path:
    """Write python-pptx's default template, every layout renamed and resized, to *path*."""
    prs = Presentation()
    master = prs.slide_master
    _set_size(master._element.find(f"{qn('p:txStyles')}/{qn('p:titleStyle')}"), TITLE_PT)
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    for old, new in NAMES.items():
        layouts[old].name = new
    _set_size(_placeholder(layouts["Title Slide"], PP_PLACEHOLDER.CENTER_TITLE)._element, COVER_PT)
    _set_size(_placeholder(layouts["Title Slide"], PP_PLACEHOLDER.SUBTITLE)._element, SUBTITLE_PT)
    content = _placeholder(layouts["Title and Content"], PP_PLACEHOLDER.OBJECT)
    _set_size(content._element, CONTENT_PT)
    left, top, width = content.left, content.top, content.width  # inherited: give the box its own geometry
    content.left, content.top, content.width, content.height = left, top, width, CONTENT_HEIGHT
    for column in layouts["Two Content"].placeholders:
        if column.placeholder_format.type == PP_PLACEHOLDER.OBJECT:
            _set_size(column._element, COLUMN_PT)
    _set_size(_placeholder(layouts["Section Header"], PP_PLACEHOLDER.BODY)._element, DIVIDER_PT)
    prs.save(str(path))
    return path


def _slides() -> tuple[Slide, ...]:
    chart = ChartSpec("column", "Bilateral trade turnover", ("2018", "2022", "2023"), (140.75, 439.8, 563.0),
                      "USD million", "Trade turnover", source=SOURCE)
    table = TableSpec("Trade by year", ("Year", "Turnover"), (("2018", "140.75"), ("2023", "563")),
                      (True, True), source=SOURCE)
    figures = tuple(Figure(key, label, value, unit, "nca-2024") for key, label, value, unit in
                    (("y2023", "Trade in 2023", 563, "USD million"), ("growth", "Growth on 2022", 28, "%")))
    events = tuple(Event(when, title, "", "nca-2024") for when, title in
                   (("1992", "Diplomatic relations"), ("2014", "Railway opens"), ("2023", "Record trade")))
    return (
        Slide("Title", title="Partnership report", subtitle="A strategic partnership",
              text="Policy Desk · 30 September 2024"),
        Slide("Agenda", title="Agenda", bullets=("Politics", "Trade", "Transport")),
        Slide("Section", title="Trade", text="Trade quadrupled in five years."),
        Slide("Bullets", title="Nine reasons", bullets=POINTS, source=SOURCE),
        Slide("Two content", title="Opportunities and risks", bullets=("Transit fees", "Energy"),
              bullets_right=("Water", "Currency controls"), source=SOURCE),
        Slide("Chart", title="Trade quadrupled", chart=chart, source=SOURCE),
        Slide("Table", title="Trade by year", table=table, source=SOURCE),
        Slide("Key figures", title="In two numbers", figures=figures, source=SOURCE),
        Slide("Quote", title="What was said", quote="Our cooperation has a great future.",
              attribution="President Tokayev, 2023", source=SOURCE),
        Slide("Timeline", title="Milestones", events=events, source=SOURCE),
        Slide("Closing", title="Sources", bullets=(SOURCE,), text="Thank you"),
    )


def _plan(master: Path) -> DeckPlan:
    return DeckPlan(_slides(), title="Kazakhstan and Turkmenistan", author="Policy Desk", subject="Trade",
                    keywords="trade", language="en-GB", created="2024-09-30T09:00:00Z",
                    theme=Theme(accent="#0B4F6C"), master=master)


@pytest.fixture(scope="module")
def deck(brand):
    return Presentation(io.BytesIO(render_deck(_plan(brand))))


def _texts(slide, kind) -> list[str]:
    return [p.text for shape in slide.placeholders if shape.placeholder_format.type == kind
            for p in shape.text_frame.paragraphs]


def _sizes(shape) -> set[float]:
    return {run.font.size.pt for p in shape.text_frame.paragraphs for run in p.runs}


def _by_type(slide, kind):
    return [shape for shape in slide.placeholders if shape.placeholder_format.type == kind]


def _slide(deck, title: str):
    return next(slide for slide in deck.slides if slide.shapes.title.text == title)


def test_each_role_takes_the_layout_of_its_kind_whatever_its_name(deck):
    layouts = {slide.shapes.title.text.removesuffix(" (cont.)"): slide.slide_layout.name for slide in deck.slides}
    assert layouts == {
        "Partnership report": "Cover", "Agenda": "Content", "Trade": "Divider", "Nine reasons": "Content",
        "Opportunities and risks": "Side by side", "Trade quadrupled": "Content", "Trade by year": "Content",
        "In two numbers": "Heading only", "What was said": "Content with note", "Milestones": "Heading only",
        "Sources": "Content with note"}


def test_titles_and_texts_land_in_the_placeholders_of_their_kind(deck):
    cover = deck.slides[0]
    assert _texts(cover, PP_PLACEHOLDER.CENTER_TITLE) == ["Partnership report"]
    # the stock cover has no third box: the organisation and date follow the subtitle
    assert _texts(cover, PP_PLACEHOLDER.SUBTITLE) == ["A strategic partnership", "Policy Desk · 30 September 2024"]
    assert _texts(_slide(deck, "Agenda"), PP_PLACEHOLDER.OBJECT) == ["Politics", "Trade", "Transport"]
    assert _texts(_slide(deck, "Trade"), PP_PLACEHOLDER.BODY) == ["Trade quadrupled in five years."]
    left, right = sorted(_by_type(_slide(deck, "Opportunities and risks"), PP_PLACEHOLDER.OBJECT), key=lambda shape: shape.left)
    assert [p.text for p in left.text_frame.paragraphs] == ["Transit fees", "Energy"]
    assert [p.text for p in right.text_frame.paragraphs] == ["Water", "Currency controls"]
    chart = _slide(deck, "Trade quadrupled")  # a native chart where the content box was, the empty box gone
    assert any(shape.has_chart for shape in chart.shapes) and not _by_type(chart, PP_PLACEHOLDER.OBJECT)
    assert any(shape.has_table for shape in _slide(deck, "Trade by year").shapes)
    drawn = " ".join(shape.text_frame.text for title in ("In two numbers", "Milestones")
                     for shape in _slide(deck, title).shapes if shape.has_text_frame)
    assert "Trade in 2023" in drawn and "Railway opens" in drawn
    quote = _slide(deck, "What was said")  # the quotation in the larger box, who said it in the smaller
    assert _texts(quote, PP_PLACEHOLDER.OBJECT) == ["Our cooperation has a great future."]
    assert _texts(quote, PP_PLACEHOLDER.BODY) == ["— President Tokayev, 2023"]
    closing = _slide(deck, "Sources")
    assert _texts(closing, PP_PLACEHOLDER.OBJECT) == [SOURCE]
    assert _texts(closing, PP_PLACEHOLDER.BODY) == ["Thank you"]


def test_sizes_are_this_masters_own(deck):
    cover, agenda, divider = deck.slides[0], _slide(deck, "Agenda"), _slide(deck, "Trade")
    assert _sizes(_by_type(cover, PP_PLACEHOLDER.CENTER_TITLE)[0]) == {COVER_PT}
    assert _sizes(_by_type(cover, PP_PLACEHOLDER.SUBTITLE)[0]) == {SUBTITLE_PT}
    assert _sizes(agenda.shapes.title) == {TITLE_PT}  # the master's title style, not the built-in 28 pt
    assert _sizes(_by_type(agenda, PP_PLACEHOLDER.OBJECT)[0]) == {CONTENT_PT}
    assert _sizes(_by_type(divider, PP_PLACEHOLDER.BODY)[0]) == {DIVIDER_PT}
    pair = _by_type(_slide(deck, "Opportunities and risks"), PP_PLACEHOLDER.OBJECT)
    assert {size for shape in pair for size in _sizes(shape)} == {COLUMN_PT}


def test_a_list_pages_by_the_height_of_this_masters_box(deck):
    pages = [slide for slide in deck.slides if slide.shapes.title.text.startswith("Nine reasons")]
    assert [slide.shapes.title.text for slide in pages] == ["Nine reasons"] + ["Nine reasons (cont.)"] * (len(pages) - 1)
    boxes = [_by_type(slide, PP_PLACEHOLDER.OBJECT)[0] for slide in pages]
    assert [p.text for box in boxes for p in box.text_frame.paragraphs] == list(POINTS)  # every point once, in order
    assert {box.height for box in boxes} == {CONTENT_HEIGHT}
    # paged by this master's 3 in box: no page holds more one-line bullets than fit in it
    size = min(size for box in boxes for size in _sizes(box))
    one_line = textfit.line_height(size) + round(size / 2 * textfit.EMU_PER_PT)
    assert len(pages) > 1 and all(len(box.text_frame.paragraphs) * one_line <= CONTENT_HEIGHT + one_line for box in boxes)


def test_no_text_overflows_this_masters_boxes(deck):
    indent = int(deck.slide_master._element.find(
        f"{qn('p:txStyles')}/{qn('p:bodyStyle')}/{qn('a:lvl1pPr')}").get("marL"))
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            if shape.is_placeholder and shape.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER:
                continue
            assert measured_height(shape, bullet_indent=indent) <= shape.height, (number, shape.name)


def test_the_master_passes_the_placeholder_check_and_a_layout_it_lacks_is_named(brand):
    data = brand.read_bytes()
    check_master_layouts(data, _slides(), "brand.pptx", "content/audiences/board.yaml")
    with pytest.raises(ReportgenError) as caught:
        check_master_layouts(data, (Slide("Big picture", title="x"),), "brand.pptx", "content/audiences/board.yaml")
    assert caught.value.message == ("deck master 'brand.pptx' has no layout 'Big picture' (it has: "
                                    + ", ".join(NAMES.values()) + ")")


@pytest.mark.slow  # a LibreOffice conversion
def test_libreoffice_opens_the_deck_one_page_a_slide(brand, deck, tmp_path):
    path = tmp_path / "deck.pptx"
    path.write_bytes(render_deck(_plan(brand)))
    assert_renders_cleanly(path, len(deck.slides), tmp_path)
