"""The PDF briefing, checked on the built PDFs: pages, contents, outline, metadata, tags, fonts.

The repository's own project is built once per session (the ``repo_build`` fixture, with
SOURCE_DATE_EPOCH fixed); small variants of tests/projects/minimal cover the page-size and
PDF/A options and long tables. Assertions are on text per page and PDF structure, never bytes.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest
from helpers import embedded, flat, fonts, outline, page_texts, struct_elements
from pypdf import PdfReader

from reportgen.build import build
from reportgen.citations import strip_citations
from reportgen.edition import make_edition
from reportgen.front import edition_front
from reportgen.markdown import plain_text
from reportgen.project import load_project
from reportgen.render.briefing import briefing_html, figure_parts

REPO = Path(__file__).parent.parent
AUDIENCES = ("government", "business", "academic", "executive")
FULL = ("government", "business", "academic")  # the audiences with a contents page
BUILT_AT = dt.datetime(2024, 9, 30, tzinfo=dt.timezone.utc)  # SOURCE_DATE_EPOCH of repo_build
SHIPPED_FONTS = ("Source-Serif-4", "Source-Sans-3")

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


# --- helpers ----------------------------------------------------------------------------

def reading(text: str) -> str:
    """Return text as read: words broken at a line end joined again, quotes straight."""
    text = re.sub(r"(?<=[a-z])- (?=[A-Z])", "-", re.sub(r"(?<=[a-z])- (?=[a-z])", "", flat(text)))  # trans-|Caspian
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


@lru_cache(maxsize=None)
def word_boxes(path: Path) -> list[tuple[float, list[tuple[float, float, float, float, str]]]]:
    """Return, per page, its height and every word's box (x0, y0, x1, y1 from the top left, in pt)."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.finditer(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', html, re.S):
        words = re.findall(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)', page.group(2))
        pages.append((float(page.group(1)), [(*map(float, word[:4]), word[4]) for word in words]))
    return pages


def outline_items(reader: PdfReader) -> list:
    """Return the bookmarks themselves, flattened, in order."""
    def walk(items: list) -> list:
        return [found for item in items for found in (walk(item) if isinstance(item, list) else [item])]

    return walk(reader.outline)


def contents_entries(path: Path) -> tuple[int, list[tuple[str, str, int]]]:
    """Return the page with the contents (the front page's side column) and its entries as
    (number or '', title, page)."""
    pages = page_texts(path)
    index = next(i for i, text in enumerate(pages) if "CONTENTS" in text)
    width = float(PdfReader(path).pages[index].mediabox.width)
    side = subprocess.run(["pdftotext", "-layout", "-f", str(index + 1), "-l", str(index + 1), "-x", str(int(width * 0.66)),
                           "-y", "0", "-W", str(int(width)), "-H", "2000", str(path), "-"], capture_output=True, text=True, check=True).stdout
    entries = []
    for line in _joined_entries(side.splitlines()):
        match = re.match(r"^\s*(?:(\d{2})\s+)?(\S.*?)[\s.]*(?:\. ?){2,}[\s.]*(\d+)\s*$", " ".join(line.split()))
        if match:
            entries.append((match.group(1) or "", match.group(2).rstrip(" ."), int(match.group(3))))
    return index, entries


def _joined_entries(lines: list[str]) -> list[str]:
    """Join a contents entry that wraps onto a second line (its page number ends the last one)."""
    joined, pending = [], ""
    for line in lines:
        pending = f"{pending} {line.strip()}" if pending else line
        if re.search(r"(?:\. ?){2,}\s*\d+\s*$", pending) or not line.strip():
            joined.append(pending)
            pending = ""
    return joined


def chapters(edition) -> list:
    """Return the sections an edition gives as chapters (summary-depth ones are 'also covered')."""
    return [section for section in edition.sections if section.depth != "summary"]


def heading_on(page: str, number: str, title: str) -> bool:
    """Whether *page* shows the heading *title* (with its section number, when it has one)."""
    if number:
        return f"{number} {title}" in flat(page)
    return any(line.strip() == title for line in page.splitlines())


def build_variant(project: Path, audience: str, pdf_options: str, out: Path) -> Path:
    """Add *pdf_options* (YAML) to an audience of a sample project copy, build its PDF."""
    audience_file = project / "content" / "audiences" / f"{audience}.yaml"
    audience_file.write_text(audience_file.read_text(encoding="utf-8") + pdf_options, encoding="utf-8")
    build(project, audiences=[audience], formats=["pdf"], out_dir=out)
    return next((out / audience).glob("*.pdf"))


@pytest.fixture(scope="module")
def pdfs(repo_build):
    return {audience: repo_build / audience / "kz-tm-partnership.pdf" for audience in AUDIENCES}


@pytest.fixture(scope="module")
def project():
    return load_project(REPO)


