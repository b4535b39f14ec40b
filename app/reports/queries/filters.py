"""SQL building blocks of the indicators: which contracts, clauses, hours and participants count in a year."""

from sqlalchemy import ColumnElement, Select, and_, case, exists, extract, func, or_, select

from app.contracts.models import Clause, Contract
from app.hours.models import HourEntry
from app.participants.models import Participant


def year_of(column) -> ColumnElement:
    return extract("year", column)


def live_contracts(buyer_id: int | None) -> list:
    """Archived contracts count nowhere; ``buyer_id`` None means every buyer."""
    conditions = [Contract.archived_at.is_(None)]
    if buyer_id is not None:
        conditions.append(Contract.buyer_id == buyer_id)
    return conditions


def has_clause() -> ColumnElement:
    """At least one social clause: the contract has a social consideration (DECP considerationsSociales)."""
    return exists().where(Clause.contract_id == Contract.id)


def contract_amount() -> ColumnElement:
    return func.coalesce(func.sum(Contract.amount_excl_tax), 0)


def notified_in(year: int) -> ColumnElement:
    """A contract counts in the year of its notification date (DECP ``dateNotification``)."""
    return year_of(Contract.notified_on) == year


def active_in_year(year: int) -> ColumnElement:
    """The execution period [notification, notification + duration months - 1 day] overlaps ``year``.

    The period ends on or after 1 January when notification + duration falls after 2 January, i.e. when
    its month index passes January of ``year``, or equals it with a day of month of 2 or more.
    """
    end_month = (
        year_of(Contract.notified_on) * 12
        + extract("month", Contract.notified_on)
        - 1
        + Contract.duration_months
    )
    return and_(
        Contract.notified_on.is_not(None),
        Contract.duration_months.is_not(None),
        year_of(Contract.notified_on) <= year,
        or_(
            end_month > year * 12,
            and_(end_month == year * 12, extract("day", Contract.notified_on) >= 2),
        ),
    )


def live_clause_ids(buyer_id: int | None) -> Select:
    return (
        select(Clause.id).join(Contract, Contract.id == Clause.contract_id).where(*live_contracts(buyer_id))
    )


def hours_in_year(buyer_id: int | None, year: int) -> list:
    """Hour entries dated in ``year`` on clauses of live contracts."""
    return [HourEntry.clause_id.in_(live_clause_ids(buyer_id)), year_of(HourEntry.month) == year]


def participants_in_year(buyer_id: int | None, year: int) -> Select:
    """Participants with at least one hour in ``year``: each counts once, whatever their entries."""
    return select(HourEntry.participant_id).where(*hours_in_year(buyer_id, year)).distinct()


def age_band(year: int):
    """Age reached during ``year``: under 26, 26-49, 50 and over (the JEUNE and SENIOR criteria)."""
    age = year - Participant.birth_year
    return case(
        (Participant.birth_year.is_(None), None),
        (age < 26, "under_26"),
        (age < 50, "26_49"),
        else_="50_plus",
    )
