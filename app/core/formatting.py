"""French formats for the interface, the PDF and the exports: 1 234 567,89 €, 31/12/2026, 1 607 h.

The one display formatter (method annex: "arrondi commercial"): a displayed value is the exact value
rounded **once**, half up, at the displayed precision (``rounded``); Babel only lays the digits out, so
its half-to-even rounding never applies. The web pages, the SVG charts, the PDF and the XLSX number
formats all go through this module.
"""

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from app.core.dates import PARIS

LOCALE = "fr_FR"
PERCENT_DIGITS = 1
HOURS_DIGITS = 2
# The Excel number format of hours: the hundredth, as ``hours`` shows them (a half hour never hidden).
XLSX_HOURS = "#,##0.00"


def rounded(value, digits: int = 0) -> Decimal:
    """``value`` rounded half up to ``digits`` decimals (x,5 goes up, as the method annex promises)."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _nbsp(text: str) -> str:
    # Babel groups French thousands with U+202F, which the PDF's standard fonts lack: use U+00A0 everywhere.
    return text.replace("\u202f", "\u00a0")


def _layout(value: Decimal, digits: int, *, optional: bool = False) -> str:
    decimals = ("#" if optional else "0") * digits
    pattern = "#,##0" + ("." + decimals if digits else "")
    return _nbsp(format_decimal(value, format=pattern, locale=LOCALE))


def money(value, *, cents: bool = True) -> str:
    if value is None:
        return "—"
    digits = 2 if cents else 0
    return _layout(rounded(value, digits), digits) + "\u00a0€"


def number(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    return _layout(rounded(value, digits), digits)


def hours(value) -> str:
    """Hours to the hundredth, trailing zeros dropped: ``1 234,5 h``, ``380,25 h``, ``1 607 h``."""
    if value is None:
        return "—"
    return _layout(rounded(value, HOURS_DIGITS), HOURS_DIGITS, optional=True) + "\u00a0h"


def percent(value, digits: int = PERCENT_DIGITS) -> str:
    """``value`` is a percentage (0-100)."""
    if value is None:
        return "—"
    return number(value, digits) + "\u00a0%"


def target_percent(value) -> str:
    """A target as it was set: ``20 %``, ``37,5 %`` (never rounded to ``38 %``)."""
    if value is None:
        return "—"
    return _layout(rounded(value, 2), 2, optional=True) + "\u00a0%"


def percent_against(achieved, target) -> str:
    """``achieved`` with as many decimals (up to 4) as needed for it not to read as ``target`` when it differs."""
    if achieved is None:
        return "—"
    digits = PERCENT_DIGITS
    while digits < 4 and achieved != target and rounded(achieved, digits) == rounded(target, digits):
        digits += 1
    return percent(achieved, digits)


def gap(achieved, target, unit: str) -> str:
    """The signed gap to a target, in percentage points for shares: ``−0,04 pt``, ``+120 h``."""
    if achieved is None or target is None:
        return "—"
    difference = Decimal(str(achieved)) - Decimal(str(target))
    if unit == "percent":
        digits = PERCENT_DIGITS
        while digits < 4 and difference and rounded(difference, digits) == 0:
            digits += 1
        text = number(abs(difference), digits) + "\u00a0pt"
    elif unit == "hours":
        text = hours(abs(difference))
    else:
        text = number(abs(difference))
    if rounded(difference, 4) == 0:
        return text
    return ("+" if difference > 0 else "\u2212") + text


def display(value, unit: str) -> str:
    """A figure in its unit: ``percent``, ``hours``, ``money``, ``fte`` (two decimals) or ``count``."""
    if unit == "percent":
        return percent(value)
    if unit == "hours":
        return hours(value)
    if unit == "money":
        return money(value)
    if unit == "fte":
        return number(value, 2)
    return number(value)


def date_fr(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date() if value.tzinfo else value.date()
    return format_date(value, "dd/MM/yyyy", locale=LOCALE)


def datetime_fr(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_datetime(value, "dd/MM/yyyy HH:mm", tzinfo=PARIS, locale=LOCALE)


def month_fr(value: date | None) -> str:
    if value is None:
        return ""
    return format_date(value, "MMMM yyyy", locale=LOCALE)


def of_month_fr(value: date | None) -> str:
    """« de mars 2026 », « d'avril 2026 » : the preposition elided before a vowel (avril, août, octobre)."""
    month = month_fr(value)
    if not month:
        return ""
    return f"d'{month}" if month[0] in "aeiouyéèêàâîôû" else f"de {month}"


def register_filters(app) -> None:
    for name, function in {
        "money": money,
        "number": number,
        "hours": hours,
        "percent": percent,
        "percent_against": percent_against,
        "target_percent": target_percent,
        "gap": gap,
        "display": display,
        "date_fr": date_fr,
        "datetime_fr": datetime_fr,
        "month_fr": month_fr,
        "of_month_fr": of_month_fr,
    }.items():
        app.add_template_filter(function, name)
