"""Datasets: CSV and YAML figures, derived values, events."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.data import evaluate, load_dataset
from reportgen.errors import ErrorCollector, ReportgenError
from reportgen.model import Figure


def load(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    errors = ErrorCollector()
    dataset = load_dataset(path, name, errors)
    try:
        errors.raise_if_any()
    except ReportgenError as error:
        return dataset, [str(error)] if not hasattr(error, "errors") else [str(e) for e in error.errors]
    return dataset, []


def test_csv_figures_keep_unit_source_and_extra_columns(tmp_path):
    dataset, errors = load(tmp_path, "trade.csv", "key,label,year,value,unit,source\ny2023,2023,2023,563,USD million,nca\n")
    assert errors == []
    figure = dataset["y2023"]
    assert (figure.value, figure.unit, figure.source, figure.year) == (563.0, "USD million", "nca", "2023")
    assert figure.text == "$563 million"


def test_derived_figure_is_computed_and_marked(tmp_path):
    text = (
        "key,label,value,unit,source,derived\n"
        "y2023,2023,563,USD million,nca,\n"
        "growth,Growth,28,%,nca,\n"
        "y2022,2022,,USD million,nca,round(y2023 / (1 + growth / 100))\n"
    )
    dataset, errors = load(tmp_path, "trade.csv", text)
    assert errors == []
    assert dataset.y2022.value == 440
    assert dataset.y2022.is_derived and not dataset.y2023.is_derived


def test_derived_figures_may_build_on_each_other_in_any_order(tmp_path):
    text = "key,label,value,unit,source,derived\nb,B,,t,s,a * 2\na,A,,t,s,c + 1\nc,C,1,t,s,\n"
    dataset, errors = load(tmp_path, "x.csv", text)
    assert errors == []
    assert (dataset.a.value, dataset.b.value) == (2, 4)


def test_csv_errors_name_the_row(tmp_path):
    text = "key,label,value,unit,source\na,A,12,t,s\nb,B,twelve,t,s\nc,C,1\n"
    _dataset, errors = load(tmp_path, "x.csv", text)
    assert errors == [
        "x.csv:3: error: figure 'b': value 'twelve' is not a number",
        "x.csv:4: error: row has 3 cells, the header has 5",
    ]


def test_yaml_events_are_sorted_by_date(tmp_path):
    text = "title: Milestones\nsource: nca\nevents:\n  - {date: '2017', title: B, text: b}\n  - {date: '1992', title: A, text: a}\n"
    dataset, errors = load(tmp_path, "milestones.yaml", text)
    assert errors == []
    assert [event.date for event in dataset.events] == ["1992", "2017"]


def test_evaluate_refuses_anything_but_arithmetic():
    with pytest.raises(ReportgenError, match="may use only figures"):
        evaluate("__import__('os')", {})


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "text"),
    [
        (563, "USD million", "", "$563 million"),
        (1000, "USD million", "", "$1 billion"),
        (237.2, "USD million", "", "$237.2 million"),
        (28, "%", "", "28%"),
        (3000, "students", "over", "over 3,000 students"),
        (1.3, "million tonnes", "", "1.3 million tonnes"),
    ],
)
def test_figure_text_reads_like_prose(value, unit, qualifier, text):
    assert Figure("k", "K", value, unit, "s", qualifier=qualifier).text == text
