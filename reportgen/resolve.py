"""Turn directive options (a chart, a table, key figures, a timeline) into resolved specs from data."""

from __future__ import annotations

from typing import Any, Mapping

from .errors import ReportgenError
from .model import ChartSpec, Config, Dataset, Event, Figure, TableSpec

CHART_TYPES = ("column", "bar", "line", "pie")
CHART_FIELDS = {"data", "keys", "type", "title", "reference", "alt", "caption", "_line"}
TABLE_FIELDS = {"data", "keys", "columns", "title", "caption", "_line"}
KEYFIGURE_FIELDS = {"figures", "title", "_line"}
TIMELINE_FIELDS = {"data", "title", "caption", "_line"}
_COLUMN_HEADERS = {"label": "", "value": "Value", "unit": "Unit", "year": "Year", "source": "Source", "note": "Note",
                   "date": "Date", "title": "Milestone", "text": "Detail"}


class Where:
    """The file and line a directive came from, for error messages."""

    def __init__(self, path: str, line: int | None):
        self.path, self.line = path, line

    def error(self, message: str) -> ReportgenError:
        return ReportgenError(message, self.path, self.line)


def _check_fields(options: Mapping[str, Any], allowed: set[str], what: str, where: Where) -> None:
    import difflib

    for key in options:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed - {"_line"}), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(sorted(allowed - {'_line'}))})"
            raise where.error(f"unknown option '{key}' in {what}{hint}")


def dataset(data: Mapping[str, Dataset], name: Any, where: Where, kind: str = "figures") -> Dataset:
    """Return the dataset called *name*, or raise an error listing the known ones."""
    if not name:
        raise where.error("missing 'data:' (the dataset's name)")
    if str(name) not in data:
        raise where.error(f"unknown dataset '{name}' (known: {', '.join(sorted(data)) or 'none'})")
    found = data[str(name)]
    if kind == "figures" and not found.figures:
        raise where.error(f"dataset '{name}' holds events, not figures")
    if kind == "events" and not found.events:
        raise where.error(f"dataset '{name}' holds figures, not events")
    return found


def _figures(found: Dataset, keys: Any, where: Where) -> list[Figure]:
    if keys is None:
        return list(found.figures)
    if not isinstance(keys, list) or not keys:
        raise where.error("'keys' must be a non-empty list of figure keys")
    figures = []
    for key in keys:
        try:
            figures.append(found[str(key)])
        except KeyError:
            raise where.error(f"unknown figure '{key}' in dataset '{found.name}' (known: {', '.join(found.keys())})") from None
    return figures


def source_line(source_ids: list[str], config: Config, derived: bool, label: str = "Source") -> str:
    """Return 'Source: publisher, date' for the given source ids."""
    credits = []
    for source_id in dict.fromkeys(source_ids):
        source = config.source(source_id)
        credits.append(source.short if source else source_id)
    line = f"{label}: {'; '.join(credits)}" if credits else ""
    if derived:
        line += ". * Estimate derived from reported figures"
    return line


def short_label(figure: Figure) -> str:
    """Return the figure's number as a direct label: '$563', '28%', '1.3'."""
    unit = figure.unit.strip()
    if unit.startswith("USD"):
        return f"${figure.number}"
    if unit in ("%", "percent"):
        return f"{figure.number}%"
    return figure.number


def chart_spec(options: Mapping[str, Any], data: Mapping[str, Dataset], config: Config, where: Where) -> ChartSpec:
    """Resolve a ``::: chart`` directive into the values both products draw."""
    _check_fields(options, CHART_FIELDS, "a chart", where)
    found = dataset(data, options.get("data"), where)
    chart_type = str(options.get("type", "column"))
    if chart_type not in CHART_TYPES:
        raise where.error(f"unknown chart type '{chart_type}' (known: {', '.join(CHART_TYPES)})")
    reference_key = options.get("reference")
    reference = None
    if reference_key is not None:
        reference = _figures(found, [reference_key], where)[0]
    figures = _figures(found, options.get("keys"), where)
    if options.get("keys") is None:
        figures = [f for f in figures if f.unit == figures[0].unit and f is not reference]
    units = {figure.unit for figure in figures}
    if len(units) > 1:
        raise where.error(f"a chart's figures must share one unit, found: {', '.join(sorted(units))}")
    if reference is not None and reference.unit not in units:
        raise where.error(f"the reference '{reference.key}' is in {reference.unit}, the chart in {units.pop()}")
    if chart_type == "pie" and any(figure.value < 0 for figure in figures):
        raise where.error("a pie chart cannot show negative values")
    unit = figures[0].unit
    derived = tuple(figure.is_derived for figure in figures)
    sources = [figure.source for figure in figures] + ([reference.source] if reference else [])
    title = str(options.get("title") or found.title)
    integers = all(float(f.value).is_integer() for f in figures)
    return ChartSpec(
        type=chart_type,
        title=title,
        categories=tuple(figure.label for figure in figures),
        values=tuple(figure.value for figure in figures),
        unit=unit,
        series_name=f"{found.title} ({unit})",
        derived=derived,
        reference_label=f"{reference.label}: {reference.text}" if reference else "",
        reference_value=reference.value if reference else None,
        source=source_line(sources, config, any(derived)),
        alt=str(options.get("alt") or ""),
        number_format=("$" if unit.startswith("USD") else "") + ("#,##0" if integers else "#,##0.0") + ("%" if unit in ("%", "percent") else ""),
        labels=tuple(short_label(figure) for figure in figures),
        source_ids=tuple(dict.fromkeys(sources)),
    )


