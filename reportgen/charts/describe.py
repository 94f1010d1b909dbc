"""Alt text: a chart described in one sentence with every value, for screen readers."""

from __future__ import annotations

from ..model import ChartSpec, format_number
from ._spec import check, percent

_TYPE_NAMES = {"column": "Column chart", "bar": "Bar chart", "line": "Line chart",
               "pie": "Pie chart", "doughnut": "Doughnut chart"}


def alt_text(spec: ChartSpec) -> str:
    """Return a one-sentence description of *spec* with every value, for screen readers."""
    derived = check(spec)
    subject = spec.series_name or spec.title
    if subject and spec.unit:
        subject = f"{subject} in {spec.unit}"
    head = _TYPE_NAMES[spec.type] + (f" of {subject}" if subject else "")
    points = []
    total = sum(spec.values)
    for category, label, value, estimate in zip(spec.categories, spec.value_labels,
                                                spec.values, derived):
        notes = [percent(value, total)] if spec.type in ("pie", "doughnut") else []
        notes += ["estimate"] if estimate else []
        points.append(f"{category} {label}" + (f" ({', '.join(notes)})" if notes else ""))
    text = f"{head}: {', '.join(points)}"
    if spec.reference_value is not None:
        reference = spec.reference_label or f"reference {format_number(spec.reference_value)}"
        text += f"; {reference[0].lower()}{reference[1:]}"
    return text + "."