# --- contents and outline -------------------------------------------------------------

@needs_poppler
@pytest.mark.parametrize("audience", FULL)
def test_each_contents_number_is_the_page_where_its_heading_stands(pdfs, project, audience):
    path = pdfs[audience]
    pages = page_texts(path)
    index, entries = contents_entries(path)
    edition = make_edition(project, audience)
    expected = [s.title for s in chapters(edition)] + [edition.labels["also_covered"], edition.labels["sources"]]
    assert [title for _, title, _ in entries] == expected
    for number, title, printed in entries:
        shown = [i + 1 for i in range(index + 1, len(pages)) if heading_on(pages[i], number, title)]
        assert shown, f"{audience}: heading {title!r} not found after the contents page"
        assert printed == shown[0], f"{audience}: contents says {title!r} is on page {printed}, it is on page {shown[0]}"


@needs_poppler
@pytest.mark.parametrize("audience", AUDIENCES)
def test_bookmarks_land_on_the_pages_of_their_headings(pdfs, audience):
    pages = page_texts(pdfs[audience])
    marks = outline(pdfs[audience])
    assert marks, "the PDF has no bookmarks"
    for level, title, page in marks:
        assert flat(title).lower() in flat(pages[page - 1]).lower(), f"{audience}: bookmark {title!r} points to page {page}, which does not show it"


@pytest.mark.parametrize("audience", AUDIENCES)
def test_sections_are_level_one_bookmarks_and_their_subheadings_level_two(pdfs, project, audience):
    marks = outline(pdfs[audience])
    top = [title for level, title, _ in marks if level == 1]
    edition = make_edition(project, audience)
    for section in chapters(edition):
        assert section.title in top
    for section in edition.sections:
        assert section.title in top or section.depth == "summary"
    assert edition.labels["summary"] in top and edition.labels["sources"] in top and edition.labels["also_covered"] in top
    if audience == "government":
        titles = [(level, title) for level, title, _ in marks]
        politics = titles.index((1, "Political and security cooperation"))
        assert titles[politics + 1] == (2, "Mutual support on international platforms")


@pytest.mark.parametrize("audience", FULL)
def test_contents_numbers_agree_with_the_bookmarks(pdfs, audience):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    _, entries = contents_entries(pdfs[audience])
    marks = {title: page for level, title, page in outline(pdfs[audience]) if level == 1}
    for _, title, printed in entries:
        assert marks[title] == printed, title


@needs_poppler
@pytest.mark.parametrize("audience", FULL)
def test_contents_entries_are_links_to_their_headings(pdfs, project, audience):
    reader = PdfReader(pdfs[audience])
    index, entries = contents_entries(pdfs[audience])
    edition = make_edition(project, audience)
    ids = [section.id for section in chapters(edition)] + ["also", "sources"]
    linked = {str(annotation.get_object()["/Dest"]) for annotation in reader.pages[index]["/Annots"]
              if annotation.get_object().get("/Subtype") == "/Link" and "/Dest" in annotation.get_object()}
    assert set(ids) <= linked  # and the key judgements' page references
    destinations = reader.named_destinations
    for target, (_, title, printed) in zip(ids, entries):
        assert reader.get_destination_page_number(destinations[target]) + 1 == printed, title


# --- pages ----------------------------------------------------------------------------

@needs_poppler
@pytest.mark.parametrize("audience", AUDIENCES)
def test_body_pages_are_numbered_and_headed_and_the_cover_is_not(pdfs, project, audience):
    pages = page_texts(pdfs[audience])
    total = len(pages)
    assert "Page 1 of" not in pages[0] and "Page" not in pages[0].splitlines()[-1]
    assert not pages[0].lstrip().startswith(project.config.title)  # no running header on the cover
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in flat(text), f"{audience}: page {number} has no page number"
        assert text.lstrip().startswith(project.config.title), f"{audience}: page {number} has no running header"


@needs_poppler
@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_cover_shows_title_audience_date_organisation_and_key_figures(pdfs, project, audience):
    cover = flat(page_texts(pdfs[audience], layout=False)[0])
    edition = make_edition(project, audience)
    for text in (project.config.title, project.config.subtitle, edition.audience.title.upper(),
                 "30 September 2024", project.config.organisation.upper()):
        assert text in cover
    expected = {  # business and the executive name theirs; the others come from their key judgements
        "government": ["about 80 documents", "$563 million", "28%", "$1 billion"],
        "business": ["$563 million", "$237.2 million", "$1 billion", "1.3 million tonnes"],
        "academic": ["about 80 documents", "6 centres", "over 3,000 students", "$563 million"],
        "executive": ["$563 million", "$1 billion", "1.3 million tonnes", "about 80 documents"],
    }
    assert [figure.text for figure in edition.key_figures] == expected[audience]
    for figure in edition.key_figures:
        assert " ".join(figure_parts(figure)).strip() in cover or figure.text in cover
    if audience != "academic":
        assert "Trade, 2023" in cover  # a bare "2023" label is completed with its dataset's title


