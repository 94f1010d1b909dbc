"""Plain data objects passed between the pipeline's stages; no I/O here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from .locales import Locale, locale_of
from .numbers import AUTO, NumberFormat, date_problem, event_date, format_date, format_number, pattern, starred

if TYPE_CHECKING:
    from .directives import DirectiveOptions

__all__ = ["date_problem", "format_date", "format_number"]  # re-exported: numbers.py writes them

DEPTHS = ("summary", "key_points", "full")


@dataclass(frozen=True)
class Source:
    """A publication the report cites; figures and sections refer to it by *id*.

    *csl* is its CSL-JSON item (what the citation style formats); the other fields are read
    from it for display. ``bibliography.short_name`` gives the name it is shown by.
    """

    id: str
    title: str
    publisher: str = ""
    date: str = ""
    url: str = ""
    note: str = ""
    csl: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)  # the CSL-JSON item
    authors: tuple[str, ...] = ()
    path: str = field(default="", compare=False)  # where it is defined, for error messages
    line: int | None = field(default=None, compare=False)

    @property
    def citation(self) -> str:
        """Return the source as one plain line (publisher, title, date), for templates that
        list sources themselves; the formatted bibliography is ``references``."""
        return ", ".join(p for p in (self.publisher, f"“{self.title}”", format_date(self.date)) if p)


@dataclass(frozen=True)
class Figure:
    """One number with its unit and source; *derived* ones are computed from others."""

    key: str
    label: str
    value: float
    unit: str
    source: str
    qualifier: str = ""  # "over", "about", "approximately" …
    derived: str = ""  # the expression it was computed from, when derived
    note: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    path: str = ""
    line: int | None = None
    format: NumberFormat = AUTO  # from the figure's or its column's `format:`

    @property
    def number(self) -> str:
        """Return the digits alone, per the figure's format: '563', '237.2', '3,000', '1998'."""
        return format_number(self.value, self.format)

    @property
    def amount(self) -> str:
        """Return the value with its unit, without the qualifier: '$563 million', '3,000 students'."""
        return pattern(self.value, self.unit, self.format).text(self.value)

    @property
    def text(self) -> str:
        """Return the value with its qualifier and unit: '$563 million', 'over 3,000 students'."""
        return pattern(self.value, self.unit, self.format, self.qualifier).text(self.value)

    @property
    def Text(self) -> str:  # noqa: N802 - reads as the capitalised .text in templates
        """Return .text with a capital first letter, to open a sentence or a bullet: 'Over 3,000 students'."""
        text = self.text
        return text[:1].upper() + text[1:]

    @property
    def chart_label(self) -> str:
        """Return the value as a chart's direct label: '$563', '28%', 'over 3,000'."""
        return pattern(self.value, self.unit, self.format, self.qualifier, short=True).text(self.value)

    @property
    def is_derived(self) -> bool:
        return bool(self.derived)

    def __str__(self) -> str:
        return self.text

    def __getattr__(self, name: str) -> str:
        # Extra CSV columns (year, category …) read like fields in templates.
        extra = object.__getattribute__(self, "extra")
        if name in extra:
            return extra[name]
        raise AttributeError(name)


@dataclass(frozen=True)
class Event:
    """A milestone for timelines: dated to a year, month or day, approximate, a period, or undated.

    Undated events (empty *date*) keep their place in the file's order, after the event before them.
    """

    date: str  # "1992", "2021-10", "2024-06-15"; "" when undated
    title: str
    text: str
    source: str
    path: str = ""
    line: int | None = None
    end: str = ""  # the last date of a period ("1997" for 1992–1997)
    approximate: bool = False  # printed "c. 2025"
    planned: bool | None = None  # not happened yet (a hollow marker); None: "planned" in its wording
    label: str = ""  # the date as printed for an undated event ("Undated" when empty)

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def is_planned(self) -> bool:
        """Return whether the event is still to come: said so, or 'planned' in its title or text."""
        if self.planned is not None:
            return self.planned
        return "planned" in f"{self.title} {self.text}".lower()

    @property
    def dated(self) -> bool:
        return bool(self.date)

    @property
    def when(self) -> str:
        """Return the date as a timeline prints it: '1992', 'Oct 2021', 'c. 2025', '1992–1997'."""
        return event_date(self, short=True)

    @property
    def when_long(self) -> str:
        """Return the date in words: '20 September 2024', 'October 2021', 'c. 2025', '1992–1997'."""
        return event_date(self, short=False)


