"""reportgen.colours: one formula for every derived colour, its rounding pinned."""

from __future__ import annotations

import pytest
from helpers import REPO

from reportgen import colours
from reportgen.charts._colours import palette, series_colours
from reportgen.model import Theme
from reportgen.project import load_project

# The four audiences' accents with the colours derived from them (dark and light accent,
# the charts' estimate fill, the deck's cards), as the briefings and decks have shown them.
AUDIENCES = {
    "academic": ("#3D5A3C", "#2E442D", "#ECEEEC", "#C9D1C8", "#94A494"),
    "business": ("#9C4F1C", "#753B15", "#F5EDE8", "#E3CEBF", "#C99E82"),
    "executive": ("#5B2A86", "#442064", "#EFEAF3", "#D1C3DD", "#A58ABC"),
    "government": ("#0B4F6C", "#083B51", "#E7EDF0", "#BBCED6", "#799EAE"),
}


def test_parse_reads_the_forms_a_colour_is_written_in():
    assert colours.parse("#1F4E79") == colours.parse("1f4e79") == (31, 78, 121)
    assert colours.parse("#fff") == (255, 255, 255)
    assert colours.parse("#12345") is None and colours.parse("red") is None
    assert colours.css((31, 78, 121)) == "#1F4E79"
    assert colours.hex6("#1f4e79") == "1F4E79"


def test_a_mix_moves_each_channel_towards_the_other_and_rounds_half_to_even():
    assert colours.mix("#000000", "#FFFFFF", 0.5) == "#808080"  # 127.5 -> 128 (even)
    assert colours.mix("#020202", "#FFFFFF", 0.5) == "#808080"  # 128.5 -> 128 (even), not 129
    assert colours.mix("#030303", "#FFFFFF", 0.5) == "#818181"  # 129.0
    assert colours.tint("#1F4E79", 0) == "#1F4E79" and colours.tint("#1F4E79", 1) == "#FFFFFF"
    assert colours.shade("#1F4E79", 1) == "#000000"
    assert colours.mix("not a colour", "#FFFFFF", 0.5) == "not a colour"


@pytest.mark.parametrize("audience", sorted(AUDIENCES))
def test_the_audiences_accents_derive_the_colours_they_always_had(audience):
    accent, dark, light, estimate, card = AUDIENCES[audience]
    assert (colours.shade(accent, 0.25), colours.tint(accent, 0.9)) == (dark, light)
    assert palette(Theme(accent=accent))["estimate"] == estimate
    assert colours.tint(accent, 0.45) == card


def test_the_project_reads_its_audiences_accents_and_derives_the_rest():
    project = load_project(REPO)
    themes = {audience.name: audience.theme for audience in project.audiences.values()
              if audience.name in AUDIENCES}
    assert {name: (theme.accent, theme.accent_dark, theme.accent_light) for name, theme in themes.items()} == {
        name: values[:3] for name, values in AUDIENCES.items()}


def test_light_and_dark_colours_are_told_apart_by_luma():
    assert colours.is_light("#FFFFFF") and colours.is_light(colours.SUPPORT[2]) is False
    assert not colours.is_light("#0B4F6C") and colours.is_light("#E7EDF0")
    assert series_colours(Theme(accent="#0B4F6C"), 2) == ["#0B4F6C", colours.SUPPORT[0]]
