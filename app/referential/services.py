"""Buyers and companies found or created by identifier, territories, the CPV list; every change audited."""

import csv
import io
from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from sqlalchemy import delete, select

from app.core import audit
from app.core.enums import BuyerKind, IdentifierType, LocalDefinition, StructureKind
from app.core.errors import ServiceError
from app.core.identifiers import is_valid_siret, normalize_siret
from app.extensions import db
from app.referential.models import Buyer, Company, CpvCode, Territory


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
    companies: dict[tuple[str, str], Company | None] | None = None,
) -> Company:
    """Return the company with this identifier, creating it (a name is then required).

    ``companies`` is a bulk import's cache, keyed by ``company_key``: a key present with None means
    "known not to exist", so no query is made; created companies are added to it.
    """
    identifier = (identifier or "").strip()
    if identifier_type == IdentifierType.SIRET:
        if not is_valid_siret(identifier):
            raise ServiceError(_("SIRET invalide : %(siret)s.", siret=identifier or "—"), field)
        identifier = normalize_siret(identifier)
    elif not identifier:
        raise ServiceError(_("Identifiant manquant."), field)
    key = (identifier_type, identifier)
    if companies is not None and key in companies:
        company = companies[key]
    else:
        company = find_company(identifier, identifier_type)
        if companies is not None:
            companies[key] = company
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
    if companies is not None:
        companies[key] = company
    audit.record(actor, "create", company, summary=f"Entreprise {company.name} ({identifier})")
    return company


def company_key(identifier: str, identifier_type: str = IdentifierType.SIRET) -> tuple[str, str] | None:
    """The key ``find_or_create_company`` files a company under in its cache; None for an invalid SIRET."""
    identifier = (identifier or "").strip()
    if identifier_type == IdentifierType.SIRET:
        if not is_valid_siret(identifier):
            return None
        identifier = normalize_siret(identifier)
    return (identifier_type, identifier) if identifier else None


def load_companies(keys: set[tuple[str, str]]) -> dict[tuple[str, str], Company | None]:
    """Fill a ``find_or_create_company`` cache in one query per identifier type (None: does not exist)."""
    found: dict[tuple[str, str], Company | None] = dict.fromkeys(keys)
    by_type: dict[str, list[str]] = {}
    for identifier_type, identifier in keys:
        by_type.setdefault(identifier_type, []).append(identifier)
    for identifier_type, identifiers in by_type.items():
        for start in range(0, len(identifiers), 500):
            chunk = identifiers[start : start + 500]
            for company in db.session.scalars(
                select(Company).where(
                    Company.identifier_type == identifier_type, Company.identifier.in_(chunk)
                )
            ):
                found[(company.identifier_type, company.identifier)] = company
    return found


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


def _apply_buyer(buyer: Buyer, fields: dict) -> None:
    """Check and copy buyer fields; a "local" radius only makes sense for the KM definition (docs/domain.md §5)."""
    siret = normalize_siret(fields.get("siret", buyer.siret))
    if not is_valid_siret(siret):
        raise ServiceError(_("SIRET d'acheteur invalide : %(siret)s.", siret=siret or "—"), "siret")
    other = find_buyer(siret)
    if other is not None and other is not buyer:
        raise ServiceError(_("Un acheteur a déjà ce SIRET : %(name)s.", name=other.name), "siret")
    name = (fields.get("name", buyer.name) or "").strip()
    if not name:
        raise ServiceError(_("Le nom de l'acheteur est obligatoire."), "name")
    definition = fields.get("local_definition", buyer.local_definition) or LocalDefinition.DEPARTEMENT
    if definition not in LocalDefinition.codes():
        raise ServiceError(_("Définition du « local » inconnue."), "local_definition")
    radius = fields.get("local_radius_km", buyer.local_radius_km)
    if definition == LocalDefinition.KM:
        if not radius or radius <= 0:
            raise ServiceError(
                _("Indiquez le rayon (en km) qui définit un produit local."), "local_radius_km"
            )
    else:
        radius = None
    kind = fields.get("kind", buyer.kind) or BuyerKind.OTHER
    if kind not in BuyerKind.codes():
        raise ServiceError(_("Type d'acheteur inconnu."), "kind")
    buyer.siret = siret
    buyer.name = name[:255]
    buyer.kind = kind
    buyer.territory_id = fields.get("territory_id", buyer.territory_id)
    buyer.local_definition = definition
    buyer.local_radius_km = radius
    buyer.is_active = bool(fields.get("is_active", True if buyer.is_active is None else buyer.is_active))


def create_buyer(actor, **fields) -> Buyer:
    buyer = Buyer(is_active=True)
    _apply_buyer(buyer, fields)
    db.session.add(buyer)
    db.session.flush()
    audit.record_creation(actor, buyer, f"Acheteur {buyer.name}")
    return buyer


def update_buyer(actor, buyer: Buyer, **fields) -> Buyer:
    before = audit.snapshot(buyer)
    _apply_buyer(buyer, fields)
    db.session.flush()
    changes = audit.changes_since(before, buyer)
    if changes:
        audit.record(actor, "update", buyer, summary=f"Acheteur {buyer.name}", changes=changes)
    return buyer


