"""Deck plans: the template decides the slides; length limits; errors point at the content."""

from __future__ import annotations

import pytest

from reportgen.edition import make_edition
from reportgen.errors import ReportgenError
from reportgen.model import Slide
from reportgen.plan import _trim, deck_plan
from reportgen.project import load_project


def plan_for(project, audience):
    return deck_plan(make_edition(load_project(project), audience))


def test_the_plan_template_decides_layouts_and_order(project_copy):
    plan = plan_for(project_copy(), "team")
    # The overview's list only restated the key figures: they take its action title. The sales
    # list sits beside its chart, the callout beside the regional chart.
    assert [slide.layout for slide in plan.slides] == ["Title", "Bullets", "Key figures", "Two content", "Two content", "Closing"]
    assert plan.slides[4].chart.series[0].name == "North" and plan.slides[4].chart.stack == "stacked"
    assert plan.slides[4].callout_title == "What next"
    assert plan.slides[2].title == "Sales grew every quarter, to $180 thousand in Q4"
    assert [f.key for f in plan.slides[2].figures] == ["q4", "growth"]
    chart = plan.slides[3].chart
    assert chart.values == (120, 135, 150, 180) and chart.categories == ("Q1", "Q2", "Q3", "Q4")
    assert plan.slides[3].origin.startswith("content/sections/02-sales.md:")
    assert plan.omitted == (("table 'Sales by quarter' (content/sections/02-sales.md:19)", "shows the same figures as chart 'Sales rose every quarter'"),)


def test_an_audience_plan_override_changes_that_audience_only(project_copy):
    project = project_copy()
    (project / "templates" / "team").mkdir(parents=True)
    (project / "templates" / "team" / "deck.yaml.j2").write_text(
        "- layout: Title\n  title: {{ report.title | tojson }}\n"
        "- layout: Chart\n  title: Quarterly sales\n  chart: {data: sales, keys: [q3, q4], type: bar}\n"
        "- layout: Closing\n  title: Thanks\n"
    )
    team = plan_for(project, "team")
    assert [slide.layout for slide in team.slides] == ["Title", "Chart", "Closing"]
    assert team.slides[1].chart.values == (150, 180)
    assert len(plan_for(project, "board").slides) > 3


def test_trimming_drops_the_least_important_slides_last_first_and_keeps_title_and_closing():
    slides = [(Slide(layout=name, title=name), priority) for name, priority in
              [("Title", 1), ("A", 1), ("B", 3), ("C", 2), ("D", 3), ("E", 1), ("Closing", 1)]]
    kept, dropped = _trim(slides, 5)
    assert [slide.title for slide, _ in kept] == ["Title", "A", "C", "E", "Closing"]
    assert [slide.title for slide, _ in dropped] == ["B", "D"]
    assert [slide.title for slide, _ in _trim(slides, 1)[0]] == ["Title", "Closing"]


def test_a_key_points_sections_first_chart_outranks_its_list_when_the_deck_is_trimmed(project_copy):
    from reportgen.deck_items import collect

    project = project_copy()
    (project / "content" / "audiences" / "team.yaml").write_text(
        'title: Sales team\nsections:\n  - {tag: "*", depth: key_points}\n')
    edition = make_edition(load_project(project), "team")
    sales = next(section for section in edition.sections if section.id == "sales")
    items = collect(edition, [sales], []).items["sales"]
    charts = [item for item in items if item["kind"] == "chart"]
    assert [item["priority"] for item in charts] == [2, 3]  # the list slide of a key_points section is 3


def test_a_plan_naming_an_unknown_layout_fails_with_the_masters_layouts(project_copy):
    from reportgen.render.deck import render_deck

    project = project_copy()
    (project / "templates" / "team").mkdir(parents=True)
    (project / "templates" / "team" / "deck.yaml.j2").write_text("- layout: Big picture\n  title: Hello\n")
    with pytest.raises(ReportgenError) as error:
        render_deck(plan_for(project, "team"))
    assert "layout 'Big picture' not found in" in str(error.value)
    assert "the master has: Title, Agenda, Section, Bullets, Two content, Chart, Table, Key figures, Quote, Timeline, Closing" in str(error.value)


def test_a_title_too_long_for_any_size_names_the_section_file_and_line(project_copy, cli, tmp_path):
    project = project_copy()
    section = project / "content" / "sections" / "02-sales.md"
    long_title = "Sales grew in every single quarter of the year " * 8
    section.write_text(section.read_text().replace("slide_title: Each quarter beat the one before", f"slide_title: {long_title}"))
    result = cli("build", project, "-f", "pptx", "-a", "team", "-o", tmp_path / "out")
    assert result.code == 1
    assert result.err.startswith("content/sections/02-sales.md:6: error: slide 4: the title does not fit even at 20 pt; shorten it")
    assert not (tmp_path / "out" / "team").exists()
