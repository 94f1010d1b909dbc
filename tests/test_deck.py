"""The native deck: layouts by name, paging, charts and tables read back, no overflow, same bytes."""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from helpers import libreoffice_pdf, measured_height
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn

from reportgen import textfit
from reportgen.errors import ReportgenError
from reportgen.model import ChartSpec, DeckPlan, Event, Figure, Slide, TableSpec, Theme
from reportgen.render.deck import render_deck

REPO = Path(__file__).parent.parent
MASTER = REPO / "reportgen" / "templates" / "base" / "deck.pptx"
LAYOUTS = ("Title", "Agenda", "Section", "Bullets", "Two content", "Chart", "Table", "Key figures",
           "Quote", "Timeline", "Closing")
SOURCE = "Source: nCa (news Central Asia), 20 September 2024"
TRADE = ChartSpec("column", "Bilateral trade turnover", ("2018", "2022", "2023"), (140.75, 439.8, 563.0),
                  "USD million", "Trade turnover", derived=(False, True, False),
                  reference_label="Target: $1,000 million", reference_value=1000.0, source=SOURCE)
TITLE = "Trade quadrupled in five years to $563 million"


def _figure(key: str, label: str, value: float, unit: str, qualifier: str = "") -> Figure:
    return Figure(key, label, value, unit, "nca-2024", qualifier=qualifier)


def _plan(*slides: Slide, master: Path = MASTER) -> DeckPlan:
    return DeckPlan(slides, title="Kazakhstan and Turkmenistan", author="Policy Desk",
                    subject="Briefing for business", keywords="Kazakhstan, Turkmenistan, trade",
                    language="en-GB", created="2024-09-30T09:00:00Z", theme=Theme(accent="#0B4F6C"),
                    master=master)


def _bullets(count: int) -> tuple[str, ...]:
    return tuple(f"Point {i}: the railway shortens the route to the Gulf ports by several hundred "
                 f"kilometres and cuts transit time" for i in range(1, count + 1))


def _sample_plan() -> DeckPlan:
    events = tuple(Event(date, title, text, "nca-2024") for date, title, text in [
        ("1992", "Diplomatic relations", "Formal ties established"),
        ("1993", "Treaty of friendship", "Basis of the relationship"),
        ("2001", "Border delimitation", "State border agreed"),
        ("2014", "Railway opens", "Kazakhstan–Turkmenistan–Iran line"),
        ("2017", "Strategic partnership", "Declaration signed"),
        ("2021-10", "Business council", "Joint council formed"),
        ("2023", "Record trade", "Turnover at $563 million"),
        ("2024-06", "Logistics hub", "Joint hub at the border"),
    ])
    table = TableSpec("Trade by year", ("Year", "Turnover", "Note"),
                      (("2018", "140.75", "reported"), ("2022", "439.8", "derived"),
                       ("2023", "563", "record high")), (True, True, False), source=SOURCE)
    return _plan(
        Slide("Title", title="Kazakhstan and Turkmenistan", subtitle="A strategic partnership",
              text="Central Asia Policy Desk · 30 September 2024", notes="Opening."),
        Slide("Agenda", title="Agenda", bullets=("Politics", "Trade", "Transport"), notes="Agenda."),
        Slide("Section", title="Trade and investment", text="Trade quadrupled in five years.",
              notes="Section."),
        Slide("Chart", title=TITLE, chart=TRADE, notes="Trade grew 28% in 2023.", source=SOURCE),
        Slide("Table", title="Trade by year", table=table, notes="The table.", source=SOURCE),
        Slide("Key figures", title="The partnership in four numbers", notes="Figures.", source=SOURCE,
              figures=(_figure("y2023", "Trade in 2023", 563, "USD million"),
                       _figure("growth", "Growth on 2022", 28, "%"),
                       _figure("students", "Students", 3000, "students", "over"),
                       _figure("cargo", "Cargo by rail", 1.2, "million tonnes"))),
        Slide("Bullets", title="Nine reasons the corridor matters", bullets=_bullets(9),
              notes="Reasons.", source=SOURCE),
        Slide("Two content", title="Opportunities and risks", bullets=("Transit fees", "Energy"),
              bullets_right=("Water", "Currency controls"), notes="Both sides.", source=SOURCE),
        Slide("Quote", title="What the presidents said", quote="Our cooperation has a great future.",
              attribution="President Tokayev, 2023", notes="Quote.", source=SOURCE),
        Slide("Timeline", title="Three decades of partnership", events=events, notes="Timeline.",
              source=SOURCE),
        Slide("Closing", title="Sources", bullets=(SOURCE, "World Bank, Trade statistics, 2023"),
              notes="Thanks."),
    )


