"""Read a project folder (config, data, sections, audiences) into a validated Project."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from .bibliography import read_csl_json, source_from_config, style_path
from .colours import shade, tint
from .data import load_dataset, load_table
from .errors import ErrorCollector, ReportgenError
from .glyphs import check_drawable
from .locales import known_language
from .model import Audience, Config, Dataset, Project, Section, SectionRule, Source, Theme, date_problem
from .paths import display_path
from .resources import MAX_TEXT_BYTES, confined_file, folder_files, project_image
from .schemas import AUDIENCE, COLOUR_FIELDS, REPORT, RULE, SECTION, SOURCE
from .translations import load_translations, translation_of
from .yamlfile import LineDict, expect_mapping, kind_of, parse_yaml, read_text

CONFIG_NAMES = ("content/report.yaml", "content/report.yml")
MAX_FILE_BYTES = MAX_TEXT_BYTES
MAX_SECTIONS = 2_000
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def load_project(root: str | Path) -> Project:
    """Read and validate the project at *root*; raise every problem found at once."""
    root = Path(root)
    if not root.is_dir():
        raise ReportgenError("project folder not found", root)
    errors = ErrorCollector()
    config = _load_config(root, errors)
    data = _load_data(root, errors)
    sections = _load_sections(root, errors)
    audiences = _load_audiences(root, errors)
    errors.raise_if_any()
    assert config is not None
    _cross_check(config, data, sections, audiences, errors)
    translated = _translation_files(root, errors)
    translations = load_translations(root, translated, config.languages, errors, lambda path: _read(root, path))
    errors.raise_if_any()
    return Project(root=root, config=config, sections=sections, data=data, audiences=audiences, translations=translations)


def _translation_files(root: Path, errors: ErrorCollector) -> list[tuple[Path, str]]:
    """Return the translation files of content/ (NAME.LANG.EXT beside NAME.EXT), with their shown paths."""
    found = [path for path in sorted((root / "content").glob("report.*.y*ml")) if translation_of(path.name)]
    for folder, recursive in (("sections", True), ("data", False), ("audiences", False)):
        if (root / "content" / folder).is_dir():
            found += [path for path in _folder_files(root, root / "content" / folder, errors, recursive) if translation_of(path.name)]
    return [(path, display_path(root, path)) for path in found]


def _languages(document: LineDict, values: dict[str, Any], shown: str, errors: ErrorCollector) -> tuple[str, tuple[str, ...]]:
    """Return the main language and every language of the project (the main one first)."""
    line = document.line_of
    listed = list(values["languages"])
    main = values["language"] or (listed[0] if listed else "en")
    for language in dict.fromkeys([main, *listed]):
        if not known_language(language):
            errors.add(f"unknown language '{language}' (a language code such as en, ru, kk)", shown, line("languages") or line("language"))
    if listed and main not in listed:
        errors.add(f"the main language '{main}' is not among 'languages' ({', '.join(listed)})", shown, line("language"))
    return main, tuple(dict.fromkeys([main, *listed]))


def _read(root: Path, path: Path) -> str:
    shown = display_path(root, path)
    text = read_text(path, shown, [root], MAX_FILE_BYTES)
    check_drawable(text, shown)
    return text


def _folder_files(root: Path, folder: Path, errors: ErrorCollector, recursive: bool = False) -> list[Path]:
    try:
        return folder_files(folder, root, lambda path: display_path(root, path), recursive)
    except ReportgenError as error:
        errors.extend(error)
        return []


def _text(value: Any, path: str, line: int | None, what: str, errors: ErrorCollector) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        errors.add(f"{what} must be text, not {kind_of(value)}", path, line)
        return ""
    return str(value)


def _load_config(root: Path, errors: ErrorCollector) -> Config | None:
    path = next((root / name for name in CONFIG_NAMES if (root / name).is_file()), None)
    if path is None:
        errors.add("project config not found (looked for content/report.yaml, content/report.yml)", CONFIG_NAMES[0])
        return None
    shown = display_path(root, path)
    try:
        document = expect_mapping(parse_yaml(_read(root, path), shown), shown, REPORT.what, 1)
    except ReportgenError as error:
        errors.extend(error)
        return None
    values = REPORT.read(document, shown, errors)
    line = document.line_of
    sources = _sources(root, document, values, shown, errors)
    if date_problem(values["date"]):
        errors.add(f"'date': {date_problem(values['date'])}", shown, line("date"))
    _check_output_and_style(root, values, line, shown, errors)
    language, languages = _languages(document, values, shown, errors)
    output_name = values["output_name"] or "briefing"
    citation_style = values["citation_style"]
    return Config(
        title=values["title"],
        path=shown,
        subtitle=values["subtitle"],
        date=values["date"],
        organisation=values["organisation"],
        authors=values["authors"],
        language=language,
        languages=languages,
        keywords=values["keywords"],
        sources=tuple(sources),
        citation_style=citation_style,
        audiences=values["audiences"],
        output_name=output_name,
        key_figures=values["key_figures"],
        labels={str(k): str(v) for k, v in values["labels"].items()},
        contacts=values["contacts"],
        logo=_logo(root, values["logo"], shown, line("logo"), errors),
        spell_out_below=values["house_style"]["spell_out_below"],
        field_lines={key: line(key) or 1 for key in document},
    )


def _sources(root: Path, document: LineDict, values: dict[str, Any], shown: str, errors: ErrorCollector) -> list[Source]:
    """Return the config's sources: its `sources:` list, then its `bibliography:` file's."""
    sources = []
    raw_sources = document.get("sources") or []
    if not isinstance(raw_sources, list):
        errors.add("'sources' must be a list", shown, document.line_of("sources"))
        raw_sources = []
    for item in raw_sources:
        if not isinstance(item, LineDict) or not item.get("id") or not item.get("title"):
            errors.add("each source needs an 'id' and a 'title'", shown, getattr(item, "line", None) or document.line_of("sources"))
            continue
        SOURCE.check_keys(item, shown, errors)
        if date_problem(str(item.get("date") or "")):
            errors.add(f"source '{item['id']}': {date_problem(str(item['date']))}", shown, item.line_of("date"))
            continue
        try:
            sources.append(source_from_config(item, shown, item.line))
        except ReportgenError as error:
            errors.extend(error)
    if values["bibliography"]:
        try:
            sources.extend(read_csl_json(root, values["bibliography"], shown, document.line_of("bibliography")))
        except ReportgenError as error:
            errors.extend(error)
    ids = [source.id for source in sources]
    for source_id in sorted({i for i in ids if ids.count(i) > 1}):
        errors.add(f"duplicate source id '{source_id}'", shown, document.line_of("sources"))
    return sources


def _check_output_and_style(root: Path, values: dict[str, Any], line: Callable[[str], int | None], shown: str,
                            errors: ErrorCollector) -> None:
    """Report an `output_name` that is no plain file name and a `citation_style` that names no style."""
    output_name = values["output_name"]
    if output_name and not _FILE_NAME.fullmatch(output_name):
        errors.add(f"'output_name' {output_name!r} must be a plain file name (letters, digits, . _ -)", shown, line("output_name"))
    if values["citation_style"]:
        try:
            style_path(values["citation_style"], root, shown, line("citation_style"))
        except ReportgenError as error:
            errors.extend(error)


def _logo(root: Path, logo: str, shown: str, line: int | None, errors: ErrorCollector) -> str:
    """Return *logo* (the project's, or a theme's), reporting an image that is missing or unreadable."""
    if logo:
        try:
            project_image(root, logo, "logo", shown, line)
        except ReportgenError as error:
            errors.extend(error)
    return logo


def _load_data(root: Path, errors: ErrorCollector) -> dict[str, Dataset]:
    folder = root / "content" / "data"
    datasets: dict[str, Dataset] = {}
    if not folder.is_dir():
        return datasets
    paths = [path for path in _folder_files(root, folder, errors) if not translation_of(path.name)]
    tables = {path.stem: path for path in paths if path.suffix.lower() == ".csv"}
    for path in paths:
        if path.suffix.lower() not in (".csv", ".yaml", ".yml", ".json") or path.name.startswith("."):
            continue
        # A CSV with a same-named .yaml beside it is a table; the .yaml describes its columns.
        meta = next((p for p in paths if p.stem == path.stem and p.suffix.lower() in (".yaml", ".yml")), None)
        if path.suffix.lower() in (".yaml", ".yml") and path.stem in tables:
            continue
        shown = display_path(root, path)
        if path.stem in datasets:
            errors.add(f"dataset '{path.stem}' is defined twice (also {datasets[path.stem].path})", shown)
            continue
        table_meta = meta if meta is not None and path.suffix.lower() == ".csv" else None
        try:
            for part in (path, *([table_meta] if table_meta else [])):
                confined_file(part, [root], display_path(root, part), MAX_FILE_BYTES)
        except ReportgenError as error:
            errors.extend(error)
            continue
        if table_meta is not None:
            dataset = load_table(path, shown, table_meta, display_path(root, table_meta), errors)
        else:
            dataset = load_dataset(path, shown, errors)
        if dataset is not None:
            datasets[dataset.name] = dataset
    return datasets


def split_front_matter(text: str, shown: str) -> tuple[str, str, int]:
    """Return (front matter YAML, body, line of the body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ReportgenError("missing front matter: a section starts with '---', its YAML, then '---'", shown, 1)
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1 : number - 1]), "\n".join(lines[number:]), number + 1
    raise ReportgenError("front matter is not closed: add a line '---' after its YAML", shown, 1)


