"""deck_layouts: the rules each role gets from the built-in master's placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from reportgen.render.deck_layouts import ROLES, Layouts

MASTER = Path(__file__).parent.parent / "reportgen" / "templates" / "base" / "deck.pptx"

# What the deck was designed with on the built-in master (the tables keyed by layout name that
# these rules replace): (largest, smallest) points, the placeholder idx of each text, bullet limit.
DESIGNED = {
    "Title": ({"title": (44, 30), "subtitle": (22, 16), "text": (14, 11)}, {"title": 0, "subtitle": 1, "text": 2}, None),
    "Agenda": ({"title": (28, 20), "bullets": (22, 18)}, {"title": 0, "bullets": 1}, 8),
    "Section": ({"title": (40, 28), "text": (28, 16)}, {"title": 0, "text": 1}, None),
    "Bullets": ({"title": (28, 20), "bullets": (20, 18)}, {"title": 0, "bullets": 1}, 6),
    "Two content": ({"title": (28, 20), "bullets": (18, 16), "bullets_right": (18, 16)},
                    {"title": 0, "bullets": 1, "bullets_right": 2}, 6),
    "Quote": ({"title": (28, 20), "quote": (28, 18), "attribution": (16, 12)}, {"title": 0, "quote": 1, "attribution": 2}, None),
    "Closing": ({"title": (36, 24), "bullets": (14, 11), "text": (16, 12)}, {"title": 0, "bullets": 1, "text": 2}, None),
    "Chart": ({"title": (28, 20)}, {"title": 0}, None),
    "Table": ({"title": (28, 20)}, {"title": 0}, None),
    "Key figures": ({"title": (28, 20)}, {"title": 0}, None),
    "Timeline": ({"title": (28, 20)}, {"title": 0}, None),
}


@pytest.fixture(scope="module")
def layouts() -> Layouts:
    return Layouts(Presentation(str(MASTER)))


def test_every_role_has_its_designed_rules(layouts):
    assert set(DESIGNED) == set(ROLES)
    for role, (sizes, places, limit) in DESIGNED.items():
        rules = layouts.rules(role)
        assert rules is not None and rules.layout.name == role
        assert {text: rules.size(text) for text in sizes} == sizes, role
        assert dict(rules.places) == places, role
        if limit is not None:
            assert rules.max_bullets == limit, role


def test_charts_and_tables_fill_the_layouts_content_box(layouts):
    assert layouts.rules("Chart").content == layouts.rules("Table").content == 1
    assert layouts.rules("Key figures").content is None  # drawn between the title and the footer


def test_a_name_the_master_does_not_have_and_no_role_is_none(layouts):
    assert layouts.rules("Big picture") is None
    assert layouts.names()[:3] == ["Title", "Agenda", "Section"]