@pytest.fixture(scope="module")
def sample_bytes() -> bytes:
    return render_deck(_sample_plan())


@pytest.fixture(scope="module")
def sample(sample_bytes):
    return Presentation(io.BytesIO(sample_bytes))


def _titles(prs) -> list[str]:
    return [slide.shapes.title.text if slide.shapes.title is not None else "" for slide in prs.slides]


# --- the built-in master -----------------------------------------------------------------

def test_builtin_master_is_16_9_with_the_named_layouts():
    prs = Presentation(str(MASTER))
    assert (prs.slide_width, prs.slide_height) == (12_192_000, 6_858_000)
    assert tuple(layout.name for layout in prs.slide_layouts) == LAYOUTS
    for layout in prs.slide_layouts:
        kinds = {ph.placeholder_format.idx: ph.placeholder_format.type for ph in layout.placeholders}
        assert kinds[0] in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE), layout.name
        assert kinds[11] == PP_PLACEHOLDER.FOOTER and kinds[12] == PP_PLACEHOLDER.SLIDE_NUMBER
        for shape in [*layout.shapes, *layout.placeholders]:
            assert 0 <= shape.left and shape.left + shape.width <= prs.slide_width, shape.name
            assert 0 <= shape.top and shape.top + shape.height <= prs.slide_height, shape.name


def test_builtin_master_has_its_own_theme_and_fonts():
    with zipfile.ZipFile(MASTER) as package:
        theme = package.read("ppt/theme/theme1.xml").decode()
        names = package.namelist()
    assert 'name="reportgen"' in theme and "Office Theme" not in theme
    assert theme.count('typeface="Calibri"') == 2
    assert "docProps/thumbnail.jpeg" not in names


