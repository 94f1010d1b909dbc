"""Make one edition (an audience in a language): select sections at their depth, render prose, resolve data."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Mapping

from . import resolve
from .citations import check_citations
from .directives import ChartOptions, KeyFiguresOptions, TableOptions, TimelineOptions
from .errors import ErrorCollector, ReportgenError
from .front import MAX_FIGURES, cover_references, edition_front, summary_references
from .locales import Locale, current, make_locale, using
from .markdown import check_inline, drop_other_audiences, parse_body, plain_text
from .model import Audience, Block, Edition, Figure, Project, Section, SectionRule
from .templates import render_string, template_dirs
from .translations import localize, untranslated
from .typography import prose_data, spell_out_below
from .xref import ref_function

_FIGURE_REF = re.compile(r"\bdata\.(\w+)\.(\w+)")
_KEY_POINT_VISUALS = ("chart", "table", "keyfigures", "timeline")  # what a section at key_points depth shows besides its points
_VISUAL_BLOCK = re.compile(rf"^:{{3,}}[ \t]*(?:{'|'.join(_KEY_POINT_VISUALS)})\b.*?^:{{3,}}[ \t]*$", re.M | re.S)


def select_sections(project: Project, audience: Audience) -> list[tuple[Section, str]]:
    """Return the sections *audience* gets, in order, each with its depth."""
    chosen = []
    for section in project.sections:
        if section.for_audiences and audience.name not in section.for_audiences:
            continue
        if audience.name in section.not_for:
            continue
        rule = _rule_for(section, audience.sections)
        if rule is not None:
            chosen.append((section, rule.depth))
    # Sections the audience names in `order:` come first, in that order; the rest keep theirs.
    first = {section_id: index for index, section_id in enumerate(audience.order)}
    return sorted(chosen, key=lambda pair: first.get(pair[0].id, len(first)))


def _rule_for(section: Section, rules: tuple[SectionRule, ...]) -> SectionRule | None:
    for rule in rules:
        if rule.id == section.id:
            return rule
    for rule in rules:
        if rule.tag and (rule.tag == "*" or rule.tag in section.tags):
            return rule
    return None


def unselected_sections(project: Project) -> list[Section]:
    """Return the sections that no audience selects: they reach no product."""
    chosen = {section.id for audience in project.audiences.values()
              for section, _depth in select_sections(project, audience)}
    return [section for section in project.sections if section.id not in chosen]


def check_unselected(project: Project) -> list[Section]:
    """Render every section no audience selects, as a full section, so its mistakes are found too.

    Raise every problem found; return the sections checked (they deserve a notice).
    """
    unselected = unselected_sections(project)
    if not unselected:
        return []
    names = project.audience_names()
    audience = project.audiences[names[0]] if names else Audience(name="", title="", path="")
    context = content_context(project, audience)
    errors = ErrorCollector()
    for section in unselected:
        try:
            _render_section(project, section, "full", audience, context)
        except ReportgenError as error:
            errors.extend(error)
    errors.raise_if_any()
    return unselected


def content_context(project: Project, audience: Audience) -> dict[str, Any]:
    """Return the names prose can use: data (small counts in words, as house style writes them), report, audience."""
    below = spell_out_below(project.config.spell_out_below, current().base)
    return {"data": prose_data(project.data, below), "report": project.config, "audience": audience}


def make_edition(project: Project, audience_name: str, language: str | None = None) -> Edition:
    """Return *audience_name*'s edition of *project* in *language* (default: the main one); raise every problem found."""
    if audience_name not in project.audiences:
        known = ", ".join(project.audience_names())
        raise ReportgenError(f"unknown audience '{audience_name}' (known: {known})")
    language = language or project.config.language
    if language not in project.languages_of(audience_name):
        audience = project.audiences[audience_name]
        raise ReportgenError(f"audience '{audience_name}' has no edition in '{language}' "
                             f"(its languages: {', '.join(project.languages_of(audience_name))})", audience.path)
    localized = localize(project, language)
    audience = localized.audiences[audience_name]
    locale = make_locale(language, localized.config.labels, audience.labels, where=project.config.path)
    with using(locale):
        return _make_edition(localized, audience, locale, language == project.config.language, project)


