"""Insertion hours: the only way they change. All or nothing, every change audited; callers commit."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from app.auth.models import User
from app.contracts.models import Clause
from app.core import audit
from app.core.errors import ServiceError
from app.core.formatting import hours as fmt_hours
from app.core.formatting import month_fr
from app.core.imports import insert_rows
from app.extensions import db
from app.hours.models import HourEntry
from app.hours.services.access import can_log_hours
from app.hours.services.resolve import resolve_employer, resolve_hours, resolve_modality, resolve_participant
from app.hours.services.rules import (  # noqa: F401  (re-exported: the service API)
    HourLine,
    HoursRejected,
    LineError,
    check_lines,
    contract_period_error,
    existing_entries,
    max_hours_per_month,
)
from app.participants.models import Participant
from app.referential.models import Company


def _summary(entry: HourEntry) -> str:
    return _summary_of(entry.participant.code, entry.clause.contract.reference, entry.month, entry.hours)


def _summary_of(code: str, reference: str, month: date, hours: Decimal) -> str:
    return f"Heures {code}, marché {reference}, {month_fr(month)} : {fmt_hours(hours)}"


def log_hours(actor, lines: list[HourLine], *, merge: bool = False) -> list[HourEntry]:
    """Write every line or none; with ``merge``, an exact duplicate adds its hours to the existing entry."""
    if not lines:
        raise ServiceError(_("Aucune heure à enregistrer : renseignez au moins une ligne."))
    errors = check_lines(actor, lines, merge=merge)
    if errors:
        raise HoursRejected(errors)
    existing = existing_entries(lines, None)
    written: list[HourEntry] = []
    for line in lines:
        entry = existing.get(line.key)
        if entry is not None:
            before = audit.snapshot(entry)
            entry.hours = entry.hours + line.hours
            db.session.flush()
            audit.record(
                actor,
                "merge",
                entry,
                summary=_summary(entry),
                changes=audit.changes_since(before, entry),
            )
        else:
            entry = HourEntry(
                participant=line.participant,
                clause=line.clause,
                employer=line.employer,
                modality=line.modality,
                month=line.month,
                hours=line.hours,
                contract_type=line.contract_type or None,
                created_by_id=getattr(actor, "id", None),
            )
            db.session.add(entry)
            db.session.flush()
            existing[line.key] = entry
            audit.record_creation(actor, entry, _summary(entry))
        if entry not in written:
            written.append(entry)
    return written


def log_checked_hours(actor, lines: list[HourLine]) -> int:
    """Write lines that ``HoursLedger`` accepted (a file import, batch by batch): one insert for the
    entries, one for their audit entries, the same audit entries as ``log_hours``."""
    created_by = getattr(actor, "id", None)
    rows = [
        {
            "participant_id": line.participant.id,
            "clause_id": line.clause.id,
            "employer_id": line.employer.id,
            "modality": line.modality,
            "month": line.month,
            "hours": line.hours,
            "contract_type": line.contract_type or None,
            "created_by_id": created_by,
        }
        for line in lines
    ]
    ids = insert_rows(HourEntry, rows, ("participant_id", "clause_id", "employer_id", "modality", "month"))
    months: dict[date, str] = {}  # French formatting is slow; a file has few distinct months and figures
    figures: dict[Decimal, str] = {}
    with audit.deferred() as pending:
        for entry_id, line, row in zip(ids, lines, rows, strict=True):
            snapshot = {  # the fields HourEntry declares for the audit log (hours/models.py)
                "participant": line.participant.code,
                "clause_id": row["clause_id"],
                "employer_id": row["employer_id"],
                "modality": line.modality,
                "month": line.month,
                "hours": line.hours,
                "contract_type": row["contract_type"],
            }
            audit.record(
                actor,
                "create",
                object_type="HourEntry",
                object_id=entry_id,
                summary=(
                    f"Heures {line.participant.code}, marché {line.clause.contract.reference}, "
                    f"{months.get(line.month) or months.setdefault(line.month, month_fr(line.month))} : "
                    f"{figures.get(line.hours) or figures.setdefault(line.hours, fmt_hours(line.hours))}"
                ),
                changes=audit.diff({}, snapshot),
            )
        audit.write_deferred(pending)
    return len(ids)


@dataclass
class EntryChanges:
    employer: Company
    modality: str
    month: date
    hours: Decimal
    contract_type: str | None = None
    participant: Participant | None = None


def update_hour_entry(actor, entry: HourEntry, changes: EntryChanges) -> HourEntry:
    """Apply the changes after the same checks as a new entry; the entry itself is not counted twice."""
    line = HourLine(
        participant=changes.participant or entry.participant,
        clause=entry.clause,
        employer=changes.employer,
        modality=changes.modality,
        month=changes.month,
        hours=changes.hours,
        contract_type=changes.contract_type,
    )
    errors = check_lines(actor, [line], replacing=entry)
    for error in errors:
        if error.is_duplicate:
            error.message = _(
                "Une autre saisie porte déjà ces mêmes bénéficiaire, employeur, modalité et mois : modifiez-la plutôt."
            )
    if errors:
        raise HoursRejected(errors)
    before = audit.snapshot(entry)
    entry.participant = line.participant
    entry.employer = line.employer
    entry.modality = line.modality
    entry.month = line.month
    entry.hours = line.hours
    entry.contract_type = line.contract_type or None
    db.session.flush()
    diff = audit.changes_since(before, entry)
    if diff:
        audit.record(actor, "update", entry, summary=_summary(entry), changes=diff)
    return entry


def delete_hour_entry(actor, entry: HourEntry) -> None:
    if isinstance(actor, User) and not can_log_hours(actor, entry.clause):
        raise ServiceError(_("Vous ne suivez pas cette clause : suppression refusée."))
    audit.record(
        actor, "delete", entry, summary=_summary(entry), changes=audit.diff(audit.snapshot(entry), {})
    )
    db.session.delete(entry)
    db.session.flush()


@dataclass
class GridRow:
    """One row of the monthly grid, as typed."""

    line: int
    participant_code: str = ""
    employer_siret: str = ""
    modality: str = ""
    hours: str = ""
    contract_type: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def is_blank(self) -> bool:
        return not self.hours.strip()


def save_month_grid(actor, clause: Clause, month: date, rows: list[GridRow], *, merge: bool = False):
    """Save a month of one clause: every filled row or none (rows without hours are skipped)."""
    lines: list[HourLine] = []
    errors: list[LineError] = []
    for row in rows:
        if row.is_blank:
            continue
        found: dict[str, Any] = {}
        for key, resolver, value in (
            ("participant", resolve_participant, row.participant_code),
            ("employer", resolve_employer, row.employer_siret),
            ("modality", resolve_modality, row.modality),
            ("hours", resolve_hours, row.hours),
        ):
            try:
                found[key] = resolver(value)
            except ServiceError as error:
                errors.append(LineError(row.line, error.message))
        if len(found) == 4:
            lines.append(
                HourLine(
                    clause=clause,
                    month=month,
                    contract_type=row.contract_type or None,
                    line=row.line,
                    **found,
                )
            )
    if errors:
        errors.extend(check_lines(actor, lines, merge=merge) if lines else [])
        raise HoursRejected(errors)
    return log_hours(actor, lines, merge=merge)
