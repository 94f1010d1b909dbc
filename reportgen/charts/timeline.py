"""Timelines: dated events on a horizontal axis, labels alternating above and below it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..locales import current
from ..model import Event, Theme
from ..numbers import short_date
from ._colours import palette
from ._scales import Scale, year_of
from ._svg import Canvas, num
from ._text import text_width, wrap

_HEAD, _BODY, _LEAD = 8.5, 8.0, 9.4  # year size, title size, title line pitch (pt)
_STEM, _GAP, _PAD = 14.0, 8.0, 4.0  # axis to label, between labels, rule to text


@dataclass
class _Milestone:
    """An event placed on the timeline: dot at *x*, label box from *left*, above or below."""

    event: Event
    year: float
    heading: str
    planned: bool
    lines: list[str] = field(default_factory=list)
    x: float = 0.0
    left: float = 0.0
    above: bool = True
    flag_left: bool = False  # label hangs to the left of its rule

    @property
    def width(self) -> float:
        """Width of the label box: the rule, the padding and the widest line."""
        return _PAD + max([text_width(self.heading, _HEAD, True)]
                          + [text_width(line, _BODY) for line in self.lines])

    @property
    def height(self) -> float:
        return _HEAD * 1.2 + len(self.lines) * _LEAD

    @property
    def shift(self) -> float:
        """How far the label's rule sits from the dot."""
        rule = self.left + self.width if self.flag_left else self.left
        return abs(rule - self.x)


def date_label(date: str) -> str:
    """Return a date as printed: "2021-10" and "2021-10-05" as "Oct 2021", "1992" as is."""
    return short_date(date)


def _positions(events: Sequence[Event]) -> list[float]:
    """Return each event's place in years; an undated one sits midway between its neighbours."""
    dated = [year_of(e.date) if e.date else None for e in events]
    if all(year is None for year in dated):
        return [float(i) for i in range(len(events))]
    places: list[float] = []
    for i, year in enumerate(dated):
        if year is not None:
            places.append(year)
            continue
        before = next((y for y in reversed(dated[:i]) if y is not None), None)
        after = next((y for y in dated[i + 1:] if y is not None), None)
        if before is not None and after is not None:
            places.append((before + after) / 2)
        else:
            places.append((before if before is not None else after or 0.0) + (0.5 if after is None else -0.5))
    # Several undated events in a row share a gap: spread them evenly inside it.
    for i in range(1, len(places)):
        if places[i] <= places[i - 1] and dated[i] is None:
            places[i] = places[i - 1] + 0.01
    return places


def timeline_svg(events: Sequence[Event], theme: Theme, width: float = 160, height: float = 60,
                 *, title: str = "Timeline") -> str:
    """Return *events* as a horizontal SVG timeline *width* x *height* mm, oldest first.

    Raise ValueError when there are no events or a date is not YYYY, YYYY-MM or YYYY-MM-DD.
    """
    if not events:
        raise ValueError("timeline has no events to show")
    canvas = Canvas(width, height)
    colours = palette(theme)
    milestones = []
    for event in events:
        for date in (event.date, event.end):
            if date and year_of(date) is None:
                raise ValueError(f"timeline event {event.title!r}: date {date!r} "
                                 "is not YYYY, YYYY-MM or YYYY-MM-DD")
    for event, year in zip(events, _positions(events)):
        milestones.append(_Milestone(event, year, event.when, event.is_planned))
    ends = {id(m): year_of(m.event.end) for m in milestones if m.event.end}
    lo, hi = 2.0, canvas.width - 2.0
    first = min(m.year for m in milestones)
    last = max([m.year for m in milestones] + [end for end in ends.values() if end is not None])
    span = (first - 0.5, last + 0.5) if last == first else (first, last)
    scale = Scale(*span, lo + 4, hi - 4)
    for milestone in milestones:
        milestone.x = scale(milestone.year)
    above, below = _layout(milestones, lo, hi, canvas.height)
    axis = (canvas.height - above - below - 2 * _STEM) / 2 + above + _STEM
    canvas.add("line", x1=lo, y1=axis, x2=hi, y2=axis, stroke=colours["muted"],
               stroke_width=1.0, class_="axis")
    for milestone in milestones:  # a period is a band along the axis from its start to its end
        end = ends.get(id(milestone))
        if end is not None:
            canvas.add("rect", x=milestone.x, y=axis - 2.2, width=max(scale(end) - milestone.x, 1.0),
                       height=4.4, fill=colours["estimate"], class_="period")
        _draw_milestone(canvas, milestone, axis, colours)
    description = f"{current().label('timeline_alt')}: " + "; ".join(
        f"{m.heading}: {m.event.title}" for m in milestones) + "."
    return canvas.render(title, description)


