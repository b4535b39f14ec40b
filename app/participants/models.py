"""Participants (bénéficiaires), their eligibility, their identity kept apart, and their outcomes."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import audit
from app.core.db import Base, TimestampMixin, in_check_sql
from app.core.enums import Eligibility, Gender, OutcomeStatus, QualificationLevel


class Participant(TimestampMixin, Base):
    """A person far from employment hired under a clause, known to reports only by a pseudonymous code."""

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint(in_check_sql("gender", Gender.codes()), name="gender"),
        CheckConstraint(
            f"qualification_level IS NULL OR {in_check_sql('qualification_level', QualificationLevel.codes())}",
            name="qualification_level",
        ),
        CheckConstraint(
            "birth_year IS NULL OR (birth_year >= 1900 AND birth_year <= 2100)", name="birth_year"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    gender: Mapped[str] = mapped_column(String(20), default=Gender.UNSPECIFIED)
    birth_year: Mapped[int | None]
    qualification_level: Mapped[str | None] = mapped_column(String(10))
    is_qpv_resident: Mapped[bool] = mapped_column(default=False)
    commune_code: Mapped[str | None] = mapped_column(String(5))
    # Required when the eligibility criteria include AUTRE.
    other_eligibility_reason: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    eligibilities: Mapped[list["ParticipantEligibility"]] = relationship(
        cascade="all, delete-orphan", order_by="ParticipantEligibility.criterion"
    )
    identity: Mapped["ParticipantIdentity | None"] = relationship(
        back_populates="participant", cascade="all, delete-orphan", uselist=False
    )
    outcomes: Mapped[list["Outcome"]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", order_by="Outcome.observed_on"
    )

    @property
    def criteria(self) -> list[str]:
        return [e.criterion for e in self.eligibilities]

    def __repr__(self) -> str:
        return f"<Participant {self.code}>"


class ParticipantEligibility(Base):
    __tablename__ = "participant_eligibilities"
    __table_args__ = (CheckConstraint(in_check_sql("criterion", Eligibility.codes()), name="criterion"),)

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    criterion: Mapped[str] = mapped_column(String(10), primary_key=True)


class ParticipantIdentity(TimestampMixin, Base):
    """Personal data (GDPR), kept apart: shown to facilitators and admins only, never exported or reported."""

    __tablename__ = "participant_identities"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    first_name: Mapped[str] = mapped_column(String(120), default="")
    last_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    erased_at: Mapped[datetime | None]

    participant: Mapped[Participant] = relationship(back_populates="identity")


class Outcome(TimestampMixin, Base):
    """The situation of a participant about 6 months after their last hours (sortie)."""

    __tablename__ = "outcomes"
    __table_args__ = (CheckConstraint(in_check_sql("status", OutcomeStatus.codes()), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    observed_on: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    participant: Mapped[Participant] = relationship(back_populates="outcomes")


# The statistical fields, as logged; identity values are deliberately left out (a change is only noted).
audit.declare(
    Participant,
    code=_l("Code"),
    gender=audit.Audited(_l("Genre"), show=audit.as_label(Gender)),
    birth_year=_l("Année de naissance"),
    qualification_level=audit.Audited(_l("Niveau de qualification"), show=audit.as_label(QualificationLevel)),
    is_qpv_resident=_l("Résident QPV"),
    commune_code=_l("Commune (code INSEE)"),
    criteria=audit.Audited(
        _l("Critères d'éligibilité"), read=lambda p: sorted(p.criteria), show=audit.as_label(Eligibility)
    ),
    other_eligibility_reason=_l("Autre critère (motif)"),
    identity=audit.Audited(_l("Identité"), logged=False),
)

audit.declare(
    Outcome,
    status=audit.Audited(_l("Situation"), show=audit.as_label(OutcomeStatus)),
    observed_on=audit.Audited(_l("Observée le"), show=audit.as_date),
)