@dataclass(frozen=True)
class Column:
    """One numeric column of a table dataset: a series, its cells addressed by category."""

    name: str
    label: str
    unit: str
    source: str
    cells: tuple[Figure | None, ...]  # one per category; None is a gap (a missing cell)
    categories: tuple[str, ...]
    format: NumberFormat = AUTO
    note: str = ""
    qualifier: str = ""  # "about", "over": for every cell of the column

    def __getitem__(self, category: str) -> Figure:
        """Return the cell for *category* ('2023'); KeyError for an unknown category or a gap."""
        key = str(category)
        if key in self.categories:
            cell = self.cells[self.categories.index(key)]
            if cell is not None:
                return cell
        raise KeyError(key)

    def __iter__(self) -> Iterator[Figure]:
        return iter(cell for cell in self.cells if cell is not None)

    @property
    def values(self) -> tuple[float | None, ...]:
        return tuple(None if cell is None else cell.value for cell in self.cells)


@dataclass(frozen=True)
class Table:
    """A table dataset: a category column (years, partners, sectors) and numeric columns."""

    category: str  # the category column's heading
    categories: tuple[str, ...]
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


@dataclass(frozen=True)
class Dataset:
    """A named data file: either numeric *figures* or dated *events*."""

    name: str
    title: str
    path: str
    figures: tuple[Figure, ...] = ()
    events: tuple[Event, ...] = ()
    table: Table | None = None

    def __getitem__(self, key: str) -> Any:
        """Return the figure *key*, or for a table dataset the column *key*."""
        if self.table is not None:
            return self.table.column(key)
        for figure in self.figures:
            if figure.key == key:
                return figure
        raise KeyError(key)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __iter__(self) -> Iterator[Figure | Event]:
        return iter(self.figures or self.events or self.cells)

    def __len__(self) -> int:
        return len(self.figures or self.events or self.cells)

    @property
    def cells(self) -> tuple[Figure, ...]:
        """Return a table dataset's filled cells, column by column; () for other datasets."""
        if self.table is None:
            return ()
        return tuple(cell for column in self.table.columns for cell in column)

    def keys(self) -> list[str]:
        """Return the figure keys, or a table's column names."""
        if self.table is not None:
            return [column.name for column in self.table.columns]
        return [figure.key for figure in self.figures]

    def figures_by_key(self) -> dict[str, Figure]:
        return {figure.key: figure for figure in self.figures}

    @property
    def sources(self) -> list[str]:
        seen: dict[str, None] = {}
        for item in self:
            seen.setdefault(item.source, None)
        return list(seen)


@dataclass(frozen=True)
class Picture:
    """An image of the prose: its path in the project, alt text and caption."""

    src: str
    alt: str
    caption: str


@dataclass(frozen=True)
class ExtraSlide:
    """A slide of a ``::: slides`` block: a heading, its points, the notes it cites, its pictures."""

    title: str
    bullets: tuple[str, ...] = ()
    footnotes: tuple[str, ...] = ()  # the text of footnotes called on it: its source line names them
    pictures: tuple[Picture, ...] = ()


@dataclass(frozen=True)
class TimelineSpec:
    """A timeline resolved from an events dataset: its title, events in date order, source line."""

    title: str
    events: tuple[Event, ...]
    source: str = ""
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """One piece of a section's body after parsing, and after the resolve stage.

    *kind* is one of: ``html`` (rendered Markdown, in ``html``), ``chart``, ``table``,
    ``keyfigures``, ``timeline``, ``callout``, ``quote``, ``slides``. *options* are the
    directive's typed options (``directives.py``; None for prose and ``slides``). *only* is
    ``"briefing"``, ``"slides"`` or ``""`` (both).

    The parser sets *text* (a callout's or quote's text, plain) and *slides* (a ``::: slides``
    block's slides); the resolve stage sets *spec* (what a chart, table or timeline draws)
    and *figures* (a key-figures band's figures).
    """

    kind: str
    html: str = ""
    options: DirectiveOptions | None = None
    only: str = ""
    line: int | None = None
    text: str = ""
    slides: tuple[ExtraSlide, ...] = ()
    spec: ChartSpec | TableSpec | TimelineSpec | None = None
    figures: tuple[Figure, ...] = ()

    @property
    def source_ids(self) -> tuple[str, ...]:
        """Return the ids of the sources of what the block shows (its spec's, its figures')."""
        found = getattr(self.spec, "source_ids", ())
        return tuple(dict.fromkeys((*found, *(figure.source for figure in self.figures))))


