"""Charts and timelines as SVG: structure, labels, layout, and a real WeasyPrint render."""

from __future__ import annotations

import itertools
import logging
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from reportgen.charts import alt_text, chart_svg, suggested_height, text_width, timeline_svg
from reportgen.fonts import font_face_rules
from reportgen.model import ChartSpec, Event, Theme, format_number

SVG = "{http://www.w3.org/2000/svg}"
THEME = Theme()

TRADE = ChartSpec(
    type="column",
    title="Trade has quadrupled in five years",
    categories=("2018", "2022", "2023"),
    values=(140.75, 439.8, 563),
    unit="USD million",
    series_name="bilateral trade",
    derived=(True, True, False),
    reference_label="Target: $1,000 million",
    reference_value=1000,
    labels=("140.75", "439.8", "563"),
)
CARGO = ChartSpec("bar", "Cargo in transit", ("2022", "2023"), (1.08, 1.3), "million tonnes",
                  "cargo", derived=(True, False))
EXPORTS = ChartSpec("pie", "Exports by product, 2023",
                    ("Natural gas", "Petroleum products", "Textiles", "Chemicals", "Other"),
                    (310, 120, 70, 38, 25), "USD million", "exports",
                    derived=(False, False, False, True, False))
MILESTONES = [
    Event("1992", "Diplomatic relations established", "", "mfa"),
    Event("1997", "Declaration on the Development of Further Cooperation", "", "mfa"),
    Event("2015", "UN GA Resolution 70/57", "", "un"),
    Event("2017", "Agreement on Strategic Partnership", "", "mfa"),
    Event("2021-10", "Agreement on the Regime of the State Border", "", "mfa"),
    Event("2023", "Record trade", "", "nca"),
    Event("2024-06", "Days of Culture of Turkmenistan in Kazakhstan", "", "nca"),
    Event("2024-10", "Reciprocal days in Ashgabat (planned)", "", "nca"),
]
LONG_NAMES = ("Ministry of Foreign Affairs and International Cooperation",
              "Turkmenistan–Kazakhstan–Iran railway corridor", "Short", "Caspian Sea ferries")
