"""Collective catering: sites, suppliers and food purchases with their characteristics (docs/domain.md §5)."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import audit
from app.core.db import Base, Money, TimestampMixin, in_check_sql, siret_check_sql
from app.core.enums import CateringKind, FoodCharacteristic, FoodFamily, FoodOrigin


class CateringSite(TimestampMixin, Base):
    __tablename__ = "catering_sites"
    __table_args__ = (
        CheckConstraint(in_check_sql("kind", CateringKind.codes()), name="kind"),
        CheckConstraint(f"siret IS NULL OR ({siret_check_sql('siret')})", name="siret_valid"),
        CheckConstraint("meals_per_year IS NULL OR meals_per_year >= 0", name="meals_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20), default=CateringKind.OTHER)
    # The establishment's SIRET identifies the site in ma-cantine purchase files.
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    commune_code: Mapped[str | None] = mapped_column(String(5))
    meals_per_year: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)

    buyer = relationship("Buyer")


class Supplier(TimestampMixin, Base):
    __tablename__ = "suppliers"
    __table_args__ = (CheckConstraint(f"siret IS NULL OR ({siret_check_sql('siret')})", name="siret_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    commune_code: Mapped[str | None] = mapped_column(String(5))
    is_direct_producer: Mapped[bool] = mapped_column(default=False)
    is_inclusion_structure: Mapped[bool] = mapped_column(default=False)


class Purchase(TimestampMixin, Base):
    """One invoice line: a product bought by a catering site."""

    __tablename__ = "purchases"
    __table_args__ = (
        CheckConstraint("amount_excl_tax > 0", name="amount_positive"),
        CheckConstraint(in_check_sql("family", FoodFamily.codes()), name="family"),
        CheckConstraint(f"origin IS NULL OR {in_check_sql('origin', FoodOrigin.codes())}", name="origin"),
        Index("ix_purchases_site_date", "site_id", "purchased_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("catering_sites.id"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"), index=True)
    purchased_on: Mapped[date]
    family: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    amount_excl_tax: Mapped[Decimal] = mapped_column(Money)
    origin: Mapped[str | None] = mapped_column(String(10))
    deleted_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    site = relationship("CateringSite")
    supplier = relationship("Supplier")
    characteristics: Mapped[list["PurchaseCharacteristic"]] = relationship(
        cascade="all, delete-orphan", order_by="PurchaseCharacteristic.code"
    )

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.characteristics]


class PurchaseCharacteristic(Base):
    __tablename__ = "purchase_characteristics"
    __table_args__ = (CheckConstraint(in_check_sql("code", FoodCharacteristic.codes()), name="code"),)

    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


audit.declare(
    CateringSite,
    buyer_id=audit.Audited(_l("Acheteur"), ref=("Buyer", "name")),
    name=_l("Nom"),
    kind=audit.Audited(_l("Type de site"), show=audit.as_label(CateringKind)),
    siret=_l("SIRET"),
    commune_code=_l("Commune (code INSEE)"),
    meals_per_year=_l("Repas par an"),
    is_active=_l("Actif"),
)

audit.declare(
    Supplier,
    name=_l("Nom"),
    siret=_l("SIRET"),
    commune_code=_l("Commune (code INSEE)"),
    is_direct_producer=_l("Producteur en vente directe"),
    is_inclusion_structure=_l("Structure d'insertion"),
)

audit.declare(
    Purchase,
    site_id=audit.Audited(_l("Site"), ref=("CateringSite", "name")),
    supplier_id=audit.Audited(_l("Fournisseur"), ref=("Supplier", "name")),
    purchased_on=audit.Audited(_l("Date d'achat"), show=audit.as_date),
    family=audit.Audited(_l("Famille"), show=audit.as_label(FoodFamily)),
    description=_l("Produit"),
    amount_excl_tax=audit.Audited(_l("Montant HT"), show=audit.as_money),
    origin=audit.Audited(_l("Origine"), show=audit.as_label(FoodOrigin)),
    codes=audit.Audited(_l("Caractéristiques"), show=audit.as_label(FoodCharacteristic)),
)
