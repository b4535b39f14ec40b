"""Spreadsheet import of hour entries (CSV or XLSX) through the import pipeline of ``app.core.imports``."""

import io
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import selectinload

from app.contracts.models import Clause, Contract
from app.core.enums import IdentifierType
from app.core.identifiers import is_valid_siret, normalize_siret
from app.core.imports import (  # noqa: F401  (ImportFileError: re-exported for the views)
    Column,
    Importer,
    ImportFileError,
    ImportReport,
    RowError,
    RowErrors,
    run_import,
)
from app.core.tabular import csv_bytes, text_of
from app.extensions import db
from app.hours.services import log_checked_hours
from app.hours.services.resolve import resolve_hours, resolve_modality, resolve_month
from app.hours.services.rules import HourLine, HoursLedger
from app.participants.models import Participant, ParticipantEligibility
from app.referential.models import Buyer, Company

# (column, what it holds): the documented layout of the file, shown on the import page and in the template.
COLUMNS = (
    (
        "reference_marche",
        "Référence du marché chez l'acheteur (identifiant DECP « id »), par exemple 2025-M0012",
    ),
    ("siret_acheteur", "SIRET de l'acheteur (14 chiffres)"),
    ("code_participant", "Code pseudonyme du bénéficiaire attribué par Levier, par exemple P-7KQ2M9XD"),
    ("siret_employeur", "SIRET de la structure employeuse, déjà enregistrée dans le référentiel"),
    ("modalite", "direct_hire, temp_work, secondment, subcontracting ou training (ou leur libellé français)"),
    ("mois", "Mois des heures au format AAAA-MM, par exemple 2026-03"),
    ("heures", "Nombre d'heures réalisées dans le mois, strictement positif (virgule ou point décimal)"),
)
COLUMN_NAMES = tuple(name for name, _description in COLUMNS)
MAX_LINES = 20000


@dataclass(frozen=True)
class _Participant:
    """What the rules and messages need of a participant (the file may name thousands)."""

    id: int
    code: str
    criteria: tuple[str, ...] = ()
    birth_year: int | None = None


@dataclass
class HourRow:
    """One parsed line of the file, before its references are looked up."""

    line: int
    reference: str
    buyer_siret: str
    code: str
    employer_siret: str
    modality: str
    month: object
    hours: Decimal


def _text(value) -> str:
    return text_of(value).strip()


def _siret(value) -> str:
    text = _text(value)
    return text[:-2] if text.endswith(".0") else text  # a spreadsheet turned the SIRET into a number