MONTHS = tuple(f"{month} 2023" for month in
               "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()) + ("Jan 2024", "Feb 2024")
MONTHLY = tuple(1000 + 37 * i % 90 * 10.5 for i in range(14))


def replace(spec: ChartSpec, **changes: object) -> ChartSpec:
    fields = {**spec.__dict__, **changes}
    return ChartSpec(**fields)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [element for element in root.iter() if name in element.get("class", "").split()]


def texts(root: ET.Element, name: str) -> list[str]:
    return [element.text or "" for element in with_class(root, name)]


def view_box(root: ET.Element) -> tuple[float, float]:
    _, _, width, height = (float(part) for part in root.get("viewBox").split())
    return width, height


def text_box(element: ET.Element) -> tuple[float, float, float, float]:
    """The box a text element covers, measured with the shipped font's metrics."""
    size = float(element.get("font-size"))
    x, y = float(element.get("x")), float(element.get("y"))
    width = text_width(element.text or "", size, element.get("font-weight") == "bold")
    anchor = element.get("text-anchor", "start")
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - 0.72 * size, left + width, y + 0.22 * size


def extents(root: ET.Element):
    """Yield (tag, x0, y0, x1, y1) for every drawn element."""
    for element in root.iter():
        tag = element.tag.removeprefix(SVG)
        get = {name: float(value) for name, value in element.attrib.items()
               if re.fullmatch(r"-?[\d.]+", value)}
        if tag == "rect" and "x" in get:
            yield tag, get["x"], get["y"], get["x"] + get["width"], get["y"] + get["height"]
        elif tag == "line":
            xs, ys = sorted((get["x1"], get["x2"])), sorted((get["y1"], get["y2"]))
            yield tag, xs[0], ys[0], xs[1], ys[1]
        elif tag == "circle":
            r = get["r"]
            yield tag, get["cx"] - r, get["cy"] - r, get["cx"] + r, get["cy"] + r
        elif tag == "text":
            yield (tag, *text_box(element))
        elif tag in ("path", "polyline"):
            coordinates = element.get("d") or element.get("points")
            commands = re.findall(r"[MLA][^MLAZ]*", coordinates) if tag == "path" else [coordinates]
            for command in commands:  # the end points; an arc's is the last pair of numbers
                numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", command)]
                pairs = zip(numbers[::2], numbers[1::2])
                for x, y in [numbers[-2:]] if command.startswith("A") else pairs:
                    yield tag, x, y, x, y


def overlapping(boxes):
    return [(a, b) for a, b in itertools.combinations(boxes, 2)
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]


EDGE_CASES = {
    "trade column": TRADE,
    "trade line": replace(TRADE, type="line"),
    "cargo bar": CARGO,
    "pie": EXPORTS,
    "doughnut": replace(EXPORTS, type="doughnut"),
    "one value": ChartSpec("column", "One", ("2023",), (563,), "USD million", "trade"),
    "one point": ChartSpec("line", "One", ("2023",), (563,), "USD million", "trade"),
    "one slice": ChartSpec("pie", "All", ("Gas",), (100,), "%", "share"),
    "zeros": ChartSpec("column", "Zeros", ("A", "B", "C"), (0, 0, 0), "", "none"),
    "zero bars": ChartSpec("bar", "Zeros", ("A", "B"), (0, 0), "", "none"),
    "zero slice": ChartSpec("doughnut", "Some", ("A", "B", "C"), (0, 3, 1), "", "share"),
    "equal line": ChartSpec("line", "Flat", ("2021", "2022", "2023"), (5, 5, 5), "%", "rate"),
    "equal columns": ChartSpec("column", "Flat", ("A", "B", "C"), (7, 7, 7), "%", "rate"),
    "negative columns": ChartSpec("column", "Growth", ("2019", "2020", "2021", "2022", "2023"),
                                  (3.2, -5.1, 0, 7.4, -1.25), "%", "growth",
                                  (False, False, False, False, True), "Trend: 2%", 2),
    "negative bars": ChartSpec("bar", "Balance", LONG_NAMES, (1200, -850.5, 40, 300), "USD million",
                               "balance", (False, True, False, False), "Target: 1,000", 1000),
    "negative line": ChartSpec("line", "Balance", ("2019", "2020", "2021", "2022", "2023"),
                               (120, -80, -20.5, 60, 210), "USD million", "balance"),
    "all negative": ChartSpec("column", "Losses", ("A", "B"), (-3, -9), "", "loss"),
    "long names": ChartSpec("column", "Investment", LONG_NAMES, (1200, 850.5, 40, 300),
                            "USD million", "investment"),
    "14 columns": ChartSpec("column", "Monthly", MONTHS, MONTHLY, "tonnes", "cargo",
                            tuple(i > 11 for i in range(14))),
    "14 bars": ChartSpec("bar", "Monthly", MONTHS, MONTHLY, "tonnes", "cargo"),
    "40 years": ChartSpec("column", "Long run", tuple(str(1985 + i) for i in range(40)),
                          tuple(1000 + (i * 7) % 23 * 100 for i in range(40)), "USD million",
                          "trade"),
    "25 years line": ChartSpec("line", "Long run", tuple(str(y) for y in range(2000, 2025)),
                               tuple(100 + 30 * (y * 7 % 11) + 12 * (y - 2000)
                                     for y in range(2000, 2025)),
                               "USD million", "trade", tuple(y > 2021 for y in range(2000, 2025)),
                               "Target: 800", 800),
    "12 slices": ChartSpec("pie", "Many", tuple(f"Category number {i}" for i in range(12)),
                           tuple(float(12 - i) for i in range(12)), "", "many"),
}


# --- column chart: the trade example --------------------------------------------------

def test_column_chart_draws_one_bar_per_value_with_its_label():
    root = parse(chart_svg(TRADE, THEME))

    assert len(with_class(root, "bar")) == 3
    assert texts(root, "value") == ["140.75*", "439.8*", "563"]
    assert texts(root, "category") == ["2018", "2022", "2023"]
    assert texts(root, "unit") == ["USD million"]


def test_bars_grow_with_their_values_from_one_baseline():
    root = parse(chart_svg(TRADE, THEME))
    baseline = float(with_class(root, "baseline")[0].get("y1"))
    heights = [float(bar.get("height")) for bar in with_class(root, "bar")]
    bottoms = [float(bar.get("y")) + float(bar.get("height")) for bar in with_class(root, "bar")]

    assert bottoms == pytest.approx([baseline] * 3)
    assert heights[0] / heights[2] == pytest.approx(140.75 / 563, rel=1e-3)


def test_estimates_are_hatched_outlined_and_starred():
    root = parse(chart_svg(TRADE, THEME))
    estimates = with_class(root, "estimate")
    reported = [bar for bar in with_class(root, "bar") if bar not in estimates]

    assert len(estimates) == 2 and len(reported) == 1
    assert {bar.get("fill") for bar in estimates}.isdisjoint({reported[0].get("fill")})
    assert len(with_class(root, "outline")) == 3  # two columns and the key's swatch
    assert len(with_class(root, "hatch")) == 3
    assert texts(root, "key") == ["* Derived from reported figures"]  # the one `derived` label


def test_reference_line_is_dashed_labelled_and_inside_the_plot():
    root = parse(chart_svg(TRADE, THEME))
    width, height = view_box(root)
    lines = with_class(root, "reference")
    tallest = min(float(bar.get("y")) for bar in with_class(root, "bar"))

    assert texts(root, "reference-label") == ["Target: $1,000 million"]
    assert lines and all(line.get("stroke-dasharray") for line in lines)
    y = float(lines[0].get("y1"))
    assert 0 < y < tallest  # the target (1,000) is above the tallest column (563)
    baseline = float(with_class(root, "baseline")[0].get("y1"))
    assert (baseline - y) / (baseline - tallest) == pytest.approx(1000 / 563, rel=1e-3)


def test_default_value_labels_come_from_the_model_formatting():
    spec = replace(TRADE, labels=())
    root = parse(chart_svg(spec, THEME))

    expected = [format_number(value) + "*" * estimate
                for value, estimate in zip(spec.values, spec.derived)]
    assert texts(root, "value") == expected


def test_negative_values_hang_below_the_baseline_with_a_true_minus():
    root = parse(chart_svg(EDGE_CASES["negative columns"], THEME))
    baseline = float(with_class(root, "baseline")[0].get("y1"))
    columns = with_class(root, "bar")
    below = [c for c in columns if float(c.get("y")) >= baseline - 0.01]

    assert len(below) == 2  # -5.1 and the estimated -1.25; the zero column has no shape
    assert "\u22125.1" in texts(root, "value") and "\u22121.25*" in texts(root, "value")


def test_long_category_names_wrap_onto_two_lines():
    root = parse(chart_svg(EDGE_CASES["long names"], THEME))
    lines = texts(root, "category")

    assert len(lines) == 6  # two names on two lines each, two on one
    assert "Short" in lines and "Caspian Sea ferries" in lines
    assert " ".join(lines).startswith("Ministry of Foreign Affairs and International Cooperation")


def test_crowded_columns_keep_the_latest_and_extreme_values_and_add_a_scale():
    spec = EDGE_CASES["40 years"]
    root = parse(chart_svg(spec, THEME))

    assert len(with_class(root, "bar")) == 40
    assert format_number(spec.values[-1]) in texts(root, "value")
    assert format_number(max(spec.values)) in texts(root, "value")
    assert with_class(root, "grid") and with_class(root, "tick")
    assert texts(root, "category")[-1] == "2024"


# --- every chart: layout and accessibility --------------------------------------------

@pytest.mark.parametrize("size", [(160, 80), (80, 50)], ids=["160x80", "80x50"])
@pytest.mark.parametrize("name", EDGE_CASES)
def test_everything_is_drawn_inside_the_view_box(name, size):
    root = parse(chart_svg(EDGE_CASES[name], THEME, *size))
    width, height = view_box(root)

    assert root.get("width") == f"{size[0]}mm" and root.get("height") == f"{size[1]}mm"
    outside = [(tag, x0, y0, x1, y1) for tag, x0, y0, x1, y1 in extents(root)
               if min(x0, y0) < -0.01 or x1 > width + 0.01 or y1 > height + 0.01]
    assert outside == []


@pytest.mark.parametrize("name", EDGE_CASES)
def test_no_two_texts_overlap(name):
    root = parse(chart_svg(EDGE_CASES[name], THEME))
    boxes = [text_box(element) for element in root.iter(SVG + "text")]

    assert overlapping(boxes) == []


def test_title_and_description_are_there_for_screen_readers():
    root = parse(chart_svg(TRADE, THEME))

    assert root[0].tag == SVG + "title" and root[0].text == TRADE.title
    assert root[1].tag == SVG + "desc" and root[1].text == alt_text(TRADE)
    assert root.get("role") == "img" and root.get("aria-label") == alt_text(TRADE)
    given = parse(chart_svg(replace(TRADE, alt="Trade, 2018–2023"), THEME))
    assert given[1].text == given.get("aria-label") == "Trade, 2018–2023"


def test_text_uses_the_document_font():
    root = parse(chart_svg(TRADE, THEME))

    assert root.find(SVG + "g").get("font-family") == "Source Sans 3, sans-serif"
    assert {float(t.get("font-size")) for t in root.iter(SVG + "text")} <= {7.0, 7.5, 8.0, 8.5}


def test_text_is_escaped():
    spec = replace(TRADE, title='Trade <& "partners">', categories=("R&D <2018>", "2022", "2023"))
    root = parse(chart_svg(spec, THEME))

    assert root.find(SVG + "title").text == 'Trade <& "partners">'
    assert texts(root, "category")[0] == "R&D <2018>"


def test_output_is_deterministic_and_ids_differ_between_charts():
    first, second = chart_svg(EXPORTS, THEME), chart_svg(EXPORTS, THEME)
    other = chart_svg(replace(EXPORTS, values=(300, 120, 70, 38, 25)), THEME)
    ids = lambda svg: re.findall(r'id="([^"]+)"', svg)  # noqa: E731

    assert first == second
    assert len(ids(first)) == 1 and ids(first) != ids(other)
    # The hatching is used twice: over the estimated slice and its legend swatch.
    assert re.findall(r"url\(#([^)]+)\)", first) == ids(first) * 2


def test_theme_colours_are_used():
    theme = Theme(accent="#0B4F6C", muted="#777777")
    root = parse(chart_svg(TRADE, theme))

    assert with_class(root, "bar")[-1].get("fill") == "#0B4F6C"  # 2023, reported
    assert {t.get("fill") for t in with_class(root, "category")} == {"#777777"}


# --- other chart types -----------------------------------------------------------------

def test_bar_chart_puts_categories_left_and_values_at_the_bar_ends():
    root = parse(chart_svg(CARGO, THEME))
    bars = with_class(root, "bar")
    values = with_class(root, "value")

    assert texts(root, "category") == ["2022", "2023"] and texts(root, "value") == ["1.08*", "1.3"]
    assert len(bars) == 2
    for bar, label in zip(sorted(bars, key=lambda b: float(b.get("y"))), values):
        bar_end = float(bar.get("x")) + float(bar.get("width"))
        assert float(label.get("x")) == pytest.approx(bar_end + 3)


def test_line_chart_marks_estimates_hollow_and_dashes_their_segments():
    root = parse(chart_svg(replace(TRADE, type="line"), THEME))
    points = with_class(root, "point")
    segments = with_class(root, "series")

    assert len(points) == 3 and [p.get("fill") for p in points][:2] == ["#FFFFFF"] * 2
    assert points[2].get("fill") == THEME.accent
    assert len(segments) == 2 and all(s.get("stroke-dasharray") for s in segments)
    xs = [float(p.get("cx")) for p in points]
    assert (xs[1] - xs[0]) / (xs[2] - xs[1]) == pytest.approx(4, rel=1e-3)  # years apart
    assert texts(root, "value") == ["140.75*", "439.8*", "563"]


def test_pie_lists_every_slice_with_value_and_share():
    root = parse(chart_svg(EXPORTS, THEME))

    assert len(with_class(root, "slice")) == 5
    assert texts(root, "category") == list(EXPORTS.categories)
    assert texts(root, "value") == ["310", "120", "70", "38*", "25"]
    assert texts(root, "share") == ["55%", "21%", "12%", "6.7%", "4.4%"]
    assert len(with_class(root, "estimate")) == 1


def test_doughnut_shows_the_total_in_its_hole():
    root = parse(chart_svg(replace(EXPORTS, type="doughnut"), THEME))

    assert texts(root, "total") == ["563*"]  # it includes an estimate


def test_a_doughnut_with_a_reference_shows_that_whole_as_reported_and_names_it():
    progress = ChartSpec("doughnut", "Progress to the target", ("Trade in 2023", "Still to go"), (563, 437),
                         "USD million", "trade", derived=(False, True),
                         reference_label="Government target: $1 billion", reference_value=1000)
    root = parse(chart_svg(progress, THEME))

    assert texts(root, "total") == ["1,000"]  # the target is reported: no star although a segment is derived
    assert texts(root, "whole") == ["Government target"]
    assert texts(root, "value") == ["563", "437*"]


def test_suggested_heights_give_bars_room_as_they_multiply():
    assert suggested_height(TRADE) == 72.0
    assert suggested_height(CARGO) == 37.0
    assert suggested_height(EDGE_CASES["14 bars"]) > suggested_height(CARGO)
    assert suggested_height(EXPORTS) == 50.0


# --- alt text and errors ---------------------------------------------------------------

def test_alt_text_reads_every_value():
    assert alt_text(TRADE) == (
        "Column chart of bilateral trade in USD million: 2018 140.75 (estimate), "
        "2022 439.8 (estimate), 2023 563; target: $1,000 million.")
    assert alt_text(EXPORTS) == (
        "Pie chart of exports in USD million: Natural gas 310 (55%), Petroleum products 120 (21%), "
        "Textiles 70 (12%), Chemicals 38 (6.7%, estimate), Other 25 (4.4%).")


@pytest.mark.parametrize("spec, message", [
    (replace(TRADE, categories=(), values=(), derived=(), labels=()),
     "chart 'Trade has quadrupled in five years' has no values to plot"),
    (replace(TRADE, categories=("2018",)), "has 1 categories but 3 values"),
    (replace(TRADE, derived=(True,)), "has 1 derived flags for 3 values"),
    (replace(TRADE, type="radar"),
     "unknown type 'radar' (known: column, bar, line, area, pie, doughnut, scatter, combo)"),
    (replace(EXPORTS, values=(1, -1, 0, 0, 0)), "a pie chart cannot show negative values"),
    (replace(EXPORTS, values=(0, 0, 0, 0, 0), derived=()), "a pie chart needs a total above zero"),
    (replace(TRADE, values=(1, float("nan"), 2)), "not a finite number"),
])
def test_charts_that_cannot_be_drawn_raise_a_clear_value_error(spec, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        chart_svg(spec, THEME)


# --- timeline --------------------------------------------------------------------------

def test_timeline_has_a_dot_per_event_placed_in_proportion_to_time():
    root = parse(timeline_svg(MILESTONES, THEME))
    dots = with_class(root, "milestone")
    xs = [float(dot.get("cx")) for dot in dots]

    assert len(dots) == 8 and xs == sorted(xs)
    # 1992 → 2023 is 31 of the 32.3 years from mid-1992 to mid-October 2024.
    share = 31 / (2024 + 9.5 / 12 - 1992.5)
    assert (xs[5] - xs[0]) / (xs[7] - xs[0]) == pytest.approx(share, rel=1e-3)
    assert texts(root, "year") == ["1992", "1997", "2015", "2017", "Oct 2021", "2023",
                                   "Jun 2024", "Oct 2024"]


def test_timeline_labels_do_not_collide_and_stay_inside():
    root = parse(timeline_svg(MILESTONES, THEME))
    width, height = view_box(root)
    labels = []
    for group in with_class(root, "label"):
        boxes = [text_box(text) for text in group]
        labels.append((min(b[0] for b in boxes), min(b[1] for b in boxes),
                       max(b[2] for b in boxes), max(b[3] for b in boxes)))

    assert len(labels) == 8 and overlapping(labels) == []
    assert all(0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height for x0, y0, x1, y1 in labels)
    assert " ".join(texts(root, "event")).startswith("Diplomatic relations established Declaration")


def test_planned_events_are_drawn_hollow():
    root = parse(timeline_svg(MILESTONES, THEME))

    hollow = [dot.get("fill") == "#FFFFFF" for dot in with_class(root, "milestone")]
    assert hollow == [False] * 7 + [True]
    assert with_class(root, "planned") == with_class(root, "milestone")[-1:]


def test_timeline_describes_itself_and_is_deterministic():
    svg = timeline_svg(MILESTONES, THEME, title="Milestones")
    root = parse(svg)

    assert root.find(SVG + "title").text == "Milestones"
    description = root.find(SVG + "desc").text
    assert description.startswith("Timeline: 1992: Diplomatic relations established; 1997:")
    assert svg == timeline_svg(MILESTONES, THEME, title="Milestones")


@pytest.mark.parametrize("events, message", [
    ([], "timeline has no events to show"),
    ([Event("spring 2020", "Talks", "", "")],
     "date 'spring 2020' is not YYYY, YYYY-MM or YYYY-MM-DD"),
])
def test_timelines_that_cannot_be_drawn_raise_a_clear_value_error(events, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        timeline_svg(events, THEME)


# --- rendered by WeasyPrint ------------------------------------------------------------

def briefing_page(*svgs: str) -> str:
    faces = font_face_rules()
    figures = "".join(f"<figure>{svg}</figure>" for svg in svgs)
    return (f"<!DOCTYPE html><html lang='en'><head><style>{faces}"
            "body { font-family: 'Source Sans 3'; }</style></head>"
            f"<body>{figures}</body></html>")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_weasyprint_renders_the_svgs_with_selectable_text(tmp_path, caplog):
    weasyprint = pytest.importorskip("weasyprint")
    page = briefing_page(chart_svg(TRADE, THEME), chart_svg(EXPORTS, THEME),
                         timeline_svg(MILESTONES, THEME))
    pdf = tmp_path / "charts.pdf"

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        weasyprint.HTML(string=page, base_url=str(tmp_path)).write_pdf(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout

    assert [record.getMessage() for record in caplog.records] == []
    for shown in ("563", "140.75*", "Target: $1,000 million", "2018", "Natural gas",
                  "Diplomatic relations", "Oct 2021"):
        assert shown in text
    assert "(estimate)" not in text  # the description is for screen readers, not drawn

