"""Read side of insertion hours: realized hours per clause, in SQL. Every page and report reads these."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import (
    Date,
    Numeric,
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    literal_column,
    select,
    type_coerce,
)

from app.contracts.models import Clause, Contract
from app.core.dates import add_months, today_paris
from app.core.db import Hours
from app.core.figures import share
from app.core.search import contains, search_filter
from app.core.sql_dates import add_months as sql_add_months
from app.core.sql_dates import days_between, in_year
from app.extensions import db
from app.hours.models import HourEntry
from app.participants.models import Participant
from app.referential.models import Buyer


def realized_hours_select(year: int | None = None) -> Select:
    """``(clause_id, realized_hours)`` for every clause with hours (in ``year`` if given)."""
    statement = select(HourEntry.clause_id, func.sum(HourEntry.hours).label("realized_hours")).group_by(
        HourEntry.clause_id
    )
    if year is not None:
        statement = statement.where(in_year(HourEntry.month, year))
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


# --- Follow-up: planned versus realized versus expected by now ---------------------------------------


RATE = Numeric(12, 1)  # a rate in percent, one decimal; realized hours may exceed the plan many times


@dataclass(frozen=True)
class ClauseFollowUp:
    clause_id: int
    contract_id: int
    reference: str
    object: str
    buyer_name: str
    kind: str
    notified_on: date | None
    duration_months: int | None
    planned_hours: Decimal
    realized_hours: Decimal
    rate: Decimal | None  # realized ÷ planned, in percent
    expected_hours: Decimal | None  # planned prorated on the elapsed days of the execution period
    gap: Decimal | None  # expected − realized: positive when behind schedule

    @property
    def ends_on(self) -> date | None:
        if self.notified_on is None or self.duration_months is None:
            return None
        return add_months(self.notified_on, self.duration_months) - timedelta(days=1)

    @property
    def is_behind(self) -> bool:
        return self.gap is not None and self.gap > 0


def clause_followup_select(today: date | None = None, scope: Select | None = None) -> Select:
    """One row per clause: planned, realized, rate, hours expected by ``today`` and the gap, all in SQL.

    Expected = planned × elapsed days ÷ days of the execution period (notification date + duration), the
    elapsed days counted from the notification date to ``today`` inclusive and capped at the period.
    """
    today = today or today_paris()
    realized = realized_hours_select().subquery()
    period_days = days_between(
        Contract.notified_on, sql_add_months(Contract.notified_on, Contract.duration_months)
    )
    elapsed = days_between(Contract.notified_on, literal(today, Date)) + 1
    elapsed_capped = case((elapsed < 0, 0), (elapsed > period_days, period_days), else_=elapsed)
    planned = func.coalesce(Clause.planned_hours, 0)
    realized_hours_col = func.coalesce(realized.c.realized_hours, 0)
    has_period = and_(Contract.notified_on.is_not(None), Contract.duration_months.is_not(None))
    expected = case(
        (has_period, func.round(planned * literal_column("1.0") * elapsed_capped / period_days, 2)),
        else_=None,
    )
    rate = case(
        (planned > 0, func.round(realized_hours_col * literal_column("100.0") / planned, 1)), else_=None
    )
    statement = (
        select(
            Clause.id.label("clause_id"),
            Contract.id.label("contract_id"),
            Contract.reference,
            Contract.object,
            Buyer.name.label("buyer_name"),
            Clause.kind,
            Contract.notified_on,
            Contract.duration_months,
            type_coerce(planned, Hours).label("planned_hours"),
            type_coerce(realized_hours_col, Hours).label("realized_hours"),
            type_coerce(rate, RATE).label("rate"),
            type_coerce(expected, Hours).label("expected_hours"),
            type_coerce(expected - realized_hours_col, Hours).label("gap"),
        )
        .join(Contract, Clause.contract_id == Contract.id)
        .join(Buyer, Contract.buyer_id == Buyer.id)
        .outerjoin(realized, realized.c.clause_id == Clause.id)
        .where(Contract.archived_at.is_(None))
    )
    if scope is not None:
        statement = statement.where(Clause.id.in_(scope))
    return statement


def followup_rows(statement: Select) -> list[ClauseFollowUp]:
    return [ClauseFollowUp(**row._mapping) for row in db.session.execute(statement)]


def filter_followup(
    statement: Select, *, search: str = "", buyer_id: int | None = None, behind_only: bool = False
) -> Select:
    """Narrow a follow-up select; "behind" means realized below expected, sorted by the largest gap."""
    if search:
        statement = statement.where(search_filter(search, Contract.reference, Contract.object))
    if buyer_id:
        statement = statement.where(Contract.buyer_id == buyer_id)
    gap = statement.selected_columns.gap
    if behind_only:
        return statement.where(gap > 0).order_by(gap.desc(), Contract.reference)
    return statement.order_by(Buyer.name, Contract.reference, Clause.id)


def behind_schedule(scope: Select | None = None, today: date | None = None, limit: int | None = None):
    statement = filter_followup(clause_followup_select(today, scope), behind_only=True)
    if limit:
        statement = statement.limit(limit)
    return followup_rows(statement)


@dataclass(frozen=True)
class FollowUpTotals:
    clause_count: int
    planned_hours: Decimal
    realized_hours: Decimal
    expected_hours: Decimal
    behind_count: int

    @property
    def rate(self) -> Decimal | None:
        return share(self.realized_hours, self.planned_hours, 1)


def followup_totals(scope: Select | None = None, today: date | None = None) -> FollowUpTotals:
    rows = clause_followup_select(today, scope).subquery()
    statement = select(
        func.count(rows.c.clause_id),
        func.coalesce(func.sum(rows.c.planned_hours), 0),
        func.coalesce(func.sum(rows.c.realized_hours), 0),
        func.coalesce(func.sum(rows.c.expected_hours), 0),
        func.coalesce(func.sum(case((rows.c.gap > 0, 1), else_=0)), 0),
    )
    count, planned, realized, expected, behind = db.session.execute(statement).one()
    return FollowUpTotals(
        int(count),
        Decimal(str(planned)).quantize(Decimal("0.01")),
        Decimal(str(realized)).quantize(Decimal("0.01")),
        Decimal(str(expected)).quantize(Decimal("0.01")),
        int(behind),
    )


# --- Totals per participant ---------------------------------------------------------------------------


def participant_totals_select(
    year: int | None = None, scope: Select | None = None, search: str = ""
) -> Select:
    """Per participant: hours, number of contracts and of months with hours (FTE = hours ÷ 1 607)."""
    statement = (
        select(
            Participant.id.label("participant_id"),
            Participant.code,
            type_coerce(func.sum(HourEntry.hours), Hours).label("hours"),
            func.count(distinct(Clause.contract_id)).label("contract_count"),
            func.count(distinct(HourEntry.month)).label("month_count"),
            func.min(HourEntry.month).label("first_month"),
            func.max(HourEntry.month).label("last_month"),
        )
        .join(HourEntry, HourEntry.participant_id == Participant.id)
        .join(Clause, HourEntry.clause_id == Clause.id)
        .group_by(Participant.id, Participant.code)
        .order_by(func.sum(HourEntry.hours).desc(), Participant.code)
    )
    if year is not None:
        statement = statement.where(in_year(HourEntry.month, year))
    if scope is not None:
        statement = statement.where(HourEntry.clause_id.in_(scope))
    if search:
        statement = statement.where(contains(Participant.code, search.strip()))
    return statement


def hours_of_participant_by_clause(participant_id: int) -> list:
    """A participant's hours per contract clause, for their record page."""
    statement = (
        select(
            Contract.reference,
            Contract.object,
            Buyer.name.label("buyer_name"),
            type_coerce(func.sum(HourEntry.hours), Hours).label("hours"),
            func.min(HourEntry.month).label("first_month"),
            func.max(HourEntry.month).label("last_month"),
        )
        .join(Clause, HourEntry.clause_id == Clause.id)
        .join(Contract, Clause.contract_id == Contract.id)
        .join(Buyer, Contract.buyer_id == Buyer.id)
        .where(HourEntry.participant_id == participant_id)
        .group_by(Contract.reference, Contract.object, Buyer.name)
        .order_by(func.max(HourEntry.month).desc())
    )
    return list(db.session.execute(statement))


