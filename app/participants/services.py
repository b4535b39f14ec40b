"""Participants: pseudonymous records, outcomes and personal data (GDPR). Every change is audited.

Identity fields (name, contact) never go into the audit log: only the fact that they changed, so the
log keeps nothing a purge would have to erase.
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload, raiseload

from app.contracts.models import Clause, Contract
from app.core import audit
from app.core.dates import add_months, first_of_month, today_paris
from app.core.db import utcnow
from app.core.enums import Eligibility, Gender, Modality, OutcomeStatus, QualificationLevel
from app.core.errors import ServiceError
from app.core.settings import get_setting, set_setting
from app.extensions import db
from app.hours.models import HourEntry
from app.participants.eligibility import age_criterion_error
from app.participants.models import Outcome, Participant, ParticipantEligibility, ParticipantIdentity
from app.referential.queries import commune_name

# No 0/O, 1/I/L: a code read over the phone or copied from a timesheet is not mistaken.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
IDENTITY_FIELDS = ("first_name", "last_name", "email", "phone", "address")
RETENTION_KEY = "participant_identity_retention_years"


@dataclass
class ParticipantData:
    gender: str = Gender.UNSPECIFIED
    birth_year: int | None = None
    qualification_level: str | None = None
    is_qpv_resident: bool = False
    commune_code: str | None = None
    criteria: list[str] = field(default_factory=list)
    other_eligibility_reason: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""


def generate_code() -> str:
    """A non-guessable pseudonymous code (``P-`` and 8 characters, about 8.5 × 10^11 possibilities)."""
    while True:
        code = "P-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.session.scalar(select(exists().where(Participant.code == code))):
            return code


def _validate(data: ParticipantData) -> None:
    if data.gender not in Gender.codes():
        raise ServiceError(_("Genre inconnu."), "gender")
    if data.qualification_level and data.qualification_level not in QualificationLevel.codes():
        raise ServiceError(_("Niveau de qualification inconnu."), "qualification_level")
    year = today_paris().year
    if data.birth_year is not None and not year - 100 <= data.birth_year <= year - 14:
        raise ServiceError(
            _("Année de naissance invalide : entre %(a)s et %(b)s.", a=year - 100, b=year - 14), "birth_year"
        )
    if not data.criteria:
        raise ServiceError(_("Cochez au moins un critère d'éligibilité."), "criteria")
    unknown = [c for c in data.criteria if c not in Eligibility.codes()]
    if unknown:
        raise ServiceError(_("Critère d'éligibilité inconnu : %(c)s.", c=", ".join(unknown)), "criteria")
    error = age_criterion_error(data.criteria, data.birth_year, year)
    if error:
        raise ServiceError(error, "criteria")
    if Eligibility.AUTRE in data.criteria and not data.other_eligibility_reason.strip():
        raise ServiceError(
            _("Le critère « Autre » demande le motif validé par le facilitateur."), "other_eligibility_reason"
        )
    if data.commune_code and (len(data.commune_code) != 5 or not data.commune_code.isalnum()):
        raise ServiceError(_("Code commune INSEE invalide (5 caractères)."), "commune_code")


def _apply(participant: Participant, data: ParticipantData) -> bool:
    """Copy ``data`` onto the participant; return whether the identity changed."""
    participant.gender = data.gender
    participant.birth_year = data.birth_year
    participant.qualification_level = data.qualification_level or None
    participant.is_qpv_resident = bool(data.is_qpv_resident)
    participant.commune_code = data.commune_code or None
    participant.other_eligibility_reason = (
        data.other_eligibility_reason.strip() if Eligibility.AUTRE in data.criteria else ""
    )
    kept = {e.criterion: e for e in participant.eligibilities}
    participant.eligibilities = [
        kept.get(c) or ParticipantEligibility(criterion=c) for c in sorted(set(data.criteria))
    ]
    values = {name: (getattr(data, name) or "").strip() for name in IDENTITY_FIELDS}
    identity = participant.identity
    if identity is None:
        if not any(values.values()):
            return False
        identity = participant.identity = ParticipantIdentity()
    changed = any(getattr(identity, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(identity, name, value)
    if changed and any(values.values()):
        identity.erased_at = None
    return changed


def create_participant(actor, data: ParticipantData) -> Participant:
    _validate(data)
    participant = Participant(code=generate_code(), created_by_id=getattr(actor, "id", None))
    db.session.add(participant)
    has_identity = _apply(participant, data)
    db.session.flush()
    changes = audit.changes_since({}, participant)
    if has_identity:
        changes["identity"] = [None, _("renseignée")]
    audit.record(actor, "create", participant, summary=f"Bénéficiaire {participant.code}", changes=changes)
    return participant


def update_participant(actor, participant: Participant, data: ParticipantData) -> Participant:
    _validate(data)
    before = audit.snapshot(participant)
    identity_changed = _apply(participant, data)
    db.session.flush()
    changes = audit.changes_since(before, participant)
    if identity_changed:
        changes["identity"] = [None, _("modifiée")]
    if changes:
        audit.record(
            actor, "update", participant, summary=f"Bénéficiaire {participant.code}", changes=changes
        )
    return participant


def last_hours_month(participant: Participant) -> date | None:
    return db.session.scalar(
        select(func.max(HourEntry.month)).where(HourEntry.participant_id == participant.id)
    )


def record_outcome(
    actor, participant: Participant, status: str, observed_on: date, notes: str = ""
) -> Outcome:
    """The participant's situation after their pathway, observed about 6 months after the last hours."""
    if status not in OutcomeStatus.codes():
        raise ServiceError(_("Situation inconnue."), "status")
    if observed_on is None:
        raise ServiceError(_("Indiquez la date d'observation."), "observed_on")
    if observed_on > today_paris():
        raise ServiceError(_("La date d'observation ne peut pas être dans le futur."), "observed_on")
    outcome = Outcome(
        participant=participant,
        status=status,
        observed_on=observed_on,
        notes=(notes or "").strip(),
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(outcome)
    db.session.flush()
    audit.record_creation(
        actor,
        outcome,
        f"Sortie de {participant.code} : {OutcomeStatus.label_of(status)} au {observed_on:%d/%m/%Y}",
    )
    return outcome


def delete_outcome(actor, outcome: Outcome) -> None:
    audit.record(
        actor,
        "delete",
        outcome,
        summary=f"Sortie de {outcome.participant.code} supprimée",
        changes=audit.diff(audit.snapshot(outcome), {}),
    )
    db.session.delete(outcome)
    db.session.flush()


# --- Personal data (GDPR) ------------------------------------------------------------------------------


def _blank_identity(identity: ParticipantIdentity) -> None:
    for name in IDENTITY_FIELDS:
        setattr(identity, name, "")
    identity.erased_at = utcnow()


def has_visible_identity(participant: Participant) -> bool:
    identity = participant.identity
    return identity is not None and any(getattr(identity, name) for name in IDENTITY_FIELDS)


def record_identity_reads(actor, participants, where: str) -> None:
    """Audit that ``actor`` saw the name and contact of these participants (GDPR art. 5(2), accountability).

    One insert for a whole list page, not one per participant shown."""
    with audit.deferred() as pending:
        for participant in participants:
            if has_visible_identity(participant):
                audit.record(
                    actor,
                    "read_identity",
                    participant,
                    summary=f"Identité de {participant.code} consultée ({where})",
                )
        audit.write_deferred(pending)


def erase_participant_identity(actor, participant: Participant, reason: str = "") -> None:
    """Erase name and contact on request (GDPR art. 17); the code, hours and statistics stay."""
    identity = participant.identity
    if (
        identity is None
        or identity.erased_at is not None
        and not any(getattr(identity, n) for n in IDENTITY_FIELDS)
    ):
        raise ServiceError(_("Ce bénéficiaire n'a pas de données d'identité à effacer."))
    _blank_identity(identity)
    audit.record(
        actor,
        "erase",
        participant,
        summary=f"Identité de {participant.code} effacée sur demande"
        + (f" : {reason.strip()}" if reason.strip() else ""),
    )


def retention_years() -> int:
    return int(get_setting(RETENTION_KEY))


def set_retention_years(actor, years: int) -> None:
    if years is None or not 1 <= years <= 30:
        raise ServiceError(_("La durée de conservation doit être comprise entre 1 et 30 ans."), "years")
    before = retention_years()
    set_setting(RETENTION_KEY, str(years))
    audit.record(
        actor,
        "update",
        object_type="AppSetting",
        object_id=RETENTION_KEY,
        summary=f"Durée de conservation des identités : {years} ans",
        changes={"years": [before, years]},
    )


def purge_cutoff(today: date | None = None) -> date:
    return add_months(today or today_paris(), -12 * retention_years())


def identities_to_purge(today: date | None = None):
    """Participants whose last activity (hours, outcome, record change) is older than the retention."""
    cutoff = purge_cutoff(today)
    cutoff_moment = datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=UTC)
    recent_hours = exists().where(
        HourEntry.participant_id == Participant.id, HourEntry.month >= first_of_month(cutoff)
    )
    recent_outcome = exists().where(Outcome.participant_id == Participant.id, Outcome.observed_on >= cutoff)
    return (
        select(Participant)
        .join(ParticipantIdentity)
        .where(
            ParticipantIdentity.erased_at.is_(None),
            ~recent_hours,
            ~recent_outcome,
            Participant.updated_at < cutoff_moment,
            ParticipantIdentity.updated_at < cutoff_moment,
        )
        .order_by(Participant.code)
    )


