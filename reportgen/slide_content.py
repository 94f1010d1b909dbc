"""What a section's rendered prose holds for the deck: pictures, Markdown tables, footnotes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .markdown import plain_text
from .model import Picture, TableSpec

_NUMBER = re.compile(r"^[\s$€£+\-–−]*[\d.,]+\s*(%|[a-zA-Z]{0,3})\s*\*?$")


class _Reader(HTMLParser):
    """Collects, in document order, the pictures and tables of one block of rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[Picture | TableSpec] = []
        self.heading = ""  # the last heading's text: a table's title
        self._in_heading = False
        self._rows: list[list[str]] | None = None
        self._header = 0
        self._cell: list[str] | None = None
        self._right: list[bool] = []
        self._in_head = False
        self._footnote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "span" and "footnote" in values.get("class", ""):
            self._footnote += 1
        elif self._footnote and tag == "span":
            self._footnote += 1
        if self._footnote:
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._in_heading, self.heading = True, ""
        elif tag == "img":
            alt, title = values.get("alt", ""), values.get("title", "")
            self.items.append(Picture(values.get("src", ""), alt.strip(), (title or alt).strip()))
        elif tag == "table":
            self._rows, self._header, self._right = [], 0, []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
            if self._in_head:
                self._header += 1
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []
            if len(self._rows) == 1:
                self._right.append("text-align:right" in values.get("style", ""))

    def handle_endtag(self, tag: str) -> None:
        if self._footnote:
            if tag == "span":
                self._footnote -= 1
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._in_heading = False
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._rows is not None and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.items.append(_table(self._rows, self._header, self._right, self.heading))
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._footnote:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_heading:
            self.heading += data


def _table(rows: list[list[str]], header: int, right: list[bool], title: str) -> TableSpec:
    rows = [row for row in rows if row]
    columns = tuple(rows[0]) if rows and header else tuple("" for _ in (rows[0] if rows else ()))
    body = [tuple(row + [""] * (len(columns) - len(row)))[: len(columns)] for row in rows[1 if header else 0 :]]
    numeric = tuple(
        (right[index] if index < len(right) else False)
        or bool(body) and all(_NUMBER.match(row[index]) for row in body if row[index])
        and any(row[index] for row in body)
        for index in range(len(columns))
    )
    return TableSpec(title=" ".join(title.split()), columns=columns, rows=tuple(body), numeric=numeric)


def pictures_and_tables(html: str) -> list[Picture | TableSpec]:
    """Return the pictures and Markdown tables of rendered *html*, in document order."""
    if "<img" not in html and "<table" not in html:
        return []
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.items


def footnotes(html: str) -> list[str]:
    """Return the text of each footnote called in rendered *html* (once each, in order)."""
    notes = (plain_text(note) for note in re.findall(r'<span class="footnote">(.*?)</span>', html, re.S))
    return list(dict.fromkeys(note for note in notes if note))