def _apply_territory(territory: Territory, code: str, name: str, is_active: bool) -> None:
    code, name = (code or "").strip().lower(), (name or "").strip()
    if not code or not name:
        raise ServiceError(_("Le code et le nom du territoire sont obligatoires."), "name")
    for column, value, field in ((Territory.code, code, "code"), (Territory.name, name, "name")):
        other = db.session.scalar(select(Territory).where(column == value))
        if other is not None and other is not territory:
            raise ServiceError(
                _("Un autre territoire porte déjà ce %(f)s.", f=_("code") if field == "code" else _("nom")),
                field,
            )
    territory.code, territory.name, territory.is_active = code[:40], name[:120], is_active


def save_territory(
    actor, territory: Territory | None, *, code: str, name: str, is_active: bool = True
) -> Territory:
    """Create (``territory`` None) or update a territory; reference data an administrator edits."""
    before = audit.snapshot(territory)
    territory = territory or Territory()
    with db.session.no_autoflush:
        _apply_territory(territory, code, name, is_active)
    db.session.add(territory)
    db.session.flush()
    changes = audit.changes_since(before, territory)
    if changes:
        audit.record(
            actor,
            "update" if before else "create",
            territory,
            summary=f"Territoire {territory.name}",
            changes=changes,
        )
    return territory


def save_company(
    actor,
    company: Company | None,
    *,
    identifier: str,
    name: str,
    identifier_type: str = IdentifierType.SIRET,
    kind: str = StructureKind.ORDINARY,
    commune_code: str | None = None,
) -> Company:
    """Create (``company`` None) or update a company or structure; its kind feeds the inclusive-supplier figures."""
    identifier = (identifier or "").strip()
    if identifier_type not in IdentifierType.codes():
        raise ServiceError(_("Type d'identifiant inconnu."), "identifier_type")
    if identifier_type == IdentifierType.SIRET:
        if not is_valid_siret(identifier):
            raise ServiceError(_("SIRET invalide : %(siret)s.", siret=identifier or "—"), "identifier")
        identifier = normalize_siret(identifier)
    elif not identifier:
        raise ServiceError(_("Identifiant manquant."), "identifier")
    if not (name or "").strip():
        raise ServiceError(_("La raison sociale est obligatoire."), "name")
    if kind not in StructureKind.codes():
        raise ServiceError(_("Type de structure inconnu."), "kind")
    other = find_company(identifier, identifier_type)
    if other is not None and other is not company:
        raise ServiceError(
            _("Une entreprise a déjà cet identifiant : %(name)s.", name=other.name), "identifier"
        )
    before = audit.snapshot(company)
    if company is None:
        company = Company()
        db.session.add(company)
    company.identifier_type = identifier_type
    company.identifier = identifier
    company.name = name.strip()[:255]
    company.kind = kind
    company.commune_code = (commune_code or "").strip() or None
    db.session.flush()
    changes = audit.changes_since(before, company)
    if changes:
        audit.record(
            actor,
            "update" if before else "create",
            company,
            summary=f"Entreprise {company.name} ({company.identifier})",
            changes=changes,
        )
    return company


DEFAULT_CPV_CSV = Path(__file__).resolve().parent.parent / "data" / "cpv_2008_fr.csv"


def load_cpv(path: Path) -> int:
    """Replace the CPV list with the rows of a ``code,libelle_fr`` CSV (code as 45000000-7); return the count."""
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line_number, row in enumerate(csv.DictReader(handle), start=2):
            code, _, check = (row.get("code") or "").strip().partition("-")
            label = (row.get("libelle_fr") or "").strip()
            if len(code) != 8 or not code.isdigit() or len(check) != 1 or not label:
                raise ServiceError(f"Ligne {line_number} : code CPV ou libellé invalide ({row!r}).")
            rows.append({"code": code, "check_digit": check, "label": label[:400]})
    if not rows:
        raise ServiceError("Le fichier ne contient aucun code CPV.")
    db.session.execute(delete(CpvCode))
    db.session.execute(db.insert(CpvCode), rows)
    return len(rows)


LOGO_MAX_BYTES = 512 * 1024
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def set_buyer_logo(actor, buyer: Buyer, content: bytes | None) -> None:
    """Store (or, with None, remove) the logo printed on the buyer's report cover: a PNG or JPEG image."""
    if content is None:
        buyer.logo, buyer.logo_mimetype = None, None
        audit.record(actor, "update", buyer, summary=f"Logo retiré : {buyer.name}")
        return
    if len(content) > LOGO_MAX_BYTES:
        raise ServiceError(_("Le logo dépasse 512 Ko : réduisez l'image."), "logo")
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    if kind not in LOGO_FORMATS:
        raise ServiceError(_("Le logo doit être une image PNG ou JPEG."), "logo")
    buyer.logo, buyer.logo_mimetype = content, LOGO_FORMATS[kind]
    audit.record(actor, "update", buyer, summary=f"Logo enregistré : {buyer.name}")
