"""Edition -> HTML (Jinja templates) -> PDF (WeasyPrint, confined to the project)."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from pathlib import Path
from typing import Any, Sequence

from markupsafe import Markup

from ..citations import references, resolve_briefing
from ..errors import ReportgenError
from ..fonts import font_face_rules
from ..front import edition_front, repeated_tables
from ..glyphs import cannot_draw, undrawable
from ..locales import using
from ..markdown import inline_html
from ..model import ChartSpec, Edition, Event, Figure, format_date
from ..resources import ASSETS, MAX_FETCH_BYTES, clip, css_unescape, html_resources, raster_refusal, read_file, refusal
from ..templates import PACKAGE_TEMPLATES, find_file, render_template, template_environment
from ..timestamp import build_timestamp
from ..xref import resolve_xrefs
from .frame_stack import roomy
from .pagination import arranged, block_key, laid_out

# CSS page size and the page's height (the cover fills exactly one page).
PAGE_SIZES = {"A4": ("A4", "297mm"), "Letter": ("letter", "279.4mm")}
_PAGE_WIDTHS_MM = {"A4": 210.0, "Letter": 215.9}
_PAGE_MARGIN_MM = 20.0  # left and right; briefing.css sets the same
_TEXT_COLUMN_MM = 118.0
_SIDE_GAP_MM = 6.0  # between the text and a side note
_CHART_SIZE_MM = (160.0, 60.0)  # drawn at the text column's width, scaled to fit it
_TIMELINE_SIZE_MM = (160.0, 46.0)
# The number of a key figure, its grouping spaces ('3 000') and percent sign ('28 %') included.
_FIGURE_NUMBER = re.compile(r"^(\D*?)([$€£]?\d(?:[\d,.]|[\u00a0\u202f](?=\d))*(?:\u00a0?%)?)\s*(.*)$", re.S)


def font_faces() -> str:
    """Return the @font-face rules for the shipped open-licence fonts."""
    return font_face_rules()


def briefing_layout(edition: Edition) -> str:
    """Return ``"brief"`` (no contents page, sections run on as one summary) or ``"full"``.

    An audience may ask for one with ``pdf: {layout: …}``; otherwise an edition whose every
    section is at summary depth is a brief.
    """
    chosen = edition.audience.pdf_layout
    if chosen in ("brief", "full"):
        return chosen
    return "brief" if edition.sections and all(s.depth == "summary" for s in edition.sections) else "full"


def briefing_context(edition: Edition) -> dict[str, Any]:
    """Return the one context object the briefing templates see."""
    from .. import charts

    theme = edition.audience.theme
    logo = ""
    logo_file, logo_owner = (theme.logo, edition.audience.path) if theme.logo else (edition.config.logo, edition.config.path)
    if logo_file:
        logo_path = (edition.root / logo_file).resolve()
        if not logo_path.is_relative_to(edition.root.resolve()):
            raise ReportgenError(f"logo '{logo_file}' is outside the project", logo_owner)
        if not logo_path.is_file():
            raise ReportgenError(f"logo '{logo_file}' not found", logo_owner)
        logo = logo_path.as_uri()
    page_size, page_height = PAGE_SIZES.get(edition.audience.page_size, PAGE_SIZES["A4"])
    page_width = _PAGE_WIDTHS_MM.get(edition.audience.page_size, _PAGE_WIDTHS_MM["A4"])

    def chart_svg(spec: ChartSpec) -> Markup:
        # WeasyPrint takes a tagged figure's /Alt from the SVG's <title>: give it the full
        # description, not just the heading printed above the chart.
        described = dataclasses.replace(spec, title=charts.chart_alt(spec))
        width, tallest = _CHART_SIZE_MM
        # A chart of two bars needs less height than the column's full chart box.
        height = min(tallest, charts.suggested_height(spec, width))
        return Markup(charts.chart_svg(described, theme, width, height))

    def timeline_svg(events: tuple[Event, ...], title: str = "") -> Markup:
        return Markup(charts.timeline_svg(events, theme, *_TIMELINE_SIZE_MM, title=timeline_alt(events, title)))

    return {
        "report": edition.config,
        "audience": edition.audience,
        "sections": edition.sections,
        "data": edition.data,
        "key_figures": edition.key_figures,
        "sources": edition.sources,
        "references": references(edition),
        "derived_figures": edition.derived_figures(),
        "labels": edition.labels,
        "theme": theme,
        "logo": logo,
        "layout": briefing_layout(edition),
        "front": edition_front(edition.sections, edition.audience),
        # The text column keeps 65-75 characters a line on any paper; the rest of the width
        # is the side column (notes beside the text) that charts, tables and figures span.
        "side_column": f"{page_width - 2 * _PAGE_MARGIN_MM - _TEXT_COLUMN_MM:.1f}mm",
        "text_column": f"{_TEXT_COLUMN_MM:.1f}mm",
        "side_note": f"{page_width - 2 * _PAGE_MARGIN_MM - _TEXT_COLUMN_MM - _SIDE_GAP_MM:.1f}mm",
        "page_size": page_size,
        "page_height": page_height,
        "report_date": format_date(edition.config.date),
        "created": build_timestamp().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "font_faces": Markup(font_faces()),
        "chart_svg": chart_svg,
        "timeline_svg": timeline_svg,
        "figure_caption": edition.figure_caption,
        "asset": lambda name: find_file(list(edition.template_dirs), str(name), edition.audience.path).as_uri(),
        "figure_parts": figure_parts,
        "block_key": block_key,
        "repeated_tables": lambda section: repeated_tables(section, edition),
        "blocks_of": lambda section: list(section.blocks),
        "tight": False,
        "sources_beside_allowed": True,
    }


def timeline_alt(events: tuple[Event, ...], title: str = "") -> str:
    """Return a timeline's description for screen readers: its span, then every event."""
    if not events:
        return title
    years = sorted(year for event in events for year in (event.year, event.end[:4]) if year)
    head = f"{title}. " if title else ""
    span = ("Timeline: " if not years else f"Timeline, {years[0]} to {years[-1]}: " if years[0] != years[-1]
            else f"Timeline, {years[0]}: ")
    return head + span + "; ".join(f"{e.when_long}, {e.title}" + (" (planned)" if e.is_planned and "planned" not in e.title.lower() else "")
                                   for e in events) + "."


