"""Contracts (marchés and concessions), their holders, social clauses and the facilitators following them."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import audit
from app.core.dates import add_months
from app.core.db import Base, Hours, Money, Percent, TimestampMixin, in_check_sql
from app.core.enums import (
    ClauseKind,
    ContractKind,
    ContractSource,
    HoursMethod,
    Nature,
    Procedure,
    PurchaseCategory,
    ReservedArticle,
)


class Contract(TimestampMixin, Base):
    __tablename__ = "contracts"
    __table_args__ = (
        # A contract is identified by its buyer and the buyer's reference (DECP ``id``).
        UniqueConstraint("buyer_id", "reference"),
        CheckConstraint("length(reference) >= 1", name="reference_not_empty"),
        CheckConstraint("amount_excl_tax IS NULL OR amount_excl_tax > 0", name="amount_positive"),
        CheckConstraint("duration_months IS NULL OR duration_months >= 1", name="duration_positive"),
        CheckConstraint(
            "cpv_code IS NULL OR (length(cpv_code) = 8 AND ltrim(cpv_code, '0123456789') = '')",
            name="cpv_format",
        ),
        CheckConstraint(in_check_sql("kind", ContractKind.codes()), name="kind"),
        CheckConstraint(in_check_sql("nature", Nature.codes()), name="nature"),
        CheckConstraint(
            f"procedure IS NULL OR {in_check_sql('procedure', Procedure.codes())}", name="procedure"
        ),
        CheckConstraint(
            f"category IS NULL OR {in_check_sql('category', PurchaseCategory.codes())}", name="category"
        ),
        CheckConstraint(in_check_sql("source", ContractSource.codes()), name="source"),
        Index("ix_contracts_buyer_notified", "buyer_id", "notified_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    reference: Mapped[str] = mapped_column(String(64))
    object: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(20), default=ContractKind.MARCHE)
    nature: Mapped[str] = mapped_column(String(60), default=Nature.MARCHE)
    procedure: Mapped[str | None] = mapped_column(String(80))
    cpv_code: Mapped[str | None] = mapped_column(String(8), index=True)
    category: Mapped[str | None] = mapped_column(String(20), index=True)
    amount_excl_tax: Mapped[Decimal | None] = mapped_column(Money)
    notified_on: Mapped[date | None] = mapped_column(index=True)
    duration_months: Mapped[int | None]
    place_code: Mapped[str | None] = mapped_column(String(20))
    place_type: Mapped[str | None] = mapped_column(String(40))
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territories.id"), index=True)
    # DECP ``considerationsEnvironnementales`` codes.
    environmental_considerations: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(10), default=ContractSource.MANUAL)
    decp_published_on: Mapped[date | None]
    archived_at: Mapped[datetime | None] = mapped_column(index=True)
    # Optimistic locking: an edit based on an older version is refused, never silently applied.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    buyer = relationship("Buyer", lazy="joined")
    territory = relationship("Territory")
    holders: Mapped[list["ContractHolder"]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractHolder.position"
    )
    clauses: Mapped[list["Clause"]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="Clause.id"
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def ends_on(self) -> date | None:
        """Last day of execution: notification date plus the duration in months, minus one day."""
        if self.notified_on is None or self.duration_months is None:
            return None
        return add_months(self.notified_on, self.duration_months) - timedelta(days=1)

    def __repr__(self) -> str:
        return f"<Contract {self.reference}>"


class ContractHolder(Base):
    """One holder (titulaire) of a contract; the first position is the lead holder (mandataire)."""

    __tablename__ = "contract_holders"

    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    contract: Mapped[Contract] = relationship(back_populates="holders")
    company = relationship("Company", lazy="joined")


clause_facilitators = Table(
    "clause_facilitators",
    Base.metadata,
    Column("clause_id", ForeignKey("clauses.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Clause(TimestampMixin, Base):
    """A social clause of a contract (docs/domain.md §3)."""

    __tablename__ = "clauses"
    __table_args__ = (
        CheckConstraint(in_check_sql("kind", ClauseKind.codes()), name="kind"),
        CheckConstraint(in_check_sql("hours_method", HoursMethod.codes()), name="hours_method"),
        CheckConstraint("planned_hours IS NULL OR planned_hours >= 0", name="planned_hours_positive"),
        CheckConstraint(
            "labour_share IS NULL OR (labour_share > 0 AND labour_share <= 100)", name="labour_share"
        ),
        CheckConstraint(
            "insertion_rate IS NULL OR (insertion_rate > 0 AND insertion_rate <= 100)", name="insertion_rate"
        ),
        CheckConstraint("hourly_cost IS NULL OR hourly_cost > 0", name="hourly_cost_positive"),
        CheckConstraint("euros_per_hour IS NULL OR euros_per_hour > 0", name="euros_per_hour_positive"),
        CheckConstraint(
            "award_weight_percent IS NULL OR (award_weight_percent > 0 AND award_weight_percent <= 100)",
            name="award_weight",
        ),
        CheckConstraint(
            f"reserved_article IS NULL OR {in_check_sql('reserved_article', ReservedArticle.codes())}",
            name="reserved_article",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    planned_hours: Mapped[Decimal | None] = mapped_column(Hours)
    # Calculator inputs, kept so the planned hours can be explained (docs/domain.md §3).
    hours_method: Mapped[str] = mapped_column(String(10), default=HoursMethod.MANUAL)
    labour_share: Mapped[Decimal | None] = mapped_column(Percent)  # % of the amount that is labour
    insertion_rate: Mapped[Decimal | None] = mapped_column(Percent)  # % of labour reserved for insertion
    hourly_cost: Mapped[Decimal | None] = mapped_column(Money)  # loaded hourly cost, € HT
    euros_per_hour: Mapped[Decimal | None] = mapped_column(Money)  # flat ratio: 1 hour per N € HT
    award_weight_percent: Mapped[Decimal | None] = mapped_column(Percent)
    reserved_article: Mapped[str | None] = mapped_column(String(10))
    # Set on clauses created from DECP data: the officer confirms the kind and adds the hours.
    needs_review: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    contract: Mapped[Contract] = relationship(back_populates="clauses")
    facilitators = relationship("User", secondary=clause_facilitators, order_by="User.email")

    @property
    def kind_enum(self) -> ClauseKind:
        return ClauseKind(self.kind)

    def __repr__(self) -> str:
        return f"<Clause {self.id} {self.kind}>"


def _kind_label(code) -> str:
    return ClauseKind.label_of(code) if code in ClauseKind.codes() else ContractKind.label_of(code)


# The fields an officer edits, as compared for the audit log and for edit conflicts.
audit.declare(
    Contract,
    buyer_id=audit.Audited(_l("Acheteur"), ref=("Buyer", "name")),
    reference=_l("Référence"),
    object=_l("Objet"),
    kind=audit.Audited(_l("Type"), show=_kind_label),
    nature=_l("Nature"),
    procedure=_l("Procédure"),
    cpv_code=_l("Code CPV"),
    amount_excl_tax=audit.Audited(_l("Montant HT"), show=audit.as_money),
    notified_on=audit.Audited(_l("Date de notification"), show=audit.as_date),
    duration_months=_l("Durée (mois)"),
    place_code=_l("Lieu d'exécution (code)"),
    place_type=_l("Lieu d'exécution (type)"),
    territory_id=audit.Audited(_l("Territoire"), ref=("Territory", "name")),
    environmental_considerations=audit.Audited(
        _l("Considérations environnementales"), read=lambda c: sorted(c.environmental_considerations or [])
    ),
    holders=audit.Audited(_l("Titulaires (SIRET)"), read=lambda c: [h.company.identifier for h in c.holders]),
)

audit.declare(
    Clause,
    kind=audit.Audited(_l("Type"), show=_kind_label),
    hours_method=audit.Audited(_l("Méthode de calcul des heures"), show=audit.as_label(HoursMethod)),
    planned_hours=audit.Audited(_l("Heures prévues"), show=audit.as_hours),
    labour_share=audit.Audited(_l("Part de main-d'œuvre"), show=audit.as_percent),
    insertion_rate=audit.Audited(_l("Taux d'insertion"), show=audit.as_percent),
    hourly_cost=audit.Audited(_l("Coût horaire chargé"), show=audit.as_money),
    euros_per_hour=audit.Audited(_l("Forfait (€ HT par heure)"), show=audit.as_money),
    award_weight_percent=audit.Audited(_l("Pondération du critère"), show=audit.as_percent),
    reserved_article=audit.Audited(_l("Article du marché réservé"), show=audit.as_label(ReservedArticle)),
    notes=_l("Notes"),
    needs_review=_l("À vérifier"),
    facilitators=audit.Audited(
        _l("Facilitateurs"), read=lambda c: [u.id for u in c.facilitators], ref=("User", "display_name")
    ),
)
