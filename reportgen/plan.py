"""Edition -> deck plan: render the plan template, read its YAML, resolve every slide."""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path
from typing import Any, Iterator, Mapping

from . import deck_final, deck_items, resolve
from .charts import chart_alt
from .citations import references, strip_citations
from .deck_logo import deck_logo
from .directives import read_options
from .errors import ReportgenError
from .locales import using
from .markdown import plain_text
from .model import Block, DeckPlan, Edition, Planned, Section, Slide, format_date
from .paths import display_path
from .resources import MAX_MASTER_BYTES, MAX_TEXT_BYTES, check_package, project_image, read_file
from .sandbox import MAX_RENDERED_CHARS
from .schema import TEXT
from .schemas import SLIDE
from .templates import PACKAGE_TEMPLATES, find_file, render_string, render_template, template_environment
from .typography import prose_data, spell_out_below
from .xref import plain_xrefs
from .yamlfile import LineDict, parse_yaml

PLAN_TEMPLATE = "deck.yaml.j2"
_TEXT_FIELDS = tuple(field.name for field in SLIDE.fields if field.type == TEXT and field.name not in ("layout", "image"))
MAX_TAKEAWAYS = 5


def plan_context(edition: Edition, items: deck_items.DeckItems | None = None) -> dict[str, Any]:
    """Return the one context object the deck-plan template sees."""
    from .timestamp import build_timestamp

    def block_ref(section: Section, block: Block) -> str:
        return f"{section.id}#{section.blocks.index(block)}"

    def origin(section: Section, block: Block | None = None) -> str:
        line = block.line if block is not None else section.field_lines.get("slide_title")
        return f"{section.path}:{line or 1}"

    main_sections = [section for section in edition.sections if section.depth != "summary"]
    figure_refs = [_figure_ref(edition, figure) for figure in edition.key_figures]
    items = items or deck_items.collect(edition, main_sections, figure_refs)
    takeaways = bottom_line(edition)
    audience = edition.audience
    return {
        "report": edition.config,
        "audience": audience,
        "sections": edition.sections,
        "main_sections": main_sections,
        "labels": edition.labels,
        "key_figures": edition.key_figures,
        "key_figure_refs": figure_refs,
        "key_figures_title": edition.labels["key_figures_title"],
        "key_figures_notes": "; ".join(f"{edition.figure_caption(figure)}: {figure.text}" for figure in edition.key_figures),
        "key_figures_source": deck_items.figures_source(edition, edition.key_figures),
        "takeaways": takeaways,
        "takeaways_notes": "\n\n".join(part for part in (audience.purpose, *takeaways) if part),
        "ask_notes": "\n\n".join(part for part in (edition.labels["ask_for"].format(edition.labels["ask"], audience.title.lower()) if audience.title else "", audience.ask) if part),
        "sources": edition.sources,
        "source_line": deck_items.source_line(edition),
        "section_source": lambda section: deck_items.section_source(edition, section),
        "deck_items": lambda section: items.items.get(section.id, []),
        "references": [entry["text"] for entry in references(edition)],
        "report_date": format_date(edition.config.date),
        "block_ref": block_ref,
        "origin": origin,
        "chart_alt": chart_alt,
        "created": build_timestamp().isoformat(),
    }


def bottom_line(edition: Edition) -> list[str]:
    """Return the deck's takeaways: the audience's ``bottom_line``, else its sections' summaries."""
    audience = edition.audience
    if audience.bottom_line:
        # Takeaways are prose: small counts in words ("six UN resolutions"), as in the sections.
        below = spell_out_below(edition.config.spell_out_below, edition.locale.base)
        context = {"data": prose_data(edition.data, below), "report": edition.config, "audience": audience}
        return [" ".join(render_string(text, context, audience.path, audience.line_of("bottom_line") or 1).split())
                for text in audience.bottom_line]
    main = [s for s in edition.sections if s.depth != "summary"] or list(edition.sections)
    return [s.summary for s in main if s.summary][:MAX_TAKEAWAYS]


def _figure_ref(edition: Edition, figure: Any) -> str:
    for name, dataset in edition.data.items():
        if figure in dataset.figures:
            return f"{name}.{figure.key}"
        for column in dataset.table.columns if dataset.table else ():
            for category, cell in zip(column.categories, column.cells):
                if cell == figure:
                    return f"{name}.{column.name}.{category}"
    raise AssertionError(figure)


def deck_plan(edition: Edition) -> DeckPlan:
    """Return the edition's deck plan (composed, trimmed to its deck length, omissions listed), in its locale."""
    with using(edition.locale):
        return _deck_plan(edition)


