"""Each directive's options as a typed dataclass, declared once: the class is also its schema.

A ``::: chart`` body (YAML) is read into :class:`ChartOptions` by :func:`read_options`, which
reports an unknown option with a did-you-mean; ``resolve.py`` turns the options into what both
products draw. A new option is a new field here (with its ``doc``: the README's directive
tables are generated from these classes), then its use in ``resolve.py``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping, Union

from .errors import ReportgenError
from .schema import TEXT, TEXTS, Field, Schema

Names = tuple[str, ...] | None  # a list option: None when not given


def _text(doc: str, default: str = "") -> Any:
    return field(default=default, metadata={"doc": doc, "type": TEXT})


def _names(doc: str) -> Any:
    return field(default=None, metadata={"doc": doc, "type": TEXTS})


@dataclass(frozen=True)
class ChartOptions:
    """A ``::: chart``: a chart from a dataset, an SVG in the PDF and a native chart in the deck."""

    WHAT: ClassVar[str] = "a chart"
    data: str = _text("the dataset's name")
    keys: Names = _names("the figures to plot, in order; default: every figure of the first one's unit")
    figures: Names = _names("instead of `data` and `keys`: `dataset.key` figures of several datasets (one unit)")
    type: str = _text("a kind of the chart registry (below)", "column")
    title: str = _text("the chart's title; default: the dataset's")
    reference: str = _text("a figure (`key`, or `dataset.key`) drawn as a target line; a doughnut's: the whole its segments make up")
    alt: str = _text("alt text; default: generated from the data, every value (a translation gives its own)")
    labels: Names = _names("the categories' names, one per figure; default: the figures' labels")
    series: Names = _names("a table dataset's columns to plot; default: every column")
    categories: Names = _names("a table dataset's rows to plot; default: every row")
    stack: str = _text("`stacked`, or `percent` (100%), where the kind allows")
    lines: Names = _names("a combo chart's series drawn as lines; default: the last series")
    id: str = _text("lets prose refer to it: `{{ ref('id') }}`")
    caption: str = _text("a sentence under the figure, above its source line (the title heads it); in the deck, the slide's notes")


@dataclass(frozen=True)
class TableOptions:
    """A ``::: table``: a table from a dataset."""

    WHAT: ClassVar[str] = "a table"
    data: str = _text("the dataset's name")
    keys: Names = _names("the figures, in order; default: all")
    columns: Names = _names("figures: of `label`, `value`, `unit`, `qualifier`, `source`, `note` or an extra column such as `year` (default "
                            "`label`, `value`); events: of `date`, `title`, `text`, `source`; a table dataset: its series")
    categories: Names = _names("a table dataset's rows; default: every row")
    title: str = _text("the table's title; default: the dataset's")
    id: str = _text("lets prose refer to it: `{{ ref('id') }}`")
    caption: str = _text("a sentence under the figure, above its source line (the title heads it); in the deck, the slide's notes")


@dataclass(frozen=True)
class KeyFiguresOptions:
    """A ``::: keyfigures``: a band of key figures."""

    WHAT: ClassVar[str] = "key figures"
    figures: Names = _names("`dataset.key` figures (or `table.column.category` cells)")
    title: str = _text("the deck slide's title; default: the `in_figures` label with the section's title")


@dataclass(frozen=True)
class TimelineOptions:
    """A ``::: timeline``: the events of a dataset on a time axis."""

    WHAT: ClassVar[str] = "a timeline"
    data: str = _text("an events dataset's name")
    title: str = _text("its title; default: the dataset's")
    id: str = _text("lets prose refer to it: `{{ ref('id') }}`")
    caption: str = _text("a sentence under the figure, above its source line (the title heads it); in the deck, the slide's notes")


@dataclass(frozen=True)
class CalloutOptions:
    """A ``::: callout Title``: a highlighted box; its body is Markdown."""

    WHAT: ClassVar[str] = "a callout"
    title: str = _text("the words after `::: callout`")


@dataclass(frozen=True)
class QuoteOptions:
    """A ``::: quote Attribution``: a pull quote; its body is Markdown."""

    WHAT: ClassVar[str] = "a quote"
    attribution: str = _text("the words after `::: quote`")


DirectiveOptions = Union[ChartOptions, TableOptions, KeyFiguresOptions, TimelineOptions, CalloutOptions, QuoteOptions]
DATA_DIRECTIVES: dict[str, type[ChartOptions] | type[TableOptions] | type[KeyFiguresOptions] | type[TimelineOptions]] = {
    "chart": ChartOptions, "table": TableOptions, "keyfigures": KeyFiguresOptions, "timeline": TimelineOptions,
}


def schema_of(options: type) -> Schema:
    """Return the schema of a directive's options class (its fields, docs and defaults)."""
    return Schema(getattr(options, "WHAT"), tuple(Field(f.name, f.metadata["type"], f.metadata["doc"], default=f.default or None)
                                      for f in dataclasses.fields(options)), word="option")


def read_options(kind: str, body: Mapping[str, Any], path: str, line: int | None) -> Any:
    """Return a data directive's YAML *body* as its typed options; raise on an unknown option.

    Text options read as text; a list option as a tuple of text (a value that is no list as
    an empty tuple, which the resolve stage reports as it reports an empty list).
    """
    options = DATA_DIRECTIVES[kind]
    for _key, message in schema_of(options).unknown(body):
        raise ReportgenError(message, path, line)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(options):
        value = body.get(f.name)
        if value is None:
            continue
        if f.metadata["type"] == TEXTS:
            values[f.name] = tuple(str(item) for item in value) if isinstance(value, list) else ()
        else:
            values[f.name] = str(value)
    return options(**values)
