"""SQL building blocks of the indicators: which contracts, clauses, hours and participants count in a year."""

from datetime import date

from sqlalchemy import (
    ColumnElement,
    Date,
    Numeric,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    extract,
    func,
    literal,
    literal_column,
    or_,
    select,
)

from app.contracts.commitments import commitments  # noqa: F401 (part of the indicators' SQL)
from app.contracts.models import Clause, Contract
from app.core.sql_dates import add_months, days_between
from app.hours.models import HourEntry
from app.participants.models import Outcome, Participant


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


def has_environmental_consideration() -> ColumnElement:
    """A DECP ``considerationsEnvironnementales`` clause or criterion (PNAD 2022-2025 target: 100 %).

    The codes are stored as a JSON list: read as text, a code is matched with its closing quote, so that
    "Pas de considération environnementale" never counts; "Critère" may be stored with ``\\u00e8``.
    """
    text = cast(Contract.environmental_considerations, String)
    return or_(text.like('%"Clause environnementale"%'), text.like('%re environnemental"%'))


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


# --- planned hours: one commitment per contract, allotted to calendar years -------------------------


def _smaller(first, second) -> ColumnElement:
    return case((first <= second, first), else_=second)


def _days_until(day) -> ColumnElement:
    """Days of the execution period before ``day`` (0 when it starts later, the whole period at most)."""
    start = Contract.notified_on
    end = add_months(Contract.notified_on, Contract.duration_months)  # the day after the last one
    days = days_between(start, _smaller(end, literal(day, Date)))
    return case((days < 0, 0), else_=days)


def allotted(commitment, year: int) -> ColumnElement:
    """The part of ``commitment`` allotted to ``year``, pro rata of the days of the execution period in it.

    Rounded to the hundredth as a difference of cumulative allotments, so that the years of a contract
    add up exactly to its commitment.
    """
    total = days_between(Contract.notified_on, add_months(Contract.notified_on, Contract.duration_months))

    def through(day):
        # 1.0 is a numeric literal in PostgreSQL (exact) and a real in SQLite (no integer division).
        return func.round(commitment * literal_column("1.0", Numeric) * _days_until(day) / total, 2)

    return case((total <= 0, None), else_=through(date(year + 1, 1, 1)) - through(date(year, 1, 1)))


def latest_exits() -> Select:
    """Each participant's exit: the latest outcome observed after the month of their last hours.

    An outcome observed before later hours is not an exit (the follow-up page still lists that person as
    "sortie à renseigner", ``app.participants.queries.outcomes_due_select``). Known as of the extraction date.
    """
    last = (
        select(HourEntry.participant_id, func.max(HourEntry.month).label("last_month"))
        .group_by(HourEntry.participant_id)
        .subquery()
    )
    ranked = (
        select(
            Outcome.participant_id,
            Outcome.status,
            func.row_number()
            .over(
                partition_by=Outcome.participant_id, order_by=(Outcome.observed_on.desc(), Outcome.id.desc())
            )
            .label("rank"),
        )
        .join(last, last.c.participant_id == Outcome.participant_id)
        .where(Outcome.observed_on >= add_months(last.c.last_month, 1))
        .subquery()
    )
    return select(ranked.c.participant_id, ranked.c.status).where(ranked.c.rank == 1)
