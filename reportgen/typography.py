"""Typographic quotes for text that does not pass through Markdown's typographer.

Prose is set by markdown-it with ``typographer`` on; data notes and labels, front-matter
strings and slide text are plain strings, and would otherwise show straight quotes
("a new high", partnership's) next to the prose's curly ones.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Mapping

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


class ProseFigure:
    """A figure as prose shows it: a whole count under *below* is written in words.

    House style writes 'six resolutions', not '6 resolutions'; money and percentages keep
    their numerals. Key-figure tiles, charts and tables use the figure itself, not this.
    """

    def __init__(self, figure: Any, below: int) -> None:
        self._figure = figure
        value = figure.value
        spelled = (float(value).is_integer() and 0 <= value < min(below, 100)
                   and not figure.unit.strip().startswith("USD") and figure.unit.strip() not in ("%", "percent"))
        self.number = number_words(int(value)) if spelled else figure.number
        self.text = figure.text.replace(figure.number, self.number, 1) if spelled else figure.text

    def __getattr__(self, name: str) -> Any:
        return getattr(self._figure, name)

    def __str__(self) -> str:
        return self.text


class ProseDataset:
    """A dataset whose figures read as prose writes them (see ProseFigure)."""

    def __init__(self, dataset: Any, below: int) -> None:
        self._dataset = dataset
        self._below = below

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        found = getattr(self._dataset, name)
        return ProseFigure(found, self._below) if hasattr(found, "value") and hasattr(found, "unit") else found

    def __getitem__(self, key: str) -> Any:
        return ProseFigure(self._dataset[key], self._below)

    def __iter__(self) -> Iterator[Any]:
        return (ProseFigure(item, self._below) if hasattr(item, "value") else item for item in self._dataset)

    def __len__(self) -> int:
        return len(self._dataset)


def prose_data(data: Mapping[str, Any], below: int) -> dict[str, Any]:
    """Return *data* as prose sees it: small whole counts in words (none when *below* is 0)."""
    if below <= 0:
        return dict(data)
    return {name: ProseDataset(dataset, below) for name, dataset in data.items()}
