"""The repository's Russian government edition passes the checks the English editions pass."""

from __future__ import annotations

import re
import shutil
import zipfile

import pytest
from helpers import REPO, embedded, flat, fonts, outline, page_texts, struct_elements
from pptx import Presentation
from pypdf import PdfReader
from test_decks_built import (  # noqa: F401 - run again on the Russian deck
    test_bullet_slides_keep_to_six_bullets,
    test_every_slide_is_titled_and_every_content_slide_has_notes,
    test_libreoffice_opens_it_one_page_per_slide_with_all_text_on_the_page_and_none_overlapping,
    test_no_empty_placeholder_and_nothing_outside_the_slide,
    test_no_text_frame_overflows,
)

from reportgen.edition import make_edition
from reportgen.fonts import BRIEFING_FACES
from reportgen.project import load_project

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def pdf(repo_build):
    return repo_build / "government" / "kz-tm-partnership.ru.pdf"


@pytest.fixture(scope="module")
def deck(repo_build):
    path = repo_build / "government" / "kz-tm-partnership.ru.pptx"
    return path, Presentation(str(path))


@pytest.fixture(scope="module")
def edition():
    return make_edition(load_project(REPO), "government", "ru")


def test_only_government_is_published_in_russian(repo_build):
    russian = sorted(path.relative_to(repo_build).as_posix() for path in repo_build.rglob("*.ru.*"))
    assert russian == ["government/kz-tm-partnership.ru.pdf", "government/kz-tm-partnership.ru.pptx"]


def test_the_pdf_is_tagged_russian_and_embeds_only_shipped_fonts(pdf):
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "ru" and root["/MarkInfo"]["/Marked"]
    assert any(element.get("/S") == "/H2" for element in struct_elements(reader))
    assert reader.metadata.title.startswith("Казахстан и Туркменистан")
    families = tuple(face.family.replace(" ", "-") for face in BRIEFING_FACES)
    for font in fonts(reader):
        name = str(font["/BaseFont"])
        assert embedded(font) and re.match(r"^/[A-Z]{6}\+", name) and name.split("+", 1)[1].startswith(families), name


@needs_poppler
def test_bookmarks_are_the_russian_headings_on_their_pages(pdf, edition):
    pages = page_texts(pdf)
    marks = outline(pdf)
    top = [title for level, title, _page in marks if level == 1]
    for section in edition.sections:
        if section.depth != "summary":  # summary-depth sections are one paragraph of 'Also covered'
            assert section.title in top
    for _level, title, page in marks:
        assert flat(title) in flat(pages[page - 1]), f"bookmark {title!r} points to page {page}"


@needs_poppler
def test_pages_are_numbered_in_russian(pdf):
    pages = page_texts(pdf)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Стр. {number} из {len(pages)}" in flat(text), f"page {number} has no page number"


@needs_poppler
def test_dates_numbers_and_units_are_russian(pdf):
    text = flat(" ".join(page_texts(pdf, layout=False)))
    assert "30 сентября 2024 г." in text and "20 сентября 2024 г." in text
    assert f"563{NBSP}млн{NBSP}долл. США".replace(NBSP, " ") in text.replace(NBSP, " ")
    assert "более 3 000 студентов" in text.replace(NBSP, " ")
    assert "1,3 млн т" in text.replace(NBSP, " ")
    assert "237,2" in text
    for english in ("September", "USD", "$563", "million", "Source:", "Contents", "Page "):
        assert english not in text, english


def test_the_deck_is_russian_in_every_run(deck):
    path, prs = deck
    assert prs.core_properties.language == "ru"
    assert prs.core_properties.title.startswith("Казахстан и Туркменистан: ")
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(name).decode("utf-8") for name in archive.namelist()
                      if re.match(r"ppt/(slides|notesSlides|charts)/\w+\.xml$", name))
    assert set(re.findall(r'<a:(?:rPr|endParaRPr|defRPr)\b[^>]*\blang="([^"]+)"', xml)) == {"ru-RU"}
    texts = " ".join(shape.text_frame.text for slide in prs.slides for shape in slide.shapes if shape.has_text_frame)
    assert "Главное" in texts and "Наша рекомендация" in texts


def test_a_derived_figure_a_chart_title_states_has_its_method_under_sources():
    # The Russian trade section is shown as key points: its chart's title states the gap to the
    # target, so the gap's method is listed under Sources as in English.
    for language in (None, "ru"):
        edition = make_edition(load_project(REPO), "government", language)
        assert "gap_to_target" in [figure.key for figure in edition.derived_figures()], language


def test_a_cross_reference_quotes_a_title_with_the_languages_marks():
    from reportgen.plan import deck_plan
    from reportgen.render.briefing import briefing_html

    russian = make_edition(load_project(REPO), "government", "ru")
    assert "«Транспорт и логистика» (с.\u00a0" in briefing_html(russian)
    notes = " ".join(slide.notes for slide in deck_plan(russian).slides)
    assert "Транспорт и логистика" in notes and "“" not in notes
    english = make_edition(load_project(REPO), "government")
    assert "“Transport and logistics” (page\u00a0" in briefing_html(english)
