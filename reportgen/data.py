"""Read datasets (CSV and YAML) into figures and events; compute derived figures."""

from __future__ import annotations

import ast
import csv
import graphlib
import io
import math
import operator
import re
from pathlib import Path
from typing import Any, Callable, Mapping

from .errors import ErrorCollector, ReportgenError
from .glyphs import check_drawable
from .model import Column, Dataset, Event, Figure, Table, date_problem
from .numbers import DATE, NumberFormat, parse_format, year_of
from .resources import clip
from .schemas import COLUMN, DATA_FILE, EVENT, FIGURE, FIGURE_ENTRY, TABLE
from .typography import smart_quotes
from .yamlfile import LineDict, expect_mapping, kind_of, parse_yaml, read_text

REQUIRED_CSV_COLUMNS = ("key", "label", "value", "unit", "source")
MAX_ROWS = 10_000


def load_dataset(path: Path, shown: str, errors: ErrorCollector) -> Dataset | None:
    """Read one data file; report its problems to *errors* and return None if unusable."""
    name = path.stem
    if not name.isidentifier():
        errors.add(f"dataset name '{name}' must be a Python-style identifier (letters, digits, _)", shown)
        return None
    try:
        text = read_text(path, shown)
        check_drawable(text, shown)
        if path.suffix.lower() == ".csv":
            return _load_csv(text, name, shown, errors)
        return _load_yaml(text, name, shown, errors)
    except ReportgenError as error:
        errors.extend(error)
        return None


def _load_csv(text: str, name: str, shown: str, errors: ErrorCollector) -> Dataset | None:
    read = _read_csv(text, shown, errors, REQUIRED_CSV_COLUMNS)
    if read is None:
        return None
    figures = _figures(read[1], {}, shown, errors, extra_allowed=True)
    return Dataset(name=name, title=name.replace("_", " ").capitalize(), path=shown, figures=figures)


def _read_csv(text: str, shown: str, errors: ErrorCollector,
              required: tuple[str, ...]) -> tuple[list[str], list[tuple[LineDict, int]]] | None:
    """Return a CSV's header and its rows (each with its line), or None when it is unreadable."""
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        errors.add("empty CSV file: expected a header row", shown, 1)
        return None
    except csv.Error as error:
        errors.add(f"malformed CSV: {error}", shown, 1)
        return None
    header = [column.strip() for column in header]
    missing = [column for column in required if column not in header]
    if missing:
        errors.add(
            f"missing column(s) {', '.join(missing)}; a data CSV needs {', '.join(required)}"
            + (" (a table of series needs a same-named .yaml beside it)" if {"key", "value"} <= set(missing) else ""),
            shown,
            1,
        )
        return None
    duplicates = {column for column in header if header.count(column) > 1}
    if duplicates:
        errors.add(f"duplicate column(s): {', '.join(sorted(duplicates))}", shown, 1)
        return None
    rows: list[tuple[LineDict, int]] = []
    line = 1
    try:
        while True:
            line = reader.line_num + 1  # where the row starts: a quoted cell may span lines
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                errors.add(f"too many rows (limit {MAX_ROWS:,})", shown, line)
                return None
            if len(cells) != len(header):
                errors.add(f"row has {len(cells)} cells, the header has {len(header)}", shown, line)
                continue
            row = LineDict(zip(header, (cell.strip() for cell in cells)))
            row.line = line
            row.key_lines = {}
            rows.append((row, line))
    except csv.Error as error:
        detail = str(error).split(" - ")[0]  # csv's own advice is for programmers
        if "unexpected end of data" in detail:
            detail = "a quoted cell is never closed"
        elif "new-line character" in detail:
            detail = "a line break inside an unquoted cell (put the cell in double quotes)"
        errors.add(f"malformed CSV: {detail}", shown, line)
        return None
    return header, rows


_GAPS = ("", "-", "\u2013", "\u2014", "n/a", "na", "..", "\u2026")