def figure_parts(figure: Figure) -> tuple[str, str, str]:
    """Split a figure's text around its number: ('over', '3,000', 'students'), ('', '$563', 'million')."""
    match = _FIGURE_NUMBER.match(figure.text)
    if not match:
        return "", figure.text, ""
    return match.group(1).strip(), match.group(2), match.group(3).strip()


def _notes_attached(html: str) -> Markup:
    """Glue each footnote call to the word before it (a word joiner), so a full line never
    pushes the call alone onto the next line."""
    return Markup(str(html).replace('<span class="footnote">', '\u2060<span class="footnote">'))


def _css_string(text: object) -> Markup:
    """Return *text* as a quoted CSS string (for labels used in generated content)."""
    escaped = "".join(ch if ch.isprintable() and ch not in '"\\' else f"\\{ord(ch):x} " for ch in str(text))
    return Markup(f'"{escaped}"')


def briefing_html(edition: Edition, deferred: Sequence[str] = (), tight: bool = False, beside: bool = True,
                  checked: bool = False) -> str:
    """Render the edition's briefing to HTML through its template folders, in the edition's locale.

    *deferred* names figures (``section:line``) to print after the paragraph that follows
    them, as the PDF's layout asks when a figure would leave a hole (see pagination.py);
    *tight* sets the text a little closer, to take a few lines back from a short last page;
    *beside* puts the sources beside the "Also covered" digest (else after it). *checked*
    says the edition's briefing was checked as written: another arrangement of the same blocks
    uses the same resources and characters, so they are not checked again.
    """
    with using(edition.locale):
        return _briefing_html(edition, deferred, tight, beside, checked)


