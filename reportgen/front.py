"""The front of an edition: its bottom line, key judgements, the ask, and what is only "also covered".

One rule for every product of an audience: the briefing's summary page, the one-page
executive brief and the cover's key figures all come from here, so a judgement is chosen once
and printed once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from .directives import ChartOptions, TableOptions
from .model import Audience, Edition, Section, audience_ask

MAX_JUDGEMENTS = 5
MAX_FIGURES = 4
_FIGURE_REFERENCE = re.compile(r"\bdata\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Front:
    """What an audience reads first, and where each section's one-line summary is printed."""

    bottom_line: Section | None  # its summary opens the summary page
    judgements: tuple[Section, ...]  # their summaries are the numbered key judgements
    also: tuple[Section, ...]  # summary-depth sections gathered in one "Also covered" block
    ask: str  # what the audience is asked to do, or ""

    def states_summary(self, section: Section) -> bool:
        """Whether the front already prints *section*'s summary (so its own page does not)."""
        return section.id in {s.id for s in (*self.judgements, *self.also)} or (
            self.bottom_line is not None and section.id == self.bottom_line.id)


def edition_front(sections: Sequence[Section], audience: Audience) -> Front:
    """Return the front of an edition with *sections* (at their depths, in reading order).

    The bottom line is the summary of the first section. The key judgements are the
    summaries of the audience's ``judgements:`` (section ids, in that order); by default
    the sections given in full, then those at key-points depth, leaving out the bottom line
    and the closing section, at most five, in reading order. An edition whose every section is
    a summary draws its judgements from those. The other summary-depth sections are "also covered".
    """
    by_id = {section.id: section for section in sections}
    bottom = sections[0] if sections else None
    if audience.judgements:
        judgements = [by_id[i] for i in audience.judgements if i in by_id and (bottom is None or i != bottom.id)]
    else:
        judgements = _default_judgements(sections, bottom)
    chosen = {section.id for section in judgements} | ({bottom.id} if bottom else set())
    also = tuple(s for s in sections if s.depth == "summary" and s.id not in chosen and s.summary)
    return Front(bottom, tuple(s for s in judgements if s.summary), also, audience_ask(audience))


def _default_judgements(sections: Sequence[Section], bottom: Section | None) -> list[Section]:
    rest = [s for s in sections if bottom is None or s.id != bottom.id]
    deep = [s for s in rest if s.depth != "summary"]
    if len(deep) > 3 and deep[-1] is rest[-1] and deep[-1].depth == "full":
        deep = deep[:-1]  # the closing section (an outlook) looks ahead rather than judges
    pool = deep or rest
    picked = sorted(pool, key=lambda s: (s.depth != "full",))[:MAX_JUDGEMENTS]
    return [s for s in pool if s in picked]


def summary_references(raw_summary: str) -> list[str]:
    """Return the 'dataset.key' figures a section's (unrendered) summary names, in order."""
    return [".".join(match.groups()) for match in _FIGURE_REFERENCE.finditer(raw_summary)]


def cover_references(per_section: Sequence[Sequence[str]]) -> list[str]:
    """Return 'dataset.key' references for a cover band from the judgements' figures: the
    first figure of each judgement, then their others, without repeats, at most four."""
    ordered: dict[str, None] = {}
    for refs in per_section:
        if refs:
            ordered.setdefault(refs[0], None)
    for refs in per_section:
        for ref in refs:
            ordered.setdefault(ref, None)
    return list(ordered)[:MAX_FIGURES]


def figure_set(options: ChartOptions | TableOptions, edition: Edition) -> frozenset[str]:
    """Return the 'dataset.key' figures a chart or table directive shows (its reference line too)."""
    name = options.data
    keys = options.keys or (edition.data[name].keys() if name in edition.data else [])
    refs = {f"{name}.{key}" for key in keys} if name else set()
    if isinstance(options, ChartOptions):
        refs |= set(options.figures or ())  # a chart of figures from several datasets
        if options.reference:
            refs.add(f"{name}.{options.reference}")
    return frozenset(refs)


def repeated_tables(section: Section, edition: Edition) -> set[int]:
    """Return the lines of *section*'s tables that show the figures of one of its charts.

    One visual per set of figures: a chart and a table of the same numbers (one a subset of
    the other) show the chart only, in the briefing as in the deck.
    """
    charts = [figure_set(b.options, edition) for b in section.blocks if isinstance(b.options, ChartOptions)]
    return {
        block.line for block in section.blocks if isinstance(block.options, TableOptions) and block.line is not None
        and any(chart and (chart <= shown or shown <= chart) for chart in charts for shown in [figure_set(block.options, edition)])
    }
