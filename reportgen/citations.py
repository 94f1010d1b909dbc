"""Citations in content — ``[@id]``, ``[@id, p. 4]``, ``[@a; @b]`` — and the notes they become.

Markdown turns each citation into an empty placeholder; once an edition's whole briefing is
laid out in HTML, :func:`resolve_briefing` formats the placeholders in reading order with the
edition's CSL style: footnotes for a notes style (one number per distinct note, a repeat
points back to it), text in brackets for an author-date style.
"""

from __future__ import annotations

import html
import re
from typing import Any, Iterator, Mapping, Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from .bibliography import SHORT_NOTES, Cite, Citer, parse_locator, short_name, style_path
from .errors import ReportgenError
from .model import Edition, Source

_ID = r"[\w](?:[\w:.#$%&+?<>~/-]*[\w])?"
_CLUSTER = re.compile(r"\[([^\[\]]*?(?<![\w@])@" + _ID + r"[^\[\]]*)\]")
_ITEM = re.compile(r"\s*(?P<prefix>[^@;]*?)\s*(?<![\w@])@(?P<id>" + _ID + r")\s*(?:,\s*(?P<locator>[^;]*?))?\s*")
PLACEHOLDER = re.compile(r'<span class="cite" data-cite="([^"]*)"></span>')


def parse_cluster(text: str) -> list[Cite] | None:
    """Return the cites of a citation's inside ('@a, p. 4; @b'), or None if it is not one."""
    cites = []
    for part in text.split(";"):
        match = _ITEM.fullmatch(part)
        if not match:
            return None
        label, locator = "", ""
        if match.group("locator"):
            parsed = parse_locator(match.group("locator"))
            if parsed is None:
                return None
            label, locator = parsed
        cites.append(Cite(match.group("id"), label, locator, match.group("prefix").strip()))
    return cites


def find_clusters(text: str) -> Iterator[tuple[int, str, list[Cite]]]:
    """Yield ``(offset, written text, cites)`` for each citation in Markdown *text*."""
    for match in _CLUSTER.finditer(text):
        if match.start() and text[match.start() - 1] in "!\\":
            continue
        if text[match.end() : match.end() + 1] in ("(", "["):
            continue  # a link or image whose text happens to hold an @
        cites = parse_cluster(match.group(1))
        if cites is not None:
            yield match.start(), match.group(0), cites
        elif re.fullmatch(r"\s*@" + _ID + r"\s*,.*", match.group(1)):
            yield match.start(), match.group(0), []  # a citation with a locator we cannot read


def check_citations(text: str, sources: Sequence[Source], path: str, first_line: int) -> list[str]:
    """Raise for a citation of an unknown source or with an unreadable locator; return the ids cited."""
    known = {source.id for source in sources}
    cited: list[str] = []
    for offset, written, cites in find_clusters(text):
        line = first_line + text.count("\n", 0, offset)
        if not cites:
            raise ReportgenError(f"cannot read the locator in citation '{written}' (use p., pp., para., chap., sec., fig., n. or a page number)", path, line)
        for cite in cites:
            if cite.id not in known:
                shown = ", ".join(sorted(known)) or "none; add sources: to content/report.yaml"
                raise ReportgenError(f"unknown source '{cite.id}' in citation '{written}' (known: {shown})", path, line)
            cited.append(cite.id)
    return cited


def strip_citations(text: str) -> str:
    """Return *text* without its citations (and the space before each): for slides and notes."""
    out, last = [], 0
    for offset, written, _cites in find_clusters(text):
        out.append(text[last:offset].rstrip() if text[offset - 1 : offset].isspace() else text[last:offset])
        last = offset + len(written)
    out.append(text[last:])
    return "".join(out)