def load_table(path: Path, shown: str, meta_path: Path, meta_shown: str, errors: ErrorCollector) -> Dataset | None:
    """Read a table dataset: *path*'s CSV (a category column, then series) described by *meta_path*.

    An empty cell (or -, n/a) is a gap; a number ending in '*' is an estimate.
    """
    name = path.stem
    if not name.isidentifier():
        errors.add(f"dataset name '{name}' must be a Python-style identifier (letters, digits, _)", shown)
        return None
    try:
        meta_text, text = read_text(meta_path, meta_shown), read_text(path, shown)
        check_drawable(meta_text, meta_shown)
        check_drawable(text, shown)
        meta = expect_mapping(parse_yaml(meta_text, meta_shown), meta_shown, "a table's description", 1)
        read = _read_csv(text, shown, errors, ())
    except ReportgenError as error:
        errors.extend(error)
        return None
    TABLE.check_keys(meta, meta_shown, errors)
    if read is None:
        return None
    header, rows = read
    if len(header) < 2:
        errors.add("a table needs a category column and at least one column of numbers", shown, 1)
        return None
    described = meta.get("columns") or LineDict()
    if not isinstance(described, dict):
        errors.add(f"'columns' must be a mapping of column name to its label, unit, source, format, not {kind_of(described)}",
                   meta_shown, meta.line_of("columns"))
        return None
    for column in described:
        if column not in header[1:]:
            errors.add(f"column '{column}' is not in {shown} (its columns: {', '.join(header[1:])})", meta_shown, meta.line_of("columns"))
    categories: list[str] = []
    for row, line in rows:
        category = smart_quotes(str(row[header[0]]))
        if not category:
            errors.add(f"row has no {header[0]!r} (the category, in the first column)", shown, line)
        elif category in categories:
            errors.add(f"duplicate category '{category}'", shown, line)
        categories.append(category)
    columns = []
    for name_ in header[1:]:
        found = described.get(name_)
        info = found if isinstance(found, dict) else LineDict()
        if isinstance(info, LineDict):
            COLUMN.check_keys(info, meta_shown, errors, f"column '{name_}'")
        column = _table_column(name_, info, meta, rows, categories, shown, meta_shown, errors)
        if column is not None:
            columns.append(column)
    title = str(meta.get("title") or name.replace("_", " ").capitalize())
    table = Table(category=str(meta.get("category") or header[0]), categories=tuple(categories), columns=tuple(columns))
    return Dataset(name=name, title=title, path=shown, table=table)


def _table_column(name: str, info: dict, meta: LineDict, rows: list[tuple[LineDict, int]], categories: list[str],
                  shown: str, meta_shown: str, errors: ErrorCollector) -> Column | None:
    if not name.isidentifier():
        errors.add(f"column name '{name}' must be an identifier (letters, digits, _); give it a 'label' in {meta_shown}", shown, 1)
        return None
    line = info.line if isinstance(info, LineDict) and info.line else meta.line or 1
    found = _unit_source_format(info, meta, f"column '{name}'", " (give '{}:' for the table or the column)", meta_shown, line, errors)
    if found is None:
        return None
    unit, source, number_format = found
    label = smart_quotes(str(info.get("label") or name.replace("_", " ").capitalize()))
    qualifier = str(info.get("qualifier") or meta.get("qualifier") or "").strip()
    note = smart_quotes(str(info.get("note") or "").strip())
    cells: list[Figure | None] = []
    for (row, line_no), category in zip(rows, categories):
        raw = str(row.get(name) or "").strip()
        if raw.lower() in _GAPS:
            cells.append(None)
            continue
        estimate = raw.endswith("*")
        value = _number(raw.rstrip("*"))
        if value is None:
            errors.add(f"column '{name}', {category}: {raw!r} is not a number (leave the cell empty for a gap)", shown, line_no)
            cells.append(None)
            continue
        cells.append(Figure(key=f"{name}_{category}", label=f"{label}, {category}", value=value, unit=unit,
                            source=source, qualifier=qualifier, derived="estimate" if estimate else "",
                            note=note, path=shown, line=line_no, format=number_format))
    return Column(name=name, label=label, unit=unit, source=source, cells=tuple(cells),
                  categories=tuple(categories), format=number_format, note=note, qualifier=qualifier)


