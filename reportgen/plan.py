"""Edition -> deck plan: render the plan template, read its YAML, resolve every slide."""

from __future__ import annotations

import dataclasses

from pathlib import Path
from typing import Any, Mapping

from . import resolve
from .errors import ReportgenError
from .markdown import plain_text
from .model import Block, DeckPlan, Edition, Section, Slide, format_date
from .resources import MAX_MASTER_BYTES, check_package, read_file
from .templates import PACKAGE_TEMPLATES, find_file, render_template, template_environment
from .yamlfile import LineDict, parse_yaml

PLAN_TEMPLATE = "deck.yaml.j2"
SLIDE_FIELDS = {
    "layout", "title", "subtitle", "text", "bullets", "bullets_right", "chart", "table",
    "timeline", "figures", "quote", "attribution", "notes", "source", "priority", "origin",
}


def plan_context(edition: Edition) -> dict[str, Any]:
    """Return the one context object the deck-plan template sees."""
    from .charts import alt_text
    from .render.briefing import build_timestamp

    def block_ref(section: Section, block: Block) -> str:
        return f"{section.id}#{section.blocks.index(block)}"

    def origin(section: Section, block: Block | None = None) -> str:
        line = block.line if block is not None else section.field_lines.get("slide_title")
        return f"{section.path}:{line or 1}"

    all_sources = [source.id for source in edition.sources]
    return {
        "report": edition.config,
        "audience": edition.audience,
        "sections": edition.sections,
        "labels": edition.labels,
        "key_figures": edition.key_figures,
        "key_figure_refs": [_figure_ref(edition, figure) for figure in edition.key_figures],
        "key_figures_title": edition.labels["key_figures_title"],
        "key_figures_notes": "; ".join(f"{edition.figure_caption(figure)}: {figure.text}" for figure in edition.key_figures),
        "sources": edition.sources,
        "source_line": resolve.source_line(all_sources, edition.config, False),
        "report_date": format_date(edition.config.date),
        "block_ref": block_ref,
        "origin": origin,
        "chart_alt": alt_text,
        "created": build_timestamp().isoformat(),
    }


def _figure_ref(edition: Edition, figure: Any) -> str:
    for name, dataset in edition.data.items():
        if figure in dataset.figures:
            return f"{name}.{figure.key}"
    raise AssertionError(figure)


def deck_plan(edition: Edition) -> DeckPlan:
    """Return the audience's deck plan, trimmed to its deck length."""
    from .render.briefing import build_timestamp

    env = template_environment(edition.template_dirs)
    text = render_template(env, PLAN_TEMPLATE, plan_context(edition))
    origin = _template_origin(edition)
    raw = parse_yaml(text, origin)
    if not isinstance(raw, list):
        raise ReportgenError("the deck plan must render to a YAML list of slides", origin)
    slides = [_slide(item, edition, origin) for item in raw]
    slides = _trim(slides, edition.audience.deck_max_slides)
    master_name = edition.audience.deck_master or "deck.pptx"
    master = find_file(list(edition.template_dirs), master_name, edition.audience.path, MAX_MASTER_BYTES)
    _check_master(master, master_name, edition.audience.path)
    config = edition.config
    return DeckPlan(
        slides=tuple(slide for slide, _priority in slides),
        title=f"{config.title}: {edition.audience.title}",
        author=", ".join(config.authors) or config.organisation,
        subject=edition.audience.purpose or config.subtitle,
        keywords=", ".join(config.keywords),
        language=config.language,
        created=build_timestamp().strftime("%Y-%m-%dT%H:%M:%SZ"),
        theme=edition.audience.theme,
        master=master,
    )


def _check_master(master: Path, name: str, referrer: str) -> None:
    """Refuse a deck master that is not a PowerPoint file in budget, before anything is rendered."""
    data = read_file(master, [master], referrer, MAX_MASTER_BYTES, subject=f"deck master '{name}'")
    check_package(data, f"deck master '{name}'", referrer)


def _template_origin(edition: Edition) -> str:
    for folder in edition.template_dirs:
        if (folder / PLAN_TEMPLATE).is_file():
            return f"built-in:{PLAN_TEMPLATE}" if folder.resolve() == PACKAGE_TEMPLATES.resolve() else f"templates/{folder.name}/{PLAN_TEMPLATE}"
    return PLAN_TEMPLATE


def _trim(slides: list[tuple[Slide, int]], limit: int) -> list[tuple[Slide, int]]:
    """Drop slides down to *limit*: the highest priority number first, later before earlier.

    The first slide (title) and the last (closing) always stay.
    """
    slides = list(slides)
    while len(slides) > max(limit, 2):
        middle = range(1, len(slides) - 1)
        worst = max(slides[i][1] for i in middle)
        slides.pop(max(i for i in middle if slides[i][1] == worst))
    return slides


def _slide(item: Any, edition: Edition, origin: str) -> tuple[Slide, int]:
    if not isinstance(item, LineDict):
        raise ReportgenError("each slide of the deck plan must be a mapping", origin)
    line = item.line
    for key in item:
        if key not in SLIDE_FIELDS:
            raise ReportgenError(f"unknown slide field '{key}' (known: {', '.join(sorted(SLIDE_FIELDS))})", origin, item.line_of(key))
    layout = item.get("layout")
    if not layout:
        raise ReportgenError("a slide needs a 'layout'", origin, line)
    fields: dict[str, Any] = {"layout": str(layout)}
    for key in ("title", "subtitle", "text", "quote", "attribution", "notes", "source", "origin"):
        if item.get(key) is not None:
            fields[key] = str(item[key])
    for key in ("bullets", "bullets_right"):
        value = item.get(key)
        if value is not None:
            if not isinstance(value, list):
                raise ReportgenError(f"'{key}' must be a list", origin, item.line_of(key))
            fields[key] = tuple(plain_text(str(v)) or str(v) for v in value if str(v).strip())
    where = resolve.Where(origin, line)
    if item.get("chart") is not None:
        fields["chart"] = _block_option(item["chart"], "chart", edition, where, "spec")
    if item.get("table") is not None:
        fields["table"] = _block_option(item["table"], "table", edition, where, "spec")
    if item.get("timeline") is not None:
        fields["events"] = _block_option(item["timeline"], "timeline", edition, where, "events")
    if item.get("figures") is not None:
        figures = resolve.figure_refs(item["figures"], edition.data, where)
        fields["figures"] = tuple(dataclasses.replace(f, label=edition.figure_caption(f)) for f in figures)
    priority = item.get("priority", 1)
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise ReportgenError("'priority' must be a whole number", origin, item.line_of("priority"))
    return Slide(**fields), priority


def _block_option(value: Any, kind: str, edition: Edition, where: resolve.Where, key: str) -> Any:
    """Resolve a slide's chart/table/timeline: a "section#n" reference or directive options."""
    if isinstance(value, str):
        section_id, _, index = value.partition("#")
        section = next((s for s in edition.sections if s.id == section_id), None)
        if section is None or not index.isdigit() or int(index) >= len(section.blocks):
            raise where.error(f"unknown block reference '{value}' (expected 'section-id#n')")
        block = section.blocks[int(index)]
        if block.kind != kind:
            raise where.error(f"block '{value}' is a {block.kind}, not a {kind}")
        return block.options[key]
    if isinstance(value, Mapping):
        if kind == "chart":
            return resolve.chart_spec(value, edition.data, edition.config, where)
        if kind == "table":
            return resolve.table_spec(value, edition.data, edition.config, where)
        return resolve.timeline(value, edition.data, where)
    raise where.error(f"'{kind}' must be a block reference or a mapping of options")
