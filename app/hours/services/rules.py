"""The rules an hour entry must follow (docs/domain.md §4); every error keeps its line number."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, tuple_

from app.auth.models import User
from app.contracts.models import Clause
from app.core.dates import first_of_month, today_paris
from app.core.enums import MODALITY_EMPLOYER_KINDS, ContractType, Modality, StructureKind
from app.core.errors import ServiceError
from app.core.formatting import date_fr, month_fr
from app.core.formatting import hours as fmt_hours
from app.core.locks import lock_participant_months
from app.extensions import db
from app.hours.models import HourEntry
from app.hours.services.access import can_log_hours
from app.participants.eligibility import age_criterion_error
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
    return errors + _month_and_age_errors(line)


def _month_and_age_errors(line: HourLine) -> list[str]:
    """A month not yet begun is refused; age criteria must hold in the year of the hours."""
    errors = []
    if line.month > first_of_month(today_paris()):
        errors.append(
            _("%(month)s n'a pas commencé : les heures d'un mois à venir ne peuvent pas être saisies.",
              month=month_fr(line.month).capitalize())
        )  # fmt: skip
    error = age_criterion_error(
        line.participant.criteria, line.participant.birth_year, line.month.year, line.participant.code
    )
    if error:
        errors.append(error)
    return errors


def existing_entries(lines: list[HourLine], replacing: HourEntry | None) -> dict[tuple, HourEntry]:
    # The exact (participant, clause, month) triples: a file's later batches never reload its earlier ones.
    statement = select(HourEntry).where(
        tuple_(HourEntry.participant_id, HourEntry.clause_id, HourEntry.month).in_(
            {(line.participant.id, line.clause.id, line.month) for line in lines}
        )
    )
    if replacing is not None:
        statement = statement.where(HourEntry.id != replacing.id)
    return {
        (e.participant_id, e.clause_id, e.employer_id, e.modality, e.month): e
        for e in db.session.scalars(statement)
    }


def _month_totals(pairs: set[tuple], replacing: HourEntry | None) -> dict[tuple, Decimal]:
    """Hours already logged per (participant, month) of ``pairs``, on every clause, summed in SQL."""
    statement = (
        select(HourEntry.participant_id, HourEntry.month, func.sum(HourEntry.hours))
        .where(tuple_(HourEntry.participant_id, HourEntry.month).in_(pairs))
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


@dataclass
class _MonthTotal:
    already: Decimal
    first_line: int | None
    code: str
    month: date
    added: Decimal = Decimal(0)


class HoursLedger:
    """The rules of hour entries over lines checked batch after batch (a form, a grid, a whole file).

    Duplicates and the monthly cap span lines, batches and clauses; the ledger keeps only what they need
    (one key per entry, one total per participant and month), so a file of any length checks in flat
    memory, with one query per batch for existing entries and one for the totals already logged.
    """

    def __init__(
        self, actor, *, merge: bool = False, replacing: HourEntry | None = None, can_merge: bool = True
    ):
        self.actor, self.merge, self.replacing, self.can_merge = actor, merge, replacing, can_merge
        self.seen: dict[tuple, int | None] = {}
        self.totals: dict[tuple, _MonthTotal] = {}

    def check(self, lines: list[HourLine]) -> tuple[list[HourLine], list[LineError]]:
        """The lines that pass every rule but the monthly cap (see ``finish``), and the others' errors."""
        errors: list[LineError] = []
        valid: list[HourLine] = []
        for line in lines:
            line.month = first_of_month(line.month)
            problems = _line_errors(self.actor, line)
            errors.extend(LineError(line.line, message) for message in problems)
            if not problems:
                valid.append(line)
        if not valid:
            return valid, errors
        existing = existing_entries(valid, self.replacing)
        kept: list[HourLine] = []
        for line in valid:
            key = line.key
            if not self.merge and (key in existing or key in self.seen):
                existing_hours = existing[key].hours if key in existing and key not in self.seen else None
                errors.append(
                    LineError(
                        line.line,
                        _duplicate_message(line, existing_hours, self.seen.get(key), self.can_merge),
                        True,
                    )
                )
            else:
                kept.append(line)
            self.seen.setdefault(key, line.line)
        new_pairs = {(line.participant.id, line.month) for line in valid} - self.totals.keys()
        # Held until commit: a concurrent save of the same person and month waits, then reads these hours.
        lock_participant_months(new_pairs)
        already = _month_totals(new_pairs, self.replacing) if new_pairs else {}
        for line in valid:
            pair = (line.participant.id, line.month)
            if pair not in self.totals:
                self.totals[pair] = _MonthTotal(
                    already.get(pair, Decimal(0)), line.line, line.participant.code, line.month
                )
            self.totals[pair].added += line.hours
        return kept, errors

    def finish(self) -> list[LineError]:
        """At most ``MAX_HOURS_PER_PARTICIPANT_MONTH`` per person and month, on every clause together."""
        cap = max_hours_per_month()
        return [
            LineError(
                total.first_line,
                _(
                    "%(code)s dépasserait %(cap)s en %(month)s : %(already)s déjà saisies "
                    "(tous marchés confondus) + %(added)s = %(total)s.",
                    code=total.code,
                    cap=fmt_hours(cap),
                    month=month_fr(total.month),
                    already=fmt_hours(total.already),
                    added=fmt_hours(total.added),
                    total=fmt_hours(total.already + total.added),
                ),
            )
            for total in self.totals.values()
            if total.already + total.added > cap
        ]


def check_lines(
    actor,
    lines: list[HourLine],
    *,
    merge: bool = False,
    replacing: HourEntry | None = None,
    can_merge: bool = True,
):
    """Every error of ``lines`` taken together (duplicates and the monthly cap span lines and clauses)."""
    ledger = HoursLedger(actor, merge=merge, replacing=replacing, can_merge=can_merge)
    _valid, errors = ledger.check(lines)
    return errors + ledger.finish()
