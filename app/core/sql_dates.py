"""Dates in SQL for both SQLite and PostgreSQL: execution periods, months after a date, a calendar year."""

from datetime import date

from sqlalchemy import Date, Integer, and_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class add_months(FunctionElement):
    """``date + n months``, clamped to the month's last day like ``app.core.dates.add_months``."""

    type = Date()
    inherit_cache = True
    name = "levier_add_months"


@compiles(add_months, "postgresql")
def _add_months_pg(element, compiler, **kw):
    day, months = list(element.clauses)
    return f"CAST(({compiler.process(day, **kw)} + make_interval(months => {compiler.process(months, **kw)})) AS DATE)"


@compiles(add_months)
def _add_months_sqlite(element, compiler, **kw):
    day, months = (compiler.process(c, **kw) for c in element.clauses)
    shifted = f"date({day}, '+' || ({months}) || ' months')"
    # SQLite rolls 31 January + 1 month over to 3 March: step back to the target month's last day.
    return (
        f"(CASE WHEN strftime('%d', {shifted}) <> strftime('%d', {day}) "
        f"THEN date({shifted}, 'start of month', '-1 day') ELSE {shifted} END)"
    )


class days_between(FunctionElement):
    """Whole days from the first date to the second (negative when the second is earlier)."""

    type = Integer()
    inherit_cache = True
    name = "levier_days_between"


@compiles(days_between, "postgresql")
def _days_between_pg(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({end} AS DATE) - CAST({start} AS DATE))"


@compiles(days_between)
def _days_between_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


def in_year(column, year: int):
    """``column`` (a date) falls in calendar ``year``: a range, so that an index on the column serves it."""
    return and_(column >= date(year, 1, 1), column < date(year + 1, 1, 1))