def _make_edition(project: Project, audience: Audience, locale: Locale, main: bool, original: Project) -> Edition:
    selected = select_sections(project, audience)
    context = content_context(project, audience)
    depths = {section.id: depth for section, depth in selected}
    context["ref"] = ref_function(project.sections, depths, audience)
    # The body of a section at summary depth is rendered but shown nowhere: its references
    # need not resolve in this edition.
    summary_context = {**context, "ref": ref_function(project.sections, depths, audience, lenient=True)}
    errors = ErrorCollector()
    missing = untranslated(original, select_sections(original, original.audiences[audience.name]), locale.language)
    for error in missing:
        errors.extend(error)
    sections = []
    derived: dict[str, Figure] = {}
    for section, depth in selected:
        if missing and not section.path.endswith(f".{locale.language}.md"):
            continue  # its translation is missing (reported above): the original is not rendered in its place
        # At key_points depth the section's figures (charts, tables…) are shown, its prose is not:
        # the numbers their titles and captions state are read from those blocks' own text.
        visuals = _VISUAL_BLOCK.findall(section.body) if depth == "key_points" else []
        shown = (section.summary, *(section.key_points if depth != "summary" else ()), *((section.body,) if depth == "full" else ()), *visuals)
        for name, key in _FIGURE_REF.findall(" ".join(shown)):
            figure = project.data[name].figures_by_key().get(key) if name in project.data else None
            if figure is not None and figure.is_derived:
                derived.setdefault(f"{name}.{key}", figure)
        try:
            sections.append(_render_section(project, section, depth, audience, summary_context if depth == "summary" else context))
        except ReportgenError as error:
            errors.extend(error)
    key_figures: tuple[Figure, ...] = ()
    references = audience.key_figures or _cover_figures(project, sections, audience)
    if references:
        try:
            where = (resolve.Where(audience.path, audience.line_of("key_figures")) if audience.key_figures
                     else resolve.Where(project.config.path, project.config.field_lines.get("key_figures")))
            key_figures = resolve.figure_refs(list(references), project.data, where)
        except ReportgenError as error:
            errors.extend(error)
    errors.raise_if_any()
    return Edition(
        root=project.root,
        config=project.config,
        audience=audience,
        sections=tuple(sections),
        data=project.data,
        key_figures=key_figures,
        sources=_cited_sources(project, sections, key_figures),
        derived=tuple(derived.values()) + tuple(_derived_in_blocks(project, sections, key_figures, derived.values())),
        labels=locale.labels,
        template_dirs=tuple(template_dirs(project.root, audience.name)),
        language=locale.language,
        main_language=main,
    )


def _cover_figures(project: Project, sections: list[Section], audience: Audience) -> list[str]:
    """Return the cover band's figures by default: those the audience's key judgements state
    (their summaries, then their key-figure blocks), completed from the project's own list."""
    raw = {section.id: section.summary for section in project.sections}
    per_section = [
        summary_references(raw.get(section.id, ""))
        + [ref for block in section.blocks if isinstance(block.options, KeyFiguresOptions) for ref in block.options.figures or ()]
        for section in edition_front(sections, audience).judgements
    ]
    chosen = cover_references(per_section)
    if len(chosen) < MAX_FIGURES:
        chosen += [ref for ref in project.config.key_figures if ref not in chosen][: MAX_FIGURES - len(chosen)]
    return chosen


