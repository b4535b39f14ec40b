"""The contract list: search, filters, sort, pagination and exports of exactly the filtered rows."""

import csv
import html
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.contracts.models import Contract
from app.core.db import utcnow
from app.extensions import db
from tests import factories
from tests.contracts.conftest import company


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def listed(client, **params) -> set[str]:
    """References shown on the list page for ``params``."""
    page = text(client.get("/marches/", query_string=params))
    return {c.reference for c in db.session.query(Contract) if f">{c.reference}</a>" in page}


@pytest.fixture
def contracts(buyer):
    other_buyer = factories.BuyerFactory(name="Commune d'Arras")
    painter = company(name="Peinture Artois")
    greens = company(name="Jardins Solidaires", kind="ACI")
    works = factories.ContractFactory(
        buyer=buyer,
        reference="T-2025-01",
        object="Réhabilitation du collège Jean Jaurès",
        notified_on=date(2025, 3, 1),
        amount_excl_tax=Decimal("1000000"),
        territory=factories.territory("Artois"),
        holders=[painter],
    )
    factories.ClauseFactory(contract=works, kind="execution_condition", planned_hours=Decimal("833"))
    services_contract = factories.ContractFactory(
        buyer=buyer,
        reference="S-2025-02",
        object="Entretien des espaces naturels sensibles",
        cpv_code="77310000",
        category="services",
        notified_on=date(2025, 9, 15),
        amount_excl_tax=Decimal("250000"),
        territory=factories.territory("Ternois"),
        holders=[greens],
    )
    factories.ClauseFactory(
        contract=services_contract, kind="insertion_object", planned_hours=Decimal("4000")
    )
    supplies = factories.ContractFactory(
        buyer=other_buyer,
        reference="F-2024-03",
        object="Fournitures de bureau",
        cpv_code="30192000",
        category="supplies",
        nature="Marché de partenariat",
        notified_on=date(2024, 6, 10),
        amount_excl_tax=Decimal("40000"),
        holders=[painter, greens],
    )
    archived = factories.ContractFactory(
        buyer=buyer, reference="T-2023-04", object="Ancien chantier", notified_on=date(2023, 1, 5)
    )
    archived.archived_at = utcnow()
    db.session.commit()
    return {
        "works": works,
        "services": services_contract,
        "supplies": supplies,
        "archived": archived,
        "other_buyer": other_buyer,
        "painter": painter,
    }


def test_list_shows_active_contracts_only(as_reader, contracts):
    assert listed(as_reader) == {"T-2025-01", "S-2025-02", "F-2024-03"}


def test_archived_filter_shows_archived_contracts_only(as_reader, contracts):
    assert listed(as_reader, archived="1") == {"T-2023-04"}


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("t-2025", {"T-2025-01"}),
        ("espaces naturels", {"S-2025-02"}),
        ("peinture artois", {"T-2025-01", "F-2024-03"}),
        ("JARDINS", {"S-2025-02", "F-2024-03"}),
    ],
)
def test_search_matches_reference_object_and_holder_name(as_reader, contracts, search, expected):
    assert listed(as_reader, q=search) == expected


def test_search_matches_holder_siret(as_reader, contracts):
    siret = contracts["painter"].identifier
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    assert listed(as_reader, q=spaced) == {"T-2025-01", "F-2024-03"}


def test_filters_return_exactly_the_matching_contracts(as_reader, contracts, buyer):
    assert listed(as_reader, buyer=buyer.id) == {"T-2025-01", "S-2025-02"}
    assert listed(as_reader, buyer=contracts["other_buyer"].id) == {"F-2024-03"}
    assert listed(as_reader, year=2025) == {"T-2025-01", "S-2025-02"}
    assert listed(as_reader, year=2024) == {"F-2024-03"}
    assert listed(as_reader, territory=factories.territory("Ternois").id) == {"S-2025-02"}
    assert listed(as_reader, nature="Marché de partenariat") == {"F-2024-03"}
    assert listed(as_reader, category="works") == {"T-2025-01"}
    assert listed(as_reader, category="supplies") == {"F-2024-03"}
    assert listed(as_reader, clause_kind="insertion_object") == {"S-2025-02"}
    assert listed(as_reader, social="with") == {"T-2025-01", "S-2025-02"}
    assert listed(as_reader, social="without") == {"F-2024-03"}
    assert listed(as_reader, buyer=buyer.id, year=2025, social="with", category="services") == {"S-2025-02"}


