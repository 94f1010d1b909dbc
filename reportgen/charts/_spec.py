"""Reading a ChartSpec for drawing: validation, the values to cover, and the direct labels."""

from __future__ import annotations

import math
from typing import Sequence

from ..model import ChartSpec
from ._text import minus


def check(spec: ChartSpec) -> tuple[bool, ...]:
    """Raise ValueError for a spec that cannot be drawn; return the per-point derived flags."""
    from .kinds import KINDS

    name = f"chart {spec.title!r}" if spec.title else "chart"
    if spec.type not in KINDS:
        raise ValueError(f"{name}: unknown type {spec.type!r} (known: {', '.join(KINDS)})")
    if spec.series:
        _check_series(spec, name)
        return (False,) * len(spec.categories)
    if not spec.values:
        raise ValueError(f"{name} has no values to plot")
    if len(spec.categories) != len(spec.values):
        raise ValueError(f"{name} has {len(spec.categories)} categories "
                         f"but {len(spec.values)} values")
    for what, items in (("derived flags", spec.derived), ("labels", spec.labels)):
        if items and len(items) != len(spec.values):
            raise ValueError(f"{name} has {len(items)} {what} for {len(spec.values)} values")
    numbers = axis_values(spec)
    if not all(math.isfinite(value) for value in numbers):
        raise ValueError(f"{name} has a value that is not a finite number")
    if spec.type in ("pie", "doughnut"):
        if any(value < 0 for value in spec.values):
            raise ValueError(f"{name}: a {spec.type} chart cannot show negative values")
        if sum(spec.values) <= 0:
            raise ValueError(f"{name}: a {spec.type} chart needs a total above zero")
    return tuple(spec.derived) or (False,) * len(spec.values)


def axis_values(spec: ChartSpec) -> list[float]:
    """Return the values and the reference value: what the value axis must cover."""
    reference = [] if spec.reference_value is None else [spec.reference_value]
    return list(spec.values) + reference


def point_labels(spec: ChartSpec, derived: Sequence[bool]) -> list[str]:
    """Return the direct labels: typographic minus, and a star on estimates."""
    return [minus(label) + ("*" if estimate else "")
            for label, estimate in zip(spec.value_labels, derived)]


def percent(value: float, total: float) -> str:
    """Return *value*'s share of *total* as text: whole percent from 10%, else one decimal."""
    share = 100 * value / total
    return f"{share:.0f}%" if share >= 10 or share == 0 else f"{share:.1f}%"


def _check_series(spec: ChartSpec, name: str) -> None:
    from .kinds import KINDS

    entry = KINDS[spec.type]
    count = len(spec.series)
    if count < entry.min_series or (entry.max_series is not None and count > entry.max_series):
        wanted = (f"exactly {entry.min_series}" if entry.min_series == entry.max_series
                  else f"at most {entry.max_series}" if entry.max_series else f"at least {entry.min_series}")
        raise ValueError(f"{name}: a {spec.type} chart takes {wanted} series, got {count}")
    if spec.stack not in entry.stacks:
        raise ValueError(f"{name}: a {spec.type} chart cannot be stacked ('{spec.stack}')")
    for series in spec.series:
        if len(series.values) != len(spec.categories) or len(series.labels) != len(spec.categories):
            raise ValueError(f"{name}: series {series.name!r} has {len(series.values)} values "
                             f"for {len(spec.categories)} categories")
        if not all(math.isfinite(v) for v in series.values if v is not None):
            raise ValueError(f"{name} has a value that is not a finite number")
    if not any(v is not None for series in spec.series for v in series.values):
        raise ValueError(f"{name} has no values to plot")
