"""One formatting rule for prose, tables, SVG labels and the deck's Excel number formats."""

from __future__ import annotations

import pytest
from helpers import render_format

from reportgen.model import Figure
from reportgen.numbers import parse_format, pattern


def figure(value: float, unit: str, fmt: str = "", qualifier: str = "") -> Figure:
    return Figure("k", "Label", value, unit, "src", qualifier=qualifier, format=parse_format(fmt, unit))


@pytest.mark.parametrize("value, unit, fmt, qualifier, number, text, label", [
    (563, "USD million", "", "", "563", "$563 million", "$563"),
    (1000, "USD million", "", "", "1,000", "$1 billion", "$1,000"),
    (237.2, "USD million", "", "", "237.2", "$237.2 million", "$237.2"),
    (1.08, "million tonnes", "", "about", "1.08", "about 1.08 million tonnes", "about 1.08"),
    (3000, "students", "", "over", "3,000", "over 3,000 students", "over 3,000"),
    (1998, "year", "", "", "1998", "1998", "1998"),
    (2013, "", "year", "", "2013", "2013", "2013"),
    (28, "%", "", "", "28", "28%", "28%"),
    (59.375, "%", "decimal:1", "", "59.4", "59.4%", "59.4%"),
    (12.5, "", "percent", "", "12.5", "12.5%", "12.5%"),
    (1234.5, "tonnes", "integer", "", "1,235", "1,235 tonnes", "1,235"),
    (563_000_000, "USD", "millions", "", "563", "$563 million", "$563m"),
    (2_400_000, "tonnes", "millions decimal:1", "", "2.4", "2.4 million tonnes", "2.4m"),
    (45_000, "EUR", "currency thousands", "up to", "45", "up to €45 thousand", "up to €45k"),
    (-5.1, "%", "", "", "-5.1", "\u22125.1%", "\u22125.1%"),
])
def test_number_text_and_label_share_one_rule(value, unit, fmt, qualifier, number, text, label):
    f = figure(value, unit, fmt, qualifier)
    assert (f.number, f.text, f.chart_label) == (number, text, label)
    assert f.amount == text.removeprefix(f"{qualifier} ") if qualifier else f.amount == text
    # The deck's number format prints the very same label, and the same full text.
    short = pattern(value, unit, f.format, qualifier, short=True)
    assert render_format(short.excel(), value) == label
    assert render_format(pattern(value, unit, f.format, qualifier).excel(), value) == text


def test_estimates_keep_their_decimals_in_the_deck():
    cargo = figure(1.08, "million tonnes", qualifier="about")
    code = pattern(1.08, "million tonnes", cargo.format, "about", short=True, star=True).excel()
    assert render_format(code, 1.08) == "about 1.08*"  # not "1.1*"


def test_text_without_the_qualifier_and_capitalised():
    horizon = figure(5, "years", qualifier="within")
    assert f"within {horizon.amount}" == "within 5 years"
    assert figure(100, "documents", qualifier="over").Text == "Over 100 documents"


def test_half_rounds_away_from_zero_as_powerpoint_does():
    assert figure(0.25, "%", "decimal:1").number == "0.3"
    assert figure(2.5, "", "integer").number == "3"


@pytest.mark.parametrize("fmt", ["decimals:x", "percentage", "millions:z"])
def test_an_unknown_format_names_the_known_ones(fmt):
    with pytest.raises(ValueError, match="unknown number format .* \\(known: auto, year, integer, decimal:N"):
        parse_format(fmt)
