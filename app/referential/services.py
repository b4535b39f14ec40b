"""Buyers and companies: found or created by identifier, every change audited."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.core import audit
from app.core.enums import IdentifierType, StructureKind
from app.core.errors import ServiceError
from app.core.forms import is_valid_siret, normalize_siret
from app.extensions import db
from app.referential.models import Buyer, Company


def find_company(identifier: str, identifier_type: str = IdentifierType.SIRET) -> Company | None:
    if identifier_type == IdentifierType.SIRET:
        identifier = normalize_siret(identifier)
    return db.session.scalar(
        select(Company).where(
            Company.identifier_type == identifier_type, Company.identifier == identifier.strip()
        )
    )


def find_or_create_company(
    actor,
    identifier: str,
    name: str | None = None,
    *,
    identifier_type: str = IdentifierType.SIRET,
    kind: str | None = None,
    field: str | None = None,
) -> Company:
    """Return the company with this identifier, creating it (a name is then required)."""
    identifier = (identifier or "").strip()
    if identifier_type == IdentifierType.SIRET:
        if not is_valid_siret(identifier):
            raise ServiceError(_("SIRET invalide : %(siret)s.", siret=identifier or "—"), field)
        identifier = normalize_siret(identifier)
    elif not identifier:
        raise ServiceError(_("Identifiant manquant."), field)
    company = find_company(identifier, identifier_type)
    if company is not None:
        return company
    if not (name or "").strip():
        raise ServiceError(
            _("L'entreprise %(id)s est inconnue : indiquez sa raison sociale.", id=identifier), field
        )
    company = Company(
        identifier=identifier,
        identifier_type=identifier_type,
        name=name.strip()[:255],
        kind=kind or StructureKind.ORDINARY,
    )
    db.session.add(company)
    audit.record(actor, "create", company, summary=f"Entreprise {company.name} ({identifier})")
    return company


def find_buyer(siret: str) -> Buyer | None:
    return db.session.scalar(select(Buyer).where(Buyer.siret == normalize_siret(siret)))


def find_or_create_buyer(actor, siret: str, name: str | None = None, **fields) -> Buyer:
    if not is_valid_siret(siret):
        raise ServiceError(_("SIRET d'acheteur invalide : %(siret)s.", siret=siret or "—"), "buyer")
    buyer = find_buyer(siret)
    if buyer is not None:
        return buyer
    buyer = Buyer(
        siret=normalize_siret(siret), name=(name or "").strip()[:255] or normalize_siret(siret), **fields
    )
    db.session.add(buyer)
    audit.record(actor, "create", buyer, summary=f"Acheteur {buyer.name} ({buyer.siret})")
    return buyer