def table_spec(options: Mapping[str, Any], data: Mapping[str, Dataset], config: Config, where: Where) -> TableSpec:
    """Resolve a ``::: table`` directive into formatted cells."""
    _check_fields(options, TABLE_FIELDS, "a table", where)
    found = dataset(data, options.get("data"), where, kind="any")
    if found.events:
        columns = list(options.get("columns") or ["date", "title", "text"])
        rows = []
        for event in found.events:
            cells = []
            for column in columns:
                if column not in ("date", "title", "text", "source"):
                    raise where.error(f"unknown column '{column}' for events (known: date, title, text, source)")
                cells.append(str(getattr(event, column)))
            rows.append(tuple(cells))
        return TableSpec(
            title=str(options.get("title") or found.title),
            columns=tuple(_COLUMN_HEADERS.get(c, c.capitalize()) for c in columns),
            rows=tuple(rows),
            numeric=tuple(False for _ in columns),
            source=source_line([e.source for e in found.events], config, False),
            source_ids=tuple(dict.fromkeys(e.source for e in found.events)),
        )
    figures = _figures(found, options.get("keys"), where)
    columns = options.get("columns") or ["label", "value"]
    if not isinstance(columns, list) or not columns:
        raise where.error("'columns' must be a non-empty list")
    rows = []
    for figure in figures:
        cells = []
        for column in columns:
            column = str(column)
            if column == "value":
                cells.append(figure.text + (" *" if figure.is_derived else ""))
            elif column in ("label", "unit", "source", "note", "qualifier"):
                cells.append(str(getattr(figure, column)))
            elif column in figure.extra or any(column in f.extra for f in figures):
                cells.append(figure.extra.get(column, ""))
            else:
                known = ["label", "value", "unit", "source", "note"] + sorted({k for f in figures for k in f.extra})
                raise where.error(f"unknown column '{column}' (known: {', '.join(known)})")
        rows.append(tuple(cells))
    derived = [figure for figure in figures if figure.is_derived]
    if "note" in map(str, columns):  # each derived row already says how it was derived
        notes: tuple[str, ...] = ("* Estimate derived from reported figures",) if derived else ()
    else:
        notes = tuple(f"* {figure.label}: {figure.note or 'derived from reported figures'}" for figure in derived)
    return TableSpec(
        title=str(options.get("title") or found.title),
        columns=tuple(_COLUMN_HEADERS.get(str(c), str(c).capitalize()) for c in columns),
        rows=tuple(rows),
        numeric=tuple(str(c) == "value" for c in columns),
        source=source_line([f.source for f in figures], config, False),
        notes=notes,
        source_ids=tuple(dict.fromkeys(f.source for f in figures)),
    )


def figure_refs(references: Any, data: Mapping[str, Dataset], where: Where) -> tuple[Figure, ...]:
    """Resolve a list of 'dataset.key' references into figures."""
    if not isinstance(references, list) or not references:
        raise where.error("'figures' must be a non-empty list of 'dataset.key' references")
    figures = []
    for reference in references:
        name, _, key = str(reference).partition(".")
        found = dataset(data, name, where)
        figures.extend(_figures(found, [key], where))
    return tuple(figures)


def keyfigures(options: Mapping[str, Any], data: Mapping[str, Dataset], where: Where) -> tuple[Figure, ...]:
    """Resolve a ``::: keyfigures`` directive."""
    _check_fields(options, KEYFIGURE_FIELDS, "key figures", where)
    return figure_refs(options.get("figures"), data, where)


def timeline(options: Mapping[str, Any], data: Mapping[str, Dataset], where: Where) -> tuple[Event, ...]:
    """Resolve a ``::: timeline`` directive into its events, in date order."""
    _check_fields(options, TIMELINE_FIELDS, "a timeline", where)
    return dataset(data, options.get("data"), where, kind="events").events