def _load_sections(root: Path, errors: ErrorCollector) -> tuple[Section, ...]:
    folder = root / "content" / "sections"
    if not folder.is_dir():
        errors.add("no sections folder (expected content/sections/*.md)", display_path(root, folder))
        return ()
    sections: list[Section] = []
    paths = [path for path in _folder_files(root, folder, errors, recursive=True) if path.suffix == ".md" and not translation_of(path.name)]
    if len(paths) > MAX_SECTIONS:
        errors.add(f"too many sections ({len(paths):,}; limit {MAX_SECTIONS:,})", display_path(root, folder))
        return ()
    for index, path in enumerate(paths):
        shown = display_path(root, path)
        try:
            section = _load_section(root, path, shown, index, errors)
        except ReportgenError as error:
            errors.extend(error)
            continue
        if section is not None:
            sections.append(section)
    seen: dict[str, str] = {}
    for section in sections:
        if section.id in seen:
            errors.add(f"duplicate section id '{section.id}' (also in {seen[section.id]})", section.path, 2)
        seen[section.id] = section.path
    return tuple(sorted(sections, key=lambda s: (s.order, s.path)))


def _load_section(root: Path, path: Path, shown: str, index: int, errors: ErrorCollector) -> Section | None:
    front, body, body_line = split_front_matter(_read(root, path), shown)
    meta = expect_mapping(parse_yaml(front, shown, first_line=2), shown, SECTION.what, 2)
    before = len(errors.errors)
    values = SECTION.read(meta, shown, errors)
    line = meta.line_of
    default_id = re.sub(r"^\d+[-_]", "", path.stem)
    section_id = values["id"] or ("" if isinstance(meta.get("id"), (dict, list)) else default_id)
    if section_id and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", section_id):  # "" after a type error
        errors.add(f"section id {section_id!r} may contain only letters, digits, - and _", shown, line("id"))
    if len(errors.errors) > before:
        return None
    return Section(
        id=section_id,
        title=values["title"],
        order=values["order"] if values["order"] is not None else (index + 1) * 10,
        path=shown,
        tags=values["tags"],
        for_audiences=values["for"],
        not_for=values["not_for"],
        summary=values["summary"],
        key_points=values["key_points"],
        slide_title=values["slide_title"],
        notes=values["notes"],
        body=body,
        body_line=body_line,
        field_lines={key: line(key) or 2 for key in meta},
    )