def _deck_plan(edition: Edition) -> DeckPlan:
    from .render import deck_fill
    from .timestamp import build_timestamp

    master_name = edition.audience.deck_master or "deck.pptx"
    master = find_file(list(edition.template_dirs), master_name, edition.audience.path, MAX_MASTER_BYTES)
    master_data = _check_master(master, master_name, edition.audience.path)
    main_sections = [section for section in edition.sections if section.depth != "summary"]
    items = deck_items.collect(edition, main_sections, [_figure_ref(edition, f) for f in edition.key_figures])
    env = template_environment(edition.template_dirs)
    text = render_template(env, PLAN_TEMPLATE, plan_context(edition, items))
    origin = _template_origin(edition)
    with _in_user_file(edition, text, origin):
        raw = parse_yaml(text, origin, limit=MAX_RENDERED_CHARS)  # rendered by us: long projects plan long lists
        if not isinstance(raw, list):
            raise ReportgenError("the deck plan must render to a YAML list of slides", origin)
        planned = [_slide(item, edition, origin) for item in raw]
    planned = deck_fill.compose(planned, master)
    limit = edition.audience.deck_max_slides
    kept, dropped = _trim(planned, limit)
    why = f"trimmed for length (deck.max_slides {limit})"
    omitted = [(_what(item.slide), why) for item in dropped]
    kept, unlisted = deck_final.settle(kept, main_sections, edition.labels.get("method_note", ""), why)
    omitted += unlisted
    omitted += [(f"{o.what} ({o.origin})", o.why) for o in items.omitted]
    shown = {origin for item in kept for origin in item.origins}
    trimmed = {origin for item in dropped for origin in item.origins}
    for section_items in items.items.values():
        for item in section_items:
            if item["origin"] not in shown and item["origin"] not in trimmed:
                what = deck_items._describe(item)
                omitted.append((f"{what} ({item['origin']})", "not in the deck plan"))
                shown.add(item["origin"])
    _check_layouts(master, master_data, master_name, edition.audience.path, [item.slide for item in kept])
    logo, unshown = deck_logo(edition)
    omitted += unshown
    config = edition.config
    return DeckPlan(
        slides=tuple(item.slide for item in kept),
        title=f"{config.title}: {edition.audience.title}",
        author=", ".join(config.authors) or config.organisation,
        subject=edition.audience.purpose or config.subtitle,
        keywords=", ".join(config.keywords),
        language=edition.language,
        created=build_timestamp().strftime("%Y-%m-%dT%H:%M:%SZ"),
        theme=edition.audience.theme,
        master=master,
        root=edition.root,
        omitted=tuple(dict.fromkeys(omitted)),
        labels=edition.labels,
        logo=logo,
        logo_alt=config.organisation or config.title,
    )


def _what(slide: Slide) -> str:
    where = f" ({slide.origin})" if slide.origin else ""
    return f"slide '{slide.title}'{where}"


def omission_summary(plan: DeckPlan) -> str:
    """Return one line saying what the deck left out, grouped by why, or "" when nothing was."""
    reasons: dict[str, list[str]] = {}
    for what, why in plan.omitted:
        reasons.setdefault(why, []).append(what.split(" (", 1)[0])
    return "; ".join(f"{why}: {', '.join(whats)}" for why, whats in reasons.items())


@contextlib.contextmanager
def _in_user_file(edition: Edition, text: str, origin: str) -> Iterator[None]:
    """Report an error at a line of the rendered plan at the template line it comes from."""
    try:
        yield
    except ReportgenError as error:
        if error.path != origin or error.line is None:
            raise
        path, line = _template_line(edition, text, error.line)
        raise ReportgenError(error.message, path, line) from None


def _template_line(edition: Edition, text: str, line: int) -> tuple[str, int | None]:
    """Return the template file and line that wrote line *line* of the rendered plan *text*.

    A line written literally (not through an expression) is found in the override files
    first, then in the built-in plan; otherwise the most specific plan file is named, without
    a line.
    """
    rendered = text.split("\n")
    wanted = [rendered[i].strip() for i in (line - 1, line - 2) if 0 <= i < len(rendered) and rendered[i].strip()]
    files = [folder / PLAN_TEMPLATE for folder in edition.template_dirs if (folder / PLAN_TEMPLATE).is_file()]
    for wanted_line in wanted:
        for path in files:
            roots = [edition.root, PACKAGE_TEMPLATES]
            source = read_file(path, roots, _shown(edition, path), MAX_TEXT_BYTES).decode("utf-8", "replace").split("\n")
            matches = [number for number, content in enumerate(source, start=1) if content.strip() == wanted_line]
            if matches:
                return _shown(edition, path), matches[0]
    return (_shown(edition, files[0]) if files else PLAN_TEMPLATE), None


def _shown(edition: Edition, path: Path) -> str:
    if path.parent.resolve() == PACKAGE_TEMPLATES.resolve():
        return f"built-in:{PLAN_TEMPLATE}"
    return display_path(edition.root, path)


def _check_master(master: Path, name: str, referrer: str) -> bytes:
    """Return the deck master's bytes; refuse one that is not a PowerPoint file in budget,
    before anything is rendered."""
    data = read_file(master, [master], referrer, MAX_MASTER_BYTES, subject=f"deck master '{name}'")
    check_package(data, f"deck master '{name}'", referrer)
    return data


