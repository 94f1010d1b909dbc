"""Citations, notes, the bibliography and cross-references, on tests/projects/citations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import REPO_SOURCE_TITLE, REPO_SOURCE_URL
from pptx import Presentation
from pypdf import PdfReader

from reportgen.bibliography import Cite, parse_locator
from reportgen.build import build
from reportgen.citations import parse_cluster, strip_citations

TITLES = {"overview": "Overview", "cargo": "Cargo in figures", "quay": "The new quay"}
ORDERS = {"notes": ["overview", "cargo", "quay"], "reversed": ["quay", "cargo", "overview"]}
XREF = re.compile(r"section\s(\d+)\s\(page\s(\d+)\)")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("citations")
    build(Path(__file__).parent / "projects" / "citations", out_dir=out, formats=["pdf", "pptx", "html"], jobs=1)
    return out


def html_of(built: Path, audience: str) -> str:
    return (built / audience / "harbour-review.html").read_text(encoding="utf-8")


def footnotes(document: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", note) for note in re.findall(r'<span class="footnote" id="note-\d+">(.*?)</span>', document)]


def pages(built: Path, audience: str) -> list[str]:
    reader = PdfReader(built / audience / "harbour-review.pdf")
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_cluster_syntax():
    assert parse_cluster("@a") == [Cite("a")]
    assert parse_cluster("@a, p. 4") == [Cite("a", "page", "4")]
    assert parse_cluster("see @a, para. 3; @b") == [Cite("a", "paragraph", "3", "see"), Cite("b")]
    assert parse_cluster("not a citation") is None
    assert parse_locator("12") == ("page", "12")
    assert parse_locator("chap. 2") == ("chapter", "2")
    assert strip_citations("Trade rose [@a, p. 4]. Again [@a; @b].") == "Trade rose. Again."


def test_a_repeated_citation_keeps_its_note_number(built):
    document = html_of(built, "notes")
    notes = footnotes(document)
    # The summary cites port-2025 first (note 1); the overview's two further citations of it,
    # each called after its sentence's full stop, link back to that note instead of repeating it.
    assert re.search(r'of cargo in 2025\.\u2060<a class="note-ref" href="#note-1">1</a>\s+Volumes grew by 20% on the year\s+'
                     r'before\.\u2060<a class="note-ref" href="#note-1">1</a>', document)
    assert len(notes) == len(set(notes)), "two footnotes print the same text"


def test_first_citation_is_a_full_note_then_the_short_form(built):
    notes = footnotes(html_of(built, "notes"))
    assert notes[0] == "Harbour Authority, Annual Cargo Report 2025 (Harbour Authority, January 20, 2026), https://example.org/cargo-2025."
    assert notes[1] == "Harbour Authority, Annual Cargo Report 2025, January 20, 2026, 4."  # another locator: a new, short note


def test_a_locator_and_two_sources_in_one_citation(built):
    notes = footnotes(html_of(built, "notes"))
    both = [note for note in notes if "9;" in note]
    assert both == ["Harbour Authority, Annual Cargo Report 2025, January 20, 2026, 9; "
                    "Ada Okafor, “Cranes Arrive at the New Quay,” Harbour Gazette, November 3, 2025, https://example.org/gazette/cranes."]


def test_author_date_style_puts_citations_in_the_text(built):
    document = html_of(built, "authordate")
    text = " ".join(re.sub(r"<[^>]+>", "", document).split())
    assert "The growth came mostly from containers (Harbour Authority 2026, 4)." in text
    assert "(Harbour Authority 2026, 9; Okafor 2025)" in text
    assert footnotes(document) == []
    assert "Okafor, Ada. 2025. “Cranes Arrive at the New Quay.” Harbour Gazette, November 3." in text
    # An author-date reference list is read by author and year: unnumbered; a notes list is numbered.
    assert '<ul class="source-list">' in document and '<ol class="source-list">' in html_of(built, "notes")


def test_bibliography_lists_every_source_with_its_url_as_a_link(built):
    reader = PdfReader(built / "notes" / "harbour-review.pdf")
    uris = {annot.get_object()["/A"]["/URI"] for page in reader.pages for annot in page.get("/Annots") or []
            if annot.get_object().get("/A", {}).get("/URI")}
    assert {"https://example.org/cargo-2025", "https://example.org/gazette/cranes"} <= uris
    last = pages(built, "notes")[-2] + pages(built, "notes")[-1]
    assert "Okafor, Ada. “Cranes Arrive at the New Quay.” Harbour Gazette, November 3, 2025." in last


@pytest.mark.parametrize("audience", ["notes", "reversed"])
def test_cross_references_give_the_number_and_page_of_the_heading(built, audience):
    texts = pages(built, audience)
    found = [(int(n), int(p)) for page in texts for n, p in XREF.findall(page)]
    assert len(found) == 3
    for number, page in found:
        title = TITLES[ORDERS[audience][number - 1]]
        headings = heading_pages(built / audience / "harbour-review.pdf")
        heading_page = next(p for t, p in headings.items() if t.endswith(title))
        assert page == heading_page, f"section {number} ({title}) is on page {heading_page}, not {page}"
    assert {n for n, _p in found} == ({3, 2} if audience == "notes" else {1, 2})


@pytest.mark.parametrize("audience", ["notes", "reversed"])
def test_a_table_is_referred_to_by_its_number_and_page(built, audience):
    texts = pages(built, audience)
    refs = [int(p) for page in texts for p in re.findall(r"table\s1\s\(page\s(\d+)\)", page)]
    assert len(refs) == 1
    assert "Table 1. Cargo handled" in texts[refs[0] - 1]


def test_slides_show_source_names_and_the_closing_slide_the_references(built):
    deck = Presentation(built / "notes" / "harbour-review.pptx")
    texts = [[shape.text_frame.text for shape in slide.shapes if shape.has_text_frame] for slide in deck.slides]
    everything = " ".join(" ".join(t) for t in texts)
    assert "[@" not in everything and "port-2025" not in everything and "gazette-2025" not in everything
    overview = next(t for t in texts if t and t[0] == "Overview")
    assert "Source: Harbour Authority, 20 January 2026; Okafor, Harbour Gazette, 3 November 2025" in overview
    assert "12 million tonnes handled in 2025" in overview[1]
    notes = [slide.notes_slide.notes_text_frame.text for slide in deck.slides if slide.has_notes_slide]
    assert any("The quay opened with three cranes. Its first" in n and "summed up in Cargo in figures, in the table." in n for n in notes)
    closing = " ".join(texts[-1])
    assert "Okafor, Ada. “Cranes Arrive at the New Quay.” Harbour Gazette, November 3, 2025. https://example.org/gazette/cranes." in closing


def test_tables_show_source_names_not_ids(built):
    text = " ".join(pages(built, "notes"))
    assert "port-2025" not in text and "gazette-2025" not in text
    assert "2025 12 million tonnes Harbour Authority, 20 January 2026" in text


def test_an_unknown_source_is_one_line_naming_file_line_and_known_ids(project_copy, cli):
    root = project_copy("citations")
    section = root / "content" / "sections" / "03-quay.md"
    section.write_text(section.read_text().replace("three cranes [@gazette-2025]", "three cranes [@gazete-2025, p. 2]"))
    result = cli("check", root)
    assert result.code == 1
    assert result.err == ("content/sections/03-quay.md:11: error: unknown source 'gazete-2025' in citation "
                          "'[@gazete-2025, p. 2]' (known: gazette-2025, port-2025)\n")


def test_a_cross_reference_to_a_section_the_edition_leaves_out(project_copy, cli):
    root = project_copy("citations")
    (root / "content" / "audiences" / "reversed.yaml").write_text(
        "title: Short\norder: [cargo]\nsections:\n  - {id: overview, depth: full}\n  - {id: cargo, depth: full}\n")
    result = cli("check", root)
    assert result.code == 1
    assert result.err == ("content/sections/01-overview.md:17: error: unknown section 'quay' in ref() for the reversed "
                          "edition: content/audiences/reversed.yaml leaves it out (give ref('quay', otherwise='…') words to use instead)\n"
                          "content/sections/02-cargo.md:12: error: unknown section 'quay' in ref() for the reversed "
                          "edition: content/audiences/reversed.yaml leaves it out (give ref('quay', otherwise='…') words to use instead)\n")


def test_a_cross_reference_may_fall_back_to_words_of_its_own(project_copy, cli):
    root = project_copy("citations")
    (root / "content" / "audiences" / "reversed.yaml").write_text(
        "title: Short\nsections:\n  - {id: overview, depth: full}\n")
    section = root / "content" / "sections" / "01-overview.md"
    section.write_text(section.read_text().replace("{{ ref('quay') }}", "{{ ref('quay', otherwise='the full briefing') }}"))
    assert cli("check", root).code == 0


# The repository's own project ---------------------------------------------------------

REPO_AUDIENCES = ["government", "business", "academic", "executive"]


def repo_pages(repo_build: Path, audience: str) -> list[str]:
    reader = PdfReader(repo_build / audience / "kz-tm-partnership.pdf")
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def heading_pages(path: Path) -> dict[str, int]:
    """Return each bookmark's title (section headings) with its 1-based page."""
    reader = PdfReader(path)
    found: dict[str, int] = {}

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.setdefault(" ".join(str(item.title).split()), reader.get_destination_page_number(item) + 1)

    walk(reader.outline)
    return found


