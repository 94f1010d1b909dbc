"""The repository's own project, built end to end: facts in both products, numbers identical."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from pptx import Presentation

from reportgen.edition import make_edition
from reportgen.project import load_project

REPO = Path(__file__).parent.parent
AUDIENCES = ("government", "business", "academic", "executive")
FACTS = yaml.safe_load((REPO / "tests" / "expected_facts.yaml").read_text(encoding="utf-8"))


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.replace("\u00ad", "").split())


def deck_text(path: Path) -> str:
    """Every word a reader or presenter sees: shapes, tables, chart categories, notes."""
    parts = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)
    return " ".join(" ".join(parts).split())


@pytest.fixture(scope="module")
def texts(repo_build):
    if not _has("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return {audience: pdf_text(repo_build / audience / "kz-tm-partnership.pdf") for audience in AUDIENCES}


def _has(command: str) -> bool:
    from shutil import which

    return which(command) is not None


def test_every_audience_gets_a_pdf_and_a_deck_listed_in_the_manifest(repo_build):
    manifest = json.loads((repo_build / "manifest.json").read_text())
    listed = {(entry["audience"], entry["format"]) for entry in manifest["outputs"]}
    assert listed == {(audience, fmt) for audience in AUDIENCES for fmt in ("pdf", "pptx")}
    for entry in manifest["outputs"]:
        assert (repo_build / entry["path"]).stat().st_size == entry["bytes"]


@pytest.mark.parametrize("fact", FACTS, ids=[fact["fact"] for fact in FACTS])
def test_source_facts_reach_the_audiences_that_should_see_them(texts, fact):
    for audience in fact["audiences"]:
        assert re.search(fact["pattern"], texts[audience]), f"{fact['fact']!r} missing from the {audience} briefing"


def test_audiences_differ_in_content_and_length(repo_build, texts):
    manifest = json.loads((repo_build / "manifest.json").read_text())
    pages = {e["audience"]: e["pages"] for e in manifest["outputs"] if e["format"] == "pdf"}
    slides = {e["audience"]: e["slides"] for e in manifest["outputs"] if e["format"] == "pptx"}
    assert pages["executive"] < min(pages[a] for a in ("government", "business", "academic"))
    assert slides["executive"] < slides["government"] < slides["business"]
    assert "Kurmangazy" in texts["academic"] and "Torghundi" in texts["business"]
    assert "Torghundi" not in texts["academic"]


def test_numbers_in_the_deck_are_the_numbers_in_the_briefing(repo_build, texts):
    project = load_project(REPO)
    for audience in AUDIENCES:
        deck = deck_text(repo_build / audience / "kz-tm-partnership.pptx")
        edition = make_edition(project, audience)
        shown = [figure.text for figure in edition.key_figures]
        assert shown, "the cover band of key figures is empty"
        for text in shown:
            assert text in deck, f"{text!r} missing from the {audience} deck"
            assert text in texts[audience], f"{text!r} missing from the {audience} briefing"
        # Every amount either product states is a figure of the data: no number is typed twice.
        known = {figure.text.removeprefix(figure.qualifier).strip() for d in project.data.values() for figure in d.figures}
        for product, text in (("deck", deck), ("briefing", texts[audience])):
            for amount in set(re.findall(r"\$[\d,.]+ (?:million|billion)", text)):
                assert amount in known, f"{amount} in the {audience} {product} is not a figure of the data"


def test_the_business_deck_charts_trade_with_the_values_of_the_data(repo_build):
    project = load_project(REPO)
    trade = project.data["trade"]
    deck = Presentation(str(repo_build / "business" / "kz-tm-partnership.pptx"))
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    values = [tuple(plot.series[0].values) for chart in charts for plot in chart.plots]
    assert (trade.y2018.value, trade.y2022.value, trade.y2023.value) in values
    # The target is a line series of the trade chart; cargo's growth is compared with trade's in
    # a bar chart, so the cargo table is the one visual of the tonnes.
    target = [series for chart in charts for series in chart.series if series.name == trade.target.label]
    assert target and set(target[0].values) == {trade.target.value}
    cargo = project.data["cargo"]
    assert (trade.growth_2023.value, cargo.growth_2023.value) in values
    tables = [shape.table for slide in deck.slides for shape in slide.shapes if shape.has_table]
    assert len(tables) == 1 and tables[0].cell(1, 1).text == cargo.tonnes_2022.text + " *"


def test_the_project_draws_three_chart_kinds_and_the_academic_doughnut_is_the_target(repo_build):
    trade = load_project(REPO).data["trade"]
    kinds = set()
    for audience in AUDIENCES:
        deck = Presentation(str(repo_build / audience / "kz-tm-partnership.pptx"))
        kinds |= {shape.chart.chart_type.name.split("_")[0] for slide in deck.slides for shape in slide.shapes
                  if shape.has_chart}
    assert {"COLUMN", "BAR", "DOUGHNUT"} <= kinds
    deck = Presentation(str(repo_build / "academic" / "kz-tm-partnership.pptx"))
    doughnut = next(shape.chart for slide in deck.slides for shape in slide.shapes
                    if shape.has_chart and shape.chart.chart_type.name == "DOUGHNUT")
    assert tuple(doughnut.plots[0].series[0].values) == (trade.y2023.value, trade.gap_to_target.value)
    assert trade.y2023.value + trade.gap_to_target.value == trade.target.value
    assert doughnut.chart_title.text_frame.text == f"{trade.target.label}: {trade.target.text}"


@pytest.mark.parametrize("audience", ["government", "business", "academic"])
def test_at_least_a_third_of_the_slides_carry_a_visual(repo_build, audience):
    deck = Presentation(str(repo_build / audience / "kz-tm-partnership.pptx"))
    visual_layouts = {"Chart", "Table", "Key figures", "Timeline"}
    slides = list(deck.slides)
    drawn = ("Card ", "Callout", "Picture", "Quote")  # key-figure cards, callout boxes, pictures beside a list
    visual = [s for s in slides if s.slide_layout.name in visual_layouts
              or any(sh.has_chart or sh.has_table or sh.name.startswith(drawn) for sh in s.shapes)]
    assert len(visual) * 3 >= len(slides), f"{len(visual)} of {len(slides)} slides carry a visual"
