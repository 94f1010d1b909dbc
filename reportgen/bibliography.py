"""The bibliography: sources as CSL-JSON items, formatted by citeproc-py with a CSL style.

Sources come from ``sources:`` in ``content/report.yaml`` (mapped to CSL here) and from a
CSL-JSON file named by ``bibliography:``. The styles the package ships live in
``reportgen/assets/csl`` so a build never needs the network.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from . import memo
from .errors import ReportgenError
from .locales import current
from .model import Source, format_date
from .resources import ASSETS, MAX_TEXT_BYTES, confined_file
from .yamlfile import read_text

STYLES_DIR = ASSETS / "csl"
# Named styles; a project may also name a .csl file of its own (a path inside the project).
STYLES: Mapping[str, Path] = {
    "notes": STYLES_DIR / "chicago-notes.csl",
    "short-notes": STYLES_DIR / "chicago-notes.csl",  # every note in the short form: the bibliography gives the full one
    "author-date": STYLES_DIR / "chicago-author-date.csl",
}
SHORT_NOTES = "short-notes"
DEFAULT_STYLE = "notes"
# CSL item types whose "publisher" is the outlet they appear in (the container).
_OUTLET_TYPES = {"article-newspaper", "article-magazine", "article", "webpage", "post", "post-weblog", "broadcast"}
# Locator words (as written in a citation) -> CSL locator labels.
LOCATORS = {
    "p.": "page", "pp.": "page", "page": "page", "pages": "page",
    "para.": "paragraph", "paras.": "paragraph", "paragraph": "paragraph", "¶": "paragraph",
    "chap.": "chapter", "ch.": "chapter", "chapter": "chapter",
    "sec.": "section", "section": "section", "§": "section",
    "fig.": "figure", "figure": "figure", "n.": "note", "note": "note",
    "vol.": "volume", "l.": "line", "line": "line", "table": "table",
}


def source_from_config(item: Mapping[str, Any], path: str, line: int | None) -> Source:
    """Return a ``sources:`` entry of the project config as a Source with its CSL item."""
    fields = {key: item[key] for key in item if item[key] is not None}
    kind = str(fields.get("type") or ("article-newspaper" if fields.get("publisher") else "document"))
    csl: dict[str, Any] = {"id": str(fields["id"]), "type": kind, "title": str(fields["title"])}
    publisher = str(fields.get("publisher") or "")
    container = str(fields.get("container") or "")
    if kind in _OUTLET_TYPES and publisher and not container:
        container, publisher = publisher, ""
    for key, value in (("container-title", container), ("publisher", publisher), ("URL", fields.get("url")),
                       ("title-short", fields.get("short_title")), ("publisher-place", fields.get("place"))):
        if value:
            csl[key] = str(value)
    authors = fields.get("authors", fields.get("author"))
    if authors:
        csl["author"] = [_name(str(name)) for name in (authors if isinstance(authors, list) else [authors])]
    for key, csl_key in (("date", "issued"), ("accessed", "accessed")):
        if fields.get(key):
            csl[csl_key] = _csl_date(str(fields[key]), path, line)
    return source_from_csl(csl, path, line, note=str(fields.get("note") or ""))


def source_from_csl(csl: Mapping[str, Any], path: str, line: int | None, note: str = "") -> Source:
    """Return a Source for one CSL-JSON item (its display fields read from the item)."""
    issued = csl.get("issued") or {}
    parts = (issued.get("date-parts") or [[]])[0] if isinstance(issued, Mapping) else []
    date = "-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts))
    return Source(
        id=str(csl["id"]),
        title=str(csl.get("title") or ""),
        publisher=str(csl.get("container-title") or csl.get("publisher") or ""),
        date=date,
        url=str(csl.get("URL") or ""),
        note=note or str(csl.get("note") or ""),
        csl=dict(csl),
        authors=tuple(_name_text(name) for name in csl.get("author") or ()),  # family names, for short credits
        path=path,
        line=line,
    )


def read_csl_json(root: Path, relative: str, referrer: str, line: int | None) -> list[Source]:
    """Read a CSL-JSON bibliography file (a list of items) from inside the project."""
    path = (root / relative).resolve()
    # Under content/, so that an edited bibliography rebuilds what cites it (see incremental.py).
    if not path.is_relative_to((root / "content").resolve()):
        raise ReportgenError(f"bibliography '{relative}' must be a file under content/", referrer, line)
    if path.suffix.lower() != ".json":
        raise ReportgenError(f"bibliography '{relative}' must be a CSL-JSON file (.json)", referrer, line)
    if not (root / relative).exists():
        raise ReportgenError(f"bibliography '{relative}' not found", referrer, line)
    text = read_text(root / relative, relative, [(root / "content").resolve()])  # the one rule for files a build reads
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReportgenError(f"not valid JSON: {error.msg}", relative, error.lineno) from None
    if not isinstance(items, list):
        raise ReportgenError("a CSL-JSON bibliography must be a list of items", relative, 1)
    sources = []
    for item in items:
        if not isinstance(item, dict) or not item.get("id") or not item.get("type"):
            raise ReportgenError("each CSL-JSON item needs an 'id' and a 'type'", relative, 1)
        found = re.search(r'"id"\s*:\s*' + re.escape(json.dumps(item["id"])), text)
        sources.append(source_from_csl(item, relative, text.count("\n", 0, found.start()) + 1 if found else None))
    return sources


def _name(text: str) -> dict[str, str]:
    family, comma, given = text.partition(",")
    return {"family": family.strip(), "given": given.strip()} if comma else {"literal": text.strip()}


def _name_text(name: Any) -> str:
    if not isinstance(name, Mapping):
        return str(name)
    return str(name.get("literal") or name.get("family") or name.get("given") or "")


def _csl_date(text: str, path: str, line: int | None) -> dict[str, Any]:
    parts = text.split("-")
    if not all(part.isdigit() for part in parts) or len(parts) > 3:
        raise ReportgenError(f"date '{text}' must be ISO: YYYY, YYYY-MM or YYYY-MM-DD", path, line)
    return {"date-parts": [[int(part) for part in parts]]}


def short_name(source: Source) -> str:
    """Return the name a source is shown by in source lines: 'nCa, 20 September 2024'."""
    who = " and ".join(source.authors[:2]) + (" et al." if len(source.authors) > 2 else "")
    outlet = source.publisher if source.publisher != who else ""
    return ", ".join(p for p in (who or source.publisher or source.title, outlet if who else "", format_date(source.date)) if p)


def style_path(name: str, root: Path, referrer: str, line: int | None) -> Path:
    """Return the CSL file for a style name ('notes', 'author-date') or a .csl path in the project."""
    if name in STYLES:
        return STYLES[name]
    path = (root / name).resolve()
    if name.endswith(".csl") and path.is_relative_to((root / "content").resolve()) and path.is_file():
        return confined_file(root / name, [(root / "content").resolve()], name, MAX_TEXT_BYTES, line)
    raise ReportgenError(f"unknown citation style '{name}' (known: {', '.join(STYLES)}, or a .csl file under content/)", referrer, line)


def _compile_xpath() -> None:
    """Let citeproc-py compile each XPath it evaluates once (see ``ooxml.route_xpath``)."""
    from .render.ooxml import route_xpath

    try:  # citeproc-py internals: if a release moves them, run without the speed-up
        from citeproc.model import CitationStylesElement
    except ImportError:
        return
    route_xpath(CitationStylesElement, "xpath_search", dict(CitationStylesElement.nsmap))


@functools.lru_cache(maxsize=8)
def _style(path: Path, locale: str) -> Any:
    from citeproc import CitationStylesStyle

    _compile_xpath()

    try:
        return CitationStylesStyle(str(path), locale=locale, validate=False)
    except ValueError:
        return CitationStylesStyle(str(path), locale="en-US", validate=False)
    except Exception as error:  # lxml's XMLSyntaxError and friends: a broken style file
        raise ReportgenError(f"citation style cannot be read: {error}", str(path)) from None


def _locale(language: str) -> str:
    from citeproc import LOCALES_PATH

    for candidate in (language, {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "ru": "ru-RU"}.get(language, "")):
        if candidate and Path(LOCALES_PATH, f"locales-{candidate}.xml").is_file():
            return candidate
    return "en-US"


@dataclass(frozen=True)
class Cite:
    """One source in a citation, with its optional locator: ``@id, p. 4``."""

    id: str
    label: str = ""  # CSL locator label ("page", "paragraph" …) or ""
    locator: str = ""
    prefix: str = ""


class Citer:
    """Formats one document's citations in order, and its bibliography, with one CSL style."""

    def __init__(self, sources: Sequence[Source], style: Path, language: str = "en", short: bool = False) -> None:
        from citeproc import CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        self.sources = {source.id.lower(): source for source in sources}
        self.style = _style(style, _locale(language))
        self._origin = [_style_digest(style), language]  # what a formatted text depends on besides its sources
        self.english = language.split("-")[0] == "en"
        self._items = [dict(source.csl, id=source.id) for source in sources]
        self._bibliography = CitationStylesBibliography(self.style, CiteProcJSON(self._items), formatter.html)
        # *short*: each source counts as cited before, so even its first note is the style's short
        # form (Chicago's option for a work with a full bibliography).
        self._seen: set[str] = set(self.sources) if short else set()
        # Without ibid. a citation's text depends only on which of its sources were cited
        # before, so it is formatted once, shared by every edition and kept between runs (memo.py).
        self._memo_key = None if _uses_ibid(style) else json.dumps([*self._origin, self._items], sort_keys=True, default=str)
        if short and self._memo_key is None:
            for source in sources:
                self._render(self._bibliography, [Cite(source.id)])

    @property
    def is_note_style(self) -> bool:
        """Return whether the style puts citations in notes (rather than in the text)."""
        return str(self.style.root.get("class")) == "note"

    def cite(self, cites: Sequence[Cite]) -> str:
        """Return the HTML of one citation, positioned after every citation formatted before it."""
        if self._memo_key is None:
            text = self._render(self._bibliography, cites)
        else:
            earlier = tuple(cite.id.lower() in self._seen for cite in cites)
            key = f"{self._memo_key}|{cites!r}|{earlier!r}"
            text = _RENDERED.get(key) or memo.cached("citation", key, lambda: self._render_positioned(cites, earlier))
            _RENDERED[key] = text
        self._seen.update(cite.id.lower() for cite in cites)
        prefix = " ".join(c.prefix for c in cites[:1] if c.prefix)
        return _link_urls(self._punctuate(f"{prefix} {text}" if prefix else text))

    def _render_positioned(self, cites: Sequence[Cite], earlier: Sequence[bool]) -> str:
        """Format *cites* as if the sources flagged in *earlier* had been cited before."""
        from citeproc import CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        bibliography = CitationStylesBibliography(self.style, CiteProcJSON(self._items), formatter.html)
        for cite, before in zip(cites, earlier):
            if before:
                self._render(bibliography, [Cite(cite.id)])
        return self._render(bibliography, cites)

    @staticmethod
    def _render(bibliography: Any, cites: Sequence[Cite]) -> str:
        from citeproc import Citation, CitationItem, Locator

        items = []
        for cite in cites:
            extra = {"locator": Locator(cite.label or "page", cite.locator)} if cite.locator else {}
            items.append(CitationItem(cite.id, **extra))
        citation = Citation(items)
        bibliography.register(citation)
        return str(bibliography.cite(citation, lambda item: None))

    def references(self, ids: Iterable[str]) -> list[tuple[str, str]]:
        """Return ``(id, html)`` for each source in *ids*, in the style's bibliography order."""
        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        wanted = [self.sources[i.lower()] for i in dict.fromkeys(ids) if i.lower() in self.sources]
        if not wanted:
            return []
        if not self.style.has_bibliography():
            return [(source.id, self.cite([Cite(source.id)])) for source in wanted]
        items = [dict(s.csl, id=s.id) for s in wanted]

        def formatted() -> list[tuple[str, str]]:
            bibliography = CitationStylesBibliography(self.style, CiteProcJSON(items), formatter.html)
            for source in wanted:
                bibliography.register(Citation([CitationItem(source.id)]))
            bibliography.sort()
            return [(item.key, str(entry)) for item, entry in zip(bibliography.items, bibliography.bibliography())]

        key = json.dumps([*self._origin, items], sort_keys=True, default=str)
        by_key = {source.id.lower(): source.id for source in wanted}
        return [(by_key[item], _link_urls(self._punctuate(entry))) for item, entry in memo.cached("bibliography", key, formatted)]

    def _punctuate(self, text: str) -> str:
        # American English puts a comma or full stop inside closing quotes (the CSL locale's
        # punctuation-in-quote, which citeproc-py does not apply).
        if self.english:
            text = re.sub(r"”([.,])", r"\1”", text)
        return current().day_months(text.replace("..", "."))


