"""Object-level access to clauses: a facilitator logs hours only on the clauses they follow."""

from flask import abort
from sqlalchemy import Select, select

from app.auth.models import User
from app.contracts.models import Clause, clause_facilitators
from app.core.enums import Role


def can_log_hours(user, clause: Clause) -> bool:
    """Admins log on every clause, facilitators on the clauses they are assigned to, nobody else."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.FACILITATOR and any(f.id == user.id for f in clause.facilitators)


def require_hours_access(user, clause: Clause) -> None:
    if not can_log_hours(user, clause):
        abort(403)


def loggable_clause_ids(user) -> Select | None:
    """Ids of the clauses ``user`` may log on, as a select; None means every clause (admins)."""
    if user.role == Role.ADMIN:
        return None
    return select(clause_facilitators.c.clause_id).where(clause_facilitators.c.user_id == user.id)