def _briefing_html(edition: Edition, deferred: Sequence[str], tight: bool, beside: bool, checked: bool) -> str:
    env = template_environment(edition.template_dirs)
    env.filters["inline"] = lambda text: Markup(inline_html(str(text)))
    env.filters["css_string"] = _css_string
    env.filters["notes_attached"] = _notes_attached
    context = briefing_context(edition)
    context["blocks_of"] = lambda section: arranged(section, section.blocks, deferred)
    context["tight"] = tight
    context["sources_beside_allowed"] = beside
    html = render_template(env, "briefing.html.j2", context)
    html = resolve_briefing(html, edition)
    html = resolve_xrefs(html, edition, briefing_layout(edition))
    if checked:
        return html
    check_resources(html, edition)
    char = undrawable(html)  # one a template or an escape in prose produced: files are checked when read
    if char is not None:
        escapes = (char, f"\\U{ord(char):08X}", f"\\U{ord(char):08x}", f"\\u{ord(char):04X}", f"\\u{ord(char):04x}", f"&#{ord(char)};")
        places = [_referrer(edition, escape) for escape in escapes]
        raise ReportgenError(cannot_draw(char), *next((place for place in places if place[1] is not None), places[0]))
    return html


def check_resources(html: str, edition: Edition) -> None:
    """Raise an error naming the referring file for any resource the PDF could not use.

    The same rule as the confined fetcher, applied to the HTML before layout, so that
    ``reportgen check`` reports what a build would refuse.
    """
    from urllib.parse import urljoin

    roots = _allowed_roots(edition)
    pending = [(edition.root.resolve().as_uri() + "/", html)]
    seen: set[str] = set()
    while pending:  # the HTML, then each SVG image it uses (an SVG may refer to images too)
        base, text = pending.pop()
        for url in html_resources(text):
            if url.startswith("attachment:"):
                raise ReportgenError('attachments are not allowed (rel="attachment")', *_referrer(edition, "attachment"))
            if not url.strip() or url.startswith("#"):
                continue
            absolute = urljoin(base, url.strip())
            if absolute in seen:
                continue
            seen.add(absolute)
            reason = refusal(absolute, roots) or _content_refusal(absolute, pending)
            if reason:
                raise ReportgenError(f"resource {clip(_shown_url(absolute, edition.root), 100)!r} refused: {reason}", *_referrer(edition, absolute))


def _content_refusal(url: str, pending: list[tuple[str, str]]) -> str | None:
    """Return why the file at the allowed *url* is refused by content (too many pixels), or None;
    queue an SVG's text on *pending* so that its own references are checked too."""
    from urllib.parse import unquote, urlsplit

    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        import base64
        import binascii
        from urllib.parse import unquote_to_bytes

        header, _comma, payload = url.partition(",")
        try:
            data = base64.b64decode(payload) if header.lower().endswith(";base64") else unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            return None  # the renderer will say it cannot load it
        return raster_refusal(data, whole=True) or None
    if scheme != "file":
        return None
    path = Path(unquote(urlsplit(url).path))
    if any(path.resolve().is_relative_to(own) for own in _PACKAGE_FILES):
        return None  # reportgen's own fonts and images (megabytes of fonts per edition), not the user's
    data = read_file(path, [path], "", MAX_FETCH_BYTES)
    if path.suffix.lower() == ".svg":
        pending.append((url, data.decode("utf-8", errors="replace")))
        return None
    return raster_refusal(data, whole=True) or None


_PACKAGE_FILES = (ASSETS.resolve(), PACKAGE_TEMPLATES.resolve())


def _allowed_roots(edition: Edition) -> list[Path]:
    return [edition.root.resolve(), ASSETS.resolve(), PACKAGE_TEMPLATES.resolve()]


