"""CSV and XLSX exports of the filtered contract list: French headers, amounts as numbers."""

from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import Select, select

from app.contracts.commitments import commitments
from app.contracts.models import Contract
from app.contracts.queries import with_list_relations
from app.core.enums import ClauseKind, ContractKind, PurchaseCategory
from app.core.formatting import XLSX_HOURS
from app.core.tabular import AMOUNT_FORMAT, INTEGER_FORMAT, csv_bytes, xlsx_bytes
from app.extensions import db
from app.referential.models import CpvCode

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
NUMBER_FORMATS = {
    "Montant HT (€)": AMOUNT_FORMAT,
    "Durée (mois)": INTEGER_FORMAT,
    "Heures d'insertion prévues": XLSX_HOURS,  # halves and quarters of an hour stay visible
}
COLUMN_FORMATS = [NUMBER_FORMATS.get(name) for name in HEADERS]
BATCH = 1000


def _rows(statement: Select) -> Iterator[list]:
    """One list of typed values per contract (Decimal, int, date), read in batches."""
    # The commitment as the report counts it; empty (not 0) where no hours are planned.
    commitment = commitments().subquery()
    check_digit = select(CpvCode.check_digit).where(CpvCode.code == Contract.cpv_code).scalar_subquery()
    statement = with_list_relations(
        statement.outerjoin(commitment, commitment.c.contract_id == Contract.id).add_columns(
            commitment.c.commitment.label("planned_hours"), check_digit.label("cpv_check_digit")
        )
    )
    result = db.session.execute(statement.execution_options(yield_per=BATCH))
    for contract, planned_hours, cpv_check_digit in result:
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
            f"{contract.cpv_code}-{cpv_check_digit}" if cpv_check_digit else (contract.cpv_code or ""),
            PurchaseCategory.label_of(contract.category),
            contract.amount_excl_tax,
            contract.notified_on,
            contract.duration_months,
            contract.territory.name if contract.territory else "",
            place,
            " | ".join(c.name for c in holders),
            " | ".join(c.identifier for c in holders),
            " | ".join(ClauseKind.label_of(c.kind) for c in contract.clauses),
            None if planned_hours is None else Decimal(str(planned_hours)).quantize(Decimal("0.01")),
            " | ".join(contract.environmental_considerations or []),
            contract.archived_at.date() if contract.archived_at else None,
        ]


def contracts_csv(statement: Select) -> bytes:
    """UTF-8 with BOM and ``;`` so that French Excel opens it straight away."""
    return csv_bytes(HEADERS, _rows(statement))


def contracts_xlsx(statement: Select) -> bytes:
    """Write-only workbook (constant memory); amounts and hours are numbers, dates are dates."""
    return xlsx_bytes(HEADERS, _rows(statement), title="Marchés", column_formats=COLUMN_FORMATS)
