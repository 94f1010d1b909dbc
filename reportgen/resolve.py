"""Turn directive options (a chart, a table, key figures, a timeline) into resolved specs from data."""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

from . import citations
from .bibliography import short_name
from .directives import ChartOptions, KeyFiguresOptions, TableOptions, TimelineOptions
from .errors import ReportgenError
from .locales import current, full_stop
from .model import ChartSpec, Column, Config, Dataset, Figure, Series, TableSpec, TimelineSpec
from .numbers import format_number, pattern, unit_caption

_COLUMNS_LABELLED = ("value", "unit", "year", "source", "note", "date", "title", "text")  # headed by label column_<name>


class Where:
    """The file and line a directive came from, for error messages."""

    def __init__(self, path: str, line: int | None):
        self.path, self.line = path, line

    def error(self, message: str) -> ReportgenError:
        return ReportgenError(message, self.path, self.line)


def dataset(data: Mapping[str, Dataset], name: Any, where: Where, kind: str = "figures") -> Dataset:
    """Return the dataset called *name*, or raise an error listing the known ones."""
    if not name:
        raise where.error("missing 'data:' (the dataset's name)")
    if str(name) not in data:
        raise where.error(f"unknown dataset '{name}' (known: {', '.join(sorted(data)) or 'none'})")
    found = data[str(name)]
    if kind == "figures" and not found.figures:
        if found.table is not None:
            raise where.error(f"dataset '{name}' is a table: name a cell as '{name}.column.category'")
        raise where.error(f"dataset '{name}' holds events, not figures")
    if kind == "events" and not found.events:
        raise where.error(f"dataset '{name}' holds figures, not events")
    return found


def _figures(found: Dataset, keys: tuple[str, ...] | list[str] | None, where: Where) -> list[Figure]:
    if keys is None:
        return list(found.figures)
    if not keys:
        raise where.error("'keys' must be a non-empty list of figure keys")
    figures = []
    for key in keys:
        try:
            figures.append(found[str(key)])
        except KeyError:
            raise where.error(f"unknown figure '{key}' in dataset '{found.name}' (known: {', '.join(found.keys())})") from None
    return figures


def column_header(column: str) -> str:
    """Return a table column's heading in the edition's words: 'Value', 'Значение'; an extra column capitalised."""
    if column == "label":
        return ""
    return current().label(f"column_{column}") if column in _COLUMNS_LABELLED else column.capitalize()


def derived_note(config: Config) -> str:
    """Return the one wording that keys a derived or estimated figure's "*"."""
    return "* " + current().label("derived")


def source_line(source_ids: list[str], config: Config, derived: bool, label: str = "") -> str:
    """Return 'Source: nCa, 20 September 2024' (source names, never ids; the label in the edition's words)."""
    line = citations.source_line(list(source_ids), config.sources, label or current().label("source"))
    if derived:
        line = f"{full_stop(line)} {derived_note(config)}".strip()
    return line


def source_name(source_id: str, config: Config) -> str:
    """Return the name a source is shown by in a table cell."""
    source = config.source(source_id)
    return short_name(source) if source else source_id


def short_label(figure: Figure) -> str:
    """Return the figure's number as a direct label: '$563', '28%', 'over 3,000'."""
    return figure.chart_label


def _label_format(figure: Figure, star: bool = False) -> str:
    """Return the Excel number format that shows *figure* exactly as its chart label reads."""
    return pattern(figure.value, figure.unit, figure.format, figure.qualifier, short=True, star=star).excel()


def _kind(options: ChartOptions, where: Where) -> Any:
    from .charts.kinds import kind

    try:
        return kind(options.type)
    except ValueError as error:
        raise where.error(str(error)) from None