def _load_audiences(root: Path, errors: ErrorCollector) -> dict[str, Audience]:
    folder = root / "content" / "audiences"
    audiences: dict[str, Audience] = {}
    if not folder.is_dir():
        errors.add("no audiences folder (expected content/audiences/<name>.yaml)", display_path(root, folder))
        return audiences
    for path in _folder_files(root, folder, errors):
        if path.suffix.lower() not in (".yaml", ".yml") or path.name.startswith(".") or translation_of(path.name):
            continue
        shown = display_path(root, path)
        if not _NAME.match(path.stem):
            errors.add(f"audience name '{path.stem}' must be lower-case letters, digits, - or _", shown)
            continue
        try:
            audience = _load_audience(root, path, shown, errors)
        except ReportgenError as error:
            errors.extend(error)
            continue
        if audience is not None:
            audiences[audience.name] = audience
    if not audiences and not errors.errors:
        errors.add("no audiences defined (add content/audiences/<name>.yaml)", display_path(root, folder))
    return audiences


def _load_audience(root: Path, path: Path, shown: str, errors: ErrorCollector) -> Audience | None:
    document = expect_mapping(parse_yaml(_read(root, path), shown), shown, AUDIENCE.what, 1)
    values = AUDIENCE.read(document, shown, errors)
    line = document.line_of
    variables = dict(values["variables"])
    ask = values["ask"] if document.get("ask") is not None else _text(variables.get("ask"), shown, line("ask"), "'ask'", errors)
    if ask:
        variables.setdefault("ask", ask)  # prose keeps using {{ audience.variables.ask }}
    theme = values["theme"]
    colours = {key: theme[key] for key in COLOUR_FIELDS if theme[key] is not None}
    if "accent" in colours:
        colours.setdefault("accent_dark", shade(colours["accent"], 0.25))
        colours.setdefault("accent_light", tint(colours["accent"], 0.9))
    _check_output_and_style(root, values, line, shown, errors)
    output_name, citation_style, pdf = values["output_name"], values["citation_style"], values["pdf"]
    return Audience(
        citation_style=citation_style,
        name=path.stem,
        title=values["title"] or ("" if isinstance(document.get("title"), (dict, list)) else path.stem.capitalize()),
        path=shown,
        purpose=values["purpose"],
        sections=_rules(document, shown, errors),
        order=values["order"],
        deck_max_slides=values["deck"]["max_slides"],
        theme=Theme(**colours, logo=_logo(root, theme["logo"], shown, _line_within(document, "theme", "logo"), errors), font=theme["font"]),
        labels={str(k): str(v) for k, v in values["labels"].items()},
        variables=variables,
        pdf_variant=pdf["variant"],
        page_size=pdf["page_size"],
        pdf_layout=pdf["layout"],
        output_name=output_name,
        key_figures=values["key_figures"],
        judgements=values["judgements"],
        field_lines={key: line(key) or 1 for key in document},
        deck_master=values["deck"]["master"],
        ask=" ".join(ask.split()),
        bottom_line=values["bottom_line"],
        languages=values["languages"],
    )


