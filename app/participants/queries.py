"""Read side of participants: search, outcomes due, statistical export rows (never identity)."""

from datetime import date

from sqlalchemy import Select, exists, func, select

from app.core.dates import add_months, today_paris
from app.core.search import search_filter
from app.core.sql_dates import add_months as sql_add_months
from app.extensions import db
from app.hours.models import HourEntry
from app.participants.models import Outcome, Participant, ParticipantEligibility, ParticipantIdentity

OUTCOME_DELAY_MONTHS = 6  # the situation is observed 6 months after the last hours (docs/domain.md §4)


def participant_search(search: str = "", criterion: str = "", gender: str = "") -> Select:
    """Participants by code or, for facilitators and admins who see it, by name."""
    statement = select(Participant).outerjoin(ParticipantIdentity).order_by(Participant.code)
    search = (search or "").strip()
    if search:
        full_name = ParticipantIdentity.first_name + " " + ParticipantIdentity.last_name
        reversed_name = ParticipantIdentity.last_name + " " + ParticipantIdentity.first_name
        statement = statement.where(search_filter(search, Participant.code, full_name, reversed_name))
    if criterion:
        statement = statement.where(
            exists().where(
                ParticipantEligibility.participant_id == Participant.id,
                ParticipantEligibility.criterion == criterion,
            )
        )
    if gender:
        statement = statement.where(Participant.gender == gender)
    return statement


def last_months_subquery():
    return (
        select(HourEntry.participant_id, func.max(HourEntry.month).label("last_month"))
        .group_by(HourEntry.participant_id)
        .subquery()
    )


def outcomes_due_select(today: date | None = None, scope: Select | None = None) -> Select:
    """Participants whose last hours are 6 months old or more, with no outcome observed since then.

    An outcome counts when observed after the month of the last hours. ``scope`` (clause ids) keeps the
    participants who worked on those clauses: a facilitator's own.
    """
    threshold = add_months(today or today_paris(), -OUTCOME_DELAY_MONTHS)
    last = last_months_subquery()
    outcome_since = exists().where(
        Outcome.participant_id == last.c.participant_id,
        Outcome.observed_on >= sql_add_months(last.c.last_month, 1),
    )
    statement = (
        select(Participant, last.c.last_month)
        .join(last, last.c.participant_id == Participant.id)
        .where(last.c.last_month <= threshold, ~outcome_since)
        .order_by(last.c.last_month, Participant.code)
    )
    if scope is not None:
        statement = statement.where(
            exists().where(HourEntry.participant_id == Participant.id, HourEntry.clause_id.in_(scope))
        )
    return statement


def outcomes_due_count(today: date | None = None, scope: Select | None = None) -> int:
    statement = outcomes_due_select(today, scope).subquery()
    return db.session.scalar(select(func.count()).select_from(statement)) or 0


def last_outcome(participant_id: int) -> Outcome | None:
    return db.session.scalar(
        select(Outcome)
        .where(Outcome.participant_id == participant_id)
        .order_by(Outcome.observed_on.desc())
        .limit(1)
    )