def chart_spec(options: ChartOptions, data: Mapping[str, Dataset], config: Config, where: Where) -> ChartSpec:
    """Resolve a ``::: chart`` directive into the values both products draw."""
    if options.figures is not None:  # figures named across datasets: 'trade.growth_2023'
        if options.data or options.keys is not None:
            raise where.error("give either 'figures:' (dataset.key references) or 'data:' with 'keys:', not both")
        picked = list(figure_refs(options.figures, data, where))
        labels = {figure.label for figure in picked}  # "Growth in 2023" of trade and of cargo
        found = Dataset(name="", title=labels.pop() if len(labels) == 1 else options.title,
                        path="", figures=tuple(picked))
    else:
        found = dataset(data, options.data, where, kind="any")
    if found.events:
        raise where.error(f"dataset '{found.name}' holds events, not figures")
    entry = _kind(options, where)
    stack = options.stack
    if stack not in entry.stacks:
        choices = ", ".join(repr(s) for s in entry.stacks if s)
        raise where.error(f"a {entry.name} chart cannot be stacked" if not choices
                          else f"unknown stack '{stack}' for a {entry.name} chart (known: {choices})")
    if found.table is not None:
        return _table_chart(options, found, data, config, where, entry, stack)
    for key in ("series", "lines", "categories"):
        if getattr(options, key) is not None:
            raise where.error(f"'{key}' is for table datasets; '{found.name}' is a list of figures (use 'keys')")
    if entry.min_series > 1:
        raise where.error(f"a {entry.name} chart needs a table dataset with {entry.min_series} or more series")
    reference_key = options.reference
    reference = None
    if reference_key:
        if not entry.reference:
            raise where.error(f"a {entry.name} chart cannot show a reference line")
        reference = (figure_refs([reference_key], data, where)[0] if "." in str(reference_key)
                     else _figures(found, [reference_key], where)[0])
    figures = _figures(found, options.keys, where)
    if options.keys is None:
        figures = [f for f in figures if f.unit == figures[0].unit and f is not reference]
    units = {figure.unit for figure in figures}
    if len(units) > 1:
        raise where.error(f"a chart's figures must share one unit, found: {', '.join(sorted(units))}")
    if reference is not None and reference.unit not in units:
        raise where.error(f"the reference '{reference.key}' is in {reference.unit}, the chart in {units.pop()}")
    if entry.parts_of_whole and any(figure.value < 0 for figure in figures):
        raise where.error(f"a {entry.name} chart cannot show negative values")
    if entry.parts_of_whole and reference is not None:
        _check_whole([figure.value for figure in figures], reference, entry.name, where)
    unit = figures[0].unit
    derived = tuple(figure.is_derived for figure in figures)
    sources = [figure.source for figure in figures] + ([reference.source] if reference else [])
    title = options.title or found.title
    widest = max(figures, key=lambda f: abs(f.value))
    categories = tuple(figure.label for figure in figures)
    if options.labels is not None:  # the categories as the chart names them
        if len(options.labels) != len(figures):
            raise where.error(f"'labels' must be a list of {len(figures)} names, one per figure")
        categories = options.labels
    return ChartSpec(
        type=entry.name,
        title=title,
        categories=categories,
        values=tuple(figure.value for figure in figures),
        unit=unit_caption(unit),
        series_name=f"{found.title or title} ({unit})",
        derived=derived,
        reference_label=f"{reference.label}: {reference.text}" if reference else "",
        reference_value=reference.value if reference else None,
        source=source_line(sources, config, False),  # the chart draws its own "*" key
        alt=options.alt,
        number_format=pattern(widest.value, unit, widest.format, short=True).excel(),
        labels=tuple(short_label(figure) for figure in figures),
        source_ids=tuple(dict.fromkeys(sources)),
        stack=stack,
        number_formats=tuple(_label_format(f, f.is_derived) for f in figures),
        reference_format=(pattern(reference.value, reference.unit, reference.format, reference.qualifier).excel()
                          if reference else ""),
        derived_key=derived_note(config),
        methods=derived_methods(zip(categories, figures)),
    )


def derived_methods(points: Iterable[tuple[str, Figure | None]]) -> tuple[str, ...]:
    """Return how each derived point of a chart was worked out, 'name: note' (its figure's note), in order."""
    return tuple(dict.fromkeys(f"{name}: {figure.note.strip()}" for name, figure in points
                               if figure is not None and figure.is_derived and figure.note.strip()))


def _check_whole(values: list[float], whole: Figure, kind: str, where: Where) -> None:
    """Refuse a doughnut whose segments do not add up to the whole its reference names."""
    total = sum(values)
    if not math.isclose(total, whole.value, rel_tol=0.005):
        raise where.error(f"the segments of a {kind} chart add up to {format_number(total)}, "
                          f"not its reference '{whole.key}' ({format_number(whole.value)})")