def _check_layouts(master: Path, data: bytes, name: str, referrer: str, slides: list[Slide]) -> None:
    """Refuse a user's master that lacks a layout or placeholder the slides need (the built-in one has them)."""
    if not master.is_relative_to(PACKAGE_TEMPLATES.resolve()):
        from .render.deck import check_master_layouts

        check_master_layouts(data, slides, name, referrer)


def _template_origin(edition: Edition) -> str:
    for folder in edition.template_dirs:
        if (folder / PLAN_TEMPLATE).is_file():
            return f"built-in:{PLAN_TEMPLATE}" if folder.resolve() == PACKAGE_TEMPLATES.resolve() else f"templates/{folder.name}/{PLAN_TEMPLATE}"
    return PLAN_TEMPLATE


def _trim(slides: list[Any], limit: int) -> tuple[list[Any], list[Any]]:
    """Drop slides down to *limit*: the highest priority number first, later before earlier.

    Return (kept, dropped). The first slide (title), the last (closing) and every slide of
    priority 0 always stay.
    """
    slides = list(slides)
    dropped = []
    while len(slides) > max(limit, 2):
        middle = [i for i in range(1, len(slides) - 1) if _priority(slides[i]) > 0]
        if not middle:
            break
        worst = max(_priority(slides[i]) for i in middle)
        dropped.append(slides.pop(max(i for i in middle if _priority(slides[i]) == worst)))
    return slides, dropped[::-1]


def _priority(item: Any) -> int:
    return item[1] if isinstance(item, tuple) else item.priority


def _slide(item: Any, edition: Edition, origin: str) -> Planned:
    if not isinstance(item, LineDict):
        raise ReportgenError("each slide of the deck plan must be a mapping", origin)
    line = item.line
    for key in item:
        if key not in SLIDE.names():
            raise ReportgenError(f"unknown slide field '{key}' (known: {', '.join(sorted(SLIDE.names()))})", origin, item.line_of(key))
    layout = item.get("layout")
    if not layout:
        raise ReportgenError("a slide needs a 'layout'", origin, line)
    fields: dict[str, Any] = {"layout": str(layout)}
    for key in _TEXT_FIELDS:
        if item.get(key) is not None:
            fields[key] = slide_text(str(item[key])) if key != "origin" else str(item[key])
    for key in ("bullets", "bullets_right"):
        value = item.get(key)
        if value is not None:
            if not isinstance(value, list):
                raise ReportgenError(f"'{key}' must be a list", origin, item.line_of(key))
            fields[key] = tuple(slide_text(plain_text(str(v)) or str(v)) for v in value if str(v).strip())
    where = resolve.Where(origin, line)
    if item.get("chart") is not None:
        fields["chart"] = _block_option(item["chart"], "chart", edition, where)
    if item.get("table") is not None:
        fields["table"] = _block_option(item["table"], "table", edition, where)
    if item.get("image"):
        image = str(item["image"])
        project_image(edition.root, image, "image", origin, item.line_of("image"))
        fields["image"] = image
    if item.get("timeline") is not None:
        fields["events"] = _block_option(item["timeline"], "timeline", edition, where).events
    if item.get("figures") is not None:
        figures = resolve.figure_refs(item["figures"], edition.data, where)
        fields["figures"] = tuple(dataclasses.replace(f, label=edition.figure_caption(f)) for f in figures)
    priority = item.get("priority", 1)
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise ReportgenError("'priority' must be a whole number", origin, item.line_of("priority"))
    slide = Slide(**fields)
    return Planned(slide, priority, (slide.origin,) if slide.origin else ())


def _block_option(value: Any, kind: str, edition: Edition, where: resolve.Where) -> Any:
    """Resolve a slide's chart/table/timeline: a "section#n" reference or directive options."""
    if isinstance(value, str):
        section_id, _, index = value.partition("#")
        section = next((s for s in edition.sections if s.id == section_id), None)
        if section is not None and kind == "table" and "/" in index:
            table = deck_items.markdown_table(section, index)
            if table is None:
                raise where.error(f"unknown Markdown table '{value}' (expected 'section-id#n/k')")
            return table
        if section is None or not index.isdigit() or int(index) >= len(section.blocks):
            raise where.error(f"unknown block reference '{value}' (expected 'section-id#n')")
        block = section.blocks[int(index)]
        if block.kind != kind:
            raise where.error(f"block '{value}' is a {block.kind}, not a {kind}")
        return block.spec
    if isinstance(value, Mapping):
        options = read_options(kind, value, where.path, where.line)
        if kind == "chart":
            return resolve.chart_spec(options, edition.data, edition.config, where)
        if kind == "table":
            return resolve.table_spec(options, edition.data, edition.config, where)
        return resolve.timeline(options, edition.data, edition.config, where)
    raise where.error(f"'{kind}' must be a block reference or a mapping of options")


def slide_text(text: str) -> str:
    """Return content text as a slide shows it: no citations (the source line carries them),
    cross-references as the quoted section title."""
    return plain_xrefs(strip_citations(text))
