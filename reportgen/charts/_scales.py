"""Linear scales, round tick values, and dates read as positions on a time axis."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from ..numbers import DATE, year_of

__all__ = ["DATE", "Scale", "as_years", "extent", "nice_ticks", "year_of"]


@dataclass(frozen=True)
class Scale:
    """A linear map from data values to canvas positions."""

    lo: float
    hi: float
    start: float  # position of lo
    end: float  # position of hi

    def __call__(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def extent(values: Sequence[float], zero: bool) -> tuple[float, float]:
    """Return the range the values span, widened to include 0 if *zero*, never empty."""
    lo, hi = min(values), max(values)
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        hi, lo = (hi + 1, lo) if hi >= 0 else (hi, lo - 1)
    return lo, hi


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Return round tick values covering lo..hi, about *count* steps."""
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, 10) for i in range(first, last + 1)]


def as_years(categories: Sequence[str]) -> list[float] | None:
    """Return the categories as fractional years when all are increasing dates, else None."""
    years = [year_of(category) for category in categories]
    if any(year is None for year in years):
        return None
    dates = [float(year) for year in years if year is not None]
    return dates if all(a < b for a, b in zip(dates, dates[1:])) else None
