"""The calculator keeps the amount it used; after an amendment the officer keeps or updates the hours."""

from decimal import Decimal

from sqlalchemy import select

from app.contracts.services import ClauseData, add_clause
from app.core.audit import AuditEntry
from app.core.enums import ClauseKind, HoursMethod
from tests import factories as f


def _flat_clause(officer, contract):
    return add_clause(
        officer,
        contract,
        ClauseData(
            kind=ClauseKind.EXECUTION_CONDITION, hours_method=HoursMethod.FLAT, euros_per_hour=Decimal("750")
        ),
    )


def test_amended_amount_offers_to_keep_or_update_the_commitment(db, officer, as_officer):
    contract = f.ContractFactory(amount_excl_tax=Decimal("300000.00"))
    kept, updated = _flat_clause(officer, contract), _flat_clause(officer, contract)
    db.session.commit()
    assert (kept.planned_hours, kept.basis_amount) == (Decimal("400"), Decimal("300000.00"))  # 300 000 ÷ 750

    contract.amount_excl_tax = Decimal("450000.00")  # the amendment
    db.session.commit()
    page = as_officer.get(f"/marches/{contract.id}/avenant").get_data(as_text=True).replace("\u00a0", " ")
    assert "Calculées sur <strong>300 000,00 €</strong> HT : <strong>400 h</strong>" in page
    assert "la formule donne <strong>600 h</strong>" in page  # 450 000 ÷ 750

    as_officer.post(f"/marches/{contract.id}/avenant", data={"decision": f"keep-{kept.id}"})
    as_officer.post(f"/marches/{contract.id}/avenant", data={"decision": f"update-{updated.id}"})
    db.session.expire_all()
    assert (kept.planned_hours, kept.hours_method, kept.basis_amount) == (
        Decimal("400"),
        HoursMethod.MANUAL,
        Decimal("300000.00"),
    )
    assert (updated.planned_hours, updated.basis_amount) == (Decimal("600"), Decimal("450000.00"))
    summaries = db.session.scalars(select(AuditEntry.summary).where(AuditEntry.object_type == "Clause")).all()
    assert any("conservées après avenant" in s for s in summaries)
    assert any("recalculées après avenant" in s for s in summaries)
    assert "correspondent au montant actuel" in as_officer.get(f"/marches/{contract.id}/avenant").get_data(
        as_text=True
    )


def test_list_exports_leave_unplanned_hours_empty_and_show_halves(db, as_reader):
    import csv
    import io

    from openpyxl import load_workbook

    planned = f.ContractFactory(reference="H-1")
    f.ClauseFactory(contract=planned, planned_hours=Decimal("120.5"))
    unplanned = f.ContractFactory(reference="H-2")
    f.ClauseFactory(contract=unplanned, kind=ClauseKind.RESERVED, planned_hours=None)
    db.session.commit()
    body = as_reader.get(
        "/marches/export.csv", query_string={"sort": "reference", "direction": "asc"}
    ).get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    column = rows[0].index("Heures d'insertion prévues")
    assert {row[2]: row[column] for row in rows[1:]} == {
        "H-1": "120,50",
        "H-2": "",
    }  # "—" in the report, not 0,00
    sheet = load_workbook(io.BytesIO(as_reader.get("/marches/export.xlsx").get_data())).active
    header = [cell.value for cell in sheet[1]]
    cells = {
        row[2].value: row[header.index("Heures d'insertion prévues")] for row in sheet.iter_rows(min_row=2)
    }
    assert cells["H-1"].value == 120.5 and cells["H-1"].number_format == "#,##0.00"
    assert cells["H-2"].value is None
