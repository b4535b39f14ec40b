"""Insertion hours: participant × clause × employer × modality × month."""

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import audit
from app.core.db import Base, Hours, TimestampMixin, in_check_sql
from app.core.enums import ContractType, Modality


class HourEntry(TimestampMixin, Base):
    __tablename__ = "hour_entries"
    __table_args__ = (
        UniqueConstraint("participant_id", "clause_id", "employer_id", "modality", "month"),
        CheckConstraint("hours > 0", name="hours_positive"),
        # No single entry can exceed the hours of a whole month; the per-person cap is checked by the service.
        CheckConstraint("hours <= 744", name="hours_within_month"),
        CheckConstraint(in_check_sql("modality", Modality.codes()), name="modality"),
        CheckConstraint(
            f"contract_type IS NULL OR {in_check_sql('contract_type', ContractType.codes())}",
            name="contract_type",
        ),
        Index("ix_hour_entries_clause_month", "clause_id", "month"),
        Index("ix_hour_entries_participant_month", "participant_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    clause_id: Mapped[int] = mapped_column(ForeignKey("clauses.id"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    modality: Mapped[str] = mapped_column(String(20))
    month: Mapped[date]  # always the first day of the month
    hours: Mapped[Decimal] = mapped_column(Hours)
    contract_type: Mapped[str | None] = mapped_column(String(30))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    participant = relationship("Participant")
    clause = relationship("Clause")
    employer = relationship("Company")


audit.declare(
    HourEntry,
    participant=audit.Audited(
        _l("Bénéficiaire"), read=lambda e: e.participant.code if e.participant else e.participant_id
    ),
    clause_id=_l("Clause"),
    employer_id=audit.Audited(_l("Employeur"), ref=("Company", "name")),
    modality=audit.Audited(_l("Modalité"), show=audit.as_label(Modality)),
    month=audit.Audited(_l("Mois"), show=audit.as_month),
    hours=audit.Audited(_l("Heures"), show=audit.as_hours),
    contract_type=audit.Audited(_l("Type de contrat"), show=audit.as_label(ContractType)),
)
