"""Editions in several languages: a sample project in English and Russian, built and read back."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile

import pytest
from pypdf import PdfReader

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the bilingual sample once: every audience in every language it has."""
    from helpers import PROJECTS, run_cli

    project = tmp_path_factory.mktemp("bilingual") / "bilingual"
    shutil.copytree(PROJECTS / "bilingual", project)
    out = project / "out"
    result = run_cli("build", project, "-o", out, "-j", "1")
    assert result.code == 0, result.err
    return project, out, result


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _deck_xml(path) -> str:
    with zipfile.ZipFile(path) as deck:
        return "".join(deck.read(name).decode("utf-8") for name in sorted(deck.namelist())
                       if re.match(r"ppt/(slides|notesSlides|charts)/\w+\.xml$", name))


def test_every_audience_is_built_in_each_of_its_languages(built):
    _project, out, result = built
    assert result.out.split() == [str(out / name) for name in (
        "board/quarterly-review.pdf", "board/quarterly-review.pptx",
        "board/quarterly-review.ru.pdf", "board/quarterly-review.ru.pptx",
        "team/quarterly-review.pdf", "team/quarterly-review.pptx")]
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(e["audience"], e["language"], e["format"], e["path"]) for e in manifest["outputs"]] == [
        ("board", "en", "pdf", "board/quarterly-review.pdf"), ("board", "en", "pptx", "board/quarterly-review.pptx"),
        ("board", "ru", "pdf", "board/quarterly-review.ru.pdf"), ("board", "ru", "pptx", "board/quarterly-review.ru.pptx"),
        ("team", "en", "pdf", "team/quarterly-review.pdf"), ("team", "en", "pptx", "team/quarterly-review.pptx")]


