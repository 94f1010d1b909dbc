"""Table datasets and every chart kind, read back from both products of tests/projects/charts."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import pytest
from helpers import PROJECTS, render_format
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn

from reportgen import load_project
from reportgen.build import build
from reportgen.charts import chart_alt, chart_svg
from reportgen.edition import make_edition
from reportgen.model import Theme
from reportgen.render.briefing import briefing_html

PROJECT = PROJECTS / "charts"
CSV = PROJECT / "content" / "data" / "flows.csv"
NAMES = {"exports": "Exports", "imports": "Imports", "transit": "Transit fees"}
KINDS = {  # chart title -> the native chart type the deck must hold
    "Trade flows, column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "Trade flows, column stacked": XL_CHART_TYPE.COLUMN_STACKED,
    "Trade flows, column percent": XL_CHART_TYPE.COLUMN_STACKED_100,
    "Trade flows, bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "Trade flows, bar stacked": XL_CHART_TYPE.BAR_STACKED,
    "Trade flows, bar percent": XL_CHART_TYPE.BAR_STACKED_100,
    "Trade flows, line": XL_CHART_TYPE.LINE_MARKERS,
    "Trade flows, area": XL_CHART_TYPE.AREA,
    "Trade flows, area stacked": XL_CHART_TYPE.AREA_STACKED,
    "Trade flows, pie": XL_CHART_TYPE.PIE,
    "Trade flows, doughnut": XL_CHART_TYPE.DOUGHNUT,
    "Trade flows, scatter": XL_CHART_TYPE.XY_SCATTER,
    "Trade flows, combo": XL_CHART_TYPE.COLUMN_CLUSTERED,
}


def csv_columns() -> dict[str, dict[str, float | None]]:
    """Read the sample CSV independently of reportgen: column -> category -> value (None = gap)."""
    with CSV.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {name: {row["year"]: float(row[name]) if row[name] else None for row in rows} for name in NAMES}


def check_edited(project_copy, cli, name: str, old: str, new: str):
    """Run `check` on a copy of the sample whose section *name* has its first *old* replaced."""
    project = project_copy("charts")
    section = project / "content" / "sections" / name
    section.write_text(section.read_text().replace(old, new, 1))
    return cli("check", project)


@pytest.fixture(scope="module")
def edition():
    return make_edition(load_project(PROJECT), "analysts")


@pytest.fixture(scope="module")
def specs(edition):
    return {block.spec.title: block.spec
            for section in edition.sections for block in section.blocks if block.kind == "chart"}


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    out = tmp_path_factory.mktemp("charts-out")
    build(PROJECT, formats=["pptx"], out_dir=out, jobs=1)
    return Presentation(str(out / "analysts" / "flows.pptx"))


@pytest.fixture(scope="module")
def deck_charts(deck):
    charts = {}
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                charts[slide.shapes.title.text_frame.text] = shape
    return charts


def test_the_table_dataset_keeps_its_gap_and_cells_are_addressable(edition):
    table = edition.data["flows"].table
    assert [column.name for column in table.columns] == list(NAMES)
    assert table.column("transit").values == tuple(csv_columns()["transit"].values())
    assert table.column("transit").values[1] is None  # a gap, not a zero
    assert edition.data["flows"].exports["2023"].text == "$190 million"
    with pytest.raises(KeyError):
        edition.data["flows"].transit["2020"]


def test_prose_writes_years_as_years_and_qualifiers_once(edition):
    html = briefing_html(edition)
    assert "founded in\n1998" in html or "founded in 1998" in html
    assert "1,998" not in html
    assert "Exports reached $190 million in 2023" in html
    assert "exports are 59.4% of trade" in html
    assert "about 1.08 million tonnes (1.08 million tonnes without the qualifier)" in html.replace("\n", " ")
    assert "within 5 years" in html and "within within" not in html
    numbers = next(section for section in edition.sections if section.id == "numbers")
    assert numbers.key_points[0] == "About 1.08 million tonnes of cargo in 2022"


def test_every_kind_is_a_native_chart_with_the_csv_values(deck_charts, specs):
    assert set(deck_charts) == set(KINDS)
    data = csv_columns()
    for title, expected in KINDS.items():
        chart = deck_charts[title].chart
        assert chart.chart_type == expected, title
        spec = specs[title]
        if expected == XL_CHART_TYPE.XY_SCATTER:
            points = [(x, y) for x, y in zip(data["imports"].values(), data["exports"].values())
                      if x is not None and y is not None]
            series = chart.plots[0].series[0]
            assert series.name == "Exports"
            assert list(zip(series.iter_values(), series.values)) or True
            x_values = [float(v.text) for v in series._element.iterfind(".//" + qn("c:xVal") + "//" + qn("c:v"))]
            assert list(zip(x_values, series.values)) == points
            continue
        names = [s.name for s in chart.series]
        chosen = [key for key, name in NAMES.items() if name in names]
        categories = list(spec.categories)
        assert list(chart.plots[0].categories) == categories, title
        for key in chosen:
            series = next(s for s in chart.series if s.name == NAMES[key])
            assert tuple(series.values) == tuple(data[key][c] for c in categories), title


def test_deck_labels_print_exactly_the_briefings_labels(deck_charts, specs):
    theme = Theme()
    for title, shape in deck_charts.items():
        spec = specs[title]
        if spec.type == "scatter":
            continue
        svg = ET.fromstring(chart_svg(spec, theme))
        svg_labels = [e.text for e in svg.iter() if "value" in (e.get("class") or "").split()]
        for native, series in zip(shape.chart.series, spec.all_series()):
            shown = native._element.find(f"{qn('c:dLbls')}/{qn('c:showVal')}")
            if shown is None or shown.get("val") != "1":
                assert spec.type == "area", title  # only areas go without labels, with a scale
                continue
            common = native.data_labels.number_format
            for index, value in enumerate(series.values):
                if value is None:
                    continue
                point = next((d for d in native._element.iterfind(f"{qn('c:dLbls')}/{qn('c:dLbl')}")
                              if d.find(qn("c:idx")).get("val") == str(index)), None)
                code = common if point is None or point.find(qn("c:numFmt")) is None \
                    else point.find(qn("c:numFmt")).get("formatCode")
                printed = render_format(code, value)
                label = series.labels[index] or spec.value_labels[index]
                assert printed.rstrip("*") == label.rstrip("*").replace("\u2212", "-"), (title, index)
                if svg_labels and spec.type not in ("area",):
                    assert any(printed in text for text in svg_labels), (title, printed, svg_labels)


def test_every_deck_chart_carries_the_briefings_alt_text(deck_charts, specs):
    for title, shape in deck_charts.items():
        alt = shape._element.nvGraphicFramePr.cNvPr.get("descr")
        assert alt == chart_alt(specs[title])
        assert ET.fromstring(chart_svg(specs[title], Theme())).get("aria-label") == alt
    assert "Transit fees: 2019 $30, 2020 no data" in chart_alt(specs["Trade flows, line"])


def test_the_combo_chart_draws_imports_and_the_target_as_lines_inside_the_chart(deck_charts):
    chart = deck_charts["Trade flows, combo"].chart
    assert [type(plot).__name__ for plot in chart.plots] == ["BarPlot", "LinePlot"]
    assert [s.name for s in chart.plots[0].series] == ["Exports"]
    assert [s.name for s in chart.plots[1].series] == ["Imports", "Export target"]
    target = chart.plots[1].series[1]
    assert set(target.values) == {200.0}
    label = target._element.find(f"{qn('c:dLbls')}/{qn('c:dLbl')}")
    assert render_format(label.find(qn("c:numFmt")).get("formatCode"), 200) == "up to $200 million"


def test_stacked_and_percent_charts_and_the_undated_event(edition, specs, deck):
    assert specs["Trade flows, column percent"].stack == "percent"
    svg = ET.fromstring(chart_svg(specs["Trade flows, column percent"], Theme()))
    ticks = [e.text for e in svg.iter() if e.get("class") == "tick"]
    assert ticks[-1] == "100%"
    events = next(b.spec.events for s in edition.sections for b in s.blocks if b.kind == "timeline")
    assert [e.when for e in events] == ["1992–1997", "1998", "Date not given", "Oct 2021", "c. 2025", "Oct 2026"]
    timeline = next(s for s in deck.slides if s.shapes.title.text_frame.text == "Milestones, dated and not")
    texts = [shape.text_frame.text for shape in timeline.shapes if shape.has_text_frame]
    assert any(text.startswith("Date not given\nFirst joint survey") for text in texts), texts
    from reportgen.charts import timeline_svg

    root = ET.fromstring(timeline_svg(events, Theme()))
    dots = [e for e in root.iter() if "milestone" in (e.get("class") or "").split()]
    xs = [float(dot.get("cx")) for dot in dots]
    assert xs[1] < xs[2] < xs[3]  # the undated survey sits between 1998 and 2021, as in the file
    assert "undated" in dots[2].get("class") and "planned" in dots[5].get("class")
    years = [e.text for e in root.iter() if e.get("class") == "year"]
    assert "Date not given" in years and "1992–1997" in years


def test_a_bad_chart_in_a_section_no_audience_reads_fails_check(project_copy, cli):
    project = project_copy("charts")
    unread = project / "content" / "sections" / "90-unread.md"
    assert cli("check", project).code == 0
    assert cli("check", project).err == "content/sections/90-unread.md: notice: section 'unread' reaches no audience\n"
    unread.write_text(unread.read_text().replace("type: column", "type: radar"))
    result = cli("check", project)
    assert result.code == 1
    assert result.err.startswith("content/sections/90-unread.md:9: error: unknown chart type 'radar' (known: column, bar, line, area, pie, doughnut, scatter, combo)")


@pytest.mark.parametrize("text, message", [
    ("type: pie\nseries: [exports, imports]", "a pie chart takes one series ('series:'), got 2: exports, imports"),
    ("type: scatter\nseries: [exports]", "a scatter chart takes exactly 2 series ('series:'), got 1: exports"),
    ("type: line\nstack: stacked", "a line chart cannot be stacked"),
    ("type: column\nseries: [exprts]", "unknown series 'exprts' (known: exports, imports, transit)"),
    ("type: column\nlines: [imports]", "'lines' is for a combo chart (type: combo)"),
])
def test_chart_options_are_checked_against_the_registry(project_copy, cli, text, message):
    result = check_edited(project_copy, cli, "20-columns.md", "type: column\n", text + "\n")
    assert result.code == 1 and f"error: {message}" in result.err, result.err


def test_a_charts_caption_is_printed_under_it_and_reaches_the_slides_notes(project_copy):
    from reportgen.deck_items import collect
    from reportgen.edition import make_edition
    from reportgen.project import load_project
    from reportgen.render.briefing import briefing_html

    project = project_copy("minimal")
    section = project / "content" / "sections" / "02-sales.md"
    section.write_text(section.read_text().replace("type: column\n", "type: column\ncaption: Quarters end on the last Friday.\n", 1))
    edition = make_edition(load_project(project), "team")
    assert '<p class="table-note figure-caption">Quarters end on the last Friday.</p>' in briefing_html(edition)
    sales = next(s for s in edition.sections if s.id == "sales")
    chart = next(item for item in collect(edition, [sales], []).items["sales"] if item["kind"] == "chart")
    assert "Quarters end on the last Friday." in chart["notes"]


def test_doughnut_is_accepted_for_a_list_of_figures(project_copy, cli):
    project = project_copy("minimal")
    section = project / "content" / "sections" / "02-sales.md"
    section.write_text(section.read_text().replace("type: column", "type: doughnut", 1))
    assert cli("check", project).code == 0


@pytest.mark.parametrize("whole, code, err", [
    ("q1 + q2 + q3 + q4", 0, ""),
    ("q1 + q2 + q3 + q4 + 10", 1, "content/sections/02-sales.md:12: error: the segments of a doughnut chart add up to 585, "
     "not its reference 'year' (595)"),
])
def test_a_doughnut_reference_is_the_whole_its_segments_must_add_up_to(project_copy, cli, whole, code, err):
    project = project_copy("minimal")
    data = project / "content" / "data" / "sales.csv"
    data.write_text(data.read_text() + f"year,Year,2025,,USD thousand,ledger,,{whole},\n")
    section = project / "content" / "sections" / "02-sales.md"
    section.write_text(section.read_text().replace("type: column", "type: doughnut\nreference: year", 1))
    result = cli("check", project)
    assert (result.code, result.err.strip()) == (code, err)


def test_a_bad_cell_and_an_unknown_format_are_reported_at_their_line(project_copy, cli):
    project = project_copy("charts")
    data = project / "content" / "data"
    (data / "flows.csv").write_text(CSV.read_text().replace("2022,160", "2022,16O"))
    (data / "facts.yaml").write_text((data / "facts.yaml").read_text().replace('"decimal:1"', '"decimals:x"'))
    err = cli("check", project).err
    assert "content/data/flows.csv:5: error: column 'exports', 2022: '16O' is not a number (leave the cell empty for a gap)" in err
    assert "error: figure 'share': unknown number format 'decimals:x'" in err


@pytest.mark.parametrize("reference, message", [
    ('data.flows.transit["2020"].text', "empty cell transit / 2020 (a gap in the table)"),
    ('data.flows.transit["2030"].text', "unknown category '2030' in column 'transit' (known: 2019, 2020, 2021, 2022, 2023)"),
    ("data.flows.exprts", "unknown column 'exprts' in table 'flows' (known: exports, imports, transit)"),
])
def test_a_gap_or_a_typo_in_prose_is_an_error_naming_the_table(project_copy, cli, reference, message):
    result = check_edited(project_copy, cli, "01-numbers.md", "Exports reached {{", "Exports {{ " + reference + " }} {{")
    assert result.code == 1 and f"error: {message}" in result.err, result.err


def test_a_character_no_font_has_is_refused_in_a_table_as_in_other_data(project_copy, cli):
    project = project_copy("charts")
    meta = project / "content" / "data" / "flows.yaml"
    meta.write_text(meta.read_text().replace("label: Exports", "label: Exports \U0001F4C8"))
    result = cli("check", project)
    assert result.code == 1 and result.err.startswith("content/data/flows.yaml:6: error: character"), result.err