def write_pdf(html: str, edition: Edition) -> tuple[bytes, int]:
    """Lay out *html* with WeasyPrint; return the PDF bytes and its number of pages.

    Resources are confined to the project folder and the package's assets; anything
    else (network, other files, attachments) is refused with an error.
    """
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _confined_fetcher(_allowed_roots(edition))
    fonts = FontConfiguration()
    variant = edition.audience.pdf_variant
    options: dict[str, Any] = {
        "pdf_variant": None if variant == "none" else variant,
        "pdf_tags": variant != "none",
        "pdf_identifier": b"reportgen-" + edition.audience.name.encode()[:32],
        "attachments": [],
    }

    def layout(source: str) -> Any:
        document = weasyprint.HTML(string=source, base_url=edition.root.resolve().as_uri() + "/", url_fetcher=fetcher)
        return roomy(document.render, font_config=fonts, **options)  # see frame_stack.py

    from weasyprint.urls import FatalURLFetchingError

    with _weasyprint_messages() as messages:
        try:
            rendered = laid_out(html, lambda arrangement: briefing_html(edition, arrangement.deferred, arrangement.tight,
                                                                        arrangement.sources_beside, checked=True), layout)
            # <a>/<link rel="attachment"> would embed a file in the PDF: not from a report.
            linked = [target for page in rendered.pages for kind, target, *_rest in page.links if kind == "attachment"]
            if linked or rendered.metadata.attachments:
                raise ReportgenError('attachments are not allowed (rel="attachment")', *_referrer(edition, "attachment"))
            off_page = _text_off_page(rendered)
            if off_page:
                number, text = off_page
                raise ReportgenError(f"text runs off page {number} of the PDF: {clip(text, 60)!r} (break it up or shorten it)",
                                     *_referrer(edition, text[:40]))
            pdf = roomy(rendered.write_pdf, **options)
        except FatalURLFetchingError as error:  # the fetcher failed (fail_on_errors): WeasyPrint stopped there
            if not fetcher.refused:
                raise ReportgenError(f"WeasyPrint: {clip(str(error.__cause__ or error), 200)}", *_referrer(edition, "")) from None
    if fetcher.refused:
        url, reason = fetcher.refused[0]
        raise ReportgenError(f"resource {clip(_shown_url(url, edition.root), 100)!r} refused: {reason}", *_referrer(edition, url))
    for record in messages:
        # A file fetched but unusable (a corrupt image) is only logged by WeasyPrint, with its URL.
        kind = _UNLOADABLE.get(str(record.msg))
        args = record.args if isinstance(record.args, tuple) else ()
        if kind and args:
            url, reason = str(args[0]), str(args[1]).strip() if len(args) > 1 else ""
            reason = f": {clip(reason, 120)}" if reason else " (missing, corrupt or not an image)"
            raise ReportgenError(f"{kind} {clip(_shown_url(url, edition.root), 100)!r} cannot be loaded{reason}", *_referrer(edition, url))
        message = record.getMessage()
        if "Failed to" in message or "Ignored" in message and "url" in message:
            raise ReportgenError(f"WeasyPrint: {clip(message, 200)}", *_referrer(edition, ""))
    return pdf, len(rendered.pages)


# WeasyPrint's log messages for a resource it fetched but could not use: (url, exception) args.
_UNLOADABLE = {
    "Failed to load image at %r: %s": "image",
    "Failed to load stylesheet at %s: %s": "stylesheet",
    "Failed to load stylesheet at %s : %s": "stylesheet",
}


def _text_off_page(rendered: Any) -> tuple[int, str] | None:
    """Return the page number and text of the first piece of text laid out beyond its page's edges."""
    from weasyprint.formatting_structure import boxes

    for number, page in enumerate(rendered.pages, start=1):
        for box in page._page_box.descendants():
            if isinstance(box, boxes.TextBox) and box.text.strip() and (
                box.position_x < -0.5 or box.position_y < -0.5
                or box.position_x + box.width > page.width + 0.5 or box.position_y + box.height > page.height + 0.5
            ):
                return number, box.text.strip()
    return None