def squash(text: str) -> str:
    return re.sub(r"[\s\-\u00ad]", "", text)


@pytest.mark.parametrize("audience", REPO_AUDIENCES)
def test_repo_pdfs_cite_through_the_bibliography(repo_build, audience):
    text = " ".join(repo_pages(repo_build, audience))
    assert "nca-2024" not in text and "[@" not in text
    squashed = squash(text)  # lines broken and words hyphenated anywhere
    assert REPO_SOURCE_URL in re.sub(r"\s", "", text), "the address is broken with an added hyphen"
    assert squash(f"nCa. “{REPO_SOURCE_TITLE}.” nCa, September 20, 2024. {REPO_SOURCE_URL}") in squashed, "no bibliography entry"
    if audience == "executive":  # short notes on the one page: the full reference is given once, under Sources
        assert squash("1. “Cornerstones of Central Asian Stability,” September 20, 2024, para. 14.") in squashed, "no short note"
        assert squashed.count(squash(REPO_SOURCE_TITLE)) == 1
    else:
        assert re.search(re.escape(squash(f"1. “{REPO_SOURCE_TITLE},” nCa, September 20, 2024, para. ")) + r"\d+,"
                         + re.escape(squash(REPO_SOURCE_URL)), squashed), "no first note"
    links = [annotation.get_object().get("/A", {}).get("/URI") for page in PdfReader(repo_build / audience / "kz-tm-partnership.pdf").pages
             for annotation in page.get("/Annots") or ()]
    assert REPO_SOURCE_URL in links, "the reference's URL is not a link"


