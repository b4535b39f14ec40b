"""Turn what a user typed (grid cell, spreadsheet cell) into domain objects, or a French message."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core.dates import parse_month
from app.core.db import Hours
from app.core.enums import Modality
from app.core.errors import ServiceError
from app.core.identifiers import is_valid_siret, normalize_siret
from app.core.imports import simplify
from app.core.numbers import parse_french_decimal
from app.extensions import db
from app.participants.models import Participant
from app.referential.models import Company
from app.referential.services import find_company


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
    """Hours from a cell or a typed text, through the one decimal parser (no exponent, NaN or Infinity)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
        text = format(number, "f") if number.is_finite() else str(value)
    else:
        text = str(value or "").strip()
    try:
        number = parse_french_decimal(text, Hours)
    except ValueError as error:
        raise ServiceError(_("Nombre d'heures invalide : %(v)s. %(why)s", v=text, why=str(error))) from None
    if number is None:
        raise ServiceError(_("Nombre d'heures manquant."))
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