def _referrer(edition: Edition, url: str) -> tuple[str, int | None]:
    """Return the project file and line that refer to *url*, for an error about it.

    Section images are checked when they are parsed; what reaches the PDF renderer comes
    from the audience's templates (a CSS url(), an <img> in an override), so those are
    searched first, then the sections. Say where we looked when nothing matches.
    """
    from urllib.parse import unquote, urlsplit

    root = edition.root.resolve()
    wanted = [url, unquote(url)] if url else []
    if urlsplit(url).scheme == "file":
        local = Path(unquote(urlsplit(url).path))
        wanted.append(str(local.relative_to(root)) if local.is_relative_to(root) else str(local))
        wanted.append(os.path.relpath(local, root))  # "../../etc/passwd", as a stylesheet may write it
    folders = [folder for folder in edition.template_dirs if folder.resolve() != PACKAGE_TEMPLATES.resolve()]
    files = [file for folder in folders if folder.is_dir() for file in sorted(folder.rglob("*")) if file.is_file()]
    files += [edition.root / section.path for section in edition.sections]
    # An SVG image or a stylesheet elsewhere in the project may refer to the URL itself.
    files += [
        file for file in sorted(root.rglob("*")) if file.suffix.lower() in (".svg", ".css") and file.is_file()
        and not any(part.startswith(".") or part == "build" for part in file.relative_to(root).parts)
    ]
    for file in files:
        try:
            text = read_file(file, [root], "", MAX_FETCH_BYTES).decode("utf-8", errors="replace")
        except ReportgenError:  # not a file the build could read: it cannot be the referrer
            continue
        if file.suffix.lower() in (".css", ".j2", ".html", ".svg"):
            text = css_unescape(text)  # a url() written with escapes is found as the renderer reads it
        for candidate in filter(None, wanted):
            index = text.find(candidate)
            if index >= 0:
                shown = file.resolve().relative_to(root) if file.resolve().is_relative_to(root) else file
                return str(shown), text.count("\n", 0, index) + 1
    looked = ", ".join(f"templates/{folder.name}" for folder in folders)
    return f"the briefing templates ({looked or 'built-in'})", None


def _shown_url(url: str, root: Path) -> str:
    """Show a file URL inside the project as its path in the project."""
    from urllib.parse import unquote, urlsplit

    if urlsplit(url).scheme == "file":
        local = Path(unquote(urlsplit(url).path))
        if local.is_relative_to(root.resolve()):
            return str(local.relative_to(root.resolve()))
    return url


class _Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record)


class _weasyprint_messages:
    """Collect WeasyPrint's warnings (it logs rather than raises) for the duration of a render."""

    def __enter__(self) -> list[logging.LogRecord]:
        self.logger = logging.getLogger("weasyprint")
        self.handler = _Messages()
        self.logger.addHandler(self.handler)
        self.propagate = self.logger.propagate
        self.logger.propagate = False
        return self.handler.messages

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate


def _confined_fetcher(roots: list[Path]) -> Any:
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ConfinedFetcher(URLFetcher):
        """Serve only data: URLs and files inside *roots*; refuse everything else."""

        def __init__(self) -> None:
            # fail_on_errors: a resource that cannot be fetched stops the layout (FatalURLFetchingError)
            # instead of being logged and left out; self.refused says which and why.
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True)
            self.refused: list[tuple[str, str]] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            reason = refusal(url, roots)
            if reason:
                self.refused.append((url, reason))
                raise ValueError("refused")
            try:
                if urlsplit(url).scheme.lower() == "data":
                    response = super().fetch(url, headers)
                    body = response.read(MAX_FETCH_BYTES + 1)
                    if len(body) > MAX_FETCH_BYTES:
                        raise ReportgenError(f"is too large (more than {MAX_FETCH_BYTES:,} bytes)")
                    url, response_headers = response.url, response.headers
                else:
                    path = Path(unquote(urlsplit(url).path)).resolve()
                    body = read_file(path, roots, "", MAX_FETCH_BYTES, subject="file")
                    url, response_headers = path.as_uri(), None
            except ReportgenError as error:  # the file changed since refusal() looked
                self.refused.append((url, error.message.removeprefix("file ")))
                raise ValueError("refused") from None
            # Pixels are counted for every raster image, wherever it is referred from (CSS, SVG).
            reason = raster_refusal(body, whole=True)
            if reason:
                self.refused.append((url, reason))
                raise ValueError("refused")
            return URLFetcherResponse(url=url, body=body, headers=response_headers)

    return ConfinedFetcher()
