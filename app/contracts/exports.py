"""CSV and XLSX exports of the filtered contract list: French headers, amounts as numbers."""

import csv
import io
from collections.abc import Iterator
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, func, select

from app.contracts.models import Clause, Contract
from app.contracts.queries import with_list_relations
from app.core.enums import ClauseKind, ContractKind, PurchaseCategory
from app.extensions import db

HEADERS = [
    "Acheteur",
    "SIRET acheteur",
    "Référence",
    "Objet",
    "Type de contrat",
    "Nature",
    "Procédure",
    "Code CPV",
    "Catégorie d'achat",
    "Montant HT (€)",
    "Date de notification",
    "Durée (mois)",
    "Territoire",
    "Lieu d'exécution",
    "Titulaires",
    "SIRET des titulaires",
    "Clauses sociales",
    "Heures d'insertion prévues",
    "Considérations environnementales",
    "Archivé le",
]
NUMBER_COLUMNS = {"Montant HT (€)", "Durée (mois)", "Heures d'insertion prévues"}
BATCH = 1000


def _rows(statement: Select) -> Iterator[list]:
    """One list of typed values per contract (Decimal, int, date), read in batches."""
    planned = (
        select(func.coalesce(func.sum(Clause.planned_hours), 0))
        .where(Clause.contract_id == Contract.id)
        .correlate(Contract)
        .scalar_subquery()
    )
    statement = with_list_relations(statement.add_columns(planned.label("planned_hours")))
    result = db.session.execute(statement.execution_options(yield_per=BATCH))
    for contract, planned_hours in result:
        holders = [h.company for h in contract.holders]
        place = " ".join(filter(None, [contract.place_type, contract.place_code]))
        yield [
            contract.buyer.name,
            contract.buyer.siret,
            contract.reference,
            contract.object,
            ContractKind.label_of(contract.kind),
            contract.nature,
            contract.procedure or "",
            contract.cpv_code or "",
            PurchaseCategory.label_of(contract.category),
            contract.amount_excl_tax,
            contract.notified_on,
            contract.duration_months,
            contract.territory.name if contract.territory else "",
            place,
            " | ".join(c.name for c in holders),
            " | ".join(c.identifier for c in holders),
            " | ".join(ClauseKind.label_of(c.kind) for c in contract.clauses),
            planned_hours,
            " | ".join(contract.environmental_considerations or []),
            contract.archived_at.date() if contract.archived_at else None,
        ]


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float) or hasattr(value, "quantize"):
        return str(value).replace(".", ",")  # French Excel reads 1234,50 as a number
    return str(value)


def contracts_csv(statement: Select) -> bytes:
    """UTF-8 with BOM and ``;`` so that French Excel opens it straight away."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in _rows(statement):
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(sheet, value, number_format: str | None = None) -> WriteOnlyCell:
    if hasattr(value, "quantize"):
        value = float(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = "DD/MM/YYYY"
    elif number_format:
        cell.number_format = number_format
    return cell


def contracts_xlsx(statement: Select) -> bytes:
    """Write-only workbook (constant memory); amounts and hours are numbers, dates are dates."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Marchés")
    sheet.freeze_panes = "A2"
    for index, name in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(50, len(name) + 4))
    header = []
    for name in HEADERS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    formats = [
        ("#,##0.00" if name == "Montant HT (€)" else "#,##0") if name in NUMBER_COLUMNS else None
        for name in HEADERS
    ]
    for row in _rows(statement):
        sheet.append([_xlsx_cell(sheet, value, fmt) for value, fmt in zip(row, formats, strict=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