_SINGULAR = {"series": "series", "lines": "series", "columns": "column", "categories": "category"}


def _names(value: tuple[str, ...] | None, what: str, known: list[str], where: Where) -> list[str]:
    """Return the names *value* chooses (all of *known* when None), each one checked."""
    if value is None:
        return list(known)
    if not value:
        raise where.error(f"'{what}' must be a non-empty list (known: {', '.join(known)})")
    for name in value:
        if name not in known:
            raise where.error(f"unknown {_SINGULAR[what]} '{name}' (known: {', '.join(known)})")
    return list(value)


def _table_chart(options: ChartOptions, found: Dataset, data: Mapping[str, Dataset], config: Config,
                 where: Where, entry: Any, stack: str) -> ChartSpec:
    """Resolve a chart of a table dataset: its columns are the series, its rows the categories."""
    table = found.table
    assert table is not None
    names = [c.name for c in table.columns]
    chosen = _names(options.series, "series", names, where)
    if entry.parts_of_whole and options.series is None:
        chosen = chosen[:1]
    columns = [table.column(name) for name in chosen]
    count = len(columns)
    if count < entry.min_series or (entry.max_series is not None and count > entry.max_series):
        wanted = ("one" if entry.max_series == 1 else f"exactly {entry.min_series}"
                  if entry.min_series == entry.max_series else f"at least {entry.min_series}")
        raise where.error(f"a {entry.name} chart takes {wanted} series ('series:'), got {count}: {', '.join(chosen)}")
    categories = _names(options.categories, "categories", list(table.categories), where)
    rows = [table.categories.index(c) for c in categories]
    lines = set(_names(options.lines, "lines", chosen, where)) if options.lines is not None else set()
    if options.lines is not None and entry.name != "combo":
        raise where.error("'lines' is for a combo chart (type: combo)")
    if entry.name == "combo":
        lines = lines or {chosen[-1]}
        if len(lines) == len(chosen):
            raise where.error("a combo chart needs at least one series drawn as columns, not only 'lines'")
    units = {c.unit for c in columns}
    if len(units) > 1 and entry.name != "scatter":
        detail = ", ".join(f"{c.name} in {c.unit}" for c in columns)
        raise where.error(f"a chart's series must share one unit, found: {detail}")
    series = []
    for column in columns:
        chosen_cells = [column.cells[i] for i in rows]
        if entry.parts_of_whole and any(c is not None and c.value < 0 for c in chosen_cells):
            raise where.error(f"a {entry.name} chart cannot show negative values")
        series.append(_series(column, chosen_cells, column.name in lines))
    reference = None
    if options.reference:
        if not entry.reference:
            raise where.error(f"a {entry.name} chart cannot show a reference line")
        reference = figure_refs((options.reference,), data, where)[0]
        if reference.unit not in units:
            raise where.error(f"the reference '{options.reference}' is in {reference.unit}, the chart in {units.pop()}")
        if entry.parts_of_whole:
            _check_whole([v for v in series[0].values if v is not None], reference, entry.name, where)
    cells = [cell for column in columns for i in rows if (cell := column.cells[i]) is not None]
    sources = [c.source for c in columns] + ([reference.source] if reference else [])
    if not cells:
        raise where.error(f"the chart's series ({', '.join(chosen)}) have no values in the rows chosen")
    unit = columns[0].unit
    common: dict[str, Any] = dict(
        type=entry.name,
        title=options.title or found.title,
        categories=tuple(categories),
        unit=unit_caption(unit),
        source=source_line(sources, config, False),  # the chart draws its own "*" key
        derived_key=derived_note(config),
        alt=options.alt,
        number_format=pattern(max(abs(c.value) for c in cells), unit, columns[0].format, short=True).excel(),
        source_ids=tuple(dict.fromkeys(sources)),
        stack=stack,
        reference_label=f"{reference.label}: {reference.text}" if reference else "",
        reference_value=reference.value if reference else None,
        reference_format=(pattern(reference.value, reference.unit, reference.format, reference.qualifier).excel()
                          if reference else ""),
        category_title=table.category,
        methods=derived_methods((f"{column.label}, {categories[k]}" if count > 1 else categories[k], column.cells[i])
                                for column in columns for k, i in enumerate(rows)),
    )
    only = series[0]
    if (len(series) == 1 and not stack and all(v is not None for v in only.values)
            and entry.name in ("column", "bar", "line", "pie", "doughnut")):
        # One complete series: the one-series drawers label and space it best.
        return ChartSpec(values=tuple(v for v in only.values if v is not None), series_name=only.name,
                         derived=only.derived, labels=tuple(c.chart_label for c in cells),
                         number_formats=only.number_formats, **common)  # type: ignore[arg-type]
    if entry.parts_of_whole:  # a gap is no slice: leave it out
        keep = [i for i, v in enumerate(only.values) if v is not None]
        return ChartSpec(**{**common, "categories": tuple(categories[i] for i in keep)},  # type: ignore[arg-type]
                         values=tuple(only.values[i] for i in keep),  # type: ignore[misc]
                         series_name=only.name, derived=tuple(only.derived[i] for i in keep),
                         labels=tuple(only.labels[i].rstrip("*") for i in keep),
                         number_formats=tuple(only.number_formats[i] for i in keep))
    if entry.name == "scatter":
        across, up = columns
        common["category_title"] = f"{across.label} ({across.unit})" if across.unit else across.label
        common["value_title"] = f"{up.label} ({up.unit})" if up.unit else up.label
        common["unit"] = up.unit
    return ChartSpec(values=(), series_name="", series=tuple(series), **common)  # type: ignore[arg-type]


