"""Read-side selects of the food pages: filtered purchase lists, sites, suppliers, objectives, years."""

from dataclasses import dataclass, fields
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.core.enums import FoodCharacteristic, FoodFamily
from app.core.search import contains, search_filter
from app.core.sql_dates import in_year
from app.extensions import db
from app.food.models import CateringSite, Purchase, PurchaseCharacteristic, Supplier
from app.objectives.models import Objective
from app.referential.models import Buyer


@dataclass(frozen=True)
class PurchaseFilters:
    """Filters of the purchase list; the export applies exactly the same ones."""

    site_id: int | None = None
    buyer_id: int | None = None
    year: int | None = None
    family: str | None = None
    characteristic: str | None = None
    supplier_id: int | None = None
    search: str = ""

    @classmethod
    def from_args(cls, args) -> "PurchaseFilters":
        """Read the filters from a query string, ignoring values that are not valid codes or numbers."""

        def integer(name):
            value = args.get(name, "").strip()
            return int(value) if value.isdigit() else None

        family = args.get("famille", "")
        characteristic = args.get("caracteristique", "")
        return cls(
            site_id=integer("site"),
            buyer_id=integer("acheteur"),
            year=integer("annee"),
            family=family if family in FoodFamily.codes() else None,
            characteristic=characteristic if characteristic in FoodCharacteristic.codes() else None,
            supplier_id=integer("fournisseur"),
            search=args.get("q", "").strip()[:100],
        )

    def as_args(self) -> dict:
        """The filters as query-string arguments (for links, the pager and the exports)."""
        names = {
            "site_id": "site",
            "buyer_id": "acheteur",
            "year": "annee",
            "family": "famille",
            "characteristic": "caracteristique",
            "supplier_id": "fournisseur",
            "search": "q",
        }
        return {names[f.name]: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


def _conditions(filters: PurchaseFilters) -> list:
    conditions = [Purchase.deleted_at.is_(None)]
    if filters.site_id:
        conditions.append(Purchase.site_id == filters.site_id)
    if filters.buyer_id:
        conditions.append(
            Purchase.site_id.in_(select(CateringSite.id).where(CateringSite.buyer_id == filters.buyer_id))
        )
    if filters.year:
        conditions.append(in_year(Purchase.purchased_on, filters.year))
    if filters.family:
        conditions.append(Purchase.family == filters.family)
    if filters.characteristic:
        conditions.append(
            Purchase.id.in_(
                select(PurchaseCharacteristic.purchase_id).where(
                    PurchaseCharacteristic.code == filters.characteristic
                )
            )
        )
    if filters.supplier_id:
        conditions.append(Purchase.supplier_id == filters.supplier_id)
    if filters.search:
        conditions.append(contains(Purchase.description, filters.search))
    return conditions


def purchases_select(filters: PurchaseFilters):
    """Live purchases matching ``filters``, newest first, with site, supplier and characteristics loaded."""
    return (
        select(Purchase)
        .where(*_conditions(filters))
        .options(
            selectinload(Purchase.characteristics),
            selectinload(Purchase.site),
            selectinload(Purchase.supplier),
        )
        .order_by(Purchase.purchased_on.desc(), Purchase.id.desc())
    )


def purchases_total(filters: PurchaseFilters) -> tuple[Decimal, int]:
    """Sum and count of the filtered purchases, shown above the list."""
    total, count = db.session.execute(
        select(func.coalesce(func.sum(Purchase.amount_excl_tax), 0), func.count(Purchase.id)).where(
            *_conditions(filters)
        )
    ).one()
    return Decimal(total), int(count)


def purchase_years() -> list[int]:
    """Years that have live purchases, most recent first."""
    year = func.extract("year", Purchase.purchased_on)
    rows = db.session.scalars(
        select(year).where(Purchase.deleted_at.is_(None)).group_by(year).order_by(year.desc())
    )
    return [int(value) for value in rows]


def sites_select(search: str = "", buyer_id: int | None = None):
    statement = select(CateringSite).options(selectinload(CateringSite.buyer)).join(CateringSite.buyer)
    if search:
        statement = statement.where(search_filter(search, CateringSite.name, CateringSite.siret))
    if buyer_id:
        statement = statement.where(CateringSite.buyer_id == buyer_id)
    return statement.order_by(Buyer.name, CateringSite.name)


def all_sites() -> list[CateringSite]:
    return list(db.session.scalars(sites_select()))


def suppliers_select(search: str = ""):
    statement = select(Supplier)
    if search:
        statement = statement.where(search_filter(search, Supplier.name, Supplier.siret))
    return statement.order_by(Supplier.name)


def all_suppliers() -> list[Supplier]:
    return list(db.session.scalars(suppliers_select()))


def buyers_with_sites() -> list[Buyer]:
    return list(
        db.session.scalars(
            select(Buyer).where(Buyer.id.in_(select(CateringSite.buyer_id))).order_by(Buyer.name)
        )
    )


def active_buyers() -> list[Buyer]:
    return list(db.session.scalars(select(Buyer).where(Buyer.is_active).order_by(Buyer.name)))


def buyer_objective(buyer_id: int, year: int) -> Objective | None:
    """The buyer's SPASER objectives of the year (docs/domain.md §6), if an administrator set them."""
    return db.session.scalar(select(Objective).where(Objective.buyer_id == buyer_id, Objective.year == year))
