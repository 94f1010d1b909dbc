"""The editor's deck review, tool defects: derived markers and methods, the method note, the
agenda after trimming, the title slide's logo, and footers that keep an abbreviation's period."""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation

from reportgen.model import ChartSpec, DeckPlan, Slide, Theme
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