def test_the_russian_pdf_says_its_language_and_is_in_russian(built):
    _project, out, _result = built
    reader = PdfReader(out / "board" / "quarterly-review.ru.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "ru"
    assert reader.metadata.title.startswith("Квартальный обзор")
    english = PdfReader(out / "board" / "quarterly-review.pdf")
    assert english.trailer["/Root"]["/Lang"] == "en"


@needs_poppler
def test_russian_dates_labels_quotes_and_translated_prose(built):
    _project, out, _result = built
    text = _pdf_text(out / "board" / "quarterly-review.ru.pdf").replace(NBSP, " ")  # pdftotext may give either
    assert "15 января 2026 г." in text
    assert "Совету предлагается утвердить план на следующие два квартала." in " ".join(text.split())
    assert "«книги продаж»" in text  # straight quotes in Russian prose become «…»
    assert "180 тыс. долл. США" in text and "thousand" not in text and "$" not in text
    assert "Источник: Example Ltd finance, 10 января 2026 г." in text  # the source as published, the date in Russian
    assert "Source" not in text and "г.." not in text
    english = _pdf_text(out / "board" / "quarterly-review.pdf")
    assert "15 January 2026" in english and "Квартальный" not in english


def test_the_russian_deck_marks_every_run_as_russian(built):
    _project, out, _result = built
    xml = _deck_xml(out / "board" / "quarterly-review.ru.pptx")
    tags = set(re.findall(r'<a:(?:rPr|endParaRPr|defRPr)\b[^>]*\blang="([^"]+)"', xml))
    assert tags == {"ru-RU"}
    runs = len(re.findall(r"<a:r>", xml))
    assert runs and runs == len(re.findall(r'<a:r><a:rPr\b[^>]*lang="ru-RU"', xml))
    assert "Квартальный обзор" in xml and "Продажи росли каждый квартал" in xml
    assert "утвердить план на следующие два квартала" in xml and "approve the plan" not in xml  # the ask, translated
    english = _deck_xml(out / "board" / "quarterly-review.pptx")
    assert set(re.findall(r'<a:rPr\b[^>]*\blang="([^"]+)"', english)) == {"en-US"}


@needs_poppler
def test_a_label_overridden_per_language(built):
    _project, out, _result = built
    russian = " ".join(_pdf_text(out / "board" / "quarterly-review.ru.pdf").split())
    english = " ".join(_pdf_text(out / "board" / "quarterly-review.pdf").split())
    assert "References" in english and "Sources" not in english
    assert "Литература" in russian and "References" not in russian and "Источники" not in russian


@pytest.mark.slow
def test_language_option_builds_only_that_language(cli, project_copy, tmp_path):
    project = project_copy("bilingual")
    result = cli("build", project, "-l", "ru", "-f", "pdf", "-o", tmp_path / "out", "-j", "1")
    assert result.code == 0, result.err
    assert result.out.split() == [str(tmp_path / "out" / "board" / "quarterly-review.ru.pdf")]
    wrong = cli("build", project, "-l", "de", "-o", tmp_path / "out")
    assert (wrong.code, wrong.err) == (1, "error: unknown language 'de' (the project's: en, ru)\n")


def test_list_shows_each_edition_with_its_language_and_outputs(cli, project_copy):
    result = cli("list", project_copy("bilingual"))
    assert result.code == 0, result.err
    assert "\nboard (ru): Совет директоров\n  outputs: board/quarterly-review.ru.pdf, board/quarterly-review.ru.pptx\n" in result.out
    assert "\nteam (en): Sales team\n" in result.out and "team (ru)" not in result.out


def test_a_missing_translation_of_a_selected_section_names_the_file(cli, project_copy):
    project = project_copy("bilingual")
    (project / "content" / "sections" / "02-sales.ru.md").unlink()
    result = cli("check", project)
    assert (result.code, result.err) == (1, ("content/sections/02-sales.ru.md: error: missing translation: this edition in 'ru' "
                                            "needs content/sections/02-sales.ru.md, the translation of content/sections/02-sales.md\n"))


def test_a_figure_left_untranslated_is_an_error(cli, project_copy):
    project = project_copy("bilingual")
    data = project / "content" / "data" / "sales.ru.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("  q3: {label: III кв.}\n", ""), encoding="utf-8")
    result = cli("check", project)
    assert (result.code, result.err) == (1, "content/data/sales.ru.yaml:2: error: no translation of figure 'q3' (add it under 'figures:')\n")


def test_a_translation_into_an_undeclared_language_is_an_error(cli, project_copy):
    project = project_copy("bilingual")
    shutil.copy(project / "content" / "sections" / "01-overview.ru.md", project / "content" / "sections" / "01-overview.kk.md")
    result = cli("check", project)
    assert result.code == 1
    assert result.err == ("content/sections/01-overview.kk.md: error: translation into 'kk', which is not among the project's "
                          "languages (en, ru); add it to 'languages:' in content/report.yaml\n")


def test_an_undrawable_character_in_a_translation_names_its_line(cli, project_copy):
    project = project_copy("bilingual")
    section = project / "content" / "sections" / "02-sales.ru.md"
    lines = section.read_text(encoding="utf-8").split("\n")
    number = lines.index("Сохранить темп IV квартала в первом полугодии.") + 1
    lines[number - 1] += " ☃"
    section.write_text("\n".join(lines), encoding="utf-8")
    result = cli("check", project)
    assert result.code == 1
    assert result.err.startswith(f"content/sections/02-sales.ru.md:{number}: error: character '☃' (U+2603, SNOWMAN) cannot be drawn")


def test_an_audience_cannot_ask_for_a_language_the_project_lacks(cli, project_copy):
    project = project_copy("bilingual")
    team = project / "content" / "audiences" / "team.yaml"
    team.write_text(team.read_text(encoding="utf-8").replace("languages: [en]", "languages: [en, kk]"), encoding="utf-8")
    result = cli("check", project)
    assert (result.code, result.err) == (1, ("content/audiences/team.yaml:3: error: unknown language 'kk' in 'languages' "
                                            "(the project's: en, ru)\n"))


def test_a_translation_without_body_serves_only_summary_depth(cli, project_copy):
    project = project_copy("bilingual")
    section = project / "content" / "sections" / "01-overview.ru.md"
    text = section.read_text(encoding="utf-8")
    section.write_text(text[: text.index("---", 4) + 4], encoding="utf-8")  # the front matter alone
    result = cli("check", project)
    assert result.code == 1
    assert result.err == ("content/sections/01-overview.ru.md:9: error: the translation has no body, but an edition "
                          "in 'ru' shows content/sections/01-overview.md at full depth\n")
    board = project / "content" / "audiences" / "board.yaml"
    board.write_text(board.read_text(encoding="utf-8").replace("{tag: summary, depth: full}", "{tag: summary, depth: summary}"),
                     encoding="utf-8")
    assert cli("check", project).code == 0


def test_a_translation_must_keep_the_blocks_of_audiences_in_its_language(cli, project_copy):
    project = project_copy("bilingual")
    section = project / "content" / "sections" / "01-overview.ru.md"
    text = section.read_text(encoding="utf-8")
    section.write_text(text.replace("::: audience board\nСовету предлагается {{ audience.variables.ask }}.\n:::\n", ""),
                       encoding="utf-8")
    result = cli("check", project)
    assert result.err == ("content/sections/01-overview.ru.md:9: error: the translation lacks the '::: audience' "
                          "block(s) for board that content/sections/01-overview.md has\n")


def test_a_chart_in_a_translation_needs_its_own_alt_text(cli, project_copy):
    project = project_copy("bilingual")
    section = project / "content" / "sections" / "02-sales.ru.md"
    text = section.read_text(encoding="utf-8")
    section.write_text("\n".join(line for line in text.split("\n") if not line.startswith("alt: ")), encoding="utf-8")
    result = cli("check", project)
    lines = text.split("\n")
    line = lines.index("::: chart") + 1
    assert result.err == (f"content/sections/02-sales.ru.md:{line}: error: a chart in an edition in 'ru' needs its own "
                          "'alt:' text (the description reportgen writes is English)\n")
