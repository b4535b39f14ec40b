"""Food purchasing figures (docs/domain.md §5), computed in SQL; the site pages and the report read them.

EGalim (Code rural R230-30-1): a product counts in one group only, organic first, then the official quality
labels (SIQO), then the other EGalim characteristics. Short circuit and local are reported apart and may
overlap each other and the EGalim groups.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, func, select

from app.core.enums import EGALIM_ORGANIC, EGALIM_OTHER, EGALIM_SIQO, FoodCharacteristic
from app.core.figures import ZERO, as_decimal, share
from app.core.sql_dates import in_year
from app.extensions import db
from app.food.models import CateringSite, Purchase, PurchaseCharacteristic

EGALIM_TARGET = Decimal(50)
ORGANIC_TARGET = Decimal(20)


@dataclass(frozen=True)
class FoodAmounts:
    total: Decimal
    organic: Decimal
    siqo: Decimal
    other_egalim: Decimal
    short_circuit: Decimal
    local: Decimal
    count: int

    @property
    def egalim(self) -> Decimal:
        return self.organic + self.siqo + self.other_egalim

    @property
    def organic_share(self) -> Decimal | None:
        return share(self.organic, self.total)

    @property
    def egalim_share(self) -> Decimal | None:
        return share(self.egalim, self.total)

    @property
    def siqo_share(self) -> Decimal | None:
        return share(self.siqo, self.total)

    @property
    def other_egalim_share(self) -> Decimal | None:
        return share(self.other_egalim, self.total)

    @property
    def short_circuit_share(self) -> Decimal | None:
        return share(self.short_circuit, self.total)

    @property
    def local_share(self) -> Decimal | None:
        return share(self.local, self.total)


@dataclass(frozen=True)
class FoodFigures:
    year: int
    overall: FoodAmounts
    by_family: dict[str, FoodAmounts]

    @property
    def egalim_gap(self) -> Decimal | None:
        """Percentage points missing to the 50 % EGalim target (0 when reached)."""
        value = self.overall.egalim_share
        return None if value is None else max(ZERO, EGALIM_TARGET - value)

    @property
    def organic_gap(self) -> Decimal | None:
        value = self.overall.organic_share
        return None if value is None else max(ZERO, ORGANIC_TARGET - value)


def _flag(codes) -> object:
    return func.max(case((PurchaseCharacteristic.code.in_([str(c) for c in codes]), 1), else_=0))


def _flags_subquery():
    return (
        select(
            PurchaseCharacteristic.purchase_id.label("purchase_id"),
            _flag(EGALIM_ORGANIC).label("organic"),
            _flag(EGALIM_SIQO).label("siqo"),
            _flag(EGALIM_OTHER).label("other"),
            _flag([FoodCharacteristic.CIRCUIT_COURT]).label("short_circuit"),
            _flag([FoodCharacteristic.LOCAL]).label("local"),
        )
        .group_by(PurchaseCharacteristic.purchase_id)
        .subquery()
    )


def purchases_filter(*, year: int, buyer_id: int | None = None, site_id: int | None = None) -> list:
    """Conditions selecting the live purchases of a year, for a buyer's sites or one site."""
    conditions = [Purchase.deleted_at.is_(None), in_year(Purchase.purchased_on, year)]
    if site_id is not None:
        conditions.append(Purchase.site_id == site_id)
    if buyer_id is not None:
        conditions.append(
            Purchase.site_id.in_(select(CateringSite.id).where(CateringSite.buyer_id == buyer_id))
        )
    return conditions


def _amount_columns(flags):
    amount = Purchase.amount_excl_tax
    is_organic = func.coalesce(flags.c.organic, 0) == 1
    is_siqo = func.coalesce(flags.c.siqo, 0) == 1
    is_other = func.coalesce(flags.c.other, 0) == 1
    return (
        func.coalesce(func.sum(amount), 0).label("total"),
        func.coalesce(func.sum(case((is_organic, amount), else_=0)), 0).label("organic"),
        func.coalesce(func.sum(case((and_(~is_organic, is_siqo), amount), else_=0)), 0).label("siqo"),
        func.coalesce(func.sum(case((and_(~is_organic, ~is_siqo, is_other), amount), else_=0)), 0).label(
            "other"
        ),
        func.coalesce(
            func.sum(case((func.coalesce(flags.c.short_circuit, 0) == 1, amount), else_=0)), 0
        ).label("short_circuit"),
        func.coalesce(func.sum(case((func.coalesce(flags.c.local, 0) == 1, amount), else_=0)), 0).label(
            "local"
        ),
        func.count(Purchase.id).label("count"),
    )


def _amounts(row) -> FoodAmounts:
    return FoodAmounts(
        total=as_decimal(row.total),
        organic=as_decimal(row.organic),
        siqo=as_decimal(row.siqo),
        other_egalim=as_decimal(row.other),
        short_circuit=as_decimal(row.short_circuit),
        local=as_decimal(row.local),
        count=int(row.count or 0),
    )


def food_figures(*, year: int, buyer_id: int | None = None, site_id: int | None = None) -> FoodFigures:
    """Totals and shares of a year's purchases (all buyers when neither buyer nor site is given)."""
    flags = _flags_subquery()
    conditions = purchases_filter(year=year, buyer_id=buyer_id, site_id=site_id)
    base = (
        select(*_amount_columns(flags))
        .select_from(Purchase)
        .outerjoin(flags, flags.c.purchase_id == Purchase.id)
    )
    overall = db.session.execute(base.where(*conditions)).one()
    by_family_rows = db.session.execute(
        select(Purchase.family, *_amount_columns(flags))
        .select_from(Purchase)
        .outerjoin(flags, flags.c.purchase_id == Purchase.id)
        .where(*conditions)
        .group_by(Purchase.family)
        .order_by(Purchase.family)
    ).all()
    return FoodFigures(
        year=year, overall=_amounts(overall), by_family={row.family: _amounts(row) for row in by_family_rows}
    )


def figures_by_site(*, year: int, buyer_id: int | None = None) -> dict[int, FoodAmounts]:
    """A year's amounts per catering site, in one grouped query (sites without purchases are absent)."""
    flags = _flags_subquery()
    rows = db.session.execute(
        select(Purchase.site_id, *_amount_columns(flags))
        .select_from(Purchase)
        .outerjoin(flags, flags.c.purchase_id == Purchase.id)
        .where(*purchases_filter(year=year, buyer_id=buyer_id))
        .group_by(Purchase.site_id)
    ).all()
    return {row.site_id: _amounts(row) for row in rows}
