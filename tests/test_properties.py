"""Property-based tests: random front matter, Markdown and CSV give either success or clean
project errors (exit 1, one `path:line: error: message` line each) — never a crash."""

from __future__ import annotations

import re
import shutil
import string

import pytest
import yaml
from helpers import PROJECTS, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SECTION = "content/sections/01-overview.md"
CSV = "content/data/sales.csv"
ERROR_LINE = re.compile(r"^(?:[^\n]+: )?error: [^\n]+$")
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(["{{ data.sales.q4.text }}", "{{ nope }}", "{% if %}", "board", "team", "*"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
SECTION_KEYS = ["id", "title", "order", "tags", "for", "not_for", "summary", "key_points", "slide_title", "notes"]
front_matter = st.one_of(
    st.dictionaries(st.sampled_from(SECTION_KEYS) | st.text(max_size=10), values, max_size=8).map(
        lambda mapping: yaml.safe_dump(mapping, allow_unicode=True)
    ),
    st.text(alphabet=string.printable + "äé–“”\x00", max_size=200),
)
MARKDOWN_PIECES = [
    "\n", "\n\n", "# ", "## ", "- ", "1. ", "> ", "**", "_", "`", "```\n", "|", "| --- |", "[^1]", "[^1]: note\n",
    "::: ", ":::\n", "::: audience board\n", "::: audience not team\n", "::: chart\n", "::: table\n", "::: keyfigures\n",
    "::: timeline\n", "::: slides\n", "::: callout Title\n", "::: quote Someone\n", "::: briefing\n", "::: nothing\n",
    "data: sales\n", "keys: [q1, q9]\n", "type: pie\n", "figures: [sales.q4]\n", "columns: [label, value]\n",
    "{{ data.sales.q4.text }}", "{{ data.sales.q9 }}", "{{ audience.name }}", "{{ ", "}}", "{% for i in range(3) %}", "{% endfor %}",
    "{% if true %}", "{% endif %}", "![x](images/none.png)", "![x](http://example.com/a.png)", "[link](https://example.com)",
    "<b>raw</b>", "<link rel=attachment href=/etc/passwd>", "{#anchor}", "{.cls}", "{rel=attachment}", "---\n", "\t", "\\",
]
markdown = st.lists(st.sampled_from(MARKDOWN_PIECES) | st.text(max_size=12), max_size=30).map("".join)
cell = st.one_of(
    st.sampled_from(["q1", "Q1", "2025", "120", "", "USD thousand", "ledger", "round(q1 / 0)", "q1 + q2", "1e400", "nan", "-0"]),
    st.text(alphabet=string.printable + "é\x00", max_size=12),
)
HEADERS = ["key,label,year,value,unit,source,qualifier,derived,note", "key,label,value,unit,source", "key,value", ""]


def _rows(header: str) -> st.SearchStrategy[str]:
    width = header.count(",") + 1
    row = st.one_of(
        st.lists(cell, min_size=width, max_size=width),  # well-formed rows reach the figures
        st.lists(cell, max_size=width + 2),
    ).map(",".join)
    return st.lists(row, max_size=8).map(lambda rows: "\n".join([header, *rows]) + "\n")


csv_text = st.sampled_from(HEADERS).flatmap(_rows)


@pytest.fixture
def project(tmp_path):
    target = tmp_path / "minimal"
    shutil.copytree(PROJECTS / "minimal", target)
    return target


def assert_success_or_clean_errors(project) -> None:
    """`reportgen check` exits 0, or 1 with one well-formed line per problem. Any other
    exception escapes run_cli and fails the test: that is a crash."""
    result = run_cli("check", project)
    assert result.code in (0, 1), result.err
    if result.code == 1:
        lines = result.err.splitlines()
        assert lines, "exit 1 without a message"
        assert "Traceback" not in result.err
        for line in lines:
            assert ERROR_LINE.match(line), line


@pytest.mark.slow
@SETTINGS
@given(front=front_matter, body=markdown)
def test_random_front_matter_and_markdown_never_crash(project, front, body):
    (project / SECTION).write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8", errors="surrogatepass")
    assert_success_or_clean_errors(project)


@pytest.mark.slow
@SETTINGS
@given(body=markdown)
def test_random_markdown_with_valid_front_matter_never_crashes(project, body):
    original = (PROJECTS / "minimal" / SECTION).read_text(encoding="utf-8")
    front = original.split("\n---\n", 1)[0]
    (project / SECTION).write_text(f"{front}\n---\n{body}\n", encoding="utf-8")
    assert_success_or_clean_errors(project)


@pytest.mark.slow
@SETTINGS
@given(text=csv_text)
def test_random_csv_never_crashes(project, text):
    (project / CSV).write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_success_or_clean_errors(project)


@pytest.mark.slow
@SETTINGS
@given(data=st.binary(max_size=200))
def test_random_bytes_in_a_data_file_never_crash(project, data):
    (project / CSV).write_bytes(data)
    assert_success_or_clean_errors(project)