@dataclass(frozen=True)
class Section:
    """One content file: front matter plus its parsed, audience-filtered body."""

    id: str
    title: str
    order: int
    path: str
    tags: tuple[str, ...] = ()
    for_audiences: tuple[str, ...] = ()
    not_for: tuple[str, ...] = ()
    summary: str = ""
    key_points: tuple[str, ...] = ()
    slide_title: str = ""
    notes: str = ""
    body: str = ""  # Markdown source after the front matter
    body_line: int = 1  # line of the body's first line in the file
    blocks: tuple[Block, ...] = ()
    depth: str = "full"
    field_lines: Mapping[str, int] = field(default_factory=dict)  # front matter key -> file line
    cites: tuple[str, ...] = ()  # ids of the sources its prose, summary and key points cite


@dataclass(frozen=True)
class SectionRule:
    """An audience's selection rule: a section id or a tag, at a depth."""

    id: str = ""
    tag: str = ""
    depth: str = "full"
    line: int | None = field(default=None, compare=False)  # in the audience file


@dataclass(frozen=True)
class Theme:
    accent: str = "#1F4E79"
    accent_dark: str = "#163A5A"
    accent_light: str = "#E8EEF5"
    text: str = "#1A1A1A"
    muted: str = "#5F6B76"
    logo: str = ""  # path relative to the project, or ""
    font: str = "serif"  # the briefing's body text: "serif" (Source Serif 4) or "sans" (Source Sans 3)


@dataclass(frozen=True)
class Audience:
    """Who a briefing and deck are for, and what they get."""

    name: str
    title: str
    path: str
    purpose: str = ""
    sections: tuple[SectionRule, ...] = ()
    order: tuple[str, ...] = ()  # section ids this audience reads first, in this order
    deck_max_slides: int = 20
    theme: Theme = Theme()
    labels: Mapping[str, str] = field(default_factory=dict)
    variables: Mapping[str, Any] = field(default_factory=dict)
    pdf_variant: str = "pdf/ua-1"
    page_size: str = "A4"
    pdf_layout: str = "auto"  # "auto", "brief" (no contents, sections run on) or "full"
    output_name: str = ""
    key_figures: tuple[str, ...] = ()  # overrides the project's cover band when set
    deck_master: str = ""  # a .pptx found through the template folders
    ask: str = ""  # what the audience is asked to do (`ask:`, or `variables.ask`); "" for none
    bottom_line: tuple[str, ...] = ()  # the deck's takeaways, Jinja text (default: section summaries)
    judgements: tuple[str, ...] = ()  # section ids whose summaries are the key judgements (default: see front.py)
    citation_style: str = ""  # overrides the project's citation style when set
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False)  # key -> file line
    languages: tuple[str, ...] = ()  # the project's languages this audience gets; () for all of them

    def line_of(self, key: str) -> int | None:
        """Return the line of *key* in the audience file, or None when it is not there."""
        return self.field_lines.get(key)


def audience_ask(audience: Audience) -> str:
    """Return what *audience* is asked to do: its ``ask:`` key, else ``variables.ask``, else ""."""
    return audience.ask or " ".join(str(audience.variables.get("ask") or "").split())