def _load_yaml(text: str, name: str, shown: str, errors: ErrorCollector) -> Dataset | None:
    document = expect_mapping(parse_yaml(text, shown), shown, "a data file", 1)
    DATA_FILE.check_keys(document, shown, errors)
    title = str(document.get("title") or name.replace("_", " ").capitalize())
    defaults = {key: document[key] for key in ("unit", "source", "format") if key in document}
    if ("figures" in document) == ("events" in document):
        errors.add("a data file needs exactly one of 'figures:' or 'events:'", shown, document.line or 1)
        return None
    if "events" in document:
        events = _events(document["events"], defaults, shown, errors, document.line_of("events"))
        return Dataset(name=name, title=title, path=shown, events=events)
    items = document["figures"]
    if not isinstance(items, list):
        errors.add(f"'figures' must be a list, not {kind_of(items)}", shown, document.line_of("figures"))
        return None
    rows = []
    for item in items:
        if not isinstance(item, LineDict):
            errors.add(f"each figure must be a mapping, not {kind_of(item)}", shown, document.line_of("figures"))
            continue
        FIGURE_ENTRY.check_keys(item, shown, errors)
        rows.append((item, item.line or 1))
    figures = _figures(rows, defaults, shown, errors, extra_allowed=False)
    return Dataset(name=name, title=title, path=shown, figures=figures)


def _figures(
    rows: list[tuple[LineDict, int]],
    defaults: dict[str, Any],
    shown: str,
    errors: ErrorCollector,
    extra_allowed: bool,
) -> tuple[Figure, ...]:
    values: dict[str, float] = {}
    expressions: dict[str, str] = {}  # derived figures: key -> expression
    lines: dict[str, int] = {}
    parsed: dict[str, dict[str, Any]] = {}
    for row, line in rows:
        key = str(row.get("key") or "").strip()
        if not key.isidentifier():
            errors.add(f"figure key '{key}' must be an identifier (letters, digits, _)", shown, line)
            continue
        if key in parsed or key in lines:
            errors.add(f"duplicate figure key '{key}'", shown, line)
            continue
        lines[key] = line
        fields = _figure_fields(row, key, line, defaults, shown, errors)
        if fields is None:
            continue
        parsed[key] = fields
        raw = row.get("value")
        if fields["derived"]:
            if raw not in (None, ""):
                errors.add(f"figure '{key}' has both a value and a 'derived' expression", shown, line)
            expressions[key] = fields["derived"]
            continue
        number = _number(raw)
        if number is None:
            errors.add(f"figure '{key}': value {_clipped(raw)} is not a number", shown, line)
        elif not _in_range(number):
            errors.add(f"figure '{key}': value {_clipped(raw)} is out of range (at most ±{MAX_FIGURE:,.0f})", shown, line)
        else:
            values[key] = number
    if not _derive(expressions, values, lines, shown, errors):
        return ()
    return tuple(Figure(value=values[key], **fields) for key, fields in parsed.items() if key in values)


def _figure_fields(row: LineDict, key: str, line: int, defaults: dict[str, Any], shown: str, errors: ErrorCollector) -> dict[str, Any] | None:
    """Return a figure's fields but its value (its unit, source and format from the file's defaults), or None."""
    found = _unit_source_format(row, defaults, f"figure '{key}'", "", shown, line, errors)
    if found is None:
        return None
    unit, source, number_format = found
    declared = FIGURE.names()
    return dict(
        key=key,
        label=smart_quotes(str(row.get("label") or key)),
        unit=unit,
        source=source,
        qualifier=str(row.get("qualifier") or "").strip(),
        derived=str(row.get("derived") or "").strip(),
        note=smart_quotes(str(row.get("note") or "").strip()),
        extra={k: smart_quotes(str(v)) for k, v in row.items() if k not in declared and v not in (None, "")},
        path=shown,
        line=line,
        format=number_format,
    )


def _unit_source_format(own: Mapping[str, Any], defaults: Mapping[str, Any], what: str, hint: str, shown: str, line: int,
                        errors: ErrorCollector) -> tuple[str, str, NumberFormat] | None:
    """Return a figure's or column's unit, source and number format, its own or the file's; None when the format is wrong.

    A missing unit or source is reported (*hint*, with '{}' for the key, says where to give it).
    """
    unit = str(own.get("unit") or defaults.get("unit") or "").strip()
    source = str(own.get("source") or defaults.get("source") or "").strip()
    if "unit" not in own and "unit" not in defaults:
        errors.add(f"{what} has no unit{hint.format('unit')}", shown, line)
    if not source:
        errors.add(f"{what} has no source{hint.format('source')}", shown, line)
    try:
        return unit, source, parse_format(own.get("format") or defaults.get("format"), unit)
    except ValueError as error:
        errors.add(f"{what}: {error}", shown, line)
        return None


