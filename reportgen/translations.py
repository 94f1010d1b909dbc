"""Translations beside their originals: ``06-trade.ru.md``, ``trade.ru.yaml``, ``report.ru.yaml``.

A file named ``NAME.LANG.EXT`` in ``content/`` is the *LANG* translation of ``NAME.EXT`` (any
extension for data). It carries only words — titles, prose, labels, units — never numbers,
order or selection, which stay in the original and are shared by every language.
:func:`localize` returns the project as one language sees it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ErrorCollector, ReportgenError
from .model import Audience, Config, Dataset, Event, Figure, Project, Section
from .schemas import AUDIENCE, DATA_FILE, EVENT, FIGURE, REPORT, SECTION, SOURCE
from .yamlfile import LineDict, expect_mapping, parse_yaml

_TRANSLATION = re.compile(r"^(?P<name>[^.]+)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\.(?P<ext>md|ya?ml|csv|json)$")
# What a translation may set: the fields each schema marks as translated (words, never numbers).
_SECTION = SECTION.translation("a section's translation")
_REPORT, _AUDIENCE, _DATA_FILE = (schema.translation("a translation") for schema in (REPORT, AUDIENCE, DATA_FILE))
_FILES = {"data": DATA_FILE, "audiences": AUDIENCE}  # by folder; content/report.*.yaml is the config's
_SOURCE = SOURCE.translation("a source")  # its title and publisher are cited as published
_FIGURE = FIGURE.translation("a figure")
_EVENT = EVENT.translation("an event")


def translation_of(name: str) -> tuple[str, str] | None:
    """Return (original file name, language) when *name* is a translation ('06-trade.ru.md'), else None."""
    match = _TRANSLATION.match(name)
    if not match:
        return None
    ext = match["ext"]
    return f"{match['name']}.{ext}", match["lang"]


@dataclass(frozen=True)
class Translation:
    """One translation file, parsed: its fields, and for a section its body."""

    path: str  # as shown, e.g. content/sections/06-trade.ru.md
    language: str
    original: str  # the original's path without extension for data ('content/data/trade'), else its path
    fields: LineDict = field(default_factory=LineDict)
    body: str = ""
    body_line: int = 1


def load_translations(root: Path, files: list[tuple[Path, str]], languages: tuple[str, ...], errors: ErrorCollector,
                      read: Callable[[Path], str]) -> dict[str, dict[str, Translation]]:
    """Read the translation files among *files* ((path, shown) pairs); return language -> original -> file.

    A translation into a language the project does not declare is an error naming the file.
    """
    from .project import split_front_matter

    found: dict[str, dict[str, Translation]] = {}
    for path, shown in files:
        parsed = translation_of(path.name)
        if parsed is None:
            continue
        original, language = parsed
        if language not in languages:
            errors.add(f"translation into '{language}', which is not among the project's languages "
                       f"({', '.join(languages)}); add it to 'languages:' in content/report.yaml", shown)
            continue
        kind = path.parent.name
        try:
            text = read(path)
            if path.suffix == ".md":
                front, body, body_line = split_front_matter(text, shown)
                fields = expect_mapping(parse_yaml(front, shown, first_line=2), shown, "front matter", 2)
                schema = _SECTION
            else:
                fields = expect_mapping(parse_yaml(text, shown), shown, "a translation", 1)
                body, body_line = "", 1
                schema = _FILES.get(kind, REPORT).translation(f"a translation of {original}")
        except ReportgenError as error:
            errors.extend(error)
            continue
        schema.check_keys(fields, shown, errors)
        key = str(path.parent / original)
        if kind == "data":
            key = str(path.parent / original.rsplit(".", 1)[0])
        found.setdefault(language, {})[key] = Translation(shown, language, key, fields, body, body_line)
    return found


def localize(project: Project, language: str) -> Project:
    """Return *project* as *language* reads it: every translated word in place, numbers shared.

    The main language returns *project* itself. Sections without a translation keep their
    original text and path; :func:`untranslated` names them for the editions that need them.
    """
    if language == project.config.language:
        return project
    files = project.translations.get(language, {})
    root = project.root
    errors = ErrorCollector()

    def find(path: str) -> Translation | None:
        return files.get(str(root / path))

    config = _config(project.config, find(project.config.path), language, errors)
    audiences = {name: _audience(audience, find(audience.path), errors) for name, audience in project.audiences.items()}
    data = {name: _dataset(dataset, files.get(str(root / dataset.path).rsplit(".", 1)[0]), language, errors)
            for name, dataset in project.data.items()}
    sections = tuple(_section(section, find(section.path), errors) for section in project.sections)
    errors.raise_if_any()
    return dataclasses.replace(project, config=config, audiences=audiences, data=data, sections=sections)


def untranslated(project: Project, selected: list[tuple[Section, str]], language: str) -> list[ReportgenError]:
    """Return an error for each selected (section, depth) whose *language* translation is missing or short.

    *project* is the original. A translation may leave out its body when every edition in that
    language gets the section at summary depth, and may leave out ``::: audience`` blocks of
    audiences that have no edition in the language; anything else missing is an error.
    """
    if language == project.config.language:
        return []
    files = project.translations.get(language, {})
    readers = {name for name in project.audiences if language in project.languages_of(name)}
    errors = []
    for section, depth in selected:
        found = files.get(str(project.root / section.path))
        if found is None:
            wanted = re.sub(r"\.md$", f".{language}.md", section.path)
            errors.append(ReportgenError(f"missing translation: this edition in '{language}' needs {wanted}, "
                                         f"the translation of {section.path}", wanted))
            continue
        if depth != "summary" and section.body.strip() and not found.body.strip():
            errors.append(ReportgenError(f"the translation has no body, but an edition in '{language}' shows "
                                         f"{section.path} at {depth} depth", found.path, found.body_line))
        missing = _audience_blocks(section.body) & readers - _audience_blocks(found.body)
        if missing and found.body.strip():
            errors.append(ReportgenError(f"the translation lacks the '::: audience' block(s) for {', '.join(sorted(missing))} "
                                         f"that {section.path} has", found.path, found.body_line))
    return errors


_AUDIENCE_BLOCK = re.compile(r"^:{3,}\s*audience\s+(.+)$", re.MULTILINE)


def _audience_blocks(body: str) -> set[str]:
    """Return the audiences named by the ``::: audience`` blocks of *body* (not those after 'not')."""
    names: set[str] = set()
    for match in _AUDIENCE_BLOCK.finditer(body):
        words = match.group(1).split()
        if words and words[0] != "not":
            names.update(words)
    return names


def _labels(words: Mapping[str, Any]) -> dict[str, str]:
    return {str(key): str(text) for key, text in words.get("labels", {}).items()}


def _config(config: Config, found: Translation | None, language: str, errors: ErrorCollector) -> Config:
    """Return the config in *language*: its words translated, and *language* as the language it is in."""
    if found is None:
        return dataclasses.replace(config, language=language, labels={})  # the project's labels are in its main language
    fields, path = found.fields, found.path
    words = _REPORT.given(fields, path, errors)
    return dataclasses.replace(
        config,
        language=language,
        **{key: words[key] for key in ("title", "subtitle", "organisation", "authors", "keywords", "contacts") if key in words},
        labels=_labels(words),
        sources=_sources(config, fields, path, errors),
    )


def _sources(config: Config, fields: LineDict, path: str, errors: ErrorCollector) -> tuple:
    """Return the config's sources with the translation's notes on them (titles stay as published)."""
    notes = _mapping(fields, "sources", path, errors)
    known = {source.id for source in config.sources}
    for source_id in set(notes) - known:
        errors.add(f"unknown source '{source_id}' (known: {', '.join(sorted(known))})", path, _line(notes, source_id))
    translated = []
    for source in config.sources:
        words = notes.get(source.id)
        if isinstance(words, LineDict):
            _SOURCE.check_keys(words, path, errors, f"source '{source.id}'")
        if isinstance(words, dict) and words.get("note") is not None:
            source = dataclasses.replace(source, note=" ".join(str(words["note"]).split()))
        translated.append(source)
    return tuple(translated)


def _audience(audience: Audience, found: Translation | None, errors: ErrorCollector) -> Audience:
    if found is None:
        return dataclasses.replace(audience, labels={})
    words = _AUDIENCE.given(found.fields, found.path, errors)
    variables = {**audience.variables, **words.get("variables", {})}
    if "ask" in words:
        variables["ask"] = words["ask"]  # prose keeps using {{ audience.variables.ask }}, as in the original
    return dataclasses.replace(
        audience,
        **{key: words[key] for key in ("title", "purpose", "bottom_line") if key in words},
        variables=variables,
        labels=_labels(words),
        ask=" ".join(str(words.get("ask", variables.get("ask", audience.ask))).split()),
    )


def _section(section: Section, found: Translation | None, errors: ErrorCollector) -> Section:
    if found is None:
        return section
    fields, path = found.fields, found.path
    words = _SECTION.given(fields, path, errors)
    if not str(words.get("title", "")).strip():
        errors.add("a section's translation needs a 'title'", path, fields.line or 2)
    return dataclasses.replace(
        section,
        **words,
        path=path,
        body=found.body,
        body_line=found.body_line,
        field_lines={**{key: 2 for key in section.field_lines}, **{key: fields.line_of(key) or 2 for key in fields}},
    )


def _dataset(dataset: Dataset, found: Translation | None, language: str, errors: ErrorCollector) -> Dataset:
    """Return *dataset* with its words in *language*; a figure or event left untranslated is an error."""
    if found is None:
        if dataset.figures or dataset.events:
            wanted = dataset.path.rsplit(".", 1)[0] + f".{language}.yaml"
            errors.add(f"missing translation: the '{language}' editions need {wanted}, the translation of {dataset.path}", wanted)
        return dataset
    fields, path = found.fields, found.path
    figures = _mapping(fields, "figures", path, errors)
    translated_figures = []
    for figure in dataset.figures:
        words = figures.get(figure.key)
        if not isinstance(words, LineDict):  # every YAML mapping is read as a LineDict
            errors.add(f"no translation of figure '{figure.key}' (add it under 'figures:')", path, fields.line_of("figures") or 1)
            continue
        _FIGURE.check_keys(words, path, errors, f"figure '{figure.key}'")
        translated_figures.append(_figure(figure, words, path, errors))
    for key in set(figures) - {figure.key for figure in dataset.figures}:
        errors.add(f"unknown figure '{key}' in the translation (known: {', '.join(dataset.keys())})", path, _line(figures, key))
    events = fields.get("events") or []
    if not isinstance(events, list) or len(events) != len(dataset.events):
        if dataset.events:
            errors.add(f"'events' must list the {len(dataset.events)} events of {dataset.path}, in its order", path, fields.line_of("events") or 1)
        events = [{}] * len(dataset.events)
    translated_events = []
    for event, words in zip(dataset.events, events):
        if isinstance(words, LineDict):
            _EVENT.check_keys(words, path, errors)
        translated_events.append(_event(event, words))
    return dataclasses.replace(
        dataset,
        title=_DATA_FILE.given(fields, path, errors).get("title", dataset.title),
        figures=tuple(translated_figures) if len(translated_figures) == len(dataset.figures) else dataset.figures,
        events=tuple(translated_events),
    )


def _mapping(fields: LineDict, key: str, path: str, errors: ErrorCollector) -> Mapping[str, Any]:
    value = fields.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.add(f"'{key}' must be a mapping", path, fields.line_of(key))
        return {}
    return value


def _line(mapping: Mapping[str, Any], key: str) -> int | None:
    line_of = getattr(mapping, "line_of", None)
    return line_of(key) if line_of else None


def _figure(figure: Figure, words: Mapping[str, Any], path: str, errors: ErrorCollector) -> Figure:
    if "label" not in words:
        errors.add(f"figure '{figure.key}' needs a 'label'", path, _line(words, figure.key))
    return dataclasses.replace(
        figure,
        label=str(words.get("label", figure.label)),
        unit=str(words.get("unit", figure.unit)),
        qualifier=str(words.get("qualifier", figure.qualifier) or ""),
        note=str(words.get("note", figure.note) or ""),
    )


def _event(event: Event, words: Any) -> Event:
    if not isinstance(words, dict):
        return event
    changes: dict[str, Any] = {key: str(words[key]) for key in _EVENT.names() if key in words and hasattr(event, key)}
    return dataclasses.replace(event, **changes)