@dataclass(frozen=True)
class Config:
    """The project file: title, people, sources, audience order."""

    title: str
    path: str
    subtitle: str = ""
    date: str = ""
    organisation: str = ""
    authors: tuple[str, ...] = ()
    language: str = "en"  # the language it is in: the main one (of the originals), or a translation's
    languages: tuple[str, ...] = ("en",)  # every language the project is published in, the main one first
    keywords: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    citation_style: str = ""  # "notes", "author-date" or a .csl file in the project ("" = notes)
    audiences: tuple[str, ...] = ()
    output_name: str = "briefing"
    key_figures: tuple[str, ...] = ()  # "dataset.key" references for the cover band
    labels: Mapping[str, str] = field(default_factory=dict)  # wording for every audience
    contacts: tuple[str, ...] = ()  # lines for the deck's closing slide: who to ask, how
    logo: str = ""  # the organisation's logo, on every cover unless a theme sets its own
    spell_out_below: int = 10  # whole numbers under this are written in words in prose (0: never)
    field_lines: Mapping[str, int] = field(default_factory=dict, compare=False)  # key -> file line

    def source(self, source_id: str) -> Source | None:
        for source in self.sources:
            if source.id == source_id:
                return source
        return None


@dataclass(frozen=True)
class Project:
    """Everything read from a project folder, validated."""

    root: Path
    config: Config
    sections: tuple[Section, ...]
    data: Mapping[str, Dataset]
    audiences: Mapping[str, Audience]
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # language -> original -> file

    def audience_names(self) -> list[str]:
        ordered = [name for name in self.config.audiences if name in self.audiences]
        return ordered + sorted(set(self.audiences) - set(ordered))

    def languages_of(self, audience: str) -> tuple[str, ...]:
        """Return the languages *audience*'s editions are made in, the main language first."""
        chosen = self.audiences[audience].languages
        return tuple(language for language in self.config.languages if not chosen or language in chosen)

    def editions(self) -> list[tuple[str, str]]:
        """Return every (audience, language) edition, audience by audience."""
        return [(name, language) for name in self.audience_names() for language in self.languages_of(name)]


@dataclass(frozen=True)
class Series:
    """One series of a chart: a value (or a gap, None) per category, each with its label."""

    name: str
    values: tuple[float | None, ...]
    labels: tuple[str, ...]  # direct labels as printed ("$563", "over 3,000", "440*"); "" at a gap
    number_formats: tuple[str, ...]  # per point: the Excel format that shows exactly that label
    derived: tuple[bool, ...] = ()
    unit: str = ""
    line: bool = False  # in a combined chart: drawn as a line over the columns
    reference: bool = False  # a flat target or reference line, labelled once


@dataclass(frozen=True)
class ChartSpec:
    """A chart resolved from a dataset: what both the SVG and the native chart draw.

    A chart of one series keeps it in *values*, *labels* and *derived*; a chart from a table
    dataset has its series in *series* (then *values* is empty). all_series() reads both alike.
    """

    type: str  # a kind of the chart registry: "column", "bar", "line", "area", "pie", ...
    title: str
    categories: tuple[str, ...]
    values: tuple[float, ...]
    unit: str  # the figures' unit, e.g. "USD million"
    series_name: str
    derived: tuple[bool, ...] = ()  # per point: computed rather than reported
    reference_label: str = ""  # e.g. "Target: $1,000 million"
    reference_value: float | None = None
    source: str = ""  # "Source: nCa, 20 September 2024"
    alt: str = ""
    number_format: str = "#,##0"  # Excel-style, for the native chart's axis
    labels: tuple[str, ...] = ()  # per point, formatted for direct labels (charts mark estimates with "*")
    source_ids: tuple[str, ...] = ()
    series: tuple[Series, ...] = ()  # a table chart's series, in order
    stack: str = ""  # "", "stacked" or "percent" (100%)
    number_formats: tuple[str, ...] = ()  # per point of *values*: Excel format equal to its label
    reference_format: str = ""  # Excel format that prints the reference value as its label does
    category_title: str = ""  # the category column's heading; a scatter's x-axis title
    value_title: str = ""  # a scatter's y-axis title
    derived_key: str = "* Derived from reported figures"  # the key of the "*" on derived points (the `derived` label)
    methods: tuple[str, ...] = ()  # how each derived point was worked out: "2018: <its figure's note>"

    @property
    def value_labels(self) -> tuple[str, ...]:
        return self.labels or tuple(format_number(v) for v in self.values)

    def all_series(self) -> tuple[Series, ...]:
        """Return the chart's series; a one-series chart's values as a Series of its own."""
        if self.series:
            return self.series
        derived = tuple(self.derived) or (False,) * len(self.values)
        formats = self.number_formats or tuple(starred(self.number_format) if estimate else self.number_format
                                               for estimate in derived)
        return (Series(self.series_name, tuple(self.values), self.value_labels, formats,
                       derived, self.unit),)


