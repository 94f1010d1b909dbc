"""Cross-references by id: ``{{ ref('transport') }}`` in prose, rendered per edition.

In prose a reference is a Markdown link to the section's anchor, its text the section's
title. The briefing pass turns it into "section 8 (page 12)", the number from the edition's
order and the page from the laid-out PDF (CSS ``target-counter``); slides show the title in
quotes. A reference to a section the edition leaves out is an error naming the audience,
unless the writer gives the words to use instead: ``{{ ref('transport', otherwise='…') }}``.
"""

from __future__ import annotations

import html
import re
from typing import Callable, Mapping, Sequence

from jinja2.exceptions import UndefinedError

from .locales import current
from .model import Audience, Edition, Section

_LINK = re.compile(r'<a href="#([^"]+)" class="(xref|figref)">(.*?)</a>', re.S)
_MARKDOWN_LINK = re.compile(r"\[([^\[\]]*)\]\(#[^)\s]+\)\{\.(xref|figref)\}")
# A chart, table or timeline directive with an id: line (read from the raw body, before Jinja).
_DIRECTIVE = re.compile(r"^\s{0,3}:{3,}\s*(chart|table|timeline)\b[^\n]*\n(.*?)^\s{0,3}:{3,}\s*$", re.M | re.S)
_ID_LINE = re.compile(r"^id:\s*[\"']?([A-Za-z][\w-]*)[\"']?\s*$", re.M)
_FIGURE = re.compile(r'<figure class="(chart(?: timeline)?|data-table)(?: [^"]*)?"(?: id="([^"]+)")?[^>]*>\s*(<figcaption class="chart-title">)?')
KIND_WORDS = {"chart": "chart", "timeline": "timeline", "table": "table"}


def figure_ids(sections: Sequence[Section]) -> dict[str, tuple[str, str]]:
    """Return ``{figure id: (section id, kind)}`` for the charts, tables and timelines given an ``id:``."""
    found: dict[str, tuple[str, str]] = {}
    for section in sections:
        for match in _DIRECTIVE.finditer(section.body):
            named = _ID_LINE.search(match.group(2))
            if named:
                found.setdefault(named.group(1), (section.id, match.group(1)))
    return found


def ref_function(sections: Sequence[Section], included: Mapping[str, str], audience: Audience,
                 lenient: bool = False) -> Callable[..., str]:
    """Return ``ref(id, otherwise=None)`` for prose: a link to a section, chart, table or timeline.

    *included* maps the edition's section ids to their depth; a figure is in the edition when
    its section is, at a depth that shows figures. A *lenient* ref (for text the edition does
    not show) gives a target the edition leaves out as plain words instead of an error.
    """
    by_id = {section.id: section for section in sections}
    figures = figure_ids(sections)

    def ref(target: object, otherwise: object = None) -> str:
        key = str(target)
        if key not in by_id and key not in figures:
            known = ", ".join(sorted([*by_id, *figures]))
            raise UndefinedError(f"unknown section or figure '{key}' in ref() (known: {known})")
        section_id, kind = (key, "section") if key in by_id else figures[key]
        depth = included.get(section_id)
        # A section at summary depth shows its heading, not its charts and tables.
        shown = depth is not None if kind == "section" else depth in ("full", "key_points")
        if not shown:
            if otherwise is not None or lenient:
                return str(otherwise) if otherwise is not None else (by_id[key].title if kind == "section" else f"the {kind}")
            what = f"section '{key}'" if kind == "section" else f"{kind} '{key}' (section '{section_id}')"
            raise UndefinedError(f"unknown {what} in ref() for the {audience.name} edition: "
                                 f"{audience.path} leaves it out (give ref('{key}', otherwise='…') words to use instead)")
        if kind == "section":
            title = by_id[key].title.replace("[", "(").replace("]", ")")
            return f"[{title}](#{key}){{.xref}}"
        return f"[the {KIND_WORDS[kind]}](#{key}){{.figref}}"

    return ref


def resolve_xrefs(document: str, edition: Edition, layout: str) -> str:
    """Turn the briefing's cross-reference links into "section N (page P)".

    The page comes from CSS (``a.xref::after``). The one-page brief has no numbered sections,
    and a section at summary depth no heading, so there the quoted title stands in for the number.
    """
    # The chapters are numbered as the contents numbers them; a section at summary depth has no
    # heading of its own (it is one entry of "Also covered"), so it is referred to by its title.
    chapters = [section for section in edition.sections if section.depth != "summary"]
    numbers = {section.id: index for index, section in enumerate(chapters, start=1)}
    labels = edition.labels
    document, figure_numbers = _number_figures(document, labels, layout == "full")

    def replace(match: re.Match[str]) -> str:
        target, kind, title = match.group(1), match.group(2), match.group(3)
        if kind == "figref":
            name = figure_numbers.get(target, title)
        elif layout == "full" and target in numbers:
            name = f"{labels['xref_section']}\u00a0{numbers[target]}"
        else:
            name = _quoted(title, labels)
        text = html.escape(f"{name} ({labels['xref_page']}\u00a0", quote=False)
        return f'<a href="#{target}" class="xref">{text}</a>'

    return _LINK.sub(replace, document)


def _number_figures(document: str, labels: Mapping[str, str], numbered: bool) -> tuple[str, dict[str, str]]:
    """Number the briefing's figures (charts, timelines) and tables in reading order.

    Return the HTML, its captions starting "Figure 3." when *numbered*, and each figure id's
    name as a cross-reference gives it ("figure 3").
    """
    counts = {"figure": 0, "table": 0}
    names: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        kind = "table" if match.group(1) == "data-table" else "figure"
        counts[kind] += 1
        word = labels[f"xref_{kind}"]
        if match.group(2):
            names[match.group(2)] = f"{word}\u00a0{counts[kind]}"
        if numbered and match.group(3):
            return match.group(0) + f'<span class="figure-number">{html.escape(word[:1].upper() + word[1:])}\u00a0{counts[kind]}.</span> '
        return match.group(0)

    return _FIGURE.sub(replace, document), names


def plain_xrefs(text: str) -> str:
    """Return Markdown *text* with its cross-references as slides show them: a section's title
    in quotes, a figure as "the chart" (or table, timeline)."""
    marks = current().quotes
    return _MARKDOWN_LINK.sub(lambda match: f"{marks[0]}{match.group(1)}{marks[1]}" if match.group(2) == "xref" else match.group(1), text)


def _quoted(title: str, labels: Mapping[str, str]) -> str:
    """Return *title* in the edition's language's quote marks (“…” in English, «…» in Russian)."""
    marks = labels["quotes"]
    return f"{marks[0]}{title}{marks[1]}"
