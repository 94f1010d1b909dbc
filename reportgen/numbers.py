"""How numbers and dates are written: the one place prose, tables, SVG charts and decks format them.

A figure's number is written from a *pattern* — prefix, digits, decimals, scaling, suffix —
that gives both the text (``'$563'``) and the Excel number format a native chart needs to show
exactly that text (``'"$"#,##0'``). The words, symbols and separators come from the current
edition's locale (locales.current()): '$563 million' in English, '563 млн долл. США' in Russian.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .locales import current

FORMAT_WORDS = ("auto", "year", "integer", "decimal:N", "percent", "currency",
                "thousands", "millions", "billions")
_SCALES = {"thousands": 1, "millions": 2, "billions": 3}
_SCALE_OF_WORD = {"thousand": 1, "million": 2, "billion": 3}  # the scale word of a unit such as 'USD million'
_CURRENCIES = ("USD", "EUR", "GBP")  # units starting with these codes are money; the locale writes them
_PERCENT_UNITS = ("%", "percent")
_COUNT_UNITS = ("", "count", "number")
MINUS = "\u2212"
DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True)
class NumberFormat:
    """A figure's or a column's ``format:``; ``None`` decimals means "as few as the value needs"."""

    decimals: int | None = None
    separators: bool = True
    scale: int = 0  # powers of 1000 the value is divided by: 1 thousands, 2 millions, 3 billions
    percent: bool = False
    currency: bool = False
    year: bool = False


AUTO = NumberFormat()


def parse_format(text: object, unit: str = "") -> NumberFormat:
    """Return the format that ``format:`` *text* names, the unit's default when it is empty.

    Words may be combined: ``currency millions decimal:1``. Raise ValueError naming the known words.
    """
    words = str(text or "").split()
    if not words:
        return NumberFormat(decimals=0, separators=False, year=True) if unit.strip() == "year" else AUTO
    fields: dict[str, object] = {}
    for word in words:
        name, _, arg = word.partition(":")
        if name in ("decimal", "decimals") and arg.isdigit() and int(arg) <= 6:
            fields["decimals"] = int(arg)
        elif name in ("percent", "currency") and (not arg or arg.isdigit()):
            fields[name] = True
            if arg:
                fields["decimals"] = int(arg)
        elif name in _SCALES and (not arg or arg.isdigit()):
            fields["scale"] = _SCALES[name]
            if arg:
                fields["decimals"] = int(arg)
        elif word == "year":
            fields.update(decimals=0, separators=False, year=True)
        elif word == "integer":
            fields["decimals"] = 0
        elif word != "auto":
            raise ValueError(f"unknown number format '{word}' (known: {', '.join(FORMAT_WORDS)})")
    return NumberFormat(**fields)  # type: ignore[arg-type]


def auto_decimals(value: float) -> int:
    """Return how many decimals the automatic format prints: none for whole numbers, else 1–2."""
    if float(value).is_integer():
        return 0
    decimals = 1 if abs(value) >= 100 else 2
    text = f"{abs(value):.{decimals}f}".rstrip("0")
    return len(text.partition(".")[2])


def _digits(value: float, decimals: int, separators: bool) -> str:
    # Half away from zero on the shortest decimal form, as Excel and PowerPoint round.
    exact = Decimal(repr(abs(float(value)))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{exact:{',' if separators else ''}.{decimals}f}"


def format_number(value: float, fmt: NumberFormat = AUTO) -> str:
    """Return *value* as digits per *fmt*: 563, 237.2, 1,000, 1998; a hyphen for negatives."""
    scaled = value / 1000 ** fmt.scale
    decimals = auto_decimals(scaled) if fmt.decimals is None else fmt.decimals
    text = _digits(scaled, decimals, fmt.separators)
    written = current().digits(text)
    return f"-{written}" if scaled < 0 and float(text.replace(",", "")) != 0 else written


@dataclass(frozen=True)
class Pattern:
    """How one value is written: literal *prefix*, digits, literal *suffix*; shared by both products."""

    lead: str  # a qualifier and its space, before any minus: "over "
    prefix: str
    decimals: int
    separators: bool
    scale: int
    suffix: str

    def text(self, value: float) -> str:
        """Return *value* written with this pattern, a typographic minus for negatives."""
        scaled = value / 1000 ** self.scale
        digits = _digits(scaled, self.decimals, self.separators)
        negative = scaled < 0 and float(digits.replace(",", "")) != 0
        return f"{self.lead}{MINUS if negative else ''}{self.prefix}{current().digits(digits)}{self.suffix}"

    def excel(self) -> str:
        """Return the Excel number format that shows a value exactly as text() writes it."""
        digits = ("#,##0" if self.separators else "0") + ("." + "0" * self.decimals if self.decimals else "")
        digits += "," * self.scale
        body = f"{_quoted(self.lead + self.prefix)}{digits}{_quoted(self.suffix)}"
        return f"{body};{_quoted(self.lead + MINUS + self.prefix)}{digits}{_quoted(self.suffix)}"


def starred(number_format: str) -> str:
    """Return an Excel *number_format* with a star after the number in each section: an estimate."""
    return ";".join(f'{section}"*"' for section in number_format.split(";"))


def _quoted(text: str) -> str:
    return f'"{text}"' if text else ""


def _currency(unit: str) -> tuple[str, str, str]:
    """Return (prefix, suffix, the rest of the unit) for a currency unit such as 'USD million'.

    English writes '$' before the number, Russian ' долл. США' after it (the locale's currency_USD).
    """
    code, _, rest = unit.partition(" ")
    if not code:
        return "", "", rest.strip()
    prefix, suffix = current().currency(code)
    return prefix, suffix, rest.strip()


def _scale_word(power: int, short: bool) -> str:
    """Return the scale word as joined to the number: ' million' or 'm' in English, ' млн' in Russian."""
    locale = current()
    return locale.scale(power, short=True) if short else locale.labels["number_space"] + locale.scale(power)


def unit_caption(unit: str) -> str:
    """Return a unit as a chart or table heading names it: 'USD million' in English, 'млн долл. США' in Russian."""
    unit = unit.strip()
    if unit[:3] not in _CURRENCIES:
        return unit
    prefix, suffix, rest = _currency(unit)
    power = _SCALE_OF_WORD.get(rest)
    scale = current().scale(power) if power else rest
    caption = current().label("money_caption").format(code=unit[:3], scale=scale, prefix=prefix.strip(), suffix=suffix.strip())
    return " ".join(caption.split())


def pattern(value: float, unit: str, fmt: NumberFormat = AUTO, qualifier: str = "",
            short: bool = False, star: bool = False) -> Pattern:
    """Return how *value* in *unit* is written: in full ('over 3,000 students') or *short* for a
    chart label ('over 3,000'); *star* marks an estimate ('$440*')."""
    unit = unit.strip()
    prefix, suffix, scale = "", "", fmt.scale
    is_currency = fmt.currency or unit[:3] in _CURRENCIES
    locale = current()
    if is_currency:
        prefix, money, rest = _currency(unit if unit[:3] in _CURRENCIES else "USD")
        power = _SCALE_OF_WORD.get(rest)
        if not short and not scale and power == 2 and abs(value) >= 1000 and fmt.decimals is None:
            scale, suffix = 1, _scale_word(3, False) + money  # $1,000 million reads as $1 billion
        elif scale:
            suffix = _scale_word(scale, short) + ("" if short else money)
        elif rest and not short:
            suffix = (_scale_word(power, False) if power else locale.labels["number_space"] + rest) + money
        elif not short:
            suffix = money
    elif fmt.percent or unit in _PERCENT_UNITS:
        suffix = locale.percent_suffix
    else:
        if scale:
            suffix = _scale_word(scale, short)
        if not short and unit not in _COUNT_UNITS and not fmt.year and unit != "year":
            suffix += locale.labels["number_space"] + unit
    if star:
        suffix += "*"
    scaled = value / 1000 ** scale
    decimals = auto_decimals(scaled) if fmt.decimals is None else fmt.decimals
    return Pattern(f"{qualifier} " if qualifier else "", prefix, decimals, fmt.separators, scale, suffix)


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def date_problem(text: str) -> str | None:
    """Return why *text* is not a calendar date written 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', or None.

    Text that does not look like such a date at all ('September 2024') is left to the caller.
    """
    match = _ISO_DATE.fullmatch(str(text).strip())
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError as error:
        return f"date '{text}' is not a calendar date ({error})"
    return None


def format_date(text: str) -> str:
    """Return an ISO date ('2024-09-20', '2024-06', '1992') in the edition's words: '20 September 2024',
    '20 сентября 2024 г.'; anything else as it is."""
    if date_problem(text):
        return str(text)
    return current().date(str(text))


def short_date(date: str) -> str:
    """Return a date as a timeline prints it: '2021-10' and '2021-10-05' as 'Oct 2021' ('окт. 2021 г.'), '1992' as is."""
    return current().date(str(date).strip(), short=True)


def event_date(event: object, short: bool) -> str:
    """Return an event's date as printed: 'c. 2025', '1992–1997', 'Oct 2021', or its undated label."""
    date, end = str(getattr(event, "date", "")), str(getattr(event, "end", ""))
    if not date:
        return str(getattr(event, "label", "")) or current().label("undated")
    write = short_date if short else format_date
    text = write(date) + (f"\u2013{write(end)}" if end else "")
    return current().label("circa").format(text) if getattr(event, "approximate", False) else text


def year_of(date: str) -> float | None:
    """Return a YYYY, YYYY-MM or YYYY-MM-DD date as a fractional year at the period's middle."""
    match = DATE.match(date.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else 0 for part in match.groups())
    if not month:
        return year + 0.5
    if not 1 <= month <= 12:
        return None
    if not day:
        return year + (month - 0.5) / 12
    days = calendar.monthrange(year, month)[1]
    return year + (month - 1 + (min(day, days) - 0.5) / days) / 12
