"""French formats for the interface, the PDF and the exports: 1 234 567,89 €, 31/12/2026, 1 607 h."""

from datetime import UTC, date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from app.core.dates import PARIS

LOCALE = "fr_FR"


def _nbsp(text: str) -> str:
    # Babel groups French thousands with U+202F, which the PDF's standard fonts lack: use U+00A0 everywhere.
    return text.replace("\u202f", "\u00a0")


def money(value, *, cents: bool = True) -> str:
    if value is None:
        return "—"
    pattern = "#,##0.00\u00a0¤" if cents else "#,##0\u00a0¤"
    return _nbsp(format_currency(Decimal(value), "EUR", format=pattern, locale=LOCALE, currency_digits=False))


def number(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return _nbsp(format_decimal(Decimal(value), format=pattern, locale=LOCALE))


def hours(value) -> str:
    """Hours shown with at most one decimal: ``1 234,5 h``."""
    if value is None:
        return "—"
    return _nbsp(format_decimal(Decimal(value), format="#,##0.#", locale=LOCALE)) + "\u00a0h"


def percent(value, digits: int = 1) -> str:
    """``value`` is a percentage (0-100)."""
    if value is None:
        return "—"
    return number(value, digits) + "\u00a0%"


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
        "date_fr": date_fr,
        "datetime_fr": datetime_fr,
        "month_fr": month_fr,
        "of_month_fr": of_month_fr,
    }.items():
        app.add_template_filter(function, name)
