"""Catering sites, suppliers and purchases: validated, audited, flushed (routes and the CLI commit)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core import audit
from app.core.db import utcnow
from app.core.enums import (
    CateringKind,
    FoodCharacteristic,
    FoodFamily,
    FoodOrigin,
    LocalDefinition,
)
from app.core.errors import ServiceError
from app.core.identifiers import is_valid_siret, normalize_siret
from app.extensions import db
from app.food.models import CateringSite, Purchase, PurchaseCharacteristic, Supplier
from app.referential.models import Buyer

MAX_AMOUNT = Decimal("9999999999999.99")  # Money is NUMERIC(15, 2)


# --- Catering sites -------------------------------------------------------------------------------


@dataclass
class SiteData:
    buyer_id: int
    name: str
    kind: str = CateringKind.OTHER
    siret: str | None = None
    commune_code: str | None = None
    meals_per_year: int | None = None
    is_active: bool = True


def _site_values(data: SiteData, site: CateringSite | None = None) -> dict:
    name = (data.name or "").strip()
    if not name:
        raise ServiceError(_("Le nom du site est obligatoire."), "name")
    if db.session.get(Buyer, data.buyer_id or 0) is None:
        raise ServiceError(_("Choisissez l'acheteur dont dépend le site."), "buyer_id")
    if data.kind not in CateringKind.codes():
        raise ServiceError(_("Type de site inconnu."), "kind")
    siret = None
    if data.siret and data.siret.strip():
        if not is_valid_siret(data.siret):
            raise ServiceError(_("SIRET invalide : 14 chiffres attendus, avec une clé correcte."), "siret")
        siret = normalize_siret(data.siret)
        other = db.session.scalar(select(CateringSite).where(CateringSite.siret == siret))
        if other is not None and other is not site:
            raise ServiceError(_("Le site « %(name)s » a déjà ce SIRET.", name=other.name), "siret")
    if data.meals_per_year is not None and data.meals_per_year < 0:
        raise ServiceError(_("Le nombre de repas ne peut pas être négatif."), "meals_per_year")
    commune = (data.commune_code or "").strip() or None
    if commune and len(commune) != 5:
        raise ServiceError(_("Code commune INSEE invalide : 5 caractères attendus."), "commune_code")
    return {
        "buyer_id": data.buyer_id,
        "name": name[:255],
        "kind": data.kind,
        "siret": siret,
        "commune_code": commune,
        "meals_per_year": data.meals_per_year,
        "is_active": data.is_active,
    }


def _update(actor, obj, values: dict, label: str) -> None:
    """Set the values; the audit log gets an entry only when one of them really changed."""
    before = audit.snapshot(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    changes = audit.changes_since(before, obj)
    if changes:
        audit.record(actor, "update", obj, summary=f"{label} {obj.name}", changes=changes)
    db.session.flush()


def create_site(actor, data: SiteData) -> CateringSite:
    site = CateringSite(**_site_values(data))
    db.session.add(site)
    audit.record(actor, "create", site, summary=f"Site de restauration {site.name}")
    return site


def update_site(actor, site: CateringSite, data: SiteData) -> CateringSite:
    _update(actor, site, _site_values(data, site), "Site de restauration")
    return site


# --- Suppliers ------------------------------------------------------------------------------------


@dataclass
class SupplierData:
    name: str
    siret: str | None = None
    commune_code: str | None = None
    is_direct_producer: bool = False
    is_inclusion_structure: bool = False


def _supplier_values(data: SupplierData, supplier: Supplier | None = None) -> dict:
    name = (data.name or "").strip()
    if not name:
        raise ServiceError(_("Le nom du fournisseur est obligatoire."), "name")
    siret = None
    if data.siret and data.siret.strip():
        if not is_valid_siret(data.siret):
            raise ServiceError(_("SIRET invalide : 14 chiffres attendus, avec une clé correcte."), "siret")
        siret = normalize_siret(data.siret)
        other = db.session.scalar(select(Supplier).where(Supplier.siret == siret))
        if other is not None and other is not supplier:
            raise ServiceError(_("Le fournisseur « %(name)s » a déjà ce SIRET.", name=other.name), "siret")
    commune = (data.commune_code or "").strip() or None
    if commune and len(commune) != 5:
        raise ServiceError(_("Code commune INSEE invalide : 5 caractères attendus."), "commune_code")
    return {
        "name": name[:255],
        "siret": siret,
        "commune_code": commune,
        "is_direct_producer": bool(data.is_direct_producer),
        "is_inclusion_structure": bool(data.is_inclusion_structure),
    }


def create_supplier(actor, data: SupplierData) -> Supplier:
    supplier = Supplier(**_supplier_values(data))
    db.session.add(supplier)
    audit.record(actor, "create", supplier, summary=f"Fournisseur {supplier.name}")
    return supplier


def update_supplier(actor, supplier: Supplier, data: SupplierData) -> Supplier:
    _update(actor, supplier, _supplier_values(data, supplier), "Fournisseur")
    return supplier


def find_supplier(name: str | None, siret: str | None = None) -> Supplier | None:
    """The supplier with this SIRET, else the one with this name (case ignored)."""
    if siret and is_valid_siret(siret):
        found = db.session.scalar(select(Supplier).where(Supplier.siret == normalize_siret(siret)))
        if found is not None:
            return found
    name = (name or "").strip()
    if not name:
        return None
    return db.session.scalars(
        select(Supplier).where(func.lower(Supplier.name) == name.lower()).order_by(Supplier.id)
    ).first()


def find_or_create_supplier(actor, name: str | None, siret: str | None = None) -> Supplier | None:
    """Return the named supplier, creating it when an import names one Levier does not know yet."""
    if not (name or "").strip() and not (siret or "").strip():
        return None
    supplier = find_supplier(name, siret)
    if supplier is None:
        supplier = create_supplier(actor, SupplierData(name=name or siret, siret=siret))
    return supplier


# --- The buyer's definition of "local" ------------------------------------------------------------


def update_local_definition(actor, buyer: Buyer, definition: str, radius_km: int | None) -> Buyer:
    """Set how the buyer defines local food: a radius around the site, the département or the region."""
    if definition not in LocalDefinition.codes():
        raise ServiceError(_("Définition du « local » inconnue."), "local_definition")
    if definition == LocalDefinition.KM:
        if not radius_km or radius_km <= 0:
            raise ServiceError(_("Indiquez un rayon en kilomètres strictement positif."), "local_radius_km")
    else:
        radius_km = None
    before = audit.snapshot(buyer)
    buyer.local_definition, buyer.local_radius_km = definition, radius_km
    changes = audit.changes_since(before, buyer)
    if changes:
        audit.record(actor, "update", buyer, summary=f"Définition du local de {buyer.name}", changes=changes)
    db.session.flush()
    return buyer


# --- Purchases ------------------------------------------------------------------------------------


@dataclass
class PurchaseData:
    site_id: int | None
    purchased_on: date | None
    family: str | None
    description: str | None
    amount_excl_tax: Decimal | None
    supplier_id: int | None = None
    codes: list[str] = field(default_factory=list)
    origin: str | None = None


def _check_amount(amount: Decimal | None) -> None:
    if amount is None:
        raise ServiceError(_("Le montant HT est obligatoire."), "amount_excl_tax")
    if amount <= 0:
        raise ServiceError(_("Le montant HT doit être strictement positif."), "amount_excl_tax")
    if amount > MAX_AMOUNT or amount.as_tuple().exponent < -2:
        raise ServiceError(_("Montant HT invalide : deux décimales au plus."), "amount_excl_tax")


def _origin_and_codes(data: PurchaseData) -> tuple[str | None, set[str]]:
    """Check the characteristics and the origin, keeping origin FRANCE and the FRANCE characteristic together."""
    codes = set(data.codes or [])
    unknown = codes - set(FoodCharacteristic.codes())
    if unknown:
        raise ServiceError(
            _("Caractéristique inconnue : %(codes)s.", codes=", ".join(sorted(unknown))), "codes"
        )
    origin = data.origin or None
    if origin is not None and origin not in FoodOrigin.codes():
        raise ServiceError(_("Origine inconnue : FRANCE ou EUROPE attendu."), "origin")
    if origin == FoodOrigin.EUROPE and FoodCharacteristic.FRANCE in codes:
        raise ServiceError(_("Un produit d'origine Europe ne peut pas être « Origine France »."), "origin")
    if origin == FoodOrigin.FRANCE:
        codes.add(FoodCharacteristic.FRANCE.value)
    elif FoodCharacteristic.FRANCE in codes:
        origin = FoodOrigin.FRANCE.value
    return origin, codes


def clean_purchase(data: PurchaseData) -> dict:
    """Check a purchase line and return the values to store; raise ServiceError in French otherwise.

    Origin FRANCE and the FRANCE characteristic go together (ma-cantine ``origine``), so both are kept
    consistent here.
    """
    if data.site_id is None or db.session.get(CateringSite, data.site_id) is None:
        raise ServiceError(_("Choisissez le site de restauration."), "site_id")
    if data.purchased_on is None:
        raise ServiceError(_("La date d'achat est obligatoire (jj/mm/aaaa)."), "purchased_on")
    if data.family not in FoodFamily.codes():
        raise ServiceError(_("Famille de produits inconnue."), "family")
    description = (data.description or "").strip()
    if not description:
        raise ServiceError(_("La description du produit est obligatoire."), "description")
    amount = data.amount_excl_tax
    _check_amount(amount)
    origin, codes = _origin_and_codes(data)
    if data.supplier_id is not None and db.session.get(Supplier, data.supplier_id) is None:
        raise ServiceError(_("Fournisseur inconnu."), "supplier_id")
    return {
        "site_id": data.site_id,
        "supplier_id": data.supplier_id,
        "purchased_on": data.purchased_on,
        "family": data.family,
        "description": description,
        "amount_excl_tax": amount,
        "origin": origin,
        "codes": sorted(codes, key=FoodCharacteristic.codes().index),
    }


def _describe(purchase: Purchase) -> str:
    return f"Achat {purchase.description[:60]} du {purchase.purchased_on:%d/%m/%Y}"


def create_purchase(actor, data: PurchaseData, *, summary_suffix: str = "") -> Purchase:
    values = clean_purchase(data)
    codes = values.pop("codes")
    purchase = Purchase(**values, created_by_id=getattr(actor, "id", None))
    purchase.characteristics = [PurchaseCharacteristic(code=code) for code in codes]
    db.session.add(purchase)
    audit.record(actor, "create", purchase, summary=_describe(purchase) + summary_suffix)
    return purchase


def update_purchase(actor, purchase: Purchase, data: PurchaseData) -> Purchase:
    if purchase.deleted_at is not None:
        raise ServiceError(_("Cet achat a été supprimé."))
    values = clean_purchase(data)
    before = audit.snapshot(purchase)
    codes = values.pop("codes")
    for name, value in values.items():
        setattr(purchase, name, value)
    if codes != purchase.codes:
        purchase.characteristics = [PurchaseCharacteristic(code=code) for code in codes]
    changes = audit.changes_since(before, purchase)
    if changes:
        audit.record(actor, "update", purchase, summary=_describe(purchase), changes=changes)
    db.session.flush()
    return purchase


def delete_purchase(actor, purchase: Purchase) -> Purchase:
    """Soft delete: the line leaves lists and figures but stays in the database and the audit log."""
    if purchase.deleted_at is not None:
        raise ServiceError(_("Cet achat a déjà été supprimé."))
    purchase.deleted_at = utcnow()
    audit.record(actor, "delete", purchase, summary=_describe(purchase))
    db.session.flush()
    return purchase