def test_unknown_filter_values_are_ignored_not_errors(as_reader, contracts):
    response = as_reader.get("/marches/", query_string={"year": "abc", "nature": "x", "sort": "drop table"})
    assert response.status_code == 200


def test_sort_by_amount_in_both_directions(as_reader, contracts):
    page = text(as_reader.get("/marches/", query_string={"sort": "amount", "direction": "asc"}))
    assert page.index("F-2024-03") < page.index("S-2025-02") < page.index("T-2025-01")
    page = text(as_reader.get("/marches/", query_string={"sort": "amount", "direction": "desc"}))
    assert page.index("T-2025-01") < page.index("S-2025-02") < page.index("F-2024-03")


def test_pagination_keeps_the_filters(as_reader, buyer):
    for number in range(30):
        factories.ContractFactory(buyer=buyer, reference=f"P-{number:03d}", holders=[])
    first = text(as_reader.get("/marches/", query_string={"buyer": buyer.id}))
    assert "30 résultats" in first
    assert f"buyer={buyer.id}" in first and "page=2" in first
    second = text(as_reader.get("/marches/", query_string={"buyer": buyer.id, "page": 2}))
    assert second.count('href="/marches/') >= 5


def test_empty_state_when_nothing_matches(as_reader, contracts):
    assert "Aucun marché ne correspond" in text(as_reader.get("/marches/?q=introuvable"))


def test_csv_export_contains_exactly_the_filtered_contracts(as_reader, contracts, buyer):
    response = as_reader.get("/marches/export.csv", query_string={"buyer": buyer.id, "sort": "amount"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert header[:4] == ["Acheteur", "SIRET acheteur", "Référence", "Objet"]
    assert [row[2] for row in data] == ["T-2025-01", "S-2025-02"]
    amount = header.index("Montant HT (€)")
    assert [row[amount] for row in data] == ["1000000,00", "250000,00"]
    assert data[0][header.index("Date de notification")] == "01/03/2025"
    assert data[1][header.index("Heures d'insertion prévues")] == "4000,00"


def test_xlsx_export_matches_the_filtered_list_with_numbers(as_reader, contracts):
    params = {"social": "with", "sort": "reference", "direction": "asc"}
    response = as_reader.get("/marches/export.xlsx", query_string=params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[2] == "Référence"
    assert [row[2] for row in data] == ["S-2025-02", "T-2025-01"]
    amounts = [row[header.index("Montant HT (€)")] for row in data]
    assert amounts == [250000, 1000000]
    assert all(isinstance(value, int | float) for value in amounts)
    assert data[1][header.index("Titulaires")] == "Peinture Artois"
    # The list page shows the same contracts as the export.
    assert listed(as_reader, **params) == {row[2] for row in data}


def test_list_queries_do_not_grow_with_the_number_of_contracts(as_reader, buyer, app):
    from sqlalchemy import event

    for number in range(20):
        contract = factories.ContractFactory(buyer=buyer, reference=f"N-{number:03d}", holders=[company()])
        factories.ClauseFactory(contract=contract)
    statements = []

    def count_statement(*args, **kwargs):
        statements.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        as_reader.get("/marches/")
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    assert len(statements) < 15


def test_exports_keep_the_cpv_check_digit(as_reader, buyer):
    factories.ContractFactory(buyer=buyer, reference="CPV-1", cpv_code="45442100")
    rows = list(
        csv.reader(io.StringIO(as_reader.get("/marches/export.csv").data.decode("utf-8-sig")), delimiter=";")
    )
    cpv = rows[0].index("Code CPV")
    assert next(r for r in rows if r[2] == "CPV-1")[cpv] == "45442100-8"
    sheet = load_workbook(io.BytesIO(as_reader.get("/marches/export.xlsx").data)).active
    data = list(sheet.iter_rows(values_only=True))
    assert next(r for r in data if r[2] == "CPV-1")[cpv] == "45442100-8"