def _series(column: Column, cells: list[Figure | None], line: bool) -> Series:
    """Return a table column as a chart series: its labels as printed, gaps left empty."""
    return Series(
        name=column.label,
        values=tuple(None if c is None else c.value for c in cells),
        labels=tuple("" if c is None else c.chart_label + ("*" if c.is_derived else "") for c in cells),
        number_formats=tuple(column_format(column) if c is None else _label_format(c, c.is_derived) for c in cells),
        derived=tuple(bool(c and c.is_derived) for c in cells),
        unit=unit_caption(column.unit),
        line=line,
    )


def column_format(column: Column) -> str:
    """Return the Excel number format of a column's typical cell (for gaps and axes)."""
    values = [abs(v) for v in column.values if v is not None] or [0.0]
    return pattern(max(values), column.unit, column.format, column.qualifier, short=True).excel()


def table_spec(options: TableOptions, data: Mapping[str, Dataset], config: Config, where: Where) -> TableSpec:
    """Resolve a ``::: table`` directive into formatted cells."""
    found = dataset(data, options.data, where, kind="any")
    if found.events:
        columns = list(options.columns or ["date", "title", "text"])
        rows = []
        for event in found.events:
            cells = []
            for column in columns:
                if column not in ("date", "title", "text", "source"):
                    raise where.error(f"unknown column '{column}' for events (known: date, title, text, source)")
                cells.append(source_name(event.source, config) if column == "source" else str(getattr(event, column)))
            rows.append(tuple(cells))
        return TableSpec(
            title=options.title or found.title,
            columns=tuple(column_header(c) for c in columns),
            rows=tuple(rows),
            numeric=tuple(False for _ in columns),
            source=source_line([e.source for e in found.events], config, False),
            source_ids=tuple(dict.fromkeys(e.source for e in found.events)),
        )
    if found.table is not None:
        return _table_table(options, found, config, where)
    figures = _figures(found, options.keys, where)
    columns = ["label", "value"] if options.columns is None else list(options.columns)
    if not columns:
        raise where.error("'columns' must be a non-empty list")
    rows = []
    for figure in figures:
        cells = []
        for column in columns:
            column = str(column)
            if column == "value":
                cells.append(figure.text + (" *" if figure.is_derived else ""))
            elif column == "source":
                cells.append(source_name(figure.source, config))
            elif column in ("label", "unit", "note", "qualifier"):
                cells.append(str(getattr(figure, column)))
            elif column in figure.extra or any(column in f.extra for f in figures):
                cells.append(figure.extra.get(column, ""))
            else:
                known = ["label", "value", "unit", "source", "note"] + sorted({k for f in figures for k in f.extra})
                raise where.error(f"unknown column '{column}' (known: {', '.join(known)})")
        rows.append(tuple(cells))
    derived = [figure for figure in figures if figure.is_derived]
    notes: tuple[str, ...] = (derived_note(config),) if derived else ()
    return TableSpec(
        title=options.title or found.title,
        columns=tuple(column_header(str(c)) for c in columns),
        rows=tuple(rows),
        numeric=tuple(str(c) == "value" for c in columns),
        source=source_line([f.source for f in figures], config, False),
        notes=notes,
        source_ids=tuple(dict.fromkeys(f.source for f in figures)),
    )