def _render_section(project: Project, section: Section, depth: str, audience: Audience, context: Mapping[str, Any]) -> Section:
    lines = section.field_lines
    path = section.path

    def render(text: str, key: str) -> str:
        return render_string(text, context, path, lines.get(key, 2)).strip()

    summary = render(section.summary, "summary")
    key_points = tuple(render(point, "key_points") for point in section.key_points)
    for key, text in (("summary", summary), *(("key_points", point) for point in key_points)):
        check_inline(text, project.root, path, lines.get(key, 2))
    slide_title = render(section.slide_title, "slide_title") or section.title
    title = render(section.title, "title")
    body = render_string(drop_other_audiences(section.body, audience.name), context, path, section.body_line)
    sources = project.config.sources
    cites = [*check_citations(title, sources, path, lines.get("title", 2)),
             *check_citations(summary, sources, path, lines.get("summary", 2)),
             *(cite for point in key_points for cite in check_citations(point, sources, path, lines.get("key_points", 2))),
             *check_citations(body, sources, path, section.body_line)]
    blocks = parse_body(body, path, section.body_line, audience.name, project.root)
    blocks = tuple(_resolve_block(block, project, path) for block in blocks)
    notes = render(section.notes, "notes") if section.notes else _narrative(blocks)
    return dataclasses.replace(
        section,
        title=title,
        summary=summary,
        key_points=key_points,
        slide_title=slide_title,
        notes=notes,
        blocks=blocks,
        depth=depth,
        cites=tuple(dict.fromkeys(cites)),
    )


def _resolve_block(block: Block, project: Project, path: str) -> Block:
    """Return *block* with what its directive shows resolved from the data: its spec, or its figures."""
    where = resolve.Where(path, block.line)
    config, data, options = project.config, project.data, block.options
    if isinstance(options, ChartOptions):
        if not options.alt and current().base != "en":
            # The generated description of a chart is English; a translation says it in its own words.
            raise where.error(f"a chart in an edition in '{current().language}' needs its own 'alt:' text "
                              "(the description reportgen writes is English)")
        return dataclasses.replace(block, spec=resolve.chart_spec(options, data, config, where))
    if isinstance(options, TableOptions):
        return dataclasses.replace(block, spec=resolve.table_spec(options, data, config, where))
    if isinstance(options, KeyFiguresOptions):
        return dataclasses.replace(block, figures=resolve.keyfigures(options, data, where))
    if isinstance(options, TimelineOptions):
        return dataclasses.replace(block, spec=resolve.timeline(options, data, config, where))
    return block


def _narrative(blocks: tuple[Block, ...]) -> str:
    parts = [plain_text(block.html) for block in blocks if block.kind in ("html", "callout", "quote") and block.only != "slides"]
    return "\n\n".join(part for part in parts if part)


def _cited_sources(project: Project, sections: list[Section], key_figures: tuple) -> tuple:
    """Return the sources the edition draws on: its charts, tables, figures and the data its prose names."""
    ids: dict[str, None] = {}
    for section in sections:
        for source_id in section.cites:
            ids.setdefault(source_id, None)
        for block in section.blocks:
            for source_id in block.source_ids:
                ids.setdefault(source_id, None)
        raw = " ".join((section.body, section.summary, *section.key_points))
        for dataset in project.data.values():
            if f"data.{dataset.name}" in raw:
                for source_id in dataset.sources:
                    ids.setdefault(source_id, None)
    for figure in key_figures:
        ids.setdefault(figure.source, None)
    cited = [project.config.source(source_id) for source_id in ids]
    listed = [source for source in cited if source is not None]
    return tuple(listed or project.config.sources)


def _derived_in_blocks(project: Project, sections: list[Section], key_figures: tuple, seen: Any) -> list[Figure]:
    """Return the derived figures the edition's charts, tables and key figures show (not in *seen*)."""
    found: list[Figure] = []
    known = list(seen)
    for section in sections:
        for block in section.blocks if section.depth != "summary" else ():
            if block.only == "slides" or (section.depth == "key_points" and block.kind not in _KEY_POINT_VISUALS):
                continue
            shown: list[Figure] = list(block.figures)
            options = block.options
            if isinstance(options, (ChartOptions, TableOptions)) and options.data in project.data:
                dataset = project.data[options.data]
                keys = options.keys or dataset.keys()
                shown += [dataset.figures_by_key()[key] for key in keys if key in dataset.figures_by_key()]
            for figure in shown:
                if isinstance(figure, Figure) and figure.is_derived and figure not in known + found:
                    found.append(figure)
    for figure in key_figures:
        if figure.is_derived and figure not in known + found:
            found.append(figure)
    return found