def _line_within(document: LineDict, key: str, inner: str) -> int | None:
    """Return the line of *key*.*inner* ('theme', 'logo'), or of *key* when it is no mapping."""
    value = document.get(key)
    return value.line_of(inner) if isinstance(value, LineDict) else document.line_of(key)


def _line_dict(mapping: dict[str, Any], line: int | None) -> LineDict:
    made = LineDict(mapping)
    made.line, made.key_lines = line, {}
    return made


def _rules(document: LineDict, shown: str, errors: ErrorCollector) -> tuple[SectionRule, ...]:
    """Return an audience's section rules (default: every section in full)."""
    raw_rules = document.get("sections")
    if raw_rules is None:
        raw_rules = [{"tag": "*"}]
    if not isinstance(raw_rules, list):
        errors.add("'sections' must be a list of {id: …} or {tag: …} rules", shown, document.line_of("sections"))
        raw_rules = []
    rules = []
    for rule in raw_rules:
        if isinstance(rule, str):
            rule = {"id": rule}
        if not isinstance(rule, dict) or ("id" in rule) == ("tag" in rule):
            errors.add("each section rule needs exactly one of 'id' or 'tag'", shown, getattr(rule, "line", None) or document.line_of("sections"))
            continue
        if not isinstance(rule, LineDict):  # a plain id, or the default rule
            rule = _line_dict(rule, document.line_of("sections"))
        before = len(errors.errors)
        values = RULE.read(rule, shown, errors)
        if len(errors.errors) == before:
            rules.append(SectionRule(id=values["id"], tag=values["tag"], depth=values["depth"], line=rule.line or document.line_of("sections")))
    return tuple(rules)


