"""The editor's deck review, tool defects: derived markers and methods, the method note, the
agenda after trimming, the title slide's logo, and footers that keep an abbreviation's period."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

from reportgen import deck_final
from reportgen.edition import make_edition
from reportgen.locales import using, without_full_stop
from reportgen.model import ChartSpec, DeckPlan, Planned, Section, Slide, Theme
from reportgen.plan import deck_plan
from reportgen.project import load_project
from reportgen.render.deck import render_deck

REPO = Path(__file__).parent.parent
MASTER = REPO / "reportgen" / "templates" / "base" / "deck.pptx"
SOURCE = "Source: nCa, 20 September 2024"


def _plan(*slides: Slide, language: str = "en-GB") -> DeckPlan:
    return DeckPlan(slides, title="Kazakhstan and Turkmenistan", author="Policy Desk", subject="Trade",
                    keywords="trade", language=language, created="2024-09-30T09:00:00Z",
                    theme=Theme(accent="#0B4F6C"), master=MASTER)


def _deck(plan: DeckPlan) -> Presentation:
    return Presentation(io.BytesIO(render_deck(plan)))


def _chart_labels(prs: Presentation) -> list[str]:
    chart = next(shape.chart for slide in prs.slides for shape in slide.shapes
                 if getattr(shape, "has_chart", False) and shape.has_chart)
    series = chart.plots[0].series[0]
    return [series.points[i].data_label.text_frame.text for i in range(len(list(series.values)))]


def test_a_derived_point_keeps_its_star_in_a_russian_label():
    trade = ChartSpec("column", "Взаимная торговля", ("2018", "2022", "2023"), (141.0, 440.0, 563.0),
                      "млн долл. США", "Торговля", derived=(True, True, False),
                      labels=("около 141", "около 440", "563"), source="Источник: nCa")
    prs = _deck(_plan(Slide("Chart", title="Торговля выросла", chart=trade), language="ru"))
    assert _chart_labels(prs) == ["около 141*", "около 440*", "563"]


@pytest.fixture(scope="module")
def project():
    return load_project(REPO)


def _footers(prs: Presentation) -> list[str]:
    return [shape.text_frame.text for slide in prs.slides for shape in slide.placeholders
            if shape.placeholder_format.type == PP_PLACEHOLDER.FOOTER]


def test_russian_footers_keep_the_period_of_the_year_abbreviation(project):
    edition = make_edition(project, "government", "ru")
    footers = _footers(_deck(deck_plan(edition)))
    assert len(footers) >= 8
    assert all(footer.endswith("2024 г.") for footer in footers), footers
    english = _footers(_deck(deck_plan(make_edition(project, "government"))))
    assert english and all(footer.endswith("20 September 2024") for footer in english), english


def test_only_a_sentence_full_stop_is_stripped(project):
    with using(make_edition(project, "government", "ru").locale):
        assert without_full_stop("nCa, 20 сентября 2024 г.") == "nCa, 20 сентября 2024 г."
        assert without_full_stop("Цитируется по абзацам.") == "Цитируется по абзацам"
    assert without_full_stop("Cited by paragraph.") == "Cited by paragraph"


def _edition(project, audience: str, language: str | None = None, max_slides: int | None = None):
    edition = make_edition(project, audience, language) if language else make_edition(project, audience)
    if max_slides is None:
        return edition
    return dataclasses.replace(edition, audience=dataclasses.replace(edition.audience, deck_max_slides=max_slides))


def test_the_agenda_lists_only_the_sections_the_trimmed_deck_still_shows(project):
    for limit in range(20, 8, -1):  # the longest deck that trims a section away but keeps its agenda
        edition = _edition(project, "business", max_slides=limit)
        plan = deck_plan(edition)
        main = [s for s in edition.sections if s.depth != "summary"]
        shown = {slide.origin.rpartition(":")[0] for slide in plan.slides if slide.origin}
        gone = [s for s in main if s.path not in shown]
        agenda = next((slide for slide in plan.slides if slide.role == "agenda"), None)
        if gone and agenda is not None:
            break
    else:
        raise AssertionError("no deck length trims a section and keeps the agenda")
    assert list(agenda.bullets) == [s.title for s in main if s.path in shown]
    trimmed = " ".join(what for what, why in plan.omitted if why.startswith("trimmed for length"))
    for section in gone:  # `list` still says what went
        assert section.path in trimmed


def test_an_agenda_left_with_one_section_is_dropped_and_listed():
    agenda = Planned(Slide("Agenda", title="Agenda", bullets=("Trade", "Transport", "Energy"), role="agenda"), 3)
    trade = Planned(Slide("Bullets", title="Trade grew", origin="s/trade.md:3"), 1, ("s/trade.md:3",))
    sections = [_section("Trade", "s/trade.md"), _section("Transport", "s/transport.md"),
                _section("Energy", "s/energy.md")]
    kept, omitted = deck_final.settle([agenda, trade], sections, "", "trimmed")
    assert [item.slide.title for item in kept] == ["Trade grew"]
    assert omitted == [("slide 'Agenda'", "trimmed")]


def _section(title: str, path: str) -> Section:
    return Section(id=Path(path).stem, title=title, order=1, path=path)


def test_the_closing_slide_states_the_method_when_a_derived_figure_is_shown(project):
    edition = _edition(project, "government")
    note = edition.labels["method_note"]
    plan = deck_plan(edition)
    assert any(deck_final.shows_derived(slide) for slide in plan.slides)
    closing = plan.slides[-1]
    assert closing.role == "closing" and closing.bullets[-1] == note
    texts = [shape.text_frame.text for shape in _deck(plan).slides[-1].shapes if shape.has_text_frame]
    assert any(note in text for text in texts)


def test_no_method_note_on_a_deck_without_derived_figures():
    closing = Planned(Slide("Closing", title="Sources", bullets=("nCa.",), role="closing"), 0)
    plain = Planned(Slide("Bullets", title="Trade reached $563 million", bullets=("28% growth",)), 1)
    kept, _ = deck_final.settle([plain, closing], [], "Method: …", "trimmed")
    assert kept[-1].slide.bullets == ("nCa.",)
    chart = Slide("Chart", title="Trade", chart=ChartSpec("column", "Trade", ("2018", "2023"), (141, 563),
                                                             "USD million", "Trade", derived=(True, False)))
    kept, _ = deck_final.settle([plain, Planned(chart, 1), closing], [], "Method: …", "trimmed")
    assert kept[-1].slide.bullets == ("nCa.", "Method: …")


_TRADE = ChartSpec("column", "Bilateral trade", ("2018", "2022", "2023"), (141.0, 440.0, 563.0), "USD million",
                   "Trade", derived=(True, True, False), source=SOURCE,
                   methods=("2018: the 2023 value divided by four, taking 2018 as the base of 'quadrupled in five years'",
                            "2022: the 2023 value divided by 1.28"))


def _texts(slide, name: str) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.name == name)


def test_each_derived_point_s_method_is_printed_under_its_chart():
    slide = _deck(_plan(Slide("Chart", title="Trade quadrupled", chart=_TRADE, notes="Trade."))).slides[0]
    below = _texts(slide, "Chart notes").split("\n")
    assert below == ["* Derived from reported figures:", *_TRADE.methods, SOURCE]
    assert slide.notes_slide.notes_text_frame.text == "Trade."


def test_methods_too_long_for_the_slide_go_to_the_notes_with_a_short_key():
    long = tuple(f"{year}: " + "the value of the following year divided by its reported growth rate, " * 3
                 for year in ("2016", "2017", "2018", "2019", "2020", "2021"))
    chart = dataclasses.replace(_TRADE, methods=long)
    slide = _deck(_plan(Slide("Chart", title="Trade quadrupled", chart=chart, notes="Trade."))).slides[0]
    below = _texts(slide, "Chart notes")
    assert below.split("\n") == ["* Derived from reported figures; method in the notes", SOURCE]
    notes = slide.notes_slide.notes_text_frame.text
    assert notes.startswith("Trade.\n")
    assert all(" ".join(method.split()) in " ".join(notes.split()) for method in long)


def test_a_chart_of_the_repository_carries_its_figures_notes_as_methods(project):
    edition = _edition(project, "government")
    trade = edition.data["trade"]
    notes = {f.label: f.note for f in trade.figures if f.is_derived}
    chart = next(slide.chart for slide in deck_plan(edition).slides
                 if slide.chart is not None and any(slide.chart.derived))
    for category, derived in zip(chart.categories, chart.derived):
        if derived:
            assert f"{category}: {notes[category]}" in chart.methods


def _logo_project(project_copy, logo: str, png_beside: bool) -> Path:
    root = project_copy("minimal")
    images = root / "content" / "images"
    images.mkdir()
    (images / "mark.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 2"><rect width="4" height="2"/></svg>')
    if png_beside:
        Image.new("RGBA", (80, 40), (255, 255, 255, 255)).save(images / "mark.png")
    config = root / "content" / "report.yaml"
    config.write_text(config.read_text() + f"logo: {logo}\n")
    return root


def _pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_the_title_slide_shows_the_logo_with_the_organisation_as_alt_text(project_copy):
    root = _logo_project(project_copy, "content/images/mark.svg", png_beside=True)
    plan = deck_plan(make_edition(load_project(root), "board"))
    assert plan.logo == "content/images/mark.png" and not [o for o in plan.omitted if "logo" in o[0]]
    prs = _deck(plan)
    [logo] = _pictures(prs.slides[0])
    assert logo._element.nvPicPr.cNvPr.get("descr") == "Example Ltd"
    assert logo.width == 2 * logo.height  # the PNG's 80 x 40, aspect kept
    title = next(shape for shape in prs.slides[0].placeholders if shape.placeholder_format.idx == 0)
    assert logo.left == title.left and 0 < logo.top and logo.top + logo.height < title.top
    assert all(not _pictures(slide) for slide in list(prs.slides)[1:])


def test_an_svg_logo_without_a_png_beside_it_is_a_notice_not_a_loss(project_copy, cli):
    root = _logo_project(project_copy, "content/images/mark.svg", png_beside=False)
    plan = deck_plan(make_edition(load_project(root), "board"))
    assert plan.logo == ""
    assert ("logo 'content/images/mark.svg'",
            "a deck cannot show .svg pictures; put a PNG of the same name beside it (mark.png)") in plan.omitted
    assert not _pictures(_deck(plan).slides[0])
    result = cli("list", str(root))
    assert result.code == 0
    assert ("    logo 'content/images/mark.svg': a deck cannot show .svg pictures; put a PNG of the same name "
            "beside it (mark.png)\n") in result.out


def test_the_repository_decks_show_their_logo(project):
    for audience in ("government", "business", "academic", "executive"):
        plan = deck_plan(_edition(project, audience))
        assert plan.logo.endswith(".png"), audience
        [logo] = _pictures(_deck(plan).slides[0])
        assert logo._element.nvPicPr.cNvPr.get("descr") == project.config.organisation


def test_every_derived_point_of_the_russian_edition_keeps_its_star(project):
    plan = deck_plan(_edition(project, "government", "ru"))
    charts = [shape.chart for slide in _deck(plan).slides for shape in slide.shapes
              if getattr(shape, "has_chart", False) and shape.has_chart]
    specs = [slide.chart for slide in plan.slides if slide.chart is not None]
    assert any(any(spec.derived) for spec in specs)
    for chart, spec in zip(charts, specs):
        series = chart.plots[0].series[0]
        for index, derived in enumerate(spec.all_series()[0].derived):
            label = series.points[index].data_label
            if label.has_text_frame:  # a text label, as Russian digits need ('около 141*')
                assert label.text_frame.text.endswith("*") == derived, label.text_frame.text


def test_timeline_notes_give_dates_as_the_slide_prints_them(project):
    edition = make_edition(project, "government")
    timeline = next(slide for slide in deck_plan(edition).slides if slide.events)
    assert "October 2021: Agreement on the Regime of the Kazakh-Turkmen State Border." in timeline.notes
    assert "2021-10" not in timeline.notes and "October 2024: Reciprocal cultural exchange in Ashgabat (planned)." in timeline.notes