def month_total(clause_id: int, month: date) -> Decimal:
    total = db.session.scalar(
        select(func.coalesce(func.sum(HourEntry.hours), 0)).where(
            HourEntry.clause_id == clause_id, HourEntry.month == month
        )
    )
    return Decimal(str(total))


def participant_month_totals(participant_ids: list[int], month: date) -> dict[int, Decimal]:
    """Hours each participant already has in ``month`` on every clause (to show the room left under the cap)."""
    if not participant_ids:
        return {}
    statement = (
        select(HourEntry.participant_id, func.sum(HourEntry.hours))
        .where(HourEntry.participant_id.in_(participant_ids), HourEntry.month == month)
        .group_by(HourEntry.participant_id)
    )
    return {pid: Decimal(str(total)) for pid, total in db.session.execute(statement)}


# --- Monthly grid and entry lists ----------------------------------------------------------------------


def month_entries(clause_id: int, month: date) -> list[HourEntry]:
    return list(
        db.session.scalars(
            select(HourEntry)
            .join(Participant, HourEntry.participant_id == Participant.id)
            .where(HourEntry.clause_id == clause_id, HourEntry.month == month)
            .order_by(Participant.code, HourEntry.id)
        )
    )


def grid_suggestions(clause_id: int, month: date) -> list[HourEntry]:
    """The entries of the latest earlier month on this clause: the same people usually work again."""
    previous = db.session.scalar(
        select(func.max(HourEntry.month)).where(HourEntry.clause_id == clause_id, HourEntry.month < month)
    )
    if previous is None:
        return []
    return month_entries(clause_id, previous)


def entries_select(
    scope: Select | None = None,
    *,
    clause_id: int | None = None,
    participant_code: str = "",
    month: date | None = None,
    year: int | None = None,
) -> Select:
    statement = (
        select(HourEntry)
        .join(Participant, HourEntry.participant_id == Participant.id)
        .join(Clause, HourEntry.clause_id == Clause.id)
        .join(Contract, Clause.contract_id == Contract.id)
        .order_by(HourEntry.month.desc(), Contract.reference, Participant.code, HourEntry.id)
    )
    if scope is not None:
        statement = statement.where(HourEntry.clause_id.in_(scope))
    if clause_id:
        statement = statement.where(HourEntry.clause_id == clause_id)
    if participant_code:
        statement = statement.where(contains(Participant.code, participant_code.strip()))
    if month is not None:
        statement = statement.where(HourEntry.month == month)
    if year is not None:
        statement = statement.where(in_year(HourEntry.month, year))
    return statement


def entries_total(statement: Select) -> Decimal:
    """Sum of the hours of an ``entries_select``, in SQL."""
    rows = statement.order_by(None).subquery()
    return Decimal(str(db.session.scalar(select(func.coalesce(func.sum(rows.c.hours), 0)))))
