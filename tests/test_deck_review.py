"""The editor's deck review, tool defects: derived markers and methods, the method note, the
agenda after trimming, the title slide's logo, and footers that keep an abbreviation's period."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from reportgen.edition import make_edition
from reportgen.locales import using, without_full_stop
from reportgen.model import ChartSpec, DeckPlan, Slide, Theme
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
