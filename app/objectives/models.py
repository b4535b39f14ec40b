"""Yearly objectives of a buyer's SPASER (docs/domain.md §6)."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import audit
from app.core.db import Base, Hours, Percent, TimestampMixin

SHARE_FIELDS = (
    "social_contract_count_share",
    "social_contract_amount_share",
    "short_circuit_share",
    "local_share",
    "organic_share",
    "egalim_share",
)


class Objective(TimestampMixin, Base):
    __tablename__ = "objectives"
    __table_args__ = (
        UniqueConstraint("buyer_id", "year"),
        CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"),
        CheckConstraint("insertion_hours IS NULL OR insertion_hours >= 0", name="hours_positive"),
        CheckConstraint("participants IS NULL OR participants >= 0", name="participants_positive"),
        *(
            CheckConstraint(f"{field} IS NULL OR ({field} >= 0 AND {field} <= 100)", name=f"{field}_range")
            for field in SHARE_FIELDS
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    year: Mapped[int]
    # Shares are percentages (0-100); an empty target is not reported.
    social_contract_count_share: Mapped[Decimal | None] = mapped_column(Percent)
    social_contract_amount_share: Mapped[Decimal | None] = mapped_column(Percent)
    insertion_hours: Mapped[Decimal | None] = mapped_column(Hours)
    participants: Mapped[int | None]
    short_circuit_share: Mapped[Decimal | None] = mapped_column(Percent)
    local_share: Mapped[Decimal | None] = mapped_column(Percent)
    organic_share: Mapped[Decimal | None] = mapped_column(Percent)
    egalim_share: Mapped[Decimal | None] = mapped_column(Percent)

    buyer = relationship("Buyer")


audit.declare(
    Objective,
    social_contract_count_share=audit.Audited(
        _l("Marchés avec considération sociale, en nombre"), show=audit.as_percent
    ),
    social_contract_amount_share=audit.Audited(
        _l("Marchés avec considération sociale, en montant"), show=audit.as_percent
    ),
    insertion_hours=audit.Audited(_l("Heures d'insertion"), show=audit.as_hours),
    participants=_l("Participants"),
    short_circuit_share=audit.Audited(_l("Achats en circuit court"), show=audit.as_percent),
    local_share=audit.Audited(_l("Achats locaux"), show=audit.as_percent),
    organic_share=audit.Audited(_l("Achats biologiques"), show=audit.as_percent),
    egalim_share=audit.Audited(_l("Achats EGalim"), show=audit.as_percent),
)
