"""The shipped fonts: what they cover, and a character none of them can draw is an error."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from reportgen.fonts import ALL_FACES, BRIEFING_FACES, font_face_rules
from reportgen.glyphs import (
    COVERAGE,
    coverage_text,
    drawable,
    measured_coverage,
    undrawable,
)

CYRILLIC = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
TURKMEN = "ÄäÇçŽžŇňÖöŞşÜüÝý"
PUNCTUATION = "«»„“”–—№…−"


def test_the_coverage_file_matches_the_shipped_fonts():
    assert COVERAGE.read_text(encoding="ascii") == coverage_text(measured_coverage())


def test_every_face_draws_russian_kazakh_and_turkmen_letters():
    assert all(face.path.is_file() for face in ALL_FACES)
    assert undrawable(CYRILLIC + KAZAKH + TURKMEN + PUNCTUATION + "ə₸€") is None


def test_undrawable_finds_the_first_missing_character_and_ignores_spaces():
    assert undrawable("a \u00a0\u200b b ☃ 🙂") == "☃"
    assert ord("☃") not in drawable() and undrawable("Қазақстан, Türkmenistan") is None


def test_every_briefing_style_has_a_face_and_a_licence():
    styles = {(face.family, face.style) for face in BRIEFING_FACES}
    assert styles == {(f, s) for f in ("Source Serif 4", "Source Sans 3") for s in ("normal", "italic")}
    licences = {path.name for path in COVERAGE.parent.glob("OFL-*.txt")}
    assert licences == {"OFL-SourceSerif4.txt", "OFL-SourceSans3.txt", "OFL-Carlito.txt"}
    rules = font_face_rules()
    assert rules.count("@font-face") == 8  # each face under its family and its old name
    assert 'font-family: "Source Serif 4"; src: url("' in rules and "font-weight" not in rules


def test_a_character_no_font_draws_is_an_error_naming_file_and_line(project_copy, cli):
    project = project_copy("minimal")
    section = project / "content" / "sections" / "01-overview.md"
    lines = section.read_text(encoding="utf-8").splitlines()
    lines[-1] += " Snow ☃ and a smile 🙂."
    section.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("check", project)
    assert result.code == 1
    assert result.err == (
        f"content/sections/01-overview.md:{len(lines)}: error: character '☃' (U+2603, SNOWMAN) cannot be drawn: "
        "the fonts shipped with reportgen (Source Serif 4, Source Sans 3, Carlito) do not all have it\n")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs pdffonts (poppler-utils)")
def test_russian_italic_and_bold_come_out_in_the_shipped_faces(project_copy, cli, tmp_path):
    project = project_copy("minimal")
    section = project / "content" / "sections" / "01-overview.md"
    section.write_text(section.read_text(encoding="utf-8") + "\n*Курсив: Қазақстан, Türkmenistan.* **Жирный ә.**\n", encoding="utf-8")
    assert cli("build", project, "-f", "pdf", "-a", "board", "-o", tmp_path / "out").code == 0
    pdf = next((tmp_path / "out" / "board").glob("*.pdf"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+", 1)[1].rstrip(",") for line in fonts.splitlines()[2:]}
    assert names and all(name.startswith(("Source-Serif-4", "Source-Sans-3")) for name in names), names
    assert "Source-Serif-4-Italic" in names
