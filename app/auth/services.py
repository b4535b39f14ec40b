"""Accounts: create, change role, deactivate. Each change is audited; callers commit."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.models import User
from app.core import audit
from app.core.db import utcnow
from app.core.enums import Role
from app.core.errors import ServiceError
from app.extensions import db


class AccountError(ServiceError):
    """A refused account change (the one service refusal type, kept under its historical name)."""


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(actor, email: str, password: str, role: str, full_name: str = "") -> User:
    email = email.strip().lower()
    if find_user_by_email(email):
        raise AccountError(_("Un compte existe déjà pour l'adresse %(email)s.", email=email))
    if role not in Role.codes():
        raise AccountError(_("Rôle inconnu : %(role)s.", role=role))
    user = User(email=email, role=role, full_name=full_name.strip())
    user.set_password(password)
    db.session.add(user)
    audit.record(actor, "create", user, summary=f"Compte {email} ({Role.label_of(role)})")
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.is_active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


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
    user.set_password(new)
    audit.record(actor, "change_password", user, summary=f"Compte {user.email}")
