"""Turn stored values (audit changes, edit conflicts) into what an officer reads."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.core import audit_labels
from app.core.enums import (
    ClauseKind,
    ContractKind,
    HoursMethod,
    PurchaseCategory,
    ReservedArticle,
)
from app.core.formatting import date_fr, hours, money, percent
from app.extensions import db
from app.referential.models import Buyer, Territory

FIELD_LABELS = {
    "buyer_id": _l("Acheteur"),
    "reference": _l("Référence"),
    "object": _l("Objet"),
    "kind": _l("Type"),
    "nature": _l("Nature"),
    "procedure": _l("Procédure"),
    "cpv_code": _l("Code CPV"),
    "category": _l("Catégorie d'achat"),
    "amount_excl_tax": _l("Montant HT"),
    "notified_on": _l("Date de notification"),
    "duration_months": _l("Durée (mois)"),
    "place_code": _l("Lieu d'exécution (code)"),
    "place_type": _l("Lieu d'exécution (type)"),
    "territory_id": _l("Territoire"),
    "environmental_considerations": _l("Considérations environnementales"),
    "holders": _l("Titulaires (SIRET)"),
    "hours_method": _l("Méthode de calcul des heures"),
    "planned_hours": _l("Heures prévues"),
    "labour_share": _l("Part de main-d'œuvre"),
    "insertion_rate": _l("Taux d'insertion"),
    "hourly_cost": _l("Coût horaire chargé"),
    "euros_per_hour": _l("Forfait (€ HT par heure)"),
    "award_weight_percent": _l("Pondération du critère"),
    "reserved_article": _l("Article du marché réservé"),
    "notes": _l("Notes"),
    "needs_review": _l("À vérifier"),
    "facilitators": _l("Facilitateurs"),
}

ACTION_LABELS = {
    "create": _l("Création"),
    "update": _l("Modification"),
    "delete": _l("Suppression"),
    "archive": _l("Archivage"),
    "restore": _l("Restauration"),
    "remove_clause": _l("Suppression d'une clause"),
}


def _decimal(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_value(field: str, value, kind: str = "") -> str:
    """One stored value as text, e.g. ``territory_id`` 3 → "Artois", an ISO date → 12/03/2025."""
    if value is None or value == "" or value == []:
        return "—"
    if field == "kind":
        return ClauseKind.label_of(value) if value in ClauseKind.codes() else ContractKind.label_of(value)
    if field == "buyer_id":
        buyer = db.session.get(Buyer, int(value))
        return buyer.name if buyer else str(value)
    if field == "territory_id":
        territory = db.session.get(Territory, int(value))
        return territory.name if territory else str(value)
    if field == "facilitators":
        users = [db.session.get(User, int(v)) for v in value]
        return ", ".join(u.display_name if u else str(v) for u, v in zip(users, value, strict=True))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field == "notified_on":
        if isinstance(value, date | datetime):
            return date_fr(value)
        try:
            return date_fr(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if field in ("amount_excl_tax", "hourly_cost", "euros_per_hour"):
        number = _decimal(value)
        return money(number) if number is not None else str(value)
    if field == "planned_hours":
        number = _decimal(value)
        return hours(number) if number is not None else str(value)
    if field in ("labour_share", "insertion_rate", "award_weight_percent"):
        number = _decimal(value)
        return percent(number, 2).replace(",00", "") if number is not None else str(value)
    if field == "hours_method":
        return HoursMethod.label_of(value)
    if field == "category":
        return PurchaseCategory.label_of(value)
    if field == "reserved_article":
        return ReservedArticle.label_of(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def describe_changes(changes: dict | None) -> list[tuple[str, str, str]]:
    """``{field: [old, new]}`` → rows of (label, old, new) in French."""
    return [
        (str(FIELD_LABELS.get(field, field)), format_value(field, old), format_value(field, new))
        for field, (old, new) in (changes or {}).items()
    ]


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action) or audit_labels.action_label(action))
