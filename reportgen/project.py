"""Read a project folder (config, data, sections, audiences) into a validated Project."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .colours import PATTERN as _COLOUR
from .colours import shade, tint
from .bibliography import SOURCE_FIELDS, read_csl_json, source_from_config, style_path
from .data import load_dataset, load_table
from .errors import ErrorCollector, ReportgenError
from .glyphs import check_drawable
from .locales import known_language
from .model import (
    DEPTHS,
    Audience,
    Config,
    Dataset,
    Project,
    Section,
    SectionRule,
    Theme,
    date_problem,
)
from .paths import display_path
from .resources import MAX_TEXT_BYTES, confined_file, folder_files, project_image
from .translations import load_translations, translation_of
from .yamlfile import (
    LineDict,
    check_keys,
    expect_mapping,
    kind_of,
    parse_yaml,
    read_text,
)

CONFIG_NAMES = ("content/report.yaml", "content/report.yml")
CONFIG_FIELDS = {
    "title", "subtitle", "date", "organisation", "organization", "authors", "language",
    "keywords", "sources", "audiences", "output_name", "key_figures", "labels", "contacts", "house_style", "logo",
    "bibliography", "citation_style", "languages",
}
HOUSE_STYLE_FIELDS = {"spell_out_below"}
SECTION_FIELDS = {
    "id", "title", "order", "tags", "for", "not_for", "summary", "key_points",
    "slide_title", "notes",
}
AUDIENCE_FIELDS = {
    "title", "purpose", "sections", "deck", "theme", "labels", "variables", "pdf",
    "output_name", "key_figures", "order", "ask", "bottom_line", "judgements", "citation_style", "languages",
}
RULE_FIELDS = {"id", "tag", "depth"}
THEME_FIELDS = {"accent", "accent_dark", "accent_light", "text", "muted", "logo", "font"}
THEME_FONTS = ("serif", "sans")
PDF_LAYOUTS = ("auto", "brief", "full")
DECK_FIELDS = {"max_slides", "master"}
PDF_FIELDS = {"variant", "page_size", "layout"}
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/a-2b", "none")
PAGE_SIZES = ("A4", "Letter")
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


def _languages(document: LineDict, shown: str, errors: ErrorCollector) -> tuple[str, tuple[str, ...]]:
    """Return the main language and every language of the project (the main one first)."""
    line = document.line_of
    listed = list(_text_list(document.get("languages"), shown, line("languages"), "'languages'", errors))
    main = _text(document.get("language") or (listed[0] if listed else "en"), shown, line("language"), "'language'", errors)
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


def _text_list(value: Any, path: str, line: int | None, what: str, errors: ErrorCollector) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or any(isinstance(item, (dict, list)) for item in value):
        errors.add(f"{what} must be a list of text", path, line)
        return ()
    return tuple(str(item) for item in value)


def _load_config(root: Path, errors: ErrorCollector) -> Config | None:
    path = next((root / name for name in CONFIG_NAMES if (root / name).is_file()), None)
    if path is None:
        errors.add("project config not found (looked for content/report.yaml, content/report.yml)", CONFIG_NAMES[0])
        return None
    shown = display_path(root, path)
    try:
        document = expect_mapping(parse_yaml(_read(root, path), shown), shown, "the project config", 1)
    except ReportgenError as error:
        errors.extend(error)
        return None
    check_keys(document, CONFIG_FIELDS, shown, errors, "the project config")
    if not document.get("title"):
        errors.add("the project config needs a 'title'", shown, document.line or 1)
    sources = []
    raw_sources = document.get("sources") or []
    if not isinstance(raw_sources, list):
        errors.add("'sources' must be a list", shown, document.line_of("sources"))
        raw_sources = []
    for item in raw_sources:
        if not isinstance(item, LineDict) or not item.get("id") or not item.get("title"):
            errors.add("each source needs an 'id' and a 'title'", shown, getattr(item, "line", None) or document.line_of("sources"))
            continue
        check_keys(item, SOURCE_FIELDS, shown, errors, "a source")
        if date_problem(str(item.get("date") or "")):
            errors.add(f"source '{item['id']}': {date_problem(str(item['date']))}", shown, item.line_of("date"))
            continue
        try:
            sources.append(source_from_config(item, shown, item.line))
        except ReportgenError as error:
            errors.extend(error)
    line = document.line_of
    if date_problem(str(document.get("date") or "")):
        errors.add(f"'date': {date_problem(str(document['date']))}", shown, line("date"))
    bibliography = document.get("bibliography")
    if bibliography:
        try:
            sources.extend(read_csl_json(root, str(bibliography), shown, line("bibliography")))
        except ReportgenError as error:
            errors.extend(error)
    ids = [source.id for source in sources]
    for source_id in sorted({i for i in ids if ids.count(i) > 1}):
        errors.add(f"duplicate source id '{source_id}'", shown, document.line_of("sources"))
    citation_style = _text(document.get("citation_style"), shown, line("citation_style"), "'citation_style'", errors)
    if citation_style:
        try:
            style_path(citation_style, root, shown, line("citation_style"))
        except ReportgenError as error:
            errors.extend(error)
    language, languages = _languages(document, shown, errors)
    output_name = _text(document.get("output_name") or "briefing", shown, line("output_name"), "'output_name'", errors)
    if not _FILE_NAME.fullmatch(output_name):
        errors.add(f"'output_name' {output_name!r} must be a plain file name (letters, digits, . _ -)", shown, line("output_name"))
    return Config(
        title=_text(document.get("title"), shown, line("title"), "'title'", errors),
        path=shown,
        subtitle=_text(document.get("subtitle"), shown, line("subtitle"), "'subtitle'", errors),
        date=_text(document.get("date"), shown, line("date"), "'date'", errors),
        organisation=_text(document.get("organisation") or document.get("organization"), shown, line("organisation"), "'organisation'", errors),
        authors=_text_list(document.get("authors"), shown, line("authors"), "'authors'", errors),
        language=language,
        languages=languages,
        keywords=_text_list(document.get("keywords"), shown, line("keywords"), "'keywords'", errors),
        sources=tuple(sources),
        citation_style=citation_style,
        audiences=_text_list(document.get("audiences"), shown, line("audiences"), "'audiences'", errors),
        output_name=output_name,
        key_figures=_text_list(document.get("key_figures"), shown, line("key_figures"), "'key_figures'", errors),
        labels={str(k): str(v) for k, v in _sub_mapping(document, "labels", set(), shown, errors).items()},
        contacts=_text_list(document.get("contacts"), shown, line("contacts"), "'contacts'", errors),
        logo=_config_logo(root, document, shown, errors),
        spell_out_below=_spell_out_below(_sub_mapping(document, "house_style", HOUSE_STYLE_FIELDS, shown, errors), shown, errors),
        field_lines={key: line(key) or 1 for key in document},
    )


def _config_logo(root: Path, document: LineDict, shown: str, errors: ErrorCollector) -> str:
    """Return the project's logo (shown on every edition's cover unless a theme sets its own)."""
    logo = _text(document.get("logo"), shown, document.line_of("logo"), "'logo'", errors)
    if logo:
        try:
            project_image(root, logo, "logo", shown, document.line_of("logo"))
        except ReportgenError as error:
            errors.extend(error)
    return logo


def _spell_out_below(style: LineDict, shown: str, errors: ErrorCollector) -> int:
    """Return house_style.spell_out_below: whole numbers under it are written in words in prose (0: never)."""
    value = style.get("spell_out_below", 10)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        errors.add(f"'house_style.spell_out_below' must be a whole number from 0 to 100, not {value!r}", shown, style.line_of("spell_out_below"))
        return 10
    return value


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
    meta = expect_mapping(parse_yaml(front, shown, first_line=2), shown, "front matter", 2)
    before = len(errors.errors)
    check_keys(meta, SECTION_FIELDS, shown, errors, "front matter")
    line = meta.line_of
    default_id = re.sub(r"^\d+[-_]", "", path.stem)
    section_id = _text(meta.get("id") or default_id, shown, line("id"), "'id'", errors)
    if section_id and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", section_id):  # "" after a type error
        errors.add(f"section id {section_id!r} may contain only letters, digits, - and _", shown, line("id"))
    title = _text(meta.get("title"), shown, line("title"), "'title'", errors)
    if not title.strip() and not isinstance(meta.get("title"), (dict, list)):
        errors.add("front matter needs a 'title'", shown, meta.line or 2)
    order = meta.get("order", (index + 1) * 10)
    if isinstance(order, bool) or not isinstance(order, int):
        errors.add(f"'order' must be a whole number, not {order!r}", shown, line("order"))
        order = 0
    if len(errors.errors) > before:
        return None
    return Section(
        id=section_id,
        title=title,
        order=order,
        path=shown,
        tags=_text_list(meta.get("tags"), shown, line("tags"), "'tags'", errors),
        for_audiences=_text_list(meta.get("for"), shown, line("for"), "'for'", errors),
        not_for=_text_list(meta.get("not_for"), shown, line("not_for"), "'not_for'", errors),
        summary=_text(meta.get("summary"), shown, line("summary"), "'summary'", errors),
        key_points=_text_list(meta.get("key_points"), shown, line("key_points"), "'key_points'", errors),
        slide_title=_text(meta.get("slide_title"), shown, line("slide_title"), "'slide_title'", errors),
        notes=_text(meta.get("notes"), shown, line("notes"), "'notes'", errors),
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


def _sub_mapping(document: LineDict, key: str, allowed: set[str], shown: str, errors: ErrorCollector) -> LineDict:
    try:
        value = expect_mapping(document.get(key), shown, f"'{key}'", document.line_of(key))
    except ReportgenError as error:
        errors.extend(error)
        return expect_mapping(None, shown, key)
    if allowed:
        check_keys(value, allowed, shown, errors, f"'{key}'")
    return value


def _choice(mapping: LineDict, key: str, choices: tuple[str, ...], what: str, shown: str, errors: ErrorCollector) -> str:
    """Return *mapping*'s *key* (default: the first of *choices*), reporting a value not among them."""
    value = str(mapping.get(key, choices[0]))
    if value not in choices:
        errors.add(f"unknown {what} '{value}' (known: {', '.join(choices)})", shown, mapping.line_of(key))
    return value


