"""Spreadsheet import of hour entries (CSV with ; or , in UTF-8, or XLSX): plan first, write all or nothing."""

import io
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.core.errors import ServiceError
from app.core.tabular import TabularError, csv_bytes, is_xlsx, read_csv, read_xlsx
from app.hours.services import HourLine, LineError, check_lines, log_hours
from app.hours.services.resolve import (
    resolve_clause,
    resolve_employer,
    resolve_hours,
    resolve_modality,
    resolve_month,
    resolve_participant,
    simplify,
)

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


class ImportFileError(ServiceError):
    """The file itself cannot be read (format, encoding, columns)."""


@dataclass
class ImportPlan:
    lines: list[HourLine] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    row_count: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.lines)


def read_table(filename: str, data: bytes) -> list[tuple[int, dict]]:
    """``(line number, {column: value})`` for every non-empty data row; line 1 is the header."""
    if not data:
        raise ImportFileError(_("Le fichier est vide."))
    try:
        # The import page documents UTF-8 and ";" or ",": no Windows-1252, no tab.
        numbered = (
            read_xlsx(data)
            if is_xlsx(filename, data)
            else read_csv(data, encodings=("utf-8-sig",), delimiters=(";", ","))
        )
    except TabularError as error:
        raise ImportFileError(error.message) from None
    rows = [cells for _number, cells in numbered]
    if not rows:
        raise ImportFileError(_("Le fichier est vide."))
    header = [simplify(h) for h in rows[0]]
    missing = [name for name in COLUMN_NAMES if name not in header]
    if missing:
        raise ImportFileError(
            _(
                "Colonnes manquantes : %(missing)s. La première ligne doit contenir : %(expected)s.",
                missing=", ".join(missing),
                expected=", ".join(COLUMN_NAMES),
            )
        )
    if len(rows) - 1 > MAX_LINES:
        raise ImportFileError(_("Fichier trop long : %(n)s lignes au plus.", n=MAX_LINES))
    positions = {name: header.index(name) for name in COLUMN_NAMES}
    table = []
    for number, row in enumerate(rows[1:], start=2):
        values = {name: (row[i] if i < len(row) else None) for name, i in positions.items()}
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        table.append((number, values))
    return table


def plan_import(actor, filename: str, data: bytes) -> ImportPlan:
    """What the file would create, and every error with its line number; writes nothing."""
    plan = ImportPlan()
    table = read_table(filename, data)
    plan.row_count = len(table)
    if not table:
        plan.errors.append(LineError(None, _("Le fichier ne contient aucune ligne de données.")))
        return plan
    clauses: dict[tuple, object] = {}
    for number, values in table:
        found, problems = {}, []
        key = (str(values["reference_marche"] or "").strip(), str(values["siret_acheteur"] or "").strip())
        try:
            if key not in clauses:
                clauses[key] = resolve_clause(*key, actor=actor)
            found["clause"] = clauses[key]
        except ServiceError as error:
            problems.append(error.message)
        for name, resolver, column in (
            ("participant", resolve_participant, "code_participant"),
            ("employer", resolve_employer, "siret_employeur"),
            ("modality", resolve_modality, "modalite"),
            ("month", resolve_month, "mois"),
            ("hours", resolve_hours, "heures"),
        ):
            try:
                found[name] = resolver(values[column])
            except ServiceError as error:
                problems.append(error.message)
        plan.errors.extend(LineError(number, message) for message in problems)
        if not problems:
            plan.lines.append(HourLine(line=number, **found))
    if plan.lines:
        plan.errors.extend(check_lines(actor, plan.lines, can_merge=False))
        plan.errors.sort(key=lambda e: e.line or 0)
    return plan


def apply_import(actor, filename: str, data: bytes):
    """Re-validate the whole file and write it in the caller's transaction, or raise without writing."""
    plan = plan_import(actor, filename, data)
    if not plan.is_valid:
        return plan, []
    return plan, log_hours(actor, plan.lines)


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
