"""The monthly grid of one clause: what it shows (existing entries, suggested rows) and how it is read."""

from datetime import date

from sqlalchemy import or_, select

from app.contracts.models import Clause
from app.core.dates import add_months, first_of_month
from app.core.enums import StructureKind
from app.extensions import db
from app.hours import queries
from app.hours.models import HourEntry
from app.hours.services import GridRow, max_hours_per_month
from app.participants.models import Participant
from app.referential.models import Company

BLANK_ROWS = 5
MAX_ROWS = 300


def rows_from_form(form) -> list[GridRow]:
    count = min(form.get("row_count", type=int) or 0, MAX_ROWS)
    return [
        GridRow(
            line=index,
            participant_code=form.get(f"rows-{index}-participant", "").strip(),
            employer_siret=form.get(f"rows-{index}-employer", "").strip(),
            modality=form.get(f"rows-{index}-modality", "").strip(),
            hours=form.get(f"rows-{index}-hours", "").strip(),
            contract_type=form.get(f"rows-{index}-contract_type", "").strip(),
        )
        for index in range(1, count + 1)
    ]


def _suggested_rows(clause: Clause, month: date, existing: list[HourEntry]) -> list[GridRow]:
    """Last month's people, employers and modalities with the hours left blank, then blank rows."""
    logged = {(e.participant_id, e.employer_id, e.modality) for e in existing}
    rows = []
    for entry in queries.grid_suggestions(clause.id, month):
        if (entry.participant_id, entry.employer_id, entry.modality) in logged:
            continue
        rows.append(
            GridRow(
                line=len(rows) + 1,
                participant_code=entry.participant.code,
                employer_siret=entry.employer.identifier,
                modality=entry.modality,
                contract_type=entry.contract_type or "",
            )
        )
    for _index in range(BLANK_ROWS):
        rows.append(GridRow(line=len(rows) + 1))
    return rows


def _employers(clause: Clause) -> list[Company]:
    """Holders, employers already used on this clause, and every inclusion or temp-work structure."""
    used = select(HourEntry.employer_id).where(HourEntry.clause_id == clause.id)
    holder_ids = [h.company_id for h in clause.contract.holders]
    return list(
        db.session.scalars(
            select(Company)
            .where(
                or_(
                    Company.id.in_(holder_ids),
                    Company.id.in_(used),
                    Company.kind != StructureKind.ORDINARY,
                )
            )
            .order_by(Company.name)
            .limit(1000)
        )
    )


def _months(clause: Clause) -> list[date]:
    contract = clause.contract
    if contract.notified_on is None or contract.ends_on is None:
        return []
    months, month = [], first_of_month(contract.notified_on)
    while month <= first_of_month(contract.ends_on) and len(months) < 240:
        months.append(month)
        month = add_months(month, 1)
    return months


def _display_name(participant: Participant) -> str:
    """Name shown to the facilitator beside the code (the grid is for facilitators and admins only)."""
    identity = participant.identity
    if identity is None:
        return ""
    return f"{identity.first_name} {identity.last_name}".strip()


def grid_context(clause: Clause, month: date, submitted: list[GridRow] | None = None, errors=None) -> dict:
    existing = queries.month_entries(clause.id, month)
    rows = submitted if submitted is not None else _suggested_rows(clause, month, existing)
    row_errors: dict[int | None, list[str]] = {}
    for error in errors or []:
        row_errors.setdefault(error.line, []).append(error.message)
    followup = queries.followup_rows(
        queries.clause_followup_select(scope=select(Clause.id).where(Clause.id == clause.id))
    )
    participants = db.session.scalars(select(Participant).order_by(Participant.code)).all()
    employers = _employers(clause)
    codes = {r.participant_code.upper() for r in rows if r.participant_code} | {
        e.participant.code for e in existing
    }
    code_of = {p.id: p.code for p in participants if p.code in codes}
    month_totals = queries.participant_month_totals(list(code_of), month)
    return {
        "clause": clause,
        "contract": clause.contract,
        "month": month,
        "months": _months(clause),
        "existing": existing,
        "month_total": queries.month_total(clause.id, month),
        "rows": rows,
        "row_errors": row_errors,
        "followup": followup[0] if followup else None,
        "participants": participants,
        "employers": employers,
        "cap": max_hours_per_month(),
        "participant_names": {p.code: _display_name(p) for p in participants},
        "employer_names": {c.identifier: c.name for c in employers},
        "participant_month_totals": {code_of[pid]: total for pid, total in month_totals.items()},
        "previous_month": add_months(month, -1),
        "next_month": add_months(month, 1),
    }