def purge_identities(actor, *, today: date | None = None, dry_run: bool = False) -> list[str]:
    """Erase names and contacts past the retention period; return the codes concerned."""
    participants = list(db.session.scalars(identities_to_purge(today)))
    if not dry_run:
        for participant in participants:
            _blank_identity(participant.identity)
            audit.record(
                actor,
                "purge",
                participant,
                summary=f"Identité de {participant.code} purgée (conservation de {retention_years()} ans dépassée)",
            )
        db.session.flush()
    return [p.code for p in participants]


def export_participant_data(actor, participant: Participant) -> dict[str, Any]:
    """Everything Levier holds on one person, for a right-of-access request (GDPR art. 15)."""
    identity = participant.identity
    entries = db.session.scalars(
        select(HourEntry)
        .where(HourEntry.participant_id == participant.id)
        .order_by(HourEntry.month, HourEntry.id)
        .options(
            joinedload(HourEntry.clause).joinedload(Clause.contract).joinedload(Contract.buyer),
            joinedload(HourEntry.employer),
            raiseload("*"),
        )
    ).all()
    data = {
        "code": participant.code,
        "genre": Gender.label_of(participant.gender),
        "annee_naissance": participant.birth_year,
        "niveau_qualification": QualificationLevel.label_of(participant.qualification_level),
        "resident_qpv": participant.is_qpv_resident,
        "commune": commune_name(participant.commune_code),
        "criteres_eligibilite": [Eligibility.label_of(c) for c in participant.criteria],
        "motif_autre_critere": participant.other_eligibility_reason,
        "identite": {name: getattr(identity, name) for name in IDENTITY_FIELDS} if identity else {},
        "identite_effacee_le": identity.erased_at.isoformat() if identity and identity.erased_at else None,
        "heures": [
            {
                "marche": e.clause.contract.reference,
                "acheteur": e.clause.contract.buyer.name,
                "employeur": e.employer.name,
                "modalite": Modality.label_of(e.modality),
                "mois": e.month.strftime("%Y-%m"),
                "heures": str(e.hours),
            }
            for e in entries
        ],
        "sorties": [
            {
                "situation": OutcomeStatus.label_of(o.status),
                "observee_le": o.observed_on.isoformat(),
                "notes": o.notes,
            }
            for o in participant.outcomes
        ],
        "cree_le": participant.created_at.isoformat() if participant.created_at else None,
    }
    audit.record(
        actor, "export", participant, summary=f"Export des données de {participant.code} (droit d'accès)"
    )
    return data