def _layout(milestones: list[_Milestone], lo: float, hi: float,
            height: float) -> tuple[float, float]:
    """Wrap and place every label, trying narrower wraps; return the heights above and below."""
    best: tuple[float, float] | None = None
    for wrap_width in (110.0, 96.0, 84.0, 72.0):
        for milestone in milestones:
            milestone.lines = wrap(milestone.event.title, _BODY, wrap_width, 3)
        _place(milestones, lo, hi)
        above = max((m.height for m in milestones if m.above), default=0.0)
        below = max((m.height for m in milestones if not m.above), default=0.0)
        cut = sum(m.lines[-1].endswith("…") for m in milestones)
        overflow = max(0.0, above + below + 2 * _STEM + 4 - height)
        cost = sum(m.shift for m in milestones) + 500 * cut + 50 * overflow + above + below
        if best is None or cost < best[0]:
            best = (cost, wrap_width)
    assert best is not None  # one wrap width at least was tried
    for milestone in milestones:
        milestone.lines = wrap(milestone.event.title, _BODY, best[1], 3)
    _place(milestones, lo, hi)
    return (max((m.height for m in milestones if m.above), default=0.0),
            max((m.height for m in milestones if not m.above), default=0.0))


def _place(milestones: list[_Milestone], lo: float, hi: float) -> None:
    """Put each label above or below, hanging right or left of its dot, then slide labels apart."""
    ends = {True: lo - _GAP, False: lo - _GAP}
    prefer = True
    for milestone in milestones:
        width = milestone.width
        options = []
        for side in (prefer, not prefer):
            for flag_left in (False, True):
                ideal = milestone.x - width if flag_left else milestone.x
                left = max(min(max(ideal, lo), hi - width), ends[side] + _GAP)
                options.append((round(abs(left - ideal)), side != prefer, flag_left, side, left))
        _, _, milestone.flag_left, milestone.above, milestone.left = min(options)
        ends[milestone.above] = milestone.left + width
        prefer = not milestone.above
    for side in (True, False):
        row = [m for m in milestones if m.above == side]
        limit = hi
        for milestone in reversed(row):  # pull back inside the right edge
            milestone.left = min(milestone.left, limit - milestone.width)
            limit = milestone.left - _GAP
        for milestone in row:
            milestone.left = max(milestone.left, lo)
            # Hang the label from whichever edge is nearer its dot: shorter leaders.
            milestone.flag_left = (abs(milestone.left + milestone.width - milestone.x)
                                   < abs(milestone.left - milestone.x))


def _draw_milestone(canvas: Canvas, milestone: _Milestone, axis: float,
                    colours: dict[str, str]) -> None:
    sign = -1 if milestone.above else 1
    width = milestone.width
    rule = milestone.left + width if milestone.flag_left else milestone.left
    near, far = axis + sign * _STEM, axis + sign * (_STEM + milestone.height)
    if abs(rule - milestone.x) < 0.5:
        points = [(milestone.x, axis), (rule, far)]
    else:  # nudged aside: a leader from the dot to the label's rule
        points = [(milestone.x, axis), (milestone.x, axis + sign * 4), (rule, near), (rule, far)]
    canvas.add("polyline", points=" ".join(f"{num(x)},{num(y)}" for x, y in points),
               fill="none", stroke=colours["baseline"], stroke_width=0.6, class_="stem")
    event = milestone.event
    hollow = milestone.planned or not event.date
    # A white ring under each dot keeps dots months apart distinct where they overlap (the axis keeps time's scale).
    canvas.add("circle", cx=milestone.x, cy=axis, r=3.2 + 0.7 + 1.0, fill="#FFFFFF", class_="halo")
    canvas.add("circle", cx=milestone.x, cy=axis, r=3.2,
               fill="#FFFFFF" if hollow else colours["accent"],
               stroke=colours["accent"], stroke_width=1.4,
               stroke_dasharray="1.6 1.2" if event.approximate or not event.date else None,
               class_=" ".join(["milestone"] + [name for name, flag in (
                   ("planned", milestone.planned), ("approximate", event.approximate),
                   ("undated", not event.date)) if flag]))
    x, anchor = (rule - _PAD, "end") if milestone.flag_left else (rule + _PAD, "start")
    # The year sits next to the axis on both sides; the title reads on away from it.
    heading_y = near - 2 if milestone.above else near + 0.72 * _HEAD + 1
    first_line = (far if milestone.above else near + _HEAD * 1.2) + 0.72 * _BODY + 1
    canvas.items.append('<g class="label">')
    canvas.text(x, heading_y, milestone.heading, _HEAD, colours["accent"], anchor=anchor,
                bold=True, cls="year")
    for i, line in enumerate(milestone.lines):
        canvas.text(x, first_line + i * _LEAD, line, _BODY, colours["text"], anchor=anchor,
                    cls="event")
    canvas.items.append("</g>")
