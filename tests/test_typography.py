"""Typographic quotes for text that bypasses Markdown's typographer (data notes, slide text)."""

from __future__ import annotations

from reportgen.typography import smart_quotes


def test_straight_quotes_become_curly():
    assert smart_quotes('Record high ("a new high")') == "Record high (\u201ca new high\u201d)"
    assert smart_quotes('the source gives "1.3 million tons"') == "the source gives \u201c1.3 million tons\u201d"
    assert smart_quotes("The partnership's potential") == "The partnership\u2019s potential"
    assert smart_quotes("'Central Asia +' talks") == "\u2018Central Asia +\u2019 talks"


def test_text_without_quotes_is_unchanged():
    assert smart_quotes("Trade, 2023") == "Trade, 2023"
    assert smart_quotes("") == ""