def test_master_script_reproduces_the_committed_master_byte_for_byte(monkeypatch):
    spec = importlib.util.spec_from_file_location("make_master", REPO / "scripts" / "make_master.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_master", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    assert module.build() == module.build() == MASTER.read_bytes()


# --- layouts and errors ------------------------------------------------------------------

def test_slides_use_the_master_layouts_by_name(sample):
    names = [slide.slide_layout.name for slide in sample.slides]
    assert names == ["Title", "Agenda", "Section", "Chart", "Table", "Key figures", "Bullets",
                     "Bullets", "Two content", "Quote", "Timeline", "Closing"]


def test_a_missing_layout_is_an_error_naming_the_layouts_the_master_has():
    with pytest.raises(ReportgenError) as caught:
        render_deck(_plan(Slide("Comparison", title="A and B")))
    assert caught.value.message == (f"layout 'Comparison' not found in {MASTER}; the master has: "
                                    + ", ".join(LAYOUTS))
    assert caught.value.path == str(MASTER)


def test_an_unreadable_master_is_an_error(tmp_path):
    broken = tmp_path / "deck.pptx"
    broken.write_text("not a deck")
    with pytest.raises(ReportgenError) as caught:
        render_deck(_plan(Slide("Bullets", title="x"), master=broken))
    assert caught.value.path == str(broken)


def test_a_title_too_long_for_any_allowed_size_is_an_error_not_an_overflow():
    with pytest.raises(ReportgenError, match="the title does not fit even at 20 pt"):
        render_deck(_plan(Slide("Bullets", title="word " * 120)))


# --- paging ------------------------------------------------------------------------------

def test_an_overflowing_bullet_list_continues_on_a_slide_titled_cont(sample):
    titles = _titles(sample)
    assert titles[6:8] == ["Nine reasons the corridor matters", "Nine reasons the corridor matters (cont.)"]
    shown = [p.text for slide in list(sample.slides)[6:8] for p in slide.placeholders[1].text_frame.paragraphs]
    assert shown == list(_bullets(9))


def test_bullets_shrink_one_step_before_they_page():
    prs = Presentation(io.BytesIO(render_deck(_plan(Slide("Bullets", title="Six", bullets=_bullets(6))))))
    assert len(prs.slides) == 1
    sizes = {run.font.size.pt for p in prs.slides[0].placeholders[1].text_frame.paragraphs for run in p.runs}
    assert sizes <= {20.0, 18.0}


def test_a_long_title_shrinks_within_its_limits():
    long_title = ("Trade quadrupled in five years to $563 million, and the two governments now aim "
                  "for a billion dollars by the end of the decade through new rail and road links")
    prs = Presentation(io.BytesIO(render_deck(_plan(Slide("Bullets", title=long_title, bullets=("a",))))))
    size = prs.slides[0].shapes.title.text_frame.paragraphs[0].runs[0].font.size.pt
    assert 20 <= size < 28
    assert prs.slides[0].shapes.title.text == long_title


def test_a_long_table_continues_with_its_header_repeated():
    rows = tuple((f"Indicator {i}", f"{i * 10:,}") for i in range(40))
    table = TableSpec("Indicators", ("Indicator", "Value"), rows, (False, True), source=SOURCE)
    prs = Presentation(io.BytesIO(render_deck(_plan(Slide("Table", title="Indicators", table=table)))))
    assert len(prs.slides) > 1
    assert _titles(prs)[1] == "Indicators (cont.)"
    seen = []
    for slide in prs.slides:
        grid = next(shape.table for shape in slide.shapes if shape.has_table)
        assert [cell.text for cell in grid.rows[0].cells] == ["Indicator", "Value"]
        seen += [tuple(cell.text for cell in row.cells) for row in list(grid.rows)[1:]]
    assert tuple(seen) == rows


def test_a_numbered_agenda_continues_its_numbers():
    agenda = tuple(f"Item {i}" for i in range(1, 13))
    prs = Presentation(io.BytesIO(render_deck(_plan(Slide("Agenda", title="Agenda", bullets=agenda)))))
    assert _titles(prs) == ["Agenda", "Agenda (cont.)"]
    second = prs.slides[1].placeholders[1].text_frame.paragraphs
    starts = [p._p.find(f"{qn('a:pPr')}/{qn('a:buAutoNum')}").get("startAt") for p in second]
    assert starts == [str(len(agenda) - len(second) + 1)] * len(second)


def test_more_than_eight_events_continue_on_a_second_timeline():
    events = tuple(Event(str(1990 + i), f"Event {i}", "", "s") for i in range(11))
    prs = Presentation(io.BytesIO(render_deck(_plan(Slide("Timeline", title="History", events=events)))))
    assert _titles(prs) == ["History", "History (cont.)"]


# --- content read back -------------------------------------------------------------------

def test_the_chart_is_native_with_the_spec_values(sample):
    chart = next(shape.chart for shape in sample.slides[3].shapes if shape.has_chart)
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    plot = chart.plots[0]
    assert tuple(plot.categories) == TRADE.categories
    assert tuple(plot.series[0].values) == TRADE.values
    assert plot.series[0].name == TRADE.series_name
    assert plot.series[0].data_labels.number_format == TRADE.number_format
    assert chart.value_axis.axis_title.text_frame.text == "USD million"
    assert not chart.value_axis.has_major_gridlines and not chart.has_legend
    # The target is a dashed line series of the chart itself, labelled once with its name.
    target = list(chart.series)[-1]
    assert target.name == "Target" and tuple(target.values) == (TRADE.reference_value,) * 3
    assert [type(plot).__name__ for plot in chart.plots] == ["BarPlot", "LinePlot"]
    label = target.points[2].data_label._dLbl
    assert label.find(qn("c:showSerName")).get("val") == "1"
    assert label.find(qn("c:separator")).text == ": "


@pytest.mark.parametrize("kind, expected", [("bar", XL_CHART_TYPE.BAR_CLUSTERED),
                                            ("line", XL_CHART_TYPE.LINE_MARKERS),
                                            ("pie", XL_CHART_TYPE.PIE),
                                            ("doughnut", XL_CHART_TYPE.DOUGHNUT)])
def test_every_chart_type_reads_back(kind, expected):
    spec = ChartSpec(kind, "Exports", ("Wheat", "Oil", "Cotton"), (210.0, 150.0, 40.0), "USD million",
                     "Exports", source=SOURCE)
    prs = Presentation(io.BytesIO(render_deck(_plan(Slide("Chart", title="Exports", chart=spec)))))
    chart = next(shape.chart for shape in prs.slides[0].shapes if shape.has_chart)
    assert chart.chart_type == expected
    assert tuple(chart.plots[0].series[0].values) == spec.values


def test_a_doughnut_names_its_whole_in_its_title_and_keeps_one_ring():
    spec = ChartSpec("doughnut", "Progress", ("Trade in 2023", "Still to go"), (563.0, 437.0), "USD million",
                     "Trade", derived=(False, True), source=SOURCE,
                     reference_label="Government target: $1 billion", reference_value=1000.0)
    prs = Presentation(io.BytesIO(render_deck(_plan(Slide("Chart", title="Progress", chart=spec)))))
    chart = next(shape.chart for shape in prs.slides[0].shapes if shape.has_chart)
    assert chart.chart_type == XL_CHART_TYPE.DOUGHNUT
    assert [tuple(series.values) for series in chart.series] == [(563.0, 437.0)]  # no flat target ring
    assert chart.has_title and chart.chart_title.text_frame.text == "Government target: $1 billion"


def test_an_unknown_chart_type_is_an_error():
    spec = ChartSpec("radar", "R", ("a",), (1.0,), "", "s")
    with pytest.raises(ReportgenError, match="unknown chart type 'radar'"):
        render_deck(_plan(Slide("Chart", title="R", chart=spec)))


def test_table_cells_header_and_alignment(sample):
    grid = next(shape.table for shape in sample.slides[4].shapes if shape.has_table)
    cells = [[cell.text for cell in row.cells] for row in grid.rows]
    assert cells == [["Year", "Turnover", "Note"], ["2018", "140.75", "reported"],
                     ["2022", "439.8", "derived"], ["2023", "563", "record high"]]
    assert grid.cell(1, 1).text_frame.paragraphs[0].alignment == PP_ALIGN.RIGHT
    assert grid.cell(1, 2).text_frame.paragraphs[0].alignment == PP_ALIGN.LEFT
    assert str(grid.cell(0, 0).fill.fore_color.rgb) == "0B4F6C"


def test_estimates_are_hatched_and_starred_like_the_briefing(sample):
    chart = next(shape.chart for shape in sample.slides[3].shapes if shape.has_chart)
    label = chart.plots[0].series[0].points[1].data_label._dLbl
    assert label.find(qn("c:numFmt")).get("formatCode") == '#,##0"*"'
    xml = chart._chartSpace.xml
    assert "<a:pattFill" in xml
    texts = [shape.text_frame.text for shape in sample.slides[3].shapes if shape.has_text_frame]
    assert "* Derived from reported figures" in " ".join(texts)


def test_short_table_columns_are_not_squeezed_by_a_long_one():
    rows = tuple((f"Item {i}", "a long description that has to wrap " * 6, f"{i:,}") for i in range(3))
    table = TableSpec("", ("Item", "Description", "Value"), rows, (False, False, True))
    prs = Presentation(io.BytesIO(render_deck(_plan(Slide("Table", title="Items", table=table)))))
    grid = next(shape.table for shape in prs.slides[0].shapes if shape.has_table)
    size = grid.cell(1, 0).text_frame.paragraphs[0].runs[0].font.size.pt
    assert grid.columns[0].width >= textfit.text_width("Item 0", size)
    assert len(textfit.wrap("Item 0", grid.columns[0].width - textfit.EMU_PER_INCH // 5, size)) == 1


def test_key_figures_timeline_and_quote_show_their_text(sample):
    def text(slide):
        return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)

    assert all(t in text(sample.slides[5]) for t in ("$563 million", "28%", "over 3,000 students"))
    assert all(t in text(sample.slides[10]) for t in ("1992", "Logistics hub", "Jun 2024"))
    assert "Our cooperation has a great future." in text(sample.slides[9])
    assert "— President Tokayev, 2023" in text(sample.slides[9])


def test_every_content_slide_has_speaker_notes(sample):
    for slide in sample.slides:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    assert sample.slides[3].notes_slide.notes_text_frame.text == "Trade grew 28% in 2023."


def test_footer_has_a_slide_number_field_and_the_source(sample):
    for number, slide in enumerate(sample.slides, start=1):
        fields = slide._element.findall(f".//{qn('a:fld')}")
        if slide.slide_layout.name == "Title":
            assert not fields
            continue
        assert [(f.get("type"), f.findtext(qn("a:t"))) for f in fields] == [("slidenum", str(number))]
    footer = [ph.text_frame.text for ph in sample.slides[6].placeholders
              if ph.placeholder_format.type == PP_PLACEHOLDER.FOOTER]
    assert footer == [SOURCE]


def test_no_empty_placeholder_remains(sample):
    for slide in sample.slides:
        for placeholder in slide.placeholders:
            if placeholder._element.tag == qn("p:sp"):
                assert placeholder.text_frame.text.strip(), (slide.slide_layout.name, placeholder.name)


def test_every_shape_lies_inside_the_slide(sample):
    for slide in sample.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, shape.name
            assert shape.left + shape.width <= sample.slide_width, shape.name
            assert shape.top + shape.height <= sample.slide_height, shape.name


def test_no_text_overflows_its_box(sample):
    for slide in sample.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            if shape.is_placeholder and shape.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER:
                continue  # a field of two or three digits, sized by the master
            assert measured_height(shape) <= shape.height, (slide.slide_layout.name, shape.name)


# --- the package ---------------------------------------------------------------------------

def test_deck_is_16_9(sample):
    assert (sample.slide_width, sample.slide_height) == (12_192_000, 6_858_000)


def test_core_properties_come_from_the_plan(sample):
    core = sample.core_properties
    assert (core.title, core.author, core.subject, core.keywords, core.language) == (
        "Kazakhstan and Turkmenistan", "Policy Desk", "Briefing for business",
        "Kazakhstan, Turkmenistan, trade", "en-GB")
    assert core.last_modified_by == "Policy Desk" and core.revision == 1
    assert core.created == core.modified == datetime(2024, 9, 30, 9, 0, 0)


def test_the_same_plan_gives_the_same_bytes(sample_bytes):
    assert render_deck(_sample_plan()) == sample_bytes
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- text fitting ------------------------------------------------------------------------

def test_wrap_never_drops_a_character():
    text = "Trade quadrupled in five years to $563 million " * 5 + "Supercalifragilistic" * 4
    lines = textfit.wrap(text, 2 * textfit.EMU_PER_INCH, 20, bold=True)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(textfit.text_width(line, 20, True) <= 2 * textfit.EMU_PER_INCH for line in lines)


def test_paginate_balances_pages_and_keeps_order():
    items = [f"item {i}" for i in range(9)]
    pages = textfit.paginate(items, 5 * textfit.EMU_PER_INCH, 5 * textfit.EMU_PER_INCH,
                             textfit.TextStyle(20), max_items=6)
    assert [len(page) for page in pages] == [5, 4]
    assert [item for page in pages for item in page] == items


# --- LibreOffice ---------------------------------------------------------------------------

@pytest.mark.slow  # a LibreOffice conversion
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) is not on PATH")
def test_libreoffice_renders_one_page_per_slide(tmp_path, sample_bytes, sample):
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(sample_bytes)
    info = subprocess.run(["pdfinfo", str(libreoffice_pdf(deck, tmp_path))], check=True, capture_output=True,
                          text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == len(sample.slides)
