"""Read side of insertion hours: realized hours per clause, in SQL. Every page and report reads these."""

from decimal import Decimal

from sqlalchemy import Select, func, select

from app.core.figures import ZERO
from app.extensions import db
from app.hours.models import HourEntry


def realized_hours_select(year: int | None = None) -> Select:
    """``(clause_id, realized_hours)`` for every clause with hours (in ``year`` if given)."""
    statement = select(HourEntry.clause_id, func.sum(HourEntry.hours).label("realized_hours")).group_by(
        HourEntry.clause_id
    )
    if year is not None:
        statement = statement.where(func.extract("year", HourEntry.month) == year)
    return statement


def realized_hours_by_clause(
    clause_ids: list[int] | None = None, year: int | None = None
) -> dict[int, Decimal]:
    statement = realized_hours_select(year)
    if clause_ids is not None:
        if not clause_ids:
            return {}
        statement = statement.where(HourEntry.clause_id.in_(clause_ids))
    return {clause_id: Decimal(hours) for clause_id, hours in db.session.execute(statement)}


def realized_hours(clause_id: int) -> Decimal:
    return realized_hours_by_clause([clause_id]).get(clause_id, ZERO)