def _cross_check(
    config: Config,
    data: dict[str, Dataset],
    sections: tuple[Section, ...],
    audiences: dict[str, Audience],
    errors: ErrorCollector,
) -> None:
    known_audiences = ", ".join(sorted(audiences))
    source_ids = {source.id for source in config.sources}
    for dataset in data.values():
        for item in dataset:
            if item.source and item.source not in source_ids:
                errors.add(
                    f"unknown source '{item.source}' (known: {', '.join(sorted(source_ids)) or 'none; add sources: to content/report.yaml'})",
                    dataset.path,
                    item.line,
                )
    for name in config.audiences:
        if name not in audiences:
            errors.add(f"unknown audience '{name}' (known: {known_audiences})", config.path, config.field_lines.get("audiences"))
    for reference in config.key_figures:
        _check_reference(reference, data, config.path, config.field_lines.get("key_figures"), errors)
    section_ids = {section.id for section in sections}
    tags = {tag for section in sections for tag in section.tags}
    for section in sections:
        for key in ("for", "not_for"):
            for name in section.for_audiences if key == "for" else section.not_for:
                if name not in audiences:
                    errors.add(f"unknown audience '{name}' in '{key}' (known: {known_audiences})", section.path, section.field_lines.get(key))
    for audience in audiences.values():
        for rule in audience.sections:
            if rule.id and rule.id not in section_ids:
                errors.add(f"unknown section '{rule.id}' (known: {', '.join(sorted(section_ids))})", audience.path, rule.line)
            if rule.tag and rule.tag != "*" and rule.tag not in tags:
                errors.add(f"no section has tag '{rule.tag}' (known tags: {', '.join(sorted(tags))})", audience.path, rule.line)
        for section_id in audience.order:
            if section_id not in section_ids:
                errors.add(f"unknown section '{section_id}' in 'order' (known: {', '.join(sorted(section_ids))})", audience.path, audience.line_of("order"))
        for section_id in audience.judgements:
            if section_id not in section_ids:
                errors.add(f"unknown section '{section_id}' in 'judgements' (known: {', '.join(sorted(section_ids))})", audience.path, audience.line_of("judgements"))
        for reference in audience.key_figures:
            _check_reference(reference, data, audience.path, audience.line_of("key_figures"), errors)
        for language in audience.languages:
            if language not in config.languages:
                errors.add(f"unknown language '{language}' in 'languages' (the project's: {', '.join(config.languages)})",
                           audience.path, audience.line_of("languages"))


def _check_reference(reference: str, data: dict[str, Dataset], path: str, line: int | None, errors: ErrorCollector) -> None:
    """Report a 'dataset.key' reference that names no figure."""
    from .resolve import Where, figure_refs

    try:
        figure_refs([reference], data, Where(path, line))
    except ReportgenError as error:
        errors.extend(error)

