"""The declared schemas: reading and checking a mapping, typed directive options, the README's tables."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import pytest
from helpers import BOARD, REPO, replace

from reportgen.directives import DATA_DIRECTIVES, ChartOptions, TableOptions, read_options, schema_of
from reportgen.errors import ErrorCollector, ReportgenError
from reportgen.schema import CHOICE, COLOUR, MAPPING, TEXT, TEXTS, WHOLE, Field, Schema
from reportgen.schemas import AUDIENCE, REFERENCE, REPORT, SECTION, fill_reference, marked_tables
from reportgen.yamlfile import parse_yaml

README = REPO / "README.md"

INNER = Schema("'box'", (Field("size", WHOLE, "how big", default=3, low=1, high=9),))
SAMPLE = Schema("a sample", (
    Field("name", TEXT, "its name", required=True, aliases=("title",)),
    Field("tags", TEXTS, "its tags"),
    Field("kind", CHOICE, "its kind", choices=("round", "square"), noun="sample kind"),
    Field("colour", COLOUR, "its colour", noun="sample colour"),
    Field("box", MAPPING, "its box", schema=INNER),
))


def _read(text: str) -> tuple[dict, list[str]]:
    errors = ErrorCollector()
    values = SAMPLE.read(parse_yaml(text, "s.yaml"), "s.yaml", errors)
    return values, [str(error) for error in errors.errors]


def test_a_mapping_reads_as_typed_values_with_defaults():
    values, errors = _read("title: Disc\ntags: red\ncolour: '#0b4f6c'\nbox: {size: 5}\n")
    assert errors == []
    assert values == {"name": "Disc", "tags": ("red",), "kind": "round", "colour": "#0B4F6C", "box": {"size": 5}}
    values, errors = _read("name: Disc\n")
    assert values["box"] == {"size": 3} and values["tags"] == () and values["colour"] is None


def test_each_problem_is_reported_at_its_line_in_the_words_of_its_type():
    _values, errors = _read("name: [a]\ntags: {a: 1}\nkind: oval\ncolour: red\nbox:\n  size: 10\n  sise: 2\nshape: x\n")
    assert errors == [
        "s.yaml:8: error: unknown key 'shape' in a sample (known: box, colour, kind, name, tags, title)",
        "s.yaml:1: error: 'name' must be text, not a list",
        "s.yaml:2: error: 'tags' must be a list of text",
        "s.yaml:3: error: unknown sample kind 'oval' (known: round, square)",
        "s.yaml:4: error: sample colour 'colour' must be '#RRGGBB', not 'red'",
        "s.yaml:7: error: unknown key 'sise' in 'box'; did you mean 'size'?",
        "s.yaml:6: error: 'box.size' must be a whole number from 1 to 9, not 10",
    ]


def test_a_required_field_missing_or_blank_is_named():
    assert _read("tags: [a]\n")[1] == ["s.yaml:1: error: a sample needs a 'name'"]
    assert _read("name: '  '\n")[1] == ["s.yaml:1: error: a sample needs a 'name'"]


def test_a_translation_may_set_only_the_fields_marked_translated():
    assert SECTION.translation("x").names() == {"title", "summary", "slide_title", "key_points", "notes"}
    assert AUDIENCE.translation("x").names() == {"title", "purpose", "ask", "bottom_line", "labels", "variables"}
    assert {"date", "audiences", "output_name"}.isdisjoint(REPORT.translation("x").names())


def test_directive_options_are_typed_and_their_schema_is_the_dataclass():
    body = parse_yaml("data: trade\nkeys: [y2022, 2023]\ntitle: 12\nlabels: not a list\n", "s.md")
    options = read_options("chart", body, "s.md", 4)
    assert options == ChartOptions(data="trade", keys=("y2022", "2023"), title="12", labels=())
    assert options.type == "column" and options.series is None
    for name, options_class in DATA_DIRECTIVES.items():
        assert schema_of(options_class).names() == {field.name for field in dataclasses.fields(options_class)}, name


def test_an_unknown_directive_option_is_an_error_at_the_directive_with_a_did_you_mean():
    with pytest.raises(ReportgenError) as error:
        read_options("table", parse_yaml("data: trade\ncolumsn: [label]\n", "s.md"), "s.md", 7)
    assert str(error.value) == "s.md:7: error: unknown option 'columsn' in a table; did you mean 'columns'?"
    assert read_options("table", parse_yaml("data: t\n", "s.md"), "s.md", 1) == TableOptions(data="t")


def test_the_readme_reference_tables_are_the_schemas():
    text = README.read_text(encoding="utf-8")
    assert sorted(marked_tables(text)) == sorted(REFERENCE), "each schema has one table in the README"
    assert fill_reference(text) == text, "README.md's field tables differ from the schemas: run scripts/readme_fields.py"


def test_a_table_that_drifts_from_its_schema_is_caught(tmp_path):
    text = README.read_text(encoding="utf-8")
    drifted = text.replace("| `subtitle` | text |  | its subtitle |\n", "", 1)
    assert drifted != text and fill_reference(drifted) == text
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "readme_fields.py"), "--check"],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr


def _translated(schema: Schema) -> set[str]:
    """Return the fields a translation of *schema* may set, with those of its translated entries."""
    names = set()
    for field in schema.translation("").fields:
        names.add(field.name)
        if field.schema is not None:
            names |= _translated(field.schema)
    return names


def test_the_readme_says_what_each_translation_may_set_as_the_schemas_do():
    from reportgen.schemas import DATA_FILE

    text = README.read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line.split("|")[3] for line in text.splitlines()
            if line.startswith("| `content/") and line.count("|") == 4}
    for original, schema in (("`content/report.yaml`", REPORT), ("`content/audiences/government.yaml`", AUDIENCE),
                             ("`content/sections/06-trade.md`", SECTION), ("`content/data/trade.csv` (or `.yaml`)", DATA_FILE)):
        named = {word.rstrip(":") for word in re.findall(r"`([^`]+)`", rows[original])}
        assert named == _translated(schema), original


@pytest.mark.parametrize("edits, message", [
    ([replace(BOARD, "variables:", "key_figures: [sales.q9]\nvariables:")],
     "content/audiences/board.yaml:10: error: unknown figure 'q9' in dataset 'sales' (known: q1, q2, q3, q4, growth)"),
    ([replace(BOARD, "max_slides: 6", "max_slide: 6")],
     "content/audiences/board.yaml:7: error: unknown key 'max_slide' in 'deck'; did you mean 'max_slides'?"),
    ([replace("content/data/sales.csv", "q1,Q1,2025,120,USD thousand,ledger,,,", "q1,Q1,2025,,USD thousand,ledger,,growth + 1,"),
      replace("content/data/sales.csv", "round((q4 / q3 - 1) * 100)", "q1 * 2")],
     "content/data/sales.csv:2: error: derived figures refer to each other in a cycle: q1 → growth → q1"),
], ids=["audience-key-figure", "audience-deck-key", "derived-cycle"])
def test_check_names_the_line_of_an_audience_error_and_the_cycle_of_derived_figures(edits, message, project_copy, cli):
    project = project_copy()
    for edit in edits:
        edit(project)
    result = cli("check", project)
    assert (result.code, result.err) == (1, message + "\n")