@pytest.mark.parametrize("audience", REPO_AUDIENCES)
def test_repo_footnotes_are_never_printed_twice(audience):
    from reportgen.edition import make_edition
    from reportgen.project import load_project
    from reportgen.render.briefing import briefing_html

    document = briefing_html(make_edition(load_project(Path(__file__).parent.parent), audience))
    notes = footnotes(document)
    assert notes and len(notes) == len(set(notes))


@pytest.mark.parametrize("audience", REPO_AUDIENCES)
def test_repo_cross_references_point_at_the_headings_page(repo_build, audience):
    from reportgen.edition import make_edition
    from reportgen.project import load_project

    edition = make_edition(load_project(Path(__file__).parent.parent), audience)
    headings = heading_pages(repo_build / audience / "kz-tm-partnership.pdf")
    found = [(int(n), int(p)) for page in repo_pages(repo_build, audience) for n, p in XREF.findall(page)]
    if audience != "executive":  # the one-page brief shows summaries only
        assert found
    chapters = [section for section in edition.sections if section.depth != "summary"]
    for number, page in found:
        title = chapters[number - 1].title
        page_of = next(p for t, p in headings.items() if t.endswith(title))
        assert page == page_of, f"{audience}: section {number} ({title}) starts on page {page_of}, not {page}"
    # A section given only as a summary is referred to by its title, on the page of "Also covered".
    summaries = {section.title for section in edition.sections if section.depth == "summary"}
    for title, page in [(t, int(p)) for text in repo_pages(repo_build, audience) for t, p in re.findall(r"“([^”]+)”\s\(page\s(\d+)\)", text)]:
        if title in summaries and audience != "executive":
            assert page == headings["Also covered"], f"{audience}: “{title}” is on page {headings['Also covered']}, not {page}"


@pytest.mark.parametrize("audience", REPO_AUDIENCES)
def test_repo_decks_show_source_names_never_ids(repo_build, audience):
    deck = Presentation(repo_build / audience / "kz-tm-partnership.pptx")
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    texts += [slide.notes_slide.notes_text_frame.text for slide in deck.slides if slide.has_notes_slide]
    everything = " ".join(texts)
    assert "nca-2024" not in everything and "[@" not in everything and "{.xref}" not in everything
    assert "Source: nCa, 20 September 2024" in everything
    closing = [shape.text_frame.text for shape in deck.slides[-1].shapes if shape.has_text_frame]
    entry = f"nCa. “{REPO_SOURCE_TITLE}.” nCa, September 20, 2024. {REPO_SOURCE_URL}."
    assert any(entry in t for t in closing), closing


def test_shared_formatting_gives_what_citing_in_sequence_gives():
    from reportgen.bibliography import STYLES, Citer
    from reportgen.project import load_project

    sources = load_project(Path(__file__).parent / "projects" / "citations").config.sources
    sequence = [[Cite("port-2025")], [Cite("gazette-2025"), Cite("port-2025", "page", "9")],
                [Cite("port-2025", "page", "4")], [Cite("gazette-2025")], [Cite("port-2025")]]
    for style in STYLES.values():
        shared, sequential = Citer(sources, style), Citer(sources, style)
        sequential._memo_key = None  # every citation formatted by one citeproc bibliography, in order
        assert [shared.cite(c) for c in sequence] == [sequential.cite(c) for c in sequence]


def test_short_notes_give_even_a_first_citation_in_the_short_form():
    from reportgen.bibliography import STYLES, Citer
    from reportgen.project import load_project

    sources = load_project(Path(__file__).parent / "projects" / "citations").config.sources
    first = [Cite("gazette-2025")]
    full = Citer(sources, STYLES["notes"]).cite(first)
    short = Citer(sources, STYLES["short-notes"], short=True)
    assert full.startswith("Ada Okafor, “Cranes Arrive at the New Quay,” <i>Harbour Gazette</i>")
    assert short.cite(first) == "Okafor, “Cranes Arrive at the New Quay,” November 3, 2025."  # the style's subsequent form
