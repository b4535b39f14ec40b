"""Setting a buyer's yearly objectives; every change is audited (docs/domain.md §6)."""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.core import audit
from app.core.errors import ServiceError
from app.extensions import db
from app.objectives.models import SHARE_FIELDS, Objective
from app.referential.models import Buyer

FIELDS = (*SHARE_FIELDS[:2], "insertion_hours", "participants", *SHARE_FIELDS[2:])


def find_objective(buyer_id: int, year: int) -> Objective | None:
    return db.session.scalar(select(Objective).where(Objective.buyer_id == buyer_id, Objective.year == year))


def _validate(values: dict) -> None:
    for field in SHARE_FIELDS:
        value = values.get(field)
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise ServiceError(_("Une part doit être comprise entre 0 et 100 %."), field)
    for field in ("insertion_hours", "participants"):
        value = values.get(field)
        if value is not None and value < 0:
            raise ServiceError(_("Cette cible ne peut pas être négative."), field)


def save_objective(actor, buyer: Buyer, year: int, values: dict) -> Objective:
    """Create or update the objectives of ``buyer`` for ``year``; empty targets are not reported."""
    if not 2000 <= year <= 2100:
        raise ServiceError(_("Année invalide."), "year")
    _validate(values)
    objective = find_objective(buyer.id, year)
    before = audit.snapshot(objective)
    if objective is None:
        objective = Objective(buyer_id=buyer.id, year=year)
        db.session.add(objective)
    for field in FIELDS:
        setattr(objective, field, values.get(field))
    db.session.flush()
    changes = audit.changes_since(before, objective)
    if changes:
        audit.record(
            actor,
            "update" if any(v is not None for v in before.values()) else "create",
            objective,
            summary=f"Objectifs {year} — {buyer.name}",
            changes=changes,
        )
    return objective


def copy_previous_year(actor, buyer: Buyer, year: int) -> Objective:
    """Start ``year`` from the targets of ``year - 1`` (replacing those already typed for ``year``)."""
    previous = find_objective(buyer.id, year - 1)
    if previous is None:
        raise ServiceError(
            _("Aucun objectif n'a été fixé pour %(year)s : rien à recopier.", year=year - 1), "year"
        )
    return save_objective(actor, buyer, year, {field: getattr(previous, field) for field in FIELDS})
