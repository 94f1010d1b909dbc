"""Helpers the test modules share (fixtures are in conftest.py, which imports these): paths,
the CLI run in-process, project edits, LibreOffice conversions, slide-text measuring, Excel
number formats and reading PDFs. Test modules take helpers from here, not from each other (only
test_russian_edition imports test_decks_built's tests, to run them again on the Russian deck)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Callable

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from reportgen import textfit
from reportgen.cli import main

PROJECTS = Path(__file__).parent / "projects"
REPO = Path(__file__).parent.parent
# The repository's one source as its Chicago styles print it (headline in title case).
REPO_SOURCE_TITLE = "Kazakhstan and Turkmenistan: Cornerstones of Central Asian Stability"
REPO_SOURCE_URL = "https://newscentralasia.net/2024/09/20/kazakhstan-and-turkmenistan-cornerstones-of-central-asian-stability"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    """Run `reportgen ARGS…` in-process and capture its exit code and output."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(arg) for arg in args], stdout=stdout, stderr=stderr)
    return CliResult(code, stdout.getvalue(), stderr.getvalue())


def libreoffice_pdf(deck: Path, outdir: Path) -> Path:
    """Convert *deck* to PDF with LibreOffice, in a fresh profile (no lock shared between runs)."""
    profile = Path(f"/tmp/lo_profile_{uuid.uuid4().hex}")
    try:
        subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(outdir), str(deck)],
                       check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return outdir / (deck.stem + ".pdf")


def desk_of_projects(folder: Path, names: tuple[str, ...] = ("kz-tm", "kz-uz", "kz-kg")) -> list[Path]:
    """Copy the minimal project to *folder*/<name> for each name, each with the name in its title."""
    projects = []
    for name in names:
        target = folder / name
        shutil.copytree(PROJECTS / "minimal", target)
        config = target / "content" / "report.yaml"
        config.write_text(config.read_text().replace("title: ", f"title: {name} ", 1))
        projects.append(target)
    return projects


# The minimal project's files, and edits of them (a project folder -> None)
S1 = "content/sections/01-overview.md"
BOARD = "content/audiences/board.yaml"
PROSE = "Sales grew in each quarter"  # the first words of S1's body, on line 12

Edit = Callable[[Path], None]


def replace(rel: str, old: str, new: str) -> Edit:
    def edit(project: Path) -> None:
        path = project / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def write(rel: str, content: str | bytes) -> Edit:
    def edit(project: Path) -> None:
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return edit


def before_prose(text: str) -> Edit:
    """Put *text* at the start of the overview's body (line 12)."""
    return replace(S1, PROSE, text + PROSE)


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims *width*×*height* pixels, with no pixel data (a few dozen bytes)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")


def measured_height(shape, bullet_indent: int = 285_750) -> int:
    """Return the height *shape*'s text takes, measured as the renderer does (bullets hang by
    *bullet_indent* EMU, the built-in master's)."""
    insets = text_insets(shape)
    width = shape.width - insets["lIns"] - insets["rIns"]
    total = insets["tIns"] + insets["bIns"]
    for index, paragraph in enumerate(shape.text_frame.paragraphs):
        runs = paragraph.runs or []
        size = max((run.font.size.pt for run in runs if run.font.size), default=18.0)
        bold = any(run.font.bold for run in runs)
        indent = 0 if paragraph._p.find(f"{qn('a:pPr')}/{qn('a:buNone')}") is not None else bullet_indent
        if not shape.is_placeholder or shape.placeholder_format.type in (
                PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.FOOTER,
                PP_PLACEHOLDER.SLIDE_NUMBER):
            indent = 0
        style = textfit.TextStyle(size, bold=bold, line_spacing=paragraph.line_spacing or 1.0,
                                  space_before=paragraph.space_before.pt if paragraph.space_before else 0,
                                  indent=indent)
        total += textfit.paragraph_height(paragraph.text, width, style, first=index == 0)
    return total