def citation_plugin(md: MarkdownIt) -> None:
    """Teach markdown-it ``[@id, p. 4; @other]``: an empty placeholder, formatted later."""

    def rule(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != "[":
            return False
        match = _CLUSTER.match(state.src, state.pos)
        if not match or state.src[match.end() : match.end() + 1] in ("(", "[") or parse_cluster(match.group(1)) is None:
            return False
        if not silent:
            token = state.push("citation", "", 0)
            token.meta = {"cluster": match.group(1)}
        state.pos = match.end()
        return True

    md.inline.ruler.before("link", "citation", rule)
    md.add_render_rule("citation", _render_citation)


def _render_citation(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Mapping[str, Any]) -> str:
    return f'<span class="cite" data-cite="{html.escape(tokens[idx].meta["cluster"], quote=True)}"></span>'


def edition_citer(edition: Edition) -> Citer:
    """Return a citation formatter for *edition*'s style (the audience's, else the project's)."""
    name = edition.audience.citation_style or edition.config.citation_style or "notes"
    referrer = edition.audience.path if edition.audience.citation_style else edition.config.path
    return Citer(edition.config.sources, style_path(name, edition.root, referrer, None), edition.config.language,
                 short=name == SHORT_NOTES)


def references(edition: Edition, plain: bool = False) -> list[dict[str, Any]]:
    """Return the edition's bibliography: ``id``, ``html`` (or ``text``), ``note``, ``url`` per entry,
    and ``numbered``: whether the style numbers its list (a notes style) or not (author-date)."""
    entries = []
    citer = edition_citer(edition)
    for source_id, entry in citer.references(source.id for source in edition.sources):
        source = edition.config.source(source_id)
        note = source.note if source else ""
        entries.append({"id": source_id, "html": entry, "text": _plain(entry), "note": note, "url": source.url if source else "",
                        "numbered": citer.is_note_style})
    return entries


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# The briefing pass ------------------------------------------------------------------

_TOKENS = re.compile(r'<span class="footnote">|' + PLACEHOLDER.pattern + r"|<span\b[^>]*>|</span>")
_PUNCTUATION = re.compile(r"[.,;:!?]")


def resolve_briefing(document: str, edition: Edition) -> str:
    """Format every citation and footnote of a briefing's HTML, in reading order.

    Notes style: each distinct note is printed once; a citation or footnote whose note is
    already printed gets that note's number (a link to it) instead of a second copy.
    Author-date style: citations become text, e.g. "(nCa 2024, para. 3)".
    """
    citer = edition_citer(edition)
    notes: dict[str, int] = {}  # a note's text -> its number
    clusters: dict[str, str] = {}  # a citation (ids and locators) -> the text of its note
    out: list[str] = []
    pos = 0
    for match in _TOKENS.finditer(document):
        if match.start() < pos:
            continue
        token = match.group(0)
        if token == '<span class="footnote">':
            end = _closing_span(document, match.end())
            body = _inline_citations(document[match.end() : end], citer)
            out.append(document[pos : match.start()])
            out.append(_note(body, notes))
            pos = end + len("</span>")
        elif match.group(1) is not None:
            cites = parse_cluster(html.unescape(match.group(1))) or []
            key = repr([(c.id.lower(), c.label, c.locator, c.prefix) for c in cites])
            # The same citation again is the same note, even where the style would shorten it.
            text = clusters[key] if key in clusters else citer.cite(cites)
            clusters[key] = text
            before = document[pos : match.start()]
            if citer.is_note_style:
                out.append(before.rstrip())
                after = document[match.end() : match.end() + 1]
                if after and _PUNCTUATION.fullmatch(after):  # the note call goes after the punctuation
                    out.append(after)
                    match_end = match.end() + 1
                else:
                    match_end = match.end()
                out.append(_note(_sentence(text), notes))
                pos = match_end
            else:
                out.append(before + text)
                pos = match.end()
    out.append(document[pos:])
    return "".join(out)


def _closing_span(document: str, start: int) -> int:
    depth = 1
    for match in re.finditer(r"<span\b[^>]*>|</span>", document[start:]):
        depth += -1 if match.group(0) == "</span>" else 1
        if depth == 0:
            return start + match.start()
    return len(document)


def _inline_citations(fragment: str, citer: Citer) -> str:
    """Format citations inside a footnote as text (a note holds no further notes)."""

    def replace(match: re.Match[str]) -> str:
        return citer.cite(parse_cluster(html.unescape(match.group(1))) or []).rstrip(".")

    return PLACEHOLDER.sub(replace, fragment)


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _note(body: str, notes: dict[str, int]) -> str:
    key = " ".join(re.sub(r"<[^>]+>", "", body).split())
    if key in notes:
        number = notes[key]
        return f'\u2060<a class="note-ref" href="#note-{number}">{number}</a>'
    number = notes[key] = len(notes) + 1
    return f'\u2060<span class="footnote" id="note-{number}">{body}</span>'


# Slides ------------------------------------------------------------------------------

def cited_ids(texts: Sequence[str]) -> list[str]:
    """Return the source ids the texts cite, in order of first citation."""
    ids: dict[str, None] = {}
    for text in texts:
        for _offset, _written, cites in find_clusters(text):
            for cite in cites:
                ids.setdefault(cite.id, None)
    return list(ids)


def cited_in_html(fragment: str) -> list[str]:
    """Return the source ids the citations in rendered HTML cite, in order."""
    return [cite.id for match in PLACEHOLDER.finditer(fragment) for cite in parse_cluster(html.unescape(match.group(1))) or []]


def source_line(source_ids: Sequence[str], sources: Sequence[Source], label: str = "Source") -> str:
    """Return a slide's or a chart's source line: 'Source: nCa, 20 September 2024'."""
    by_id = {source.id: source for source in sources}
    names = list(dict.fromkeys(short_name(by_id[i]) if i in by_id else i for i in source_ids))
    return f"{label}: {'; '.join(names)}" if names else ""
