"""Turn what a user typed (grid cell, spreadsheet cell) into domain objects, or a French message."""

import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.contracts.models import Clause, Contract
from app.core.dates import parse_month
from app.core.enums import Modality
from app.core.errors import ServiceError
from app.core.identifiers import is_valid_siret, normalize_siret
from app.extensions import db
from app.participants.models import Participant
from app.referential.models import Buyer, Company
from app.referential.services import find_company


def simplify(text) -> str:
    """Lower case, no accents, single underscores: how headers and labels are compared."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return "_".join(text.strip().lower().replace("-", " ").replace("/", " ").split())


def resolve_participant(code) -> Participant:
    code = str(code or "").strip().upper()
    if not code:
        raise ServiceError(_("Code bénéficiaire manquant."))
    participant = db.session.scalar(select(Participant).where(func.upper(Participant.code) == code))
    if participant is None:
        raise ServiceError(_("Bénéficiaire inconnu : %(code)s.", code=code))
    return participant


def resolve_employer(siret) -> Company:
    siret = str(siret or "").strip()
    if siret.endswith(".0"):
        siret = siret[:-2]  # a spreadsheet turned the SIRET into a number
    if not siret:
        raise ServiceError(_("SIRET de l'employeur manquant."))
    company = find_company(siret)
    if company is None and not is_valid_siret(siret):
        raise ServiceError(_("SIRET de l'employeur invalide : %(siret)s.", siret=siret))
    if company is None:
        raise ServiceError(
            _(
                "Employeur inconnu (SIRET %(siret)s) : créez d'abord la structure dans le référentiel.",
                siret=normalize_siret(siret),
            )
        )
    return company


_MODALITIES = {simplify(m.value): m.value for m in Modality} | {simplify(m.label): m.value for m in Modality}
_MODALITIES |= {"interim": Modality.TEMP_WORK.value, "sous_traitance": Modality.SUBCONTRACTING.value}


def resolve_modality(text) -> str:
    code = _MODALITIES.get(simplify(text))
    if code is None:
        raise ServiceError(
            _(
                "Modalité inconnue : %(m)s (valeurs admises : %(codes)s).",
                m=str(text or "").strip() or "—",
                codes=", ".join(Modality.codes()),
            )
        )
    return code


def resolve_hours(value) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        text = str(value or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        if not text:
            raise ServiceError(_("Nombre d'heures manquant."))
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ServiceError(_("Nombre d'heures invalide : %(v)s.", v=text)) from None
    if not number.is_finite():
        raise ServiceError(_("Nombre d'heures invalide : %(v)s.", v=value))
    if number <= 0:
        raise ServiceError(_("Le nombre d'heures doit être strictement positif."))
    return number.quantize(Decimal(1)) if number == number.to_integral() else number


def resolve_month(value) -> date:
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    try:
        return parse_month(str(value or ""))
    except ValueError:
        raise ServiceError(
            _(
                "Mois invalide : %(v)s (format AAAA-MM attendu, par exemple 2026-03).",
                v=str(value or "").strip() or "—",
            )
        ) from None


def resolve_clause(reference, buyer_siret, actor=None) -> Clause:
    """The clause of the buyer's contract; with several clauses, the only one carrying planned hours."""
    reference = str(reference or "").strip()
    buyer_siret = str(buyer_siret or "").strip()
    if not reference:
        raise ServiceError(_("Référence du marché manquante."))
    if not buyer_siret:
        raise ServiceError(_("SIRET de l'acheteur manquant."))
    contract = db.session.scalar(
        select(Contract)
        .join(Buyer)
        .where(Buyer.siret == normalize_siret(buyer_siret), Contract.reference == reference)
    )
    if contract is None:
        raise ServiceError(
            _(
                "Marché inconnu : %(ref)s pour l'acheteur %(siret)s.",
                ref=reference,
                siret=normalize_siret(buyer_siret),
            )
        )
    clauses = list(contract.clauses)
    if len(clauses) > 1:
        clauses = [c for c in clauses if c.planned_hours]
    if not clauses:
        raise ServiceError(_("Le marché %(ref)s n'a pas de clause sociale.", ref=reference))
    if len(clauses) > 1:
        raise ServiceError(
            _(
                "Le marché %(ref)s a plusieurs clauses avec des heures prévues : saisissez ces heures par la grille mensuelle.",
                ref=reference,
            )
        )
    return clauses[0]
