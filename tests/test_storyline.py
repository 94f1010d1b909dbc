"""Decks that argue the case: the storyline, no thin or repeated slides, nothing lost silently.

The repository's own decks are read back with python-pptx; a small sample project
(tests/projects/storyline) has callouts, pictures in prose and in ``::: slides``, a Markdown
table, footnotes, two sources and an override that adds one slide to the built-in storyline.
"""

from __future__ import annotations

import io
import re
import shutil

import pytest
from helpers import REPO, REPO_SOURCE_TITLE, measured_height, text_insets
from pptx import Presentation

from reportgen.cli import main
from reportgen.edition import make_edition
from reportgen.plan import deck_plan
from reportgen.project import load_project
from reportgen.typography import number_words

AUDIENCES = ("government", "business", "academic", "executive")
TEXT_LAYOUTS = ("Bullets", "Two content", "Agenda")
DRAWN = ("Card ", "Callout", "Picture", "Quote", "Event")


def _deck(repo_build, audience):
    return Presentation(str(repo_build / audience / "kz-tm-partnership.pptx"))


def _notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text.strip() if slide.has_notes_slide else ""


def _body_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes
                     if shape.has_text_frame and shape != slide.shapes.title)


def _footer(slide) -> str:
    return " ".join(shape.text_frame.text for shape in slide.placeholders if shape.placeholder_format.idx == 11)


def _carries_visual(slide) -> bool:
    return any(shape.has_chart or shape.has_table or shape.shape_type == 13 or shape.name.startswith(DRAWN)
               for shape in slide.shapes)


def _fill(slide) -> float:
    """Return the share of the body boxes the slide's laid-out text fills, measured like the renderer."""
    used = area = 0
    for box in slide.slide_layout.placeholders:
        if box.placeholder_format.idx in (1, 2):
            insets = text_insets(box)
            width = box.width - insets["lIns"] - insets["rIns"]
            area += width * (box.height - insets["tIns"] - insets["bIns"])
    for shape in slide.placeholders:
        if shape.placeholder_format.idx in (1, 2) and shape.has_text_frame:
            insets = text_insets(shape)
            width = shape.width - insets["lIns"] - insets["rIns"]
            used += width * (measured_height(shape) - insets["tIns"] - insets["bIns"])
    return used / area


# --- the repository's decks ---------------------------------------------------------------

@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_deck_tells_the_storyline_title_bottom_line_body_ask_sources(repo_build, audience):
    project = load_project(REPO)
    ask = project.audiences[audience].ask
    slides = list(_deck(repo_build, audience).slides)
    layouts = [slide.slide_layout.name for slide in slides]
    titles = [slide.shapes.title.text for slide in slides]
    assert layouts[0] == "Title" and layouts[-1] == "Closing"
    assert titles[1] == "The bottom line"
    takeaways = [p.text for p in slides[1].placeholders[1].text_frame.paragraphs]
    assert 3 <= len(takeaways) <= 5
    counts = "|".join(number_words(n) for n in range(10))  # house style writes small counts in words
    for takeaway in takeaways:  # full sentences, each carrying its figure
        assert takeaway.endswith(".") and re.search(rf"\d|\b({counts})\b", takeaway, re.I), takeaway
    assert ask, f"{audience} has no ask"
    assert titles[-2] == "Our recommendation" and layouts[-2] == "Section"
    assert " ".join(slides[-2].placeholders[1].text_frame.text.split()) == ask
    closing = _body_text(slides[-1])
    assert f"nCa. “{REPO_SOURCE_TITLE}.”" in closing and "policy-desk@example.org" in closing


def test_the_executive_deck_is_five_slides_bottom_line_key_figures_ask_and_source(repo_build):
    slides = list(_deck(repo_build, "executive").slides)
    assert [slide.slide_layout.name for slide in slides] == ["Title", "Bullets", "Key figures", "Section", "Closing"]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_thin_text_slide_and_no_two_slides_in_a_row_share_notes(repo_build, audience):
    slides = list(_deck(repo_build, audience).slides)
    for number, slide in enumerate(slides, start=1):
        if slide.slide_layout.name in TEXT_LAYOUTS and not _carries_visual(slide):
            assert _fill(slide) >= 0.5, f"slide {number} ({slide.shapes.title.text!r}) fills {_fill(slide):.0%}"
    for number in range(1, len(slides)):
        assert not _notes(slides[number]) or _notes(slides[number]) != _notes(slides[number - 1]), \
            f"slides {number} and {number + 1} share their notes"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_bullet_repeats_its_slide_title(repo_build, audience):
    for slide in _deck(repo_build, audience).slides:
        title = slide.shapes.title.text.lower()
        for shape in slide.placeholders:
            if shape.placeholder_format.idx == 1 and shape.has_text_frame:
                for paragraph in shape.text_frame.paragraphs:
                    assert paragraph.text.lower() not in title, (title, paragraph.text)


