"""The repository's own decks, as built: the deck checks of the issue, on every audience."""

from __future__ import annotations

import shutil

import pytest
from helpers import assert_renders_cleanly, measured_height
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

AUDIENCES = ("government", "business", "academic", "executive")


@pytest.fixture(scope="module", params=AUDIENCES)
def deck(request, repo_build):
    path = repo_build / request.param / "kz-tm-partnership.pptx"
    return path, Presentation(str(path))


def test_sixteen_by_nine_with_core_properties(deck):
    _path, prs = deck
    assert (prs.slide_width, prs.slide_height) == (12_192_000, 6_858_000)
    core = prs.core_properties
    assert core.title.startswith("Kazakhstan and Turkmenistan: ")
    assert core.author == "Central Asia Policy Desk analysts"
    assert core.subject and core.keywords and core.language == "en"
    assert core.created.isoformat() == "2024-09-30T00:00:00"


def test_every_slide_is_titled_and_every_content_slide_has_notes(deck):
    _path, prs = deck
    for number, slide in enumerate(prs.slides, start=1):
        assert slide.shapes.title is not None and slide.shapes.title.text.strip(), f"slide {number} has no title"
        if slide.slide_layout.name not in ("Title", "Closing"):
            assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip(), f"slide {number} has no notes"


def test_no_empty_placeholder_and_nothing_outside_the_slide(deck):
    _path, prs = deck
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if shape.is_placeholder and shape._element.tag == qn("p:sp"):
                assert shape.text_frame.text.strip(), f"slide {number}: empty placeholder {shape.name}"
            assert shape.left >= 0 and shape.top >= 0, f"slide {number}: {shape.name}"
            assert shape.left + shape.width <= prs.slide_width, f"slide {number}: {shape.name}"
            assert shape.top + shape.height <= prs.slide_height, f"slide {number}: {shape.name}"


def test_no_text_frame_overflows(deck):
    _path, prs = deck
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            if shape.is_placeholder and shape.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER:
                continue
            assert measured_height(shape) <= shape.height, f"slide {number}: {shape.name} overflows"


def test_bullet_slides_keep_to_six_bullets(deck):
    _path, prs = deck
    for number, slide in enumerate(prs.slides, start=1):
        if slide.slide_layout.name == "Bullets":
            body = [s for s in slide.placeholders if s.placeholder_format.idx == 1]
            if not body:  # a callout on its own: its box instead of bullets
                assert any(shape.name == "Callout text" for shape in slide.shapes), f"slide {number}"
                continue
            assert len(body[0].text_frame.paragraphs) <= 6, f"slide {number}"


@pytest.mark.slow  # a LibreOffice conversion
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not on PATH")
def test_libreoffice_opens_it_one_page_per_slide_with_all_text_on_the_page_and_none_overlapping(deck, tmp_path):
    path, prs = deck
    assert_renders_cleanly(path, len(prs.slides), tmp_path)