@dataclass(frozen=True)
class TableSpec:
    """A table resolved from a dataset, cells already formatted."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # per column: right-align
    source: str = ""
    notes: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Slide:
    """One slide of a deck plan; *layout* names a layout of the master."""

    layout: str
    title: str = ""
    subtitle: str = ""
    text: str = ""
    bullets: tuple[str, ...] = ()
    bullets_right: tuple[str, ...] = ()
    chart: ChartSpec | None = None
    table: TableSpec | None = None
    figures: tuple[Figure, ...] = ()
    events: tuple[Event, ...] = ()
    quote: str = ""
    attribution: str = ""
    notes: str = ""
    source: str = ""  # the footer's source line
    origin: str = ""  # "path:line" of the content the slide comes from, for error messages
    image: str = ""  # a picture: path relative to the project folder
    alt: str = ""  # the picture's alt text
    caption: str = ""  # the picture's caption, under it
    callout: str = ""  # a highlighted box's text (beside the bullets on Two content)
    callout_title: str = ""
    lead: str = ""  # a paragraph the plan may put above thin bullets (the section's summary)
    role: str = ""  # its part of the storyline: opening, bottom_line, points, visual, callout, ask, closing …

    @property
    def where(self) -> tuple[str | None, int | None]:
        """Return the (path, line) this slide comes from, or (None, None)."""
        path, _, line = self.origin.rpartition(":")
        return (path or None, int(line) if line.isdigit() else None)


@dataclass(frozen=True)
class Planned:
    """A slide of a deck plan being composed: its trimming priority and the content it shows."""

    slide: Slide
    priority: int
    origins: tuple[str, ...] = ()  # "path:line" of each piece of content on the slide


@dataclass(frozen=True)
class DeckPlan:
    """The slides of one audience's deck, in order, and the deck's properties."""

    slides: tuple[Slide, ...]
    title: str
    author: str
    subject: str
    keywords: str
    language: str
    created: str  # ISO 8601 timestamp
    theme: Theme
    master: Path
    root: Path = Path(".")  # the project folder: pictures are read from it
    omitted: tuple[tuple[str, str], ...] = ()  # what the plan left out (with its "path:line") and why
    labels: Mapping[str, str] = field(default_factory=dict)  # the edition's words, for what the renderer adds
    logo: str = ""  # the title slide's logo picture, relative to *root* ("" for none)
    logo_alt: str = ""  # its alt text: the organisation's name

    @property
    def locale(self) -> Locale:
        return locale_of(self.language, self.labels)




@dataclass(frozen=True)
class Edition:
    """One audience's version of the project: its sections at their depth, resolved."""

    root: Path
    config: Config
    audience: Audience
    sections: tuple[Section, ...]
    data: Mapping[str, Dataset]
    key_figures: tuple[Figure, ...]
    sources: tuple[Source, ...]  # every source cited by the edition's data and content
    labels: Mapping[str, str]
    template_dirs: tuple[Path, ...]
    derived: tuple[Figure, ...] = ()  # the derived and estimated figures it shows, each stated once with its method

    def derived_figures(self) -> tuple[Figure, ...]:
        """Return the derived and estimated figures this edition shows."""
        return self.derived
    language: str = "en"  # BCP 47, of every word the edition prints
    main_language: bool = True  # False for a translation: its outputs carry the language in their names

    @property
    def locale(self) -> Locale:
        """Return the locale the edition is written in: its language and labels."""
        return locale_of(self.language, self.labels)

    def figure_caption(self, figure: Figure) -> str:
        """Return a figure's label, naming its dataset when the label alone says little.

        "2023" becomes "Trade, 2023"; "Turkmen students in Kazakhstan" stays as it is.
        """
        if re.search(r"[^\W\d_]{4,}", re.sub(r"\([^)]*\)", "", figure.label)):
            return figure.label
        for dataset in self.data.values():
            if any(candidate == figure for candidate in dataset.figures):
                return f"{dataset.title}, {figure.label}"
        return figure.label
