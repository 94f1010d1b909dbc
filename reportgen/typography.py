"""Typographic quotes for text that does not pass through Markdown's typographer.

Prose is set by markdown-it with ``typographer`` on; data notes and labels, front-matter
strings and slide text are plain strings, and would otherwise show straight quotes
("a new high", partnership's) next to the prose's curly ones.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Mapping

from .model import Dataset, Figure, format_number

# A quote opens at the start of the text or after a space, an opening bracket or a dash.
_OPENS_DOUBLE = re.compile(r'(^|[\s(\[{\u2013\u2014])"')
_OPENS_SINGLE = re.compile(r"(^|[\s(\[{\u2013\u2014])'")


def smart_quotes(text: str) -> str:
    """Return *text* with straight quotes as curly ones; an apostrophe becomes ’."""
    if '"' not in text and "'" not in text:
        return text
    text = _OPENS_DOUBLE.sub("\\1\u201c", text).replace('"', "\u201d")
    return _OPENS_SINGLE.sub("\\1\u2018", text).replace("'", "\u2019")


_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(value: int) -> str:
    """Return a whole number from 0 to 99 in words: 6 -> 'six', 42 -> 'forty-two'."""
    if value < 20:
        return _UNITS[value]
    tens, units = divmod(value, 10)
    return _TENS[tens] + (f"-{_UNITS[units]}" if units else "")


@dataclasses.dataclass(frozen=True)
class ProseFigure(Figure):
    """A figure as prose shows it: a whole count under *spell_below* is written in words.

    House style writes 'six resolutions', not '6 resolutions'; money and percentages keep
    their numerals. Key-figure tiles, charts and tables use the figure itself, not this.
    """

    spell_below: int = 10

    @property
    def _spelled(self) -> bool:
        unit = self.unit.strip()
        return (float(self.value).is_integer() and 0 <= self.value < min(self.spell_below, 100)
                and not unit.startswith("USD") and unit not in ("%", "percent"))

    @property
    def number(self) -> str:
        return number_words(int(self.value)) if self._spelled else Figure.number.fget(self)  # type: ignore[attr-defined]

    @property
    def text(self) -> str:
        plain = Figure.text.fget(self)  # type: ignore[attr-defined]
        return plain.replace(format_number(self.value), self.number, 1) if self._spelled else plain

    def __str__(self) -> str:
        return self.text


def spell_out_below(configured: int, language_base: str) -> int:
    """Return the house style's limit for counts in words in *language_base* (0: digits).

    Small counts are spelled out in English words only: other languages print digits
    (a Russian numeral agrees with its noun in gender and case, which no rule here knows).
    """
    return configured if language_base == "en" else 0


def prose_data(data: Mapping[str, Dataset], below: int) -> dict[str, Dataset]:
    """Return *data* as prose sees it: small whole counts in words (none when *below* is 0)."""
    if below <= 0:
        return dict(data)
    fields = [field.name for field in dataclasses.fields(Figure)]
    return {
        name: dataclasses.replace(dataset, figures=tuple(
            ProseFigure(**{key: getattr(figure, key) for key in fields}, spell_below=below) for figure in dataset.figures))
        for name, dataset in data.items()
    }