@needs_poppler
@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_front_page_states_the_bottom_line_numbered_judgements_and_the_ask(pdfs, project, audience):
    edition = make_edition(project, audience)
    front = edition_front(edition.sections, edition.audience)
    page = reading(page_texts(pdfs[audience], layout=False)[0])
    assert edition.labels["summary"] in page and edition.labels["judgements"].upper() in page
    assert reading(plain_text(strip_citations(front.bottom_line.summary))) in page
    assert 3 <= len(front.judgements) <= 6
    for number, section in enumerate(front.judgements, start=1):
        assert reading(plain_text(strip_citations(section.summary))) in page, f"{audience}: judgement {number} is not on the front page"
        assert f"{section.title}." not in page  # findings, not a table of contents
    assert front.ask and reading(front.ask) in page and edition.labels["ask"].upper() in page


def test_an_audience_whose_sections_are_all_summaries_gets_a_one_page_brief_without_contents(pdfs):
    reader = PdfReader(pdfs["executive"])
    assert len(reader.pages) == 1
    page = flat(page_texts(pdfs["executive"], layout=False)[0])
    assert "CONTENTS" not in page and "Sources" in page and "nCa. “Kazakhstan and Turkmenistan" in page
    assert "CONTENTS" in page_texts(pdfs["government"])[0]


@needs_poppler
@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_text_falls_outside_the_page(pdfs, audience):
    reader = PdfReader(pdfs[audience])
    for number, (height, words) in enumerate(word_boxes(pdfs[audience])):
        width = float(reader.pages[number].mediabox.width)
        for x0, y0, x1, y1, text in words:
            assert -0.5 <= x0 and x1 <= width + 0.5 and -0.5 <= y0 and y1 <= height + 0.5, f"{audience}: {text!r} is off page {number + 1}"


@needs_poppler
@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_heading_is_stranded_at_the_foot_of_a_page(pdfs, audience):
    """Below each heading, on its own page, stands at least a line of text set at body size
    or larger: not just footnotes (7.5 pt) and the footer."""
    reader = PdfReader(pdfs[audience])
    boxes = word_boxes(pdfs[audience])
    for item in outline_items(reader):
        page = reader.get_destination_page_number(item)
        height, words = boxes[page]
        top = height - float(item["/Top"])  # the heading's top edge, from the top of the page
        body = [word for word in words if word[1] > top + 22 and word[3] < height - 66 and word[3] - word[1] >= 8.5]
        assert len(body) >= 8, f"{audience}: heading {item.title!r} is stranded at the foot of page {page + 1}"


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="pdfimages is not installed")
@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_image_has_an_absurd_resolution(pdfs, audience):
    listing = subprocess.run(["pdfimages", "-list", str(pdfs[audience])], capture_output=True, text=True, check=True).stdout
    for row in listing.splitlines()[2:]:
        columns = row.split()
        width, height, x_ppi, y_ppi = int(columns[3]), int(columns[4]), int(columns[12]), int(columns[13])
        assert width * height <= 25_000_000 and x_ppi <= 1200 and y_ppi <= 1200, row


# --- document properties ----------------------------------------------------------------

@pytest.mark.parametrize("audience", AUDIENCES)
def test_metadata_language_and_creation_date(pdfs, project, audience):
    reader = PdfReader(pdfs[audience])
    info = reader.metadata
    config = project.config
    assert info.title == f"{config.title}: {config.subtitle}"
    assert info.author == ", ".join(config.authors)
    assert info.subject.startswith(project.audiences[audience].title)
    assert [word.strip() for word in info["/Keywords"].split(",")] == list(config.keywords)
    assert reader.trailer["/Root"]["/Lang"] == config.language
    assert info.creation_date == BUILT_AT


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_pdf_is_tagged_and_every_figure_has_alternative_text(pdfs, audience):
    reader = PdfReader(pdfs[audience])
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    elements = struct_elements(reader)
    kinds = {str(element["/S"]) for element in elements}
    assert {"/H1", "/H2", "/P", "/L"} <= kinds
    if audience in FULL:
        assert {"/Link", "/Figure"} <= kinds  # the contents entries; charts and timelines
    figures = [element for element in elements if element["/S"] == "/Figure"]
    for figure in figures:
        assert str(figure.get("/Alt", "")).strip(), f"{audience}: a figure has no alternative text"


def test_charts_and_timelines_describe_their_data_to_screen_readers(pdfs):
    alts = [str(element.get("/Alt", "")) for element in struct_elements(PdfReader(pdfs["business"])) if element["/S"] == "/Figure"]
    assert any(alt.startswith("Column chart of bilateral trade in USD million") and "563" in alt for alt in alts)
    assert any("Timeline, 1992 to 2024" in alt and "Diplomatic relations" in alt for alt in alts)
    assert "Central Asia Policy Desk" in alts  # the logo


