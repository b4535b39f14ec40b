"""Date helpers: months, French formats, the Europe/Paris calendar."""

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def add_months(day: date, months: int) -> date:
    """Return ``day`` moved by ``months`` calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def parse_month(text: str) -> date:
    """Parse ``YYYY-MM`` (or ``MM/YYYY``) into the first day of that month; raise ValueError otherwise."""
    text = (text or "").strip()
    if len(text) == 7 and text[4] == "-":
        year, month = int(text[:4]), int(text[5:])
    elif len(text) == 7 and text[2] == "/":
        month, year = int(text[:2]), int(text[3:])
    else:
        raise ValueError(text)
    return date(year, month, 1)


def today_paris() -> date:
    return datetime.now(PARIS).date()
