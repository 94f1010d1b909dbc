"""The override chain: templates/<audience>/ → templates/base/ → the built-in templates."""

from __future__ import annotations

from reportgen.edition import make_edition
from reportgen.project import load_project
from reportgen.render.briefing import briefing_html
from reportgen.templates import PACKAGE_TEMPLATES, template_dirs


def html_for(project, audience):
    return briefing_html(make_edition(load_project(project), audience))


def test_folders_are_searched_audience_first_then_base_then_built_in(tmp_path):
    assert template_dirs(tmp_path, "board") == [tmp_path / "templates" / "board", tmp_path / "templates" / "base", PACKAGE_TEMPLATES]


def test_an_audience_override_changes_that_audience_only(project_copy):
    project = project_copy()
    assert ".cover-title { font-size: 40pt; }" in html_for(project, "board")
    assert ".cover-title { font-size: 40pt; }" not in html_for(project, "team")


def test_a_base_override_changes_every_audience(project_copy):
    project = project_copy()
    (project / "templates" / "base").mkdir(parents=True)
    (project / "templates" / "base" / "blocks").mkdir()
    (project / "templates" / "base" / "blocks" / "callout.html.j2").write_text('<aside class="house-callout">{{ block.html | safe }}</aside>')
    # The call-out sits in a section the team reads in full.
    assert '<aside class="house-callout">' in html_for(project, "team")


def test_an_override_can_extend_the_template_it_replaces_and_change_one_block(project_copy):
    project = project_copy()
    (project / "templates" / "team").mkdir(parents=True)
    (project / "templates" / "team" / "briefing.html.j2").write_text(
        '{% extends "!base/briefing.html.j2" %}\n{% block sources %}<p>Sources withheld for the team.</p>{% endblock %}\n'
    )
    team = html_for(project, "team")
    assert "Sources withheld for the team." in team
    assert "Quarterly review" in team  # the rest of the built-in template is still there
    assert "Sources withheld" not in html_for(project, "board")


def test_a_template_error_names_the_override_file_and_line(project_copy):
    import pytest

    from reportgen.errors import ReportgenError

    project = project_copy()
    (project / "templates" / "team").mkdir(parents=True)
    (project / "templates" / "team" / "briefing.html.j2").write_text('{% extends "!base/briefing.html.j2" %}\n{% block sources %}{{ nope }}{% endblock %}\n')
    with pytest.raises(ReportgenError) as error:
        html_for(project, "team")
    assert str(error.value) == "templates/team/briefing.html.j2:2: error: undefined name: 'nope' is undefined"


def test_images_used_by_templates_come_through_the_same_chain(project_copy):
    project = project_copy()
    seal = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
    for folder in ("base", "team"):
        (project / "templates" / folder).mkdir(parents=True, exist_ok=True)
        (project / "templates" / folder / "seal.svg").write_text(seal)
    (project / "templates" / "base" / "briefing.html.j2").write_text(
        '{% extends "!default/briefing.html.j2" %}\n{% block sources %}<img src="{{ asset(\'seal.svg\') }}" alt="Seal">{% endblock %}\n'
    )
    assert "/templates/team/seal.svg" in html_for(project, "team")
    assert "/templates/base/seal.svg" in html_for(project, "board")