def _derive(expressions: dict[str, str], values: dict[str, float], lines: dict[str, int], shown: str, errors: ErrorCollector) -> bool:
    """Compute the derived figures into *values*, in the order of their references; False on a cycle."""
    try:
        order = list(graphlib.TopologicalSorter({key: references(text) & expressions.keys() for key, text in expressions.items()}).static_order())
    except graphlib.CycleError as error:
        cycle = error.args[1]
        errors.add(f"derived figures refer to each other in a cycle: {' → '.join(cycle)}", shown, lines[cycle[0]])
        return False
    failed: set[str] = set()
    for key in order:
        if references(expressions[key]) & failed:
            failed.add(key)  # its own error names the figure that failed first
            continue
        try:
            values[key] = evaluate(expressions[key], values)
        except ReportgenError as error:
            errors.add(f"figure '{key}': {error.message}", shown, lines[key])
            failed.add(key)
    return True


_APPROXIMATE = re.compile(r"^(?:c\.|ca\.|circa|about|~)\s*", re.IGNORECASE)
_PERIOD = re.compile(r"\s*(?:\u2013|\u2014|/| to | - )\s*")
_UNDATED = ("", "n.d.", "undated")


def _event_date(raw: Any, what: str) -> tuple[str, str, bool]:
    """Return (date, end, approximate) from an event's `date:`; raise ValueError when unreadable."""
    text = str(raw if raw is not None else "").strip()
    if text.lower() in _UNDATED:
        return "", "", False
    approximate = bool(_APPROXIMATE.match(text))
    text = _APPROXIMATE.sub("", text)
    start, _, end = _split_period(text)
    for date in (start, end):
        if date and (not DATE.match(date) or year_of(date) is None):
            raise ValueError(f"{what} date {str(raw)!r} must be a year, month or day (1992, 2021-10, "
                             "2024-06-15), 'c. 2025', a period '1992–1997', or empty when undated")
    return start, end, approximate


def _split_period(text: str) -> tuple[str, str, str]:
    parts = _PERIOD.split(text, maxsplit=1)
    return parts[0].strip(), "", parts[1].strip() if len(parts) > 1 else ""


def _events(items: Any, defaults: dict[str, Any], shown: str, errors: ErrorCollector, line: int | None) -> tuple[Event, ...]:
    if not isinstance(items, list):
        errors.add(f"'events' must be a list, not {kind_of(items)}", shown, line)
        return ()
    keyed: list[tuple[tuple[float, int, int], Event]] = []
    last = float("-inf")  # where the latest dated event in the file sits: undated ones follow it
    for index, item in enumerate(items):
        if not isinstance(item, LineDict):
            errors.add(f"each event must be a mapping, not {kind_of(item)}", shown, line)
            continue
        event = _event(item, defaults, shown, errors)
        if event is None:
            continue
        if event.date:
            last = max(last, year_of(event.date) or last)
            keyed.append(((year_of(event.date) or 0.0, 0, index), event))
        else:
            keyed.append(((last, 1, index), event))
    return tuple(event for _key, event in sorted(keyed, key=lambda pair: pair[0]))


def _event(item: LineDict, defaults: dict[str, Any], shown: str, errors: ErrorCollector) -> Event | None:
    """Return one event of a data file, or None when its dates are unreadable."""
    values = EVENT.read(item, shown, errors)
    title = smart_quotes(values["title"].strip())
    try:
        date, end, approximate = _event_date(values["date"], "event")
        if item.get("end") is not None:
            end = _event_date(values["end"], "end")[0]
    except ValueError as error:
        errors.add(str(error), shown, item.line)
        return None
    if end and not date:
        errors.add(f"event '{title}' has an 'end' but no start date", shown, item.line)
        return None
    if end and (year_of(end) or 0) < (year_of(date) or 0):
        errors.add(f"event '{title}': the period ends ({end}) before it starts ({date})", shown, item.line)
        return None
    problem = next((date_problem(d) for d in (date, end) if d and date_problem(d)), None)
    if problem:
        errors.add(f"event {problem}", shown, item.line)
        return None
    source = (values["source"] or str(defaults.get("source") or "")).strip()
    if not source:
        errors.add(f"event '{item.get('title', date)}' has no source", shown, item.line)
    return Event(date=date, title=title, text=smart_quotes(values["text"].strip()), source=source, path=shown, line=item.line,
                 end=end, approximate=approximate, planned=values["planned"], label=smart_quotes(values["label"].strip()))