def text_insets(shape) -> dict[str, int]:
    insets = {"lIns": 91440, "tIns": 45720, "rIns": 91440, "bIns": 45720}
    chain = [shape._element]
    if shape.is_placeholder:
        chain.append(shape._base_placeholder._element)
    for key in insets:
        for element in chain:
            body_pr = element.find(f".//{qn('a:bodyPr')}")
            if body_pr is not None and body_pr.get(key) is not None:
                insets[key] = int(body_pr.get(key))
                break
    return insets


def render_format(code: str, value: float) -> str:
    """Render *value* with one of the Excel number formats reportgen writes: literals, digits, scaling."""
    section = code.split(";")[1 if value < 0 and ";" in code else 0]
    match = re.fullmatch(r'(?:"([^"]*)")?([#0,]*[#0])(?:\.(0+))?(,*)(?:"([^"]*)")?', section)
    assert match, f"unexpected number format {code!r}"
    prefix, digits, decimals, scale, suffix = match.groups()
    places = Decimal(1).scaleb(-len(decimals or ""))  # Excel rounds half away from zero
    scaled = (Decimal(repr(abs(value))) / 1000 ** len(scale)).quantize(places, ROUND_HALF_UP)
    text = f"{scaled:{',' if ',' in digits else ''}.{len(decimals or '')}f}"
    return f"{prefix or ''}{text}{suffix or ''}"


def assert_renders_cleanly(path, slides: int, tmp_path) -> None:
    """Assert LibreOffice renders the deck at *path* one page a slide, no word off-slide or overlapping."""
    pdf = libreoffice_pdf(path, tmp_path)
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S)
    assert len(pages) == slides
    for number, (width, height, body) in enumerate(pages, start=1):
        words = [(float(x0), float(y0), float(x1), float(y1), text) for x0, y0, x1, y1, text in
                 re.findall(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>', body)]
        for x0, y0, x1, y1, text in words:
            assert x0 >= 0 and y0 >= 0, f"slide {number}: {text!r} is off the slide"
            assert x1 <= float(width) + 0.5 and y1 <= float(height) + 0.5, f"slide {number}: {text!r} is off the slide"
        for index, first in enumerate(words):
            for second in words[index + 1 :]:
                assert _overlap(first, second) < 0.25, f"slide {number}: {first[4]!r} overlaps {second[4]!r}"


def _overlap(a, b) -> float:
    """Return the share of the smaller word's box that the other word's box covers."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])) or 1.0
    return width * height / smaller


# Reading PDFs

@lru_cache(maxsize=None)
def page_texts(path: Path, layout: bool = True) -> tuple[str, ...]:
    """Return the text of each page: laid out line by line as printed (pdftotext -layout),
    or in the order it was written (pdftotext -raw), so a key figure set in two sizes reads as one."""
    command = ["pdftotext", "-layout" if layout else "-raw"]
    text = subprocess.run(command + [str(path), "-"], capture_output=True, text=True, check=True).stdout
    return tuple(text.split("\f")[:-1])


def flat(text: str) -> str:
    return " ".join(text.split())


def outline(path: Path) -> list[tuple[int, str, int]]:
    """Return the bookmarks as (level, title, 1-based page), in order."""
    reader = PdfReader(path)
    found: list[tuple[int, str, int]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


def struct_elements(reader: PdfReader) -> list[DictionaryObject]:
    """Return every element of the PDF's structure tree."""
    elements, seen = [], set()

    def visit(node: object) -> None:
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                return
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                visit(kid)
        elif isinstance(node, DictionaryObject):
            if node.get("/Type") == "/StructElem" or "/S" in node:
                elements.append(node)
            if "/K" in node:
                visit(node["/K"])

    visit(reader.trailer["/Root"]["/StructTreeRoot"])
    return elements


def fonts(reader: PdfReader) -> list[DictionaryObject]:
    """Return every font used on any page, including inside form XObjects (charts, logos)."""
    found, seen = [], set()

    def visit(resources: object) -> None:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            return
        for reference in (resources.get("/Font") or {}).values():
            if reference.idnum not in seen:
                seen.add(reference.idnum)
                found.append(reference.get_object())
        for reference in (resources.get("/XObject") or {}).values():
            xobject = reference.get_object()
            if reference.idnum not in seen and xobject.get("/Subtype") == "/Form":
                seen.add(reference.idnum)
                visit(xobject.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def embedded(font: DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
