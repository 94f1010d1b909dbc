"""Audience files: selection, depth, theme, layout — tailoring by configuration."""

from __future__ import annotations

import pytest

from reportgen.edition import make_edition, select_sections
from reportgen.errors import ReportgenError
from reportgen.project import load_project
from reportgen.render.briefing import briefing_html


def set_audience(project, name, text):
    (project / "content" / "audiences" / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_rules_select_sections_by_tag_and_id_at_their_depth(project_copy):
    project = load_project(project_copy())
    chosen = [(section.id, depth) for section, depth in select_sections(project, project.audiences["board"])]
    assert chosen == [("overview", "full"), ("sales", "key_points")]


def test_a_section_can_exclude_an_audience_from_its_front_matter(project_copy):
    project = project_copy()
    section = project / "content" / "sections" / "02-sales.md"
    section.write_text(section.read_text().replace("tags: [numbers]", "tags: [numbers]\nnot_for: [board]"))
    loaded = load_project(project)
    assert [s.id for s, _ in select_sections(loaded, loaded.audiences["board"])] == ["overview"]
    assert [s.id for s, _ in select_sections(loaded, loaded.audiences["team"])] == ["overview", "sales"]


def test_theme_font_and_colour_reach_the_briefing(project_copy):
    project = project_copy()
    set_audience(project, "team", 'title: Team\ntheme:\n  accent: "#AA3311"\n  font: sans\n')
    html = briefing_html(make_edition(load_project(project), "team"))
    assert "--accent: #AA3311;" in html
    assert '--body-font: "Source Sans 3", sans-serif;' in html
    board = briefing_html(make_edition(load_project(project), "board"))
    assert '--body-font: "Source Serif 4", serif;' in board


def test_an_audience_can_ask_for_the_brief_layout(project_copy):
    project = project_copy()
    assert '<body class="layout-full' in briefing_html(make_edition(load_project(project), "team"))
    set_audience(project, "team", "title: Team\npdf:\n  layout: brief\n")
    assert '<body class="layout-brief' in briefing_html(make_edition(load_project(project), "team"))


def test_audience_labels_change_the_wording(project_copy):
    project = project_copy()
    set_audience(project, "team", "title: Team\nlabels:\n  summary: Auf einen Blick\n")
    assert ">Auf einen Blick</h2>" in briefing_html(make_edition(load_project(project), "team"))


def test_unknown_theme_font_is_an_error_with_its_line(project_copy):
    project = project_copy()
    set_audience(project, "team", "title: Team\ntheme:\n  font: comic\n")
    with pytest.raises(ReportgenError) as error:
        load_project(project)
    assert str(error.value) == "content/audiences/team.yaml:3: error: unknown theme font 'comic' (known: serif, sans)"


def test_project_labels_apply_to_every_audience_unless_one_overrides_them(project_copy):
    project = project_copy()
    config = project / "content" / "report.yaml"
    config.write_text(config.read_text() + "labels:\n  summary: At a glance\n")
    set_audience(project, "team", "title: Team\nlabels:\n  summary: For the team\n")
    assert ">At a glance</h2>" in briefing_html(make_edition(load_project(project), "board"))
    assert ">For the team</h2>" in briefing_html(make_edition(load_project(project), "team"))


def test_an_audience_can_put_sections_in_its_own_order(project_copy):
    project = project_copy()
    set_audience(project, "team", "title: Team\norder: [sales]\n")
    loaded = load_project(project)
    assert [s.id for s, _ in select_sections(loaded, loaded.audiences["team"])] == ["sales", "overview"]
    set_audience(project, "team", "title: Team\norder: [sails]\n")
    with pytest.raises(ReportgenError) as error:
        load_project(project)
    assert str(error.value) == "content/audiences/team.yaml:2: error: unknown section 'sails' in 'order' (known: overview, sales)"
