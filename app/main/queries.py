"""What each role has to do next: the figures of the home pages, computed in SQL."""

from sqlalchemy import func, select

from app.auth.models import User
from app.contracts.models import Clause, Contract, clause_facilitators
from app.core.dates import today_paris
from app.core.enums import ReportStatus, Role
from app.core.sql_dates import in_year
from app.extensions import db
from app.hours.models import HourEntry
from app.hours.queries import behind_schedule
from app.objectives.models import Objective
from app.participants.queries import outcomes_due_count
from app.reports.models import ReportVersion


def _count(statement) -> int:
    return db.session.scalar(statement) or 0


def _active_contracts():
    return select(Contract.id).where(Contract.archived_at.is_(None))


def home_context(user) -> dict:
    year = today_paris().year
    if user.role == Role.FACILITATOR:
        my_clauses = select(clause_facilitators.c.clause_id).where(clause_facilitators.c.user_id == user.id)
        month_start = today_paris().replace(day=1)
        return {
            "clause_count": _count(select(func.count()).select_from(my_clauses.subquery())),
            "hours_this_year": db.session.scalar(
                select(func.coalesce(func.sum(HourEntry.hours), 0)).where(
                    HourEntry.clause_id.in_(my_clauses), in_year(HourEntry.month, year)
                )
            ),
            "entries_this_month": _count(
                select(func.count(HourEntry.id)).where(
                    HourEntry.clause_id.in_(my_clauses), HourEntry.month == month_start
                )
            ),
            "year": year,
            "behind": behind_schedule(my_clauses, limit=5),
            "outcomes_due": outcomes_due_count(scope=my_clauses),
        }
    if user.role == Role.OFFICER:
        return {
            "contract_count": _count(
                select(func.count(Contract.id)).where(
                    Contract.archived_at.is_(None), in_year(Contract.notified_on, year)
                )
            ),
            "clauses_to_review": _count(
                select(func.count(Clause.id)).where(
                    Clause.needs_review, Clause.contract_id.in_(_active_contracts())
                )
            ),
            "contracts_without_clause": _count(
                select(func.count(Contract.id)).where(Contract.archived_at.is_(None), ~Contract.clauses.any())
            ),
            "year": year,
        }
    reports = db.session.scalars(
        select(ReportVersion).order_by(ReportVersion.started_at.desc()).limit(5)
    ).all()
    context = {
        "recent_reports": reports,
        "year": year,
        "report_count": _count(
            select(func.count(ReportVersion.id)).where(ReportVersion.status == ReportStatus.DONE)
        ),
    }
    if user.role == Role.ADMIN:
        context["user_count"] = _count(select(func.count(User.id)).where(User.is_active))
        context["contract_count"] = _count(select(func.count()).select_from(_active_contracts().subquery()))
        context["objective_count"] = _count(select(func.count(Objective.id)).where(Objective.year == year))
    return context
