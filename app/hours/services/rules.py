"""The rules an hour entry must follow (docs/domain.md §4); every error keeps its line number."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.models import User
from app.contracts.models import Clause
from app.core.dates import first_of_month
from app.core.enums import MODALITY_EMPLOYER_KINDS, ContractType, Modality, StructureKind
from app.core.errors import ServiceError
from app.core.formatting import date_fr, month_fr
from app.core.formatting import hours as fmt_hours
from app.extensions import db
from app.hours.models import HourEntry
from app.hours.services.access import can_log_hours
from app.participants.models import Participant
from app.referential.models import Company


@dataclass
class HourLine:
    """One entry to write: resolved objects, plus the line (grid row or file line) for messages."""

    participant: Participant
    clause: Clause
    employer: Company
    modality: str
    month: date
    hours: Decimal
    contract_type: str | None = None
    line: int | None = None

    @property
    def key(self) -> tuple:
        return (self.participant.id, self.clause.id, self.employer.id, self.modality, self.month)


@dataclass
class LineError:
    line: int | None
    message: str
    is_duplicate: bool = False


class HoursRejected(ServiceError):
    """Some lines break a rule: nothing was written. ``errors`` lists every problem with its line."""

    def __init__(self, errors: list[LineError]):
        self.errors = sorted(errors, key=lambda e: (e.line is None, e.line or 0))
        first = self.errors[0]
        prefix = _("Ligne %(n)s : ", n=first.line) if first.line is not None else ""
        super().__init__(prefix + first.message)

    @property
    def has_duplicates(self) -> bool:
        return any(e.is_duplicate for e in self.errors)

    @property
    def only_duplicates(self) -> bool:
        return all(e.is_duplicate for e in self.errors)


def max_hours_per_month() -> Decimal:
    return Decimal(str(current_app.config.get("MAX_HOURS_PER_PARTICIPANT_MONTH", 200)))


def contract_period_error(clause: Clause, month: date) -> str | None:
    """The month must fall in the execution period: notification date plus duration (DECP dureeMois)."""
    contract = clause.contract
    if contract.notified_on is None or contract.duration_months is None:
        return _(
            "Le marché %(ref)s n'a pas de date de notification ou de durée : "
            "renseignez-les sur la fiche du marché avant de saisir des heures.",
            ref=contract.reference,
        )
    if not first_of_month(contract.notified_on) <= month <= first_of_month(contract.ends_on):
        return _(
            "%(month)s est hors de la période d'exécution du marché %(ref)s (du %(start)s au %(end)s).",
            month=month_fr(month).capitalize(),
            ref=contract.reference,
            start=date_fr(contract.notified_on),
            end=date_fr(contract.ends_on),
        )
    return None


def _employer_error(employer: Company, modality: str) -> str | None:
    allowed = MODALITY_EMPLOYER_KINDS[Modality(modality)]
    if employer.kind in allowed:
        return None
    return _(
        "%(name)s (%(kind)s) ne peut pas employer de bénéficiaire en « %(modality)s ». Structures admises : %(allowed)s.",
        name=employer.name,
        kind=StructureKind.label_of(employer.kind),
        modality=Modality.label_of(modality),
        allowed=", ".join(k.label for k in StructureKind if k in allowed),
    )


def _line_errors(actor, line: HourLine) -> list[str]:
    """Checks that need no other line: access, hours, modality, employer kind, execution period."""
    errors = []
    if isinstance(actor, User) and not can_log_hours(actor, line.clause):
        errors.append(
            _(
                "Vous ne suivez pas la clause du marché %(ref)s : saisie refusée.",
                ref=line.clause.contract.reference,
            )
        )
    if line.clause.contract.archived_at is not None:
        errors.append(_("Le marché %(ref)s est archivé.", ref=line.clause.contract.reference))
    if line.hours is None or not line.hours.is_finite() or line.hours <= 0:
        errors.append(_("Le nombre d'heures doit être strictement positif."))
    elif line.hours.as_tuple().exponent < -2:
        errors.append(_("Deux décimales au plus pour les heures."))
    if line.modality not in Modality.codes():
        errors.append(_("Modalité inconnue : %(m)s.", m=line.modality or "—"))
    else:
        error = _employer_error(line.employer, line.modality)
        if error:
            errors.append(error)
    if line.contract_type and line.contract_type not in ContractType.codes():
        errors.append(_("Type de contrat inconnu : %(t)s.", t=line.contract_type))
    error = contract_period_error(line.clause, line.month)
    if error:
        errors.append(error)
    return errors


def existing_entries(lines: list[HourLine], replacing: HourEntry | None) -> dict[tuple, HourEntry]:
    statement = select(HourEntry).where(
        HourEntry.participant_id.in_({line.participant.id for line in lines}),
        HourEntry.clause_id.in_({line.clause.id for line in lines}),
        HourEntry.month.in_({line.month for line in lines}),
    )
    if replacing is not None:
        statement = statement.where(HourEntry.id != replacing.id)
    return {
        (e.participant_id, e.clause_id, e.employer_id, e.modality, e.month): e
        for e in db.session.scalars(statement)
    }


def _month_totals(lines: list[HourLine], replacing: HourEntry | None) -> dict[tuple, Decimal]:
    """Hours already logged per (participant, month), on every clause, summed in SQL."""
    statement = (
        select(HourEntry.participant_id, HourEntry.month, func.sum(HourEntry.hours))
        .where(
            HourEntry.participant_id.in_({line.participant.id for line in lines}),
            HourEntry.month.in_({line.month for line in lines}),
        )
        .group_by(HourEntry.participant_id, HourEntry.month)
    )
    if replacing is not None:
        statement = statement.where(HourEntry.id != replacing.id)
    return {(pid, month): Decimal(total) for pid, month, total in db.session.execute(statement)}


def _duplicate_message(
    line: HourLine, existing_hours: Decimal | None, other_line: int | None, can_merge: bool
) -> str:
    where = (
        _("une saisie existe déjà (%(h)s)", h=fmt_hours(existing_hours))
        if other_line is None
        else _("la ligne %(n)s porte déjà la même saisie", n=other_line)
    )
    return _(
        "Doublon : %(where)s pour %(code)s, marché %(ref)s, %(employer)s, %(modality)s, %(month)s. "
        "%(advice)s",
        where=where,
        code=line.participant.code,
        ref=line.clause.contract.reference,
        employer=line.employer.name,
        modality=Modality.label_of(line.modality),
        month=month_fr(line.month),
        advice=_("Confirmez la fusion pour additionner les heures.")
        if can_merge
        else _("Retirez la ligne ou corrigez la saisie existante."),
    )


def check_lines(
    actor,
    lines: list[HourLine],
    *,
    merge: bool = False,
    replacing: HourEntry | None = None,
    can_merge: bool = True,
):
    """Every error of ``lines`` taken together (duplicates and the monthly cap span lines and clauses)."""
    errors: list[LineError] = []
    valid: list[HourLine] = []
    for line in lines:
        line.month = first_of_month(line.month)
        problems = _line_errors(actor, line)
        errors.extend(LineError(line.line, message) for message in problems)
        if not problems:
            valid.append(line)
    if not valid:
        return errors
    existing = existing_entries(valid, replacing)
    seen: dict[tuple, HourLine] = {}
    for line in valid:
        if not merge and (line.key in existing or line.key in seen):
            other = seen.get(line.key)
            existing_hours = existing[line.key].hours if line.key in existing else None
            errors.append(
                LineError(
                    line.line,
                    _duplicate_message(line, existing_hours, other.line if other else None, can_merge),
                    True,
                )
            )
        seen.setdefault(line.key, line)
    cap = max_hours_per_month()
    totals = _month_totals(valid, replacing)
    grouped: dict[tuple, list[HourLine]] = {}
    for line in valid:
        grouped.setdefault((line.participant.id, line.month), []).append(line)
    for pair, pair_lines in grouped.items():
        already = totals.get(pair, Decimal(0))
        added = sum((item.hours for item in pair_lines), Decimal(0))
        if already + added > cap:
            first = pair_lines[0]
            errors.append(
                LineError(
                    first.line,
                    _(
                        "%(code)s dépasserait %(cap)s en %(month)s : %(already)s déjà saisies "
                        "(tous marchés confondus) + %(added)s = %(total)s.",
                        code=first.participant.code,
                        cap=fmt_hours(cap),
                        month=month_fr(first.month),
                        already=fmt_hours(already),
                        added=fmt_hours(added),
                        total=fmt_hours(already + added),
                    ),
                )
            )
    return errors
