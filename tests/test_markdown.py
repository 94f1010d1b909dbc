"""The Markdown parser: directives, audiences, footnotes, line numbers."""

from __future__ import annotations

import pytest

from reportgen.errors import ReportgenError
from reportgen.markdown import audience_matches, drop_other_audiences, parse_body
from reportgen.model import ExtraSlide

BODY = """\
Opening paragraph.[^n]

::: audience business academic
For business and academia.
:::

::: audience not government
Not for government.
:::

::: chart
data: trade
type: column
:::

[^n]: The note.
"""


def kinds(blocks):
    return [(block.kind, block.line) for block in blocks]


def test_audience_blocks_select_by_name_and_by_not():
    assert audience_matches("business academic", "academic")
    assert not audience_matches("business academic", "government")
    assert audience_matches("not government", "business")
    assert not audience_matches("not government", "government")


def test_government_sees_neither_audience_block():
    html = "".join(block.html for block in parse_body(BODY, "s.md", 5, "government"))
    assert "Opening paragraph" in html
    assert "For business" not in html and "Not for government" not in html


def test_business_sees_both_and_the_chart_keeps_its_file_line():
    blocks = parse_body(BODY, "s.md", 5, "business")
    html = "".join(block.html for block in blocks)
    assert "For business" in html and "Not for government" in html
    chart = next(block for block in blocks if block.kind == "chart")
    assert chart.line == 5 + 10
    assert chart.options.data == "trade" and chart.options.type == "column"


def test_footnotes_are_inlined_for_page_bottom_placement():
    html = parse_body(BODY, "s.md", 1, "business")[0].html
    assert '<span class="footnote">The note.</span>' in html


def test_unknown_directive_is_an_error_with_its_line():
    with pytest.raises(ReportgenError) as error:
        parse_body("text\n\n::: chrat\ndata: x\n:::\n", "s.md", 10, "business")
    assert str(error.value) == "s.md:12: error: unknown directive 'chrat' (known: audience, briefing, slides, callout, quote, chart, table, keyfigures, timeline)"


def test_raw_html_is_escaped_not_passed_through():
    html = parse_body('<link rel="attachment" href="file:///etc/passwd">\n', "s.md", 1, "b")[0].html
    assert "<link" not in html and "&lt;link" in html


def test_other_audiences_are_blanked_before_templating_keeping_lines():
    text = "a\n::: audience board\n{{ audience.variables.ask }}\n:::\nb\n"
    assert drop_other_audiences(text, "team") == "a\n\n\n\nb\n"
    assert drop_other_audiences(text, "board") == text


def test_slides_block_becomes_extra_slides_only_in_the_deck():
    blocks = parse_body("::: slides\n## Next steps\n- one\n- two\n:::\n", "s.md", 1, "b")
    assert blocks[0].only == "slides"
    assert blocks[0].slides == (ExtraSlide("Next steps", ("one", "two")),)
