"""`reportgen list`: each edition's (audience and language) resolved plan — sections, slides, and where templates come from."""

from __future__ import annotations

from pathlib import Path

from .build import output_path
from .edition import make_edition
from .errors import ErrorCollector, ReportgenError
from .project import load_project
from .templates import PACKAGE_TEMPLATES

TEMPLATE_FILES = ("briefing.html.j2", "briefing.css", "audience.css", "deck.yaml.j2", "deck.pptx")


def template_origins(dirs: tuple[Path, ...], root: Path, extra: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Return (template name, where it comes from) for the templates an audience uses."""
    origins = []
    for name in (*TEMPLATE_FILES, *extra):
        for folder in dirs:
            if (folder / name).is_file():
                where = "built-in" if folder == PACKAGE_TEMPLATES else str((folder / name).relative_to(root))
                origins.append((name, where))
                break
    return origins


def describe(project_dir: str | Path) -> str:
    """Return the text of `reportgen list` for the project."""
    from .plan import deck_plan

    project = load_project(project_dir)
    lines: list[str] = [f"{project.config.title} — {len(project.audiences)} audience(s)", ""]
    errors = ErrorCollector()
    for name, language in project.editions():
        try:
            edition = make_edition(project, name, language)
            plan = deck_plan(edition)
        except ReportgenError as error:
            errors.extend(error)
            continue
        audience = edition.audience
        lines.append(f"{name} ({language}): {audience.title}")
        lines.append(f"  outputs: {output_path(project, name, language, 'pdf')}, {output_path(project, name, language, 'pptx')}")
        if audience.purpose:
            lines.append(f"  purpose: {audience.purpose}")
        lines.append(f"  sections ({len(edition.sections)}):")
        for section in edition.sections:
            lines.append(f"    {section.id:<22} {section.depth:<11} {section.title}")
        limit = audience.deck_max_slides
        lines.append(f"  slides ({len(plan.slides)} planned, limit {limit}):")
        for number, slide in enumerate(plan.slides, start=1):
            lines.append(f"    {number:>2}. {slide.layout:<12} {slide.title}")
        if plan.omitted:
            lines.append(f"  left out of the deck ({len(plan.omitted)}):")
            lines.extend(f"    {what}: {why}" for what, why in plan.omitted)
        lines.append("  templates:")
        master = audience.deck_master or "deck.pptx"
        for template, where in template_origins(edition.template_dirs, project.root, (master,) if master != "deck.pptx" else ()):
            lines.append(f"    {template:<20} {where}")
        lines.append("")
    errors.raise_if_any()
    return "\n".join(lines)