_RENDERED: dict[Any, str] = {}  # formatted citations, per style, sources and position


@functools.lru_cache(maxsize=8)
def _style_digest(style: Path) -> str:
    return hashlib.sha256(style.read_bytes()).hexdigest()


@functools.lru_cache(maxsize=8)
def _uses_ibid(style: Path) -> bool:
    return 'position="ibid' in style.read_text(encoding="utf-8", errors="replace")


_URL = re.compile(r"(?<![\"'=])\bhttps?://[^\s<>\"]+[^\s<>\".,;:)]")


def _link_urls(html_text: str) -> str:
    """Make every URL in a formatted reference a link."""
    return _URL.sub(lambda m: f'<a class="url" href="{m.group(0)}">{m.group(0)}</a>', html_text)


def parse_locator(text: str) -> tuple[str, str] | None:
    """Return ``(label, value)`` for a locator as written ('p. 4', 'para. 3', '12'), or None."""
    text = " ".join(text.split())
    if re.fullmatch(r"[\divxlcIVXLC][\w–—-]*", text):
        return "page", text
    match = re.fullmatch(r"([^\d\s]+\.?|¶|§)\s*(\S.*)", text)
    if match and match.group(1).lower() in LOCATORS:
        return LOCATORS[match.group(1).lower()], match.group(2)
    return None
