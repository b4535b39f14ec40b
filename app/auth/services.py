"""Accounts: create, change role, deactivate, sign in and out. Each change is audited; callers commit."""

from functools import cache

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import User
from app.auth.passwords import password_problem
from app.core import audit
from app.core.db import utcnow
from app.core.enums import Role
from app.core.errors import ServiceError
from app.extensions import db


class AccountError(ServiceError):
    """A refused account change (the one service refusal type, kept under its historical name)."""


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    actor, email: str, password: str, role: str, full_name: str = "", *, check_strength: bool = True
) -> User:
    """Create an account; ``check_strength=False`` only for the demo data (never run in production)."""
    email = email.strip().lower()
    if find_user_by_email(email):
        raise AccountError(_("Un compte existe déjà pour l'adresse %(email)s.", email=email))
    if role not in Role.codes():
        raise AccountError(_("Rôle inconnu : %(role)s.", role=role))
    problem = check_strength and password_problem(password, email=email, full_name=full_name)
    if problem:
        raise AccountError(problem)
    user = User(email=email, role=role, full_name=full_name.strip())
    user.set_password(password)
    db.session.add(user)
    audit.record(actor, "create", user, summary=f"Compte {email} ({Role.label_of(role)})")
    return user


@cache
def _decoy_hash() -> str:
    return generate_password_hash("levier: no account has this password")


def authenticate(email: str, password: str) -> User | None:
    """The active account matching ``email`` and ``password``, or None; every attempt is audited.

    An unknown address costs one password hash too, so the answer time does not tell whether an account
    exists.
    """
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_decoy_hash(), password)
    is_valid = user is not None and user.check_password(password) and user.is_active
    if not is_valid:
        audit.record(
            email.strip().lower()[:255] or "?",
            "login_failed",
            user,
            object_type="User",
            summary="Connexion refusée" + ("" if user else " (adresse inconnue)"),
        )
        return None
    user.last_login_at = utcnow()
    audit.record(user, "login", user, summary=f"Connexion de {user.email}")
    return user


def sign_out(user: User) -> None:
    """End every session of ``user`` (this browser's and any stolen copy of its cookies)."""
    user.end_sessions()
    audit.record(user, "logout", user, summary=f"Déconnexion de {user.email}")


def update_user(actor, user: User, *, role: str, full_name: str) -> None:
    if user.id == getattr(actor, "id", None) and role != user.role:
        raise AccountError(_("Vous ne pouvez pas changer votre propre rôle."))
    before = audit.snapshot(user)
    user.role, user.full_name = role, full_name
    changes = audit.changes_since(before, user)
    if changes:
        audit.record(actor, "update", user, summary=f"Compte {user.email}", changes=changes)


def set_user_active(actor, user: User, is_active: bool) -> None:
    if user.id == getattr(actor, "id", None) and not is_active:
        raise AccountError(_("Vous ne pouvez pas désactiver votre propre compte."))
    if user.is_active == is_active:
        return
    before = audit.snapshot(user)
    user.is_active = is_active
    audit.record(
        actor,
        "activate" if is_active else "deactivate",
        user,
        summary=f"Compte {user.email}",
        changes=audit.changes_since(before, user),
    )


def change_password(actor, user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError(_("Le mot de passe actuel est incorrect."))
    problem = password_problem(new, email=user.email, full_name=user.full_name)
    if problem:
        raise AccountError(problem)
    user.set_password(new)
    user.end_sessions()
    audit.record(actor, "change_password", user, summary=f"Compte {user.email}")