def _load_audience(root: Path, path: Path, shown: str, errors: ErrorCollector) -> Audience | None:
    document = expect_mapping(parse_yaml(_read(root, path), shown), shown, "an audience file", 1)
    check_keys(document, AUDIENCE_FIELDS, shown, errors, "an audience file")
    rules = []
    raw_rules = document.get("sections")
    if raw_rules is None:
        raw_rules = [{"tag": "*"}]
    if not isinstance(raw_rules, list):
        errors.add("'sections' must be a list of {id: …} or {tag: …} rules", shown, document.line_of("sections"))
        raw_rules = []
    for rule in raw_rules:
        if isinstance(rule, str):
            rule = {"id": rule}
        if not isinstance(rule, dict) or ("id" in rule) == ("tag" in rule):
            errors.add("each section rule needs exactly one of 'id' or 'tag'", shown, getattr(rule, "line", None) or document.line_of("sections"))
            continue
        if isinstance(rule, LineDict):
            check_keys(rule, RULE_FIELDS, shown, errors, "a section rule")
        depth = str(rule.get("depth", "full"))
        if depth not in DEPTHS:
            errors.add(f"unknown depth '{depth}' (known: {', '.join(DEPTHS)})", shown, getattr(rule, "line", None))
            continue
        rule_line = getattr(rule, "line", None) or document.line_of("sections")
        rules.append(SectionRule(id=str(rule.get("id") or ""), tag=str(rule.get("tag") or ""), depth=depth, line=rule_line))
    deck = _sub_mapping(document, "deck", DECK_FIELDS, shown, errors)
    theme_doc = _sub_mapping(document, "theme", THEME_FIELDS, shown, errors)
    pdf = _sub_mapping(document, "pdf", PDF_FIELDS, shown, errors)
    labels = _sub_mapping(document, "labels", set(), shown, errors)
    variables = dict(_sub_mapping(document, "variables", set(), shown, errors))
    ask = _text(document.get("ask") if document.get("ask") is not None else variables.get("ask"), shown,
                document.line_of("ask"), "'ask'", errors)
    if ask:
        variables.setdefault("ask", ask)  # prose keeps using {{ audience.variables.ask }}
    theme_values = {}
    for key in THEME_FIELDS - {"logo", "font"}:
        if key in theme_doc:
            colour = str(theme_doc[key])
            if not _COLOUR.match(colour):
                errors.add(f"theme colour '{key}' must be '#RRGGBB', not {colour!r}", shown, theme_doc.line_of(key))
                continue
            theme_values[key] = colour.upper()
    if "accent" in theme_values:
        theme_values.setdefault("accent_dark", shade(theme_values["accent"], 0.25))
        theme_values.setdefault("accent_light", tint(theme_values["accent"], 0.9))
    max_slides = deck.get("max_slides", 20)
    if isinstance(max_slides, bool) or not isinstance(max_slides, int) or not 1 <= max_slides <= 500:
        errors.add(f"'deck.max_slides' must be a whole number from 1 to 500, not {max_slides!r}", shown, deck.line_of("max_slides"))
        max_slides = 20
    variant = _choice(pdf, "variant", PDF_VARIANTS, "PDF variant", shown, errors)
    font = _choice(theme_doc, "font", THEME_FONTS, "theme font", shown, errors)
    layout = _choice(pdf, "layout", PDF_LAYOUTS, "PDF layout", shown, errors)
    page_size = _choice(pdf, "page_size", PAGE_SIZES, "page size", shown, errors)
    logo = _text(theme_doc.get("logo"), shown, theme_doc.line_of("logo"), "'theme.logo'", errors)
    if logo:
        try:
            project_image(root, logo, "logo", shown, theme_doc.line_of("logo"))
        except ReportgenError as error:
            errors.extend(error)
    output_name = _text(document.get("output_name"), shown, document.line_of("output_name"), "'output_name'", errors)
    if output_name and not _FILE_NAME.fullmatch(output_name):
        errors.add(f"'output_name' {output_name!r} must be a plain file name (letters, digits, . _ -)", shown, document.line_of("output_name"))
    citation_style = _text(document.get("citation_style"), shown, document.line_of("citation_style"), "'citation_style'", errors)
    if citation_style:
        try:
            style_path(citation_style, root, shown, document.line_of("citation_style"))
        except ReportgenError as error:
            errors.extend(error)
    return Audience(
        citation_style=citation_style,
        name=path.stem,
        title=_text(document.get("title") or path.stem.capitalize(), shown, document.line_of("title"), "'title'", errors),
        path=shown,
        purpose=_text(document.get("purpose"), shown, document.line_of("purpose"), "'purpose'", errors),
        sections=tuple(rules),
        order=_text_list(document.get("order"), shown, document.line_of("order"), "'order'", errors),
        order_line=document.line_of("order"),
        deck_max_slides=max_slides,
        theme=Theme(**theme_values, logo=logo, font=font),
        labels={str(k): str(v) for k, v in labels.items()},
        variables=dict(variables),
        pdf_variant=variant,
        page_size=page_size,
        pdf_layout=layout,
        output_name=output_name,
        key_figures=_text_list(document.get("key_figures"), shown, document.line_of("key_figures"), "'key_figures'", errors),
        judgements=_text_list(document.get("judgements"), shown, document.line_of("judgements"), "'judgements'", errors),
        field_lines={key: document.line_of(key) or 1 for key in document},
        deck_master=str(deck.get("master") or ""),
        ask=" ".join(ask.split()),
        bottom_line=_text_list(document.get("bottom_line"), shown, document.line_of("bottom_line"), "'bottom_line'", errors),
        bottom_line_line=document.line_of("bottom_line"),
        languages=_text_list(document.get("languages"), shown, document.line_of("languages"), "'languages'", errors),
        languages_line=document.line_of("languages"),
    )


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
                errors.add(f"unknown section '{section_id}' in 'order' (known: {', '.join(sorted(section_ids))})", audience.path, audience.order_line)
        for section_id in audience.judgements:
            if section_id not in section_ids:
                errors.add(f"unknown section '{section_id}' in 'judgements' (known: {', '.join(sorted(section_ids))})", audience.path, audience.field_lines.get("judgements"))
        for reference in audience.key_figures:
            _check_reference(reference, data, audience.path, None, errors)
        for language in audience.languages:
            if language not in config.languages:
                errors.add(f"unknown language '{language}' in 'languages' (the project's: {', '.join(config.languages)})",
                           audience.path, audience.languages_line)


def _check_reference(reference: str, data: dict[str, Dataset], path: str, line: int | None, errors: ErrorCollector) -> None:
    """Report a 'dataset.key' reference that names no figure."""
    from .resolve import Where, figure_refs

    try:
        figure_refs([reference], data, Where(path, line))
    except ReportgenError as error:
        errors.extend(error)