class HoursImporter(Importer):
    """Hour entries: the checks of the monthly grid and the entry form (``HoursLedger``), set-based."""

    columns = tuple(Column(name, description) for name, description in COLUMNS)
    max_rows = MAX_LINES
    label = "heures"

    def __init__(self, actor):
        super().__init__(actor)
        self.ledger = HoursLedger(actor, can_merge=False)
        self.clauses: dict[tuple[str, str], Clause | str] = {}
        self.employers: dict[str, Company | None] = {}
        self.total_hours = Decimal(0)

    def parse_row(self, line, values, errors):
        reference, buyer = _text(values["reference_marche"]), _text(values["siret_acheteur"])
        if not reference:
            errors.add(_("Référence du marché manquante."), "reference_marche")
        if not buyer:
            errors.add(_("SIRET de l'acheteur manquant."), "siret_acheteur")
        code = _text(values["code_participant"]).upper()
        if not code:
            errors.add(_("Code bénéficiaire manquant."), "code_participant")
        employer = _siret(values["siret_employeur"])
        if not employer:
            errors.add(_("SIRET de l'employeur manquant."), "siret_employeur")
        modality = errors.take(resolve_modality, values["modalite"], column="modalite")
        month = errors.take(resolve_month, values["mois"], column="mois")
        hours = errors.take(resolve_hours, values["heures"], column="heures")
        if errors:
            return None
        return HourRow(line, reference, normalize_siret(buyer), code, employer, modality, month, hours)

    # --- look-ups: one query per referenced table and batch --------------------------------------------

    def _load_clauses(self, rows: list[HourRow]) -> None:
        keys = {(row.reference, row.buyer_siret) for row in rows} - self.clauses.keys()
        if not keys:
            return
        contracts = db.session.scalars(
            select(Contract)
            .join(Buyer, Contract.buyer_id == Buyer.id)
            .where(tuple_(Contract.reference, Buyer.siret).in_(keys))
            .options(selectinload(Contract.clauses).selectinload(Clause.facilitators))
        ).all()
        found = {(contract.reference, contract.buyer.siret): contract for contract in contracts}
        for key in keys:
            self.clauses[key] = _choose_clause(found.get(key), *key)

    def _load_employers(self, rows: list[HourRow]) -> None:
        sirets = {row.employer_siret for row in rows} - self.employers.keys()
        if not sirets:
            return
        normalized = {siret: normalize_siret(siret) for siret in sirets}
        companies = {
            company.identifier: company
            for company in db.session.scalars(
                select(Company).where(
                    Company.identifier_type == IdentifierType.SIRET,
                    Company.identifier.in_(set(normalized.values())),
                )
            )
        }
        for siret, compact in normalized.items():
            self.employers[siret] = companies.get(compact)

    def _participants(self, rows: list[HourRow]) -> dict[str, _Participant]:
        """The file's participants with what the rules need (age criteria), in two queries per batch."""
        codes = {row.code for row in rows}
        found = db.session.execute(
            select(Participant.id, Participant.code, Participant.birth_year).where(
                func.upper(Participant.code).in_(codes)
            )
        ).all()
        criteria: dict[int, list[str]] = {}
        if found:
            eligibilities = select(ParticipantEligibility.participant_id, ParticipantEligibility.criterion).where(
                ParticipantEligibility.participant_id.in_([pid for pid, _code, _year in found])
            )
            for pid, criterion in db.session.execute(eligibilities):
                criteria.setdefault(pid, []).append(criterion)
        return {
            code.upper(): _Participant(pid, code, tuple(sorted(criteria.get(pid, ()))), birth_year)
            for pid, code, birth_year in found
        }

    def check_batch(self, records):
        self._load_clauses(records)
        self._load_employers(records)
        participants = self._participants(records)
        errors: list[RowError] = []
        lines: list[HourLine] = []
        for row in records:
            problems = RowErrors(row.line)
            clause = self.clauses[(row.reference, row.buyer_siret)]
            if isinstance(clause, str):
                problems.add(clause, "reference_marche")
            participant = participants.get(row.code)
            if participant is None:
                problems.add(_("Bénéficiaire inconnu : %(code)s.", code=row.code), "code_participant")
            employer = self.employers[row.employer_siret]
            if employer is None:
                problems.add(_employer_unknown(row.employer_siret), "siret_employeur")
            errors.extend(problems)
            if not problems:
                lines.append(
                    HourLine(
                        participant=participant,
                        clause=clause,
                        employer=employer,
                        modality=row.modality,
                        month=row.month,
                        hours=row.hours,
                        line=row.line,
                    )
                )
        valid, rejected = self.ledger.check(lines)
        errors.extend(RowError(e.line, e.message, is_duplicate=e.is_duplicate) for e in rejected)
        self.total_hours += sum((line.hours for line in valid), Decimal(0))
        return valid, errors

    def finish(self):
        return [RowError(e.line, e.message, "heures") for e in self.ledger.finish()]

    def write_batch(self, records):
        log_checked_hours(self.actor, records)


def _choose_clause(contract: Contract | None, reference: str, buyer_siret: str) -> Clause | str:
    """The clause of the buyer's contract; with several clauses, the only one carrying planned hours."""
    if contract is None:
        return _("Marché inconnu : %(ref)s pour l'acheteur %(siret)s.", ref=reference, siret=buyer_siret)
    clauses = list(contract.clauses)
    if len(clauses) > 1:
        clauses = [c for c in clauses if c.planned_hours]
    if not clauses:
        return _("Le marché %(ref)s n'a pas de clause sociale.", ref=reference)
    if len(clauses) > 1:
        return _(
            "Le marché %(ref)s a plusieurs clauses avec des heures prévues : "
            "saisissez ces heures par la grille mensuelle.",
            ref=reference,
        )
    return clauses[0]


def _employer_unknown(siret: str) -> str:
    if not is_valid_siret(siret):
        return _("SIRET de l'employeur invalide : %(siret)s.", siret=siret)
    return _(
        "Employeur inconnu (SIRET %(siret)s) : créez d'abord la structure dans le référentiel.",
        siret=normalize_siret(siret),
    )


def import_file(
    actor, filename: str, source, *, write: bool = False, progress=None, max_rows: int | None = MAX_LINES
) -> ImportReport:
    """Check (and with ``write``, write) a file of hour entries; the caller commits a valid report.

    Uploads stop at ``MAX_LINES``; the command line passes ``max_rows=None`` and takes any length.
    """
    importer = HoursImporter(actor)
    importer.max_rows = max_rows
    return run_import(importer, filename, source, write=write, progress=progress)


def template_csv() -> bytes:
    return csv_bytes(COLUMN_NAMES, [])


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Heures"
    sheet.append(list(COLUMN_NAMES))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (18, 17, 18, 17, 16, 10, 9), strict=True):
        sheet.column_dimensions[column].width = width
        # Text columns: keep SIRET and month as typed (no scientific notation, no date conversion).
        if column in "ABCDF":
            for row in range(2, 1002):
                sheet[f"{column}{row}"].number_format = "@"
    help_sheet = workbook.create_sheet("Aide")
    help_sheet.append(["Colonne", "Contenu"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for name, description in COLUMNS:
        help_sheet.append([name, description])
    help_sheet.column_dimensions["A"].width = 20
    help_sheet.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