def _table_table(options: TableOptions, found: Dataset, config: Config, where: Where) -> TableSpec:
    """Resolve a table of a table dataset: the category, then a column per series; gaps as a dash."""
    table = found.table
    assert table is not None
    names = [c.name for c in table.columns]
    if options.keys is not None:
        raise where.error(f"'keys' is for lists of figures; '{found.name}' is a table (use 'columns')")
    chosen = _names(options.columns, "columns", names, where)
    columns = [table.column(name) for name in chosen]
    categories = _names(options.categories, "categories", list(table.categories), where)
    rows, gaps, estimates = [], False, False
    for category in categories:
        i = table.categories.index(category)
        cells = [category]
        for column in columns:
            cell = column.cells[i]
            gaps = gaps or cell is None
            estimates = estimates or bool(cell and cell.is_derived)
            cells.append("\u2013" if cell is None else cell.chart_label + (" *" if cell.is_derived else ""))
        rows.append(tuple(cells))
    notes = tuple(note for flag, note in ((estimates, derived_note(config)), (gaps, f"\u2013 {current().label('no_data')}")) if flag)
    sources = [c.source for c in columns]
    return TableSpec(
        title=options.title or found.title,
        columns=(table.category, *(f"{c.label} ({c.unit})" if c.unit and c.unit != "year" else c.label for c in columns)),
        rows=tuple(rows),
        numeric=(False, *(True for _ in columns)),
        source=source_line(sources, config, False),
        notes=notes,
        source_ids=tuple(dict.fromkeys(sources)),
    )


def figure_refs(references: Any, data: Mapping[str, Dataset], where: Where) -> tuple[Figure, ...]:
    """Resolve a list of 'dataset.key' (or, for a table, 'dataset.column.category') references."""
    if not isinstance(references, (list, tuple)) or not references:
        raise where.error("'figures' must be a non-empty list of 'dataset.key' references")
    figures = []
    for reference in references:
        name, _, key = str(reference).partition(".")
        found = dataset(data, name, where, kind="any")
        if found.table is not None:
            figures.append(_cell(found, key, where))
            continue
        if not found.figures:
            raise where.error(f"dataset '{name}' holds events, not figures")
        figures.extend(_figures(found, [key], where))
    return tuple(figures)


def _cell(found: Dataset, key: str, where: Where) -> Figure:
    """Return the cell 'column.category' of a table dataset, or raise naming what is known."""
    table = found.table
    assert table is not None
    name, _, category = key.partition(".")
    try:
        column = table.column(name)
    except KeyError:
        raise where.error(f"unknown column '{name}' in table '{found.name}' "
                          f"(known: {', '.join(c.name for c in table.columns)}; write 'table.column.category')") from None
    if category not in table.categories:
        raise where.error(f"unknown category '{category}' in table '{found.name}' (known: {', '.join(table.categories)})")
    try:
        return column[category]
    except KeyError:
        raise where.error(f"the cell {name} / {category} of table '{found.name}' is empty") from None


def keyfigures(options: KeyFiguresOptions, data: Mapping[str, Dataset], where: Where) -> tuple[Figure, ...]:
    """Resolve a ``::: keyfigures`` directive."""
    return figure_refs(options.figures, data, where)


def timeline(options: TimelineOptions, data: Mapping[str, Dataset], config: Config, where: Where) -> TimelineSpec:
    """Resolve a ``::: timeline`` directive into its events, in date order, with its title and source line."""
    found = dataset(data, options.data, where, kind="events")
    sources = [event.source for event in found.events]
    return TimelineSpec(title=options.title or found.title, events=found.events,
                        source=source_line(sources, config, False), source_ids=tuple(dict.fromkeys(sources)))
