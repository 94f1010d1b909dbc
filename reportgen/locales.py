"""One locale per edition: the words, dates, numbers, currencies, percents and quotes it prints.

A :class:`Locale` joins a language's label file (``reportgen/labels/<lang>.yaml``, overridden by
the project and the audience) with Babel's CLDR data for that language. Formatting code asks
:func:`current` for the locale of the edition being made; :func:`using` sets it for a block, so a
figure's ``.text`` in a Russian edition reads "563 млн долл. США" and in English "$563 million".
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .errors import ReportgenError

LABELS = Path(__file__).resolve().parent / "labels"
# Labels that are formats, read by Locale's methods rather than printed by a template as they are.
FORMAT_LABELS = (
    "date_day", "date_month", "date_month_short", "percent", "currency_USD", "currency_EUR", "currency_GBP",
    "scale_1", "scale_2", "scale_3", "scale_1_short", "scale_2_short", "scale_3_short", "quotes",
    "number_space", "money_caption",
)
_ISO = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
# Names of the languages shipped with labels, in their own language and in English, for messages.
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Locale:
    """An edition's language: its labels (words and formats) and Babel's number symbols."""

    language: str  # BCP 47: "en", "ru", "en-GB"
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def babel(self):  # type: ignore[no-untyped-def]
        return _babel_locale(self.language)

    @property
    def base(self) -> str:
        """Return the language without region or script: "en" for "en-GB"."""
        return self.language.split("-")[0].lower()

    def label(self, key: str) -> str:
        return self.labels[key]

    # --- dates --------------------------------------------------------------------------

    def date(self, text: str, short: bool = False) -> str:
        """Return an ISO date ('2024-09-20', '2024-06', '1992') in words, or *text* as it is.

        English: '20 September 2024', 'June 2024'; Russian: '20 сентября 2024 г.', 'июнь 2024 г.'.
        *short* gives a timeline's month: 'Oct 2021', 'окт. 2021 г.'.
        """
        match = _ISO.match(str(text).strip())
        if not match:
            return str(text)
        year, month, day = match.groups()
        if not month:
            return year
        try:
            value = dt.date(int(year), int(month), int(day or 1))
        except ValueError:
            return str(text)
        from babel.dates import format_date

        if day and not short:
            pattern = self.labels["date_day"]
        else:
            pattern = self.labels["date_month_short" if short else "date_month"]
        return format_date(value, pattern, locale=self.babel)

    def day_months(self, text: str) -> str:
        """Return *text* with a month after a day number in the form a date needs: '20 сентябрь'
        (the nominative a CSL locale gives) becomes '20 сентября'; English is unchanged."""
        from babel.dates import get_month_names

        alone = get_month_names("wide", context="stand-alone", locale=self.babel)
        dated = get_month_names("wide", context="format", locale=self.babel)
        for number, name in alone.items():
            if name != dated[number]:
                text = re.sub(rf"(\d{{1,2}}) {name}\b", rf"\1 {dated[number]}", text)
        return text

    # --- numbers ------------------------------------------------------------------------

    @property
    def group(self) -> str:
        """Return the thousands separator: ',' in English, a no-break space in Russian."""
        from babel.numbers import get_group_symbol

        return get_group_symbol(self.babel)

    @property
    def decimal(self) -> str:
        from babel.numbers import get_decimal_symbol

        return get_decimal_symbol(self.babel)

    def digits(self, english: str) -> str:
        """Return digits written the English way ('3,000.5') with this locale's symbols."""
        if self.group == "," and self.decimal == ".":
            return english
        symbols: dict[str, str | int | None] = {",": self.group, ".": self.decimal}
        return english.translate(str.maketrans(symbols))

    @property
    def percent_suffix(self) -> str:
        """Return what follows a percentage: '%' in English, a no-break space and '%' in Russian."""
        return self.labels["percent"].replace("{}", "")

    def currency(self, code: str) -> tuple[str, str]:
        """Return (prefix, suffix) for an amount in *code*: ('$', '') or ('', ' долл. США')."""
        written = self.labels.get(f"currency_{code}") or f"{code} {{}}"
        prefix, _, suffix = written.partition("{}")
        return prefix, suffix

    def scale(self, power: int, short: bool = False) -> str:
        """Return the word for 1000**power: 'million', 'млн'; *short* for chart labels: 'm'."""
        return self.labels[f"scale_{power}_short" if short else f"scale_{power}"]

    def unit(self, unit: str) -> str:
        """Return a unit as printed: the label file's wording of a common unit, else *unit* itself."""
        return self.labels.get(f"unit_{unit.strip().replace(' ', '_')}", unit)

    # --- quotes -------------------------------------------------------------------------

    @property
    def quotes(self) -> str:
        """Return the four quote marks, outer then inner: '“”‘’' or '«»„“' (markdown-it's order)."""
        return self.labels["quotes"]

    def quote(self, text: str) -> str:
        """Return *text* in this language's outer quotes."""
        return f"{self.quotes[0]}{text}{self.quotes[1]}"


