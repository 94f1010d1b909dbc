"""Alt text: a chart described in one sentence with every value, for screen readers."""

from __future__ import annotations

from ..model import ChartSpec
from ..numbers import format_number
from ._spec import check, percent


def chart_alt(spec: ChartSpec) -> str:
    """Return the text both products give a chart for screen readers: the author's, or alt_text()."""
    return spec.alt or alt_text(spec)


def alt_text(spec: ChartSpec) -> str:
    """Return a one-sentence description of *spec* with every value, for screen readers."""
    from .kinds import KINDS

    derived = check(spec)
    noun = KINDS[spec.type].noun
    if spec.stack:
        noun = ("100% stacked " if spec.stack == "percent" else "Stacked ") + noun[0].lower() + noun[1:]
    if spec.series:
        return _series_alt(spec, noun)
    subject = spec.series_name or spec.title
    if subject and spec.unit:
        subject = f"{subject} in {spec.unit}"
    head = noun + (f" of {subject}" if subject else "")
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


def _series_alt(spec: ChartSpec, noun: str) -> str:
    """Describe a chart of several series: each series with its values, gaps named as such."""
    subject = spec.title or ", ".join(s.name for s in spec.series)
    unit = f" in {spec.unit}" if spec.unit else ""
    parts = []
    for series in spec.series:
        values = [f"{category} {label}" if value is not None else f"{category} no data"
                  for category, label, value in zip(spec.categories, series.labels, series.values)]
        if series.reference:
            known = [label for label in series.labels if label]
            parts.append(f"{series.name} {known[0] if known else ''}".strip())
        else:
            parts.append(f"{series.name}: {', '.join(values)}")
    return f"{noun} of {subject}{unit}. " + "; ".join(parts) + "."