@pytest.mark.parametrize("audience", AUDIENCES)
def test_fonts_are_the_shipped_ones_embedded_and_subset(pdfs, audience):
    used = fonts(PdfReader(pdfs[audience]))
    assert used
    for font in used:
        name = str(font["/BaseFont"])
        assert embedded(font), f"{audience}: {name} is not embedded"
        assert re.match(r"^/[A-Z]{6}\+", name), f"{audience}: {name} is not subset"
        assert name.split("+", 1)[1].startswith(SHIPPED_FONTS), f"{audience}: {name} is not a shipped font"


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
@pytest.mark.parametrize("audience", AUDIENCES)
def test_qpdf_finds_no_errors(pdfs, audience):
    checked = subprocess.run(["qpdf", "--check", str(pdfs[audience])], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No syntax or stream encoding errors" in checked.stdout


def test_the_audience_theme_reaches_the_pdf(pdfs, project):
    business = briefing_html(make_edition(project, "business"))
    assert "--accent: #9C4F1C;" in business and '<img class="logo"' in business
    government = briefing_html(make_edition(project, "government"))
    assert '<img class="logo"' in government  # the project's logo, on every cover
    cover = PdfReader(pdfs["business"]).pages[0].get_contents().get_data().decode("latin-1")
    assert "0.611765 0.309804 0.109804 rg" in cover  # #9C4F1C, the cover band


# --- options, on the small sample project -------------------------------------------------

@pytest.mark.slow
def test_letter_paper_on_request(project_copy, tmp_path):
    pdf = build_variant(project_copy(), "team", "pdf:\n  page_size: Letter\n", tmp_path / "out")
    reader = PdfReader(pdf)
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
    if shutil.which("pdftotext"):
        pages = page_texts(pdf, layout=False)
        assert "Quarterly review" in pages[0] and "$180 thousand" in flat(pages[0])  # the cover is one page
        assert "Page 2 of" in pages[1]


@pytest.mark.slow
def test_a4_by_default(project_copy, tmp_path):
    project = project_copy()
    build(project, audiences=["team"], formats=["pdf"], out_dir=tmp_path / "out")
    page = PdfReader(next((tmp_path / "out" / "team").glob("*.pdf"))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


# WeasyPrint 70 opens its sRGB profile for PDF/A and never closes it.
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_pdf_a_on_request(project_copy, tmp_path):
    pdf = build_variant(project_copy(), "board", "pdf:\n  variant: pdf/a-3b\n", tmp_path / "out")
    gc.collect()  # let the unclosed profile be reported here, under this test's filter
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part(>|=\")3", xmp) and re.search(r"pdfaid:conformance(>|=\")B", xmp)
    assert "/OutputIntents" in root
    assert root["/Lang"] == "en" and reader.metadata.title.startswith("Quarterly review")
    for font in fonts(reader):
        assert embedded(font)
    if shutil.which("qpdf"):
        assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0


@pytest.mark.slow
@needs_poppler
def test_a_long_table_repeats_its_header_and_never_splits_a_row(project_copy, tmp_path):
    project = project_copy()
    rows = "".join(f"r{n:02d},Region {n:02d},2025,{1000 + n},tonnes,ledger,,,Shipments to region {n:02d}\n" for n in range(1, 71))
    (project / "content" / "data" / "regions.csv").write_text("key,label,year,value,unit,source,qualifier,derived,note\n" + rows)
    (project / "content" / "sections" / "03-regions.md").write_text(
        "---\ntitle: Regions\norder: 30\ntags: [numbers]\nsummary: Seventy regions.\n---\n\n"
        "::: table\ndata: regions\ncolumns: [label, value, note]\ntitle: Shipments by region\n:::\n"
    )
    build(project, audiences=["team"], formats=["pdf"], out_dir=tmp_path / "out")
    pages = page_texts(next((tmp_path / "out" / "team").glob("*.pdf")))
    holding = [i for i, page in enumerate(pages) if "Region 01" in page or "Region 70" in page or "Region 35" in page]
    spanned = range(min(holding), max(holding) + 1)
    assert len(spanned) >= 2, "the table should run over more than one page"
    for i in spanned:
        assert re.search(r"^\s*Value\s+Note\s*$", pages[i], re.M), f"page {i + 1} lacks the table's header row"
    for n in range(1, 71):
        whole_row = re.compile(rf"Region {n:02d}\s+{1000 + n:,} tonnes\s+Shipments to region {n:02d}")
        assert sum(bool(whole_row.search(pages[i])) for i in spanned) == 1, f"row {n} is split or missing"