def test_a_short_list_is_paired_with_its_sections_visual(repo_build):
    slides = list(_deck(repo_build, "business").slides)
    trade = next(s for s in slides if s.shapes.title.text.startswith("Trade quadrupled"))
    assert trade.slide_layout.name == "Two content"
    # The trade list sits beside the section's chart (its key figures are the briefing's only),
    # so the section is one slide, and no trade slide follows with the chart alone.
    charts = [shape.chart for shape in trade.shapes if shape.has_chart]
    assert len(charts) == 1 and tuple(charts[0].plots[0].categories) == ("2018", "2022", "2023")
    assert "Record $563 million in 2023" in trade.placeholders[1].text_frame.text
    assert not any(s.shapes.title.text.startswith("At $563 million") for s in slides)


# --- the sample project --------------------------------------------------------------------

@pytest.fixture
def sample(project_copy, tmp_path):
    project = project_copy("storyline")
    out = tmp_path / "out"
    assert main(["build", str(project), "-o", str(out), "-f", "pptx", "-j", "1"], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    return project, {name: Presentation(str(out / name / "plant-review.pptx")) for name in ("board", "team")}


def test_callouts_pictures_and_a_markdown_table_each_reach_the_deck(sample):
    _project, decks = sample
    slides = list(decks["team"].slides)
    text = "\n".join(_body_text(slide) for slide in slides)
    assert "two-week maintenance window" in text and "Rail costs less per tonne" in text  # both callouts
    pictures = [shape for slide in slides for shape in slide.shapes if shape.shape_type == 13]
    alts = sorted(p._element.nvPicPr.cNvPr.get("descr") for p in pictures)
    assert alts == ["Map of the rail route from the plant to the port", "The packing hall after the refit"]
    assert "Packing hall, December 2025" in text  # the picture's caption
    tables = [shape.table for slide in slides for shape in slide.shapes if shape.has_table]
    assert [[cell.text for cell in row.cells] for row in tables[0].rows] == [["Line", "Shifts", "Staff"], ["North", "3", "42"], ["South", "3", "38"]]
    for number, slide in enumerate(slides, start=1):  # never an empty slide
        assert _body_text(slide).strip() or _carries_visual(slide), f"slide {number} is empty"


def test_what_cannot_be_shown_is_listed_with_the_reason(project_copy):
    project = project_copy("storyline")
    omitted = deck_plan(make_edition(load_project(project), "team")).omitted
    assert omitted == (
        ("picture 'Old road route' (content/sections/02-routes.md:19)", "a deck cannot show .svg pictures (use PNG or JPEG)"),
        ("slide 'Open questions' (content/sections/02-routes.md:23)", "a '::: slides' slide with no text or picture"),
    )


def test_each_slide_names_the_sources_of_what_it_shows(sample):
    _project, decks = sample
    by_title = {slide.shapes.title.text: slide for slide in decks["team"].slides}
    chart = by_title["Output grew every quarter of 2025"]
    chart_source = " ".join(s.text_frame.text for s in chart.shapes if s.has_text_frame and "Source" in s.text_frame.text)
    assert "Example Ltd operations" in chart_source and "survey" not in chart_source
    callout = by_title["Maintenance window"]
    assert "site survey" in _footer(callout) and "operations" not in _footer(callout)
    survey = by_title["What the survey found"]
    assert "site survey, 5 December 2025, p. 4" in _footer(survey)  # the footnote cited on the slide


def test_an_audience_without_an_ask_gets_no_ask_slide(sample):
    _project, decks = sample
    assert "Our recommendation" not in [slide.shapes.title.text for slide in decks["team"].slides]
    assert "Our recommendation" in [slide.shapes.title.text for slide in decks["board"].slides]


def test_the_ask_can_still_come_from_variables(project_copy):
    plan = deck_plan(make_edition(load_project(project_copy("minimal")), "board"))
    ask = [slide for slide in plan.slides if slide.role == "ask"]
    assert [slide.text for slide in ask] == ["approve the plan for the next two quarters"]


def test_an_override_adds_one_slide_to_a_block_and_the_closing_slide_stays(sample):
    _project, decks = sample
    titles = [slide.shapes.title.text for slide in decks["board"].slides]
    assert titles[-3:] == ["Our recommendation", "Next steps", "Sources and contacts"]
    team = [slide.shapes.title.text for slide in decks["team"].slides]
    assert "Next steps" not in team and len(titles) == len(team) + 2


def test_a_short_deck_keeps_the_storyline_and_the_added_slide(project_copy):
    project = project_copy("storyline")
    audience = project / "content" / "audiences" / "board.yaml"
    audience.write_text(audience.read_text().replace("max_slides: 12", "max_slides: 6"))
    plan = deck_plan(make_edition(load_project(project), "board"))
    titles = [slide.title for slide in plan.slides]
    assert len(titles) == 6 and titles[:2] == ["Plant review", "The bottom line"]
    assert titles[-2:] == ["Our recommendation", "Sources and contacts"]
    assert ("slide 'Next steps'", "trimmed for length (deck.max_slides 6)") in plan.omitted
    override = project / "templates" / "board" / "deck.yaml.j2"  # priority 0: never trimmed
    override.write_text(override.read_text().replace("  notes: What", "  priority: 0\n  notes: What"))
    plan = deck_plan(make_edition(load_project(project), "board"))
    assert [slide.title for slide in plan.slides][-3:] == ["Our recommendation", "Next steps", "Sources and contacts"]


@pytest.mark.parametrize("mistake, line, message", [
    ("  bullets: a: b\n", 6, "error: invalid YAML: mapping values are not allowed here"),
    ("  colour: red\n", 6, "error: unknown slide field 'colour'"),
])
def test_a_mistake_in_the_override_is_reported_at_its_own_file_and_line(project_copy, cli, tmp_path, mistake, line, message):
    project = project_copy("storyline")
    override = project / "templates" / "board" / "deck.yaml.j2"
    lines = override.read_text().splitlines(keepends=True)
    lines[5] = mistake  # the line after "title: Next steps"
    override.write_text("".join(lines))
    result = cli("build", project, "-f", "pptx", "-a", "board", "-o", tmp_path / "out")
    assert result.code == 1
    assert result.err.startswith(f"templates/board/deck.yaml.j2:{line}: {message}"), result.err


def test_list_and_a_terminal_build_say_what_the_deck_left_out(project_copy, cli, tmp_path):
    project = project_copy("storyline")
    listing = cli("list", project).out
    assert "  left out of the deck (2):\n    picture 'Old road route' (content/sections/02-routes.md:19): a deck cannot show .svg pictures" in listing

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stderr = Terminal()
    assert main(["build", str(project), "-f", "pptx", "-o", str(tmp_path / "out")], stdout=io.StringIO(), stderr=stderr) == 0
    lines = [line for line in stderr.getvalue().splitlines() if "deck left out" in line]
    assert lines == [
        "  board deck left out: a deck cannot show .svg pictures (use PNG or JPEG): picture 'Old road route'; "
        "a '::: slides' slide with no text or picture: slide 'Open questions'",
        "  team deck left out: a deck cannot show .svg pictures (use PNG or JPEG): picture 'Old road route'; "
        "a '::: slides' slide with no text or picture: slide 'Open questions'",
    ]


@pytest.mark.slow  # a LibreOffice conversion
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and pdftotext are needed")
def test_libreoffice_renders_the_sample_decks_cleanly(project_copy, tmp_path):
    from helpers import assert_renders_cleanly

    project = project_copy("storyline")
    out = tmp_path / "out"
    assert main(["build", str(project), "-o", str(out), "-f", "pptx", "-j", "1"], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    for name in ("board", "team"):
        path = out / name / "plant-review.pptx"
        assert_renders_cleanly(path, len(Presentation(str(path)).slides), tmp_path)
