"""The locale layer: label files per language, every label read and documented, Babel formatting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen.locales import (
    FORMAT_LABELS,
    builtin_labels,
    builtin_languages,
    make_locale,
)

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"
README = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
# Python reads labels["x"], labels.get("x") or label("x"); a template also labels.x.
_USE = re.compile(r"""labels(?:\.get\(["'](\w+)["']|\[["'](\w+)["']\])|label\(["'](\w+)["']\)""")
_USE_IN_TEMPLATES = re.compile(r"""\blabels\.(\w+)""")


_FAMILY = re.compile(r"""(?:label\(|labels\[)f["'](\w+_)\{""")  # label(f"column_{name}"): a family of labels


def _labels_used() -> dict[str, list[str]]:
    """Return each label name the package's code and built-in templates read, with where."""
    used: dict[str, list[str]] = {}
    families: set[str] = set()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".j2") or "labels" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        matches = [*_USE.finditer(text), *(_USE_IN_TEMPLATES.finditer(text) if path.suffix == ".j2" else ())]
        for match in matches:
            name = next(group for group in match.groups() if group)
            if name not in ("get", "items", "keys", "update"):
                used.setdefault(name, []).append(str(path.relative_to(PACKAGE)))
        families.update(_FAMILY.findall(text))
    for name in builtin_labels("en"):
        if any(name.startswith(prefix) for prefix in families):
            used.setdefault(name, []).append("a family read by name")
    return used


def test_english_and_russian_labels_ship_with_the_same_names():
    assert {"en", "ru"} <= set(builtin_languages())
    assert set(builtin_labels("ru")) == set(builtin_labels("en"))
    assert all(text.strip() or name == "number_space" for name, text in builtin_labels("ru").items())


def test_every_label_is_read_and_every_label_read_is_defined():
    defined = set(builtin_labels("en"))
    used = _labels_used()
    assert sorted(defined - set(used) - set(FORMAT_LABELS)) == [], "defined but never read"
    assert sorted(set(used) - defined) == [], f"read but not defined: { {k: used[k] for k in set(used) - defined} }"


def test_every_label_is_documented_in_the_readme():
    undocumented = [name for name in builtin_labels("en") if f"`{name}`" not in README]
    assert undocumented == []


@pytest.mark.parametrize(("language", "iso", "expected"), [
    ("en", "2024-09-20", "20 September 2024"),
    ("ru", "2024-09-20", "20 сентября 2024 г."),
    ("ru", "2024-06", "июнь 2024 г."),
    ("en", "2024-06", "June 2024"),
    ("ru", "1992", "1992"),
    ("ru", "not a date", "not a date"),
])
def test_dates_in_words(language, iso, expected):
    assert make_locale(language).date(iso) == expected


def test_a_timeline_month_is_short():
    assert make_locale("en").date("2021-10", short=True) == "Oct 2021"
    assert make_locale("ru").date("2021-10", short=True) == "окт. 2021 г."


def test_number_symbols_and_quotes_follow_the_language():
    english, russian = make_locale("en"), make_locale("ru")
    assert english.digits("3,000.5") == "3,000.5"
    assert russian.digits("3,000.5") == "3\u00a0000,5"
    assert russian.percent_suffix == "\u00a0%" and english.percent_suffix == "%"
    assert english.currency("USD") == ("$", "") and russian.currency("USD") == ("", "\u00a0долл. США")
    assert russian.scale(2) == "млн" and english.scale(3, short=True) == "bn"
    assert english.quote("a") == "“a”" and russian.quote("а") == "«а»"


def test_a_language_without_label_file_needs_the_projects_wording():
    with pytest.raises(Exception) as raised:
        make_locale("de", where="content/report.yaml")
    assert str(raised.value).startswith("content/report.yaml: error: no wording for language 'de' (labels ship for en, ru); "
                                        "give these labels in its translation files: agenda, also, ")
    german = make_locale("de", {**builtin_labels("en"), "contents": "Inhalt"})
    assert german.labels["contents"] == "Inhalt" and german.date("2024-09-20") == "20 September 2024"


def test_full_stop_does_not_double_an_abbreviations_point():
    from markupsafe import Markup

    from reportgen.locales import full_stop

    assert full_stop("15 января 2026 г.") == "15 января 2026 г."
    assert full_stop("15 January 2026") == "15 January 2026."
    assert full_stop("") == ""
    assert isinstance(full_stop(Markup("<b>x</b>")), Markup) and full_stop(Markup("<b>x</b>")) == "<b>x</b>."


def test_a_month_after_a_day_takes_the_genitive():
    assert make_locale("ru").day_months("nCa, 20 сентябрь 2024 г., п. 14") == "nCa, 20 сентября 2024 г., п. 14"
    assert make_locale("ru").day_months("июнь 2024 г.") == "июнь 2024 г."
    assert make_locale("en").day_months("20 September 2024") == "20 September 2024"