MAX_FIGURE = 1e15  # the largest magnitude a figure may have (a quadrillion: no report needs more)


def _number(raw: Any) -> float | None:
    """Return *raw* (a YAML number or CSV text such as "1,250.5") as a float, or None if it is none."""
    if isinstance(raw, bool):
        return None
    text = str(raw if raw is not None else "").strip().replace(",", "")
    if isinstance(raw, int) and raw.bit_length() > 128:
        return math.inf
    if isinstance(raw, (int, float)):
        text = repr(raw)
    if len(text) > 40:  # longer than any figure: float() of it would round or overflow
        return math.inf
    try:
        value = float(text)
    except ValueError:
        return None
    return value if not math.isnan(value) else None


def _in_range(value: float) -> bool:
    return math.isfinite(value) and abs(value) <= MAX_FIGURE


def _clipped(raw: Any) -> str:
    return repr(clip(raw, 40)) if isinstance(raw, str) else clip(str(raw), 40)


def references(expression: str) -> set[str]:
    """Return the names of the figures a derived *expression* uses (none if it does not parse)."""
    try:
        tree = ast.parse(expression, mode="eval") if len(expression) <= 500 else None
    except (SyntaxError, ValueError):
        return set()
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)} if tree else set()
    return names - {"round"}


_OPERATORS: dict[type, Callable[..., float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


MAX_ROUND_DIGITS = 15


def evaluate(expression: str, values: dict[str, float]) -> float:
    """Evaluate a derived-figure *expression* over *values*: + - * / ( ), numbers, round().

    Numbers in it, round()'s digits (at most ±15) and the result (at most ±MAX_FIGURE) are
    checked for range as well as the syntax.
    """
    if len(expression) > 500:
        raise ReportgenError("derived expression is too long (limit 500 characters)")
    shown = repr(clip(expression, 60))
    try:
        tree = ast.parse(expression, mode="eval")
    except (SyntaxError, ValueError):
        raise ReportgenError(f"derived expression {shown} is not valid arithmetic") from None

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            number = _number(node.value)
            if number is None or not _in_range(number):
                raise ReportgenError(f"derived expression {shown}: the number {_clipped(node.value)} is out of range (at most ±{MAX_FIGURE:,.0f})")
            return number
        if isinstance(node, ast.Name):
            if node.id in values:
                return values[node.id]
            known = ", ".join(sorted(values)) or "none"
            raise ReportgenError(f"derived expression refers to unknown figure '{node.id}' (known: {known})")
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Div) and right == 0:
                raise ReportgenError(f"derived expression {shown} divides by zero")
            return _OPERATORS[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.operand))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "round"
            and not node.keywords
            and 1 <= len(node.args) <= 2
        ):
            args = [walk(arg) for arg in node.args]
            digits = args[1] if len(args) > 1 else 0
            if not (math.isfinite(digits) and abs(digits) <= MAX_ROUND_DIGITS and digits == int(digits)):
                raise ReportgenError(
                    f"derived expression {shown}: round() takes a whole number of digits from -{MAX_ROUND_DIGITS} to {MAX_ROUND_DIGITS}"
                )
            return float(round(args[0], int(digits))) if math.isfinite(args[0]) else args[0]
        raise ReportgenError(
            f"derived expression {shown} may use only figures, numbers, + - * / ( ) and round()"
        )

    result = walk(tree)
    if not math.isfinite(result):
        raise ReportgenError(f"derived expression {shown} does not give a finite number")
    if abs(result) > MAX_FIGURE:
        raise ReportgenError(f"derived expression {shown} gives {result:.3g}, out of range (at most ±{MAX_FIGURE:,.0f})")
    return result