def without_full_stop(text: str) -> str:
    """Return *text* without a sentence's closing full stop; the period of an abbreviation that
    ends the current locale's dates stays ('nCa, 20 сентября 2024 г.')."""
    plain = text.rstrip()
    if not plain.endswith(".") or plain.endswith(_abbreviations()):
        return plain
    return plain.rstrip(".").rstrip()


def _abbreviations() -> tuple[str, ...]:
    """Return the periods that end the current locale's dates: the quoted literals of its patterns."""
    labels = current().labels
    found = []
    for key in ("date_day", "date_month", "date_month_short"):
        for literal in re.findall(r"'([^']*)'", labels.get(key, "")):
            if literal.strip().endswith("."):
                found.append(literal.strip())
    return tuple(found)


def full_stop(text: object) -> str:
    """Return *text* ending in one full stop: '15 января 2026 г.' stays as it is, 'June 2024' gains one."""
    markup = hasattr(text, "__html__")
    plain = str(text).rstrip()
    result = plain if not plain or plain.endswith((".", "!", "?", "…")) else plain + "."
    if markup:
        from markupsafe import Markup

        return Markup(result)
    return result


@cache
def _babel_locale(language: str):  # type: ignore[no-untyped-def]
    from babel import Locale as BabelLocale

    return BabelLocale.parse(language.replace("-", "_"))


def known_language(language: str) -> bool:
    """Return whether Babel knows *language* (a BCP 47 tag such as 'ru' or 'en-GB')."""
    if not _LANGUAGE.match(language):
        return False
    try:
        _babel_locale(language)
    except (ValueError, LookupError):
        return False
    return True


def builtin_languages() -> list[str]:
    """Return the languages with a label file shipped in the package."""
    return sorted(path.stem for path in LABELS.glob("*.yaml"))


@cache
def builtin_labels(language: str) -> Mapping[str, str]:
    """Return the shipped labels of *language* ('en-GB' reads en.yaml), {} when none ship."""
    from .yamlfile import parse_yaml

    for name in (language, language.split("-")[0].lower()):
        path = LABELS / f"{name}.yaml"
        if path.is_file():
            document = parse_yaml(path.read_text(encoding="utf-8"), str(path))
            return {str(key): str(value) for key, value in document.items()}
    return {}


def make_locale(language: str, *overrides: Mapping[str, str], where: str | None = None) -> Locale:
    """Return the locale of *language*: its shipped labels, then each of *overrides* in turn.

    Raise an error naming *where* (the file that chose the language) when a label is missing,
    as it is for a language no label file ships with and whose project gives no wording.
    """
    labels = dict(builtin_labels(language))
    for layer in overrides:
        labels.update(layer)
    missing = sorted(set(builtin_labels("en")) - set(labels))
    if missing:
        shipped = ", ".join(builtin_languages())
        raise ReportgenError(f"no wording for language '{language}' (labels ship for {shipped}); "
                             f"give these labels in its translation files: {', '.join(missing)}", where)
    return Locale(language, labels)


def locale_of(language: str, labels: Mapping[str, str]) -> Locale:
    """Return a locale from *labels* already chosen, the shipped ones of *language* (or English) filling gaps."""
    return Locale(language, {**english().labels, **builtin_labels(language), **labels})


_CURRENT: contextvars.ContextVar[Locale | None] = contextvars.ContextVar("reportgen_locale", default=None)


def current() -> Locale:
    """Return the locale of the edition being made (English outside any edition)."""
    locale = _CURRENT.get()
    return locale if locale is not None else english()


@cache
def english() -> Locale:
    return Locale("en", builtin_labels("en"))


@contextlib.contextmanager
def using(locale: Locale) -> Iterator[Locale]:
    """Make *locale* the current one inside the ``with`` block."""
    token = _CURRENT.set(locale)
    try:
        yield locale
    finally:
        _CURRENT.reset(token)
