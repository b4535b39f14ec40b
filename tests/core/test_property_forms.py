"""Property-based: no form submission breaks the application (hypothesis, bounded and derandomized).

Every form route (creation and edition, on objects of a small world) receives submissions whose fields,
read from the form's own page, hold hostile values: NUL bytes, digits of other scripts, numbers beyond
any column, 1e309, NaN, Infinity, years 0001 and 9999, invalid months, a CPV code of one space. The answer
is a page or a redirect, never a server error.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

HOSTILE = st.sampled_from(
    ["\x00", "²", "١٢", "1e309", "NaN", "Infinity", "-Infinity", "-1", "0", "99999999999999999999",
     "9999", "31/12/9999", "9999-12-31", "0001-01-01", "01/01/0001", "2025-13", "13/2025", "2025-00", " ",
     "", "1,5", "1 000 000,00", "abc", "x" * 3000, "12", "2025-04", "2025-04-01", "01/04/2025", "y", "1"]
)  # fmt: skip
VALUES = st.one_of(HOSTILE, st.text(max_size=20))
SKIPPED = {
    "auth.login",  # throttled: tests/auth/test_login_throttling.py
    "auth.logout",
    "reports.generate",  # produces a PDF per example: tests/reports/
    "decp.import_page",  # DECP files: tests/decp/
    "hours.import_upload",  # files: test_property_imports below
    "hours.import_confirm",
    "food.import_purchases",
    "food.confirm_import",
    "participants.export_data",
}


@pytest.fixture
def world(db, admin):
    buyer = factories.BuyerFactory()
    company = factories.CompanyFactory()
    contract = factories.ContractFactory(buyer=buyer, holders=[company])
    clause = factories.ClauseFactory(contract=contract)
    participant = factories.ParticipantFactory()
    entry = factories.HourEntryFactory(participant=participant, clause=clause, employer=company)
    site = factories.CateringSiteFactory(buyer=buyer)
    supplier = factories.SupplierFactory()
    purchase = factories.PurchaseFactory(site=site, supplier=supplier)
    factories.ObjectiveFactory(buyer=buyer, year=2025)
    return {
        "user_id": admin.id,
        "buyer_id": buyer.id,
        "territory_id": 1,
        "company_id": company.id,
        "contract_id": contract.id,
        "clause_id": clause.id,
        "participant_id": participant.id,
        "outcome_id": 1,
        "entry_id": entry.id,
        "purchase_id": purchase.id,
        "site_id": site.id,
        "supplier_id": supplier.id,
        "year": 2025,
        "fmt": "json",
        "token": "0",
    }


def _form_routes(app):
    return sorted(
        (rule.rule, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint not in SKIPPED
    )


def _field_names(client, url) -> list[str]:
    page = client.get(url)
    names = (
        set(re.findall(r'name="([^"]+)"', page.get_data(as_text=True))) if page.status_code == 200 else set()
    )
    return sorted(names - {"csrf_token", "q", "viewport"}) or ["name", "value"]


ROUTES = _form_routes(__import__("app").create_app(__import__("config").TestingConfig))


@pytest.mark.parametrize("rule, endpoint", ROUTES, ids=[endpoint for _rule, endpoint in ROUTES])
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_no_submission_breaks_a_form(as_admin, world, rule, endpoint, data):
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(world[m.group(1)]), rule)
    names = _field_names(as_admin, url)
    form = data.draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=len(names)))
    response = as_admin.post(url, data=form)
    assert response.status_code < 500, (url, form)


def test_the_world_has_hours_in_april(world, db):
    from app.hours.models import HourEntry

    entry = db.session.get(HourEntry, world["entry_id"])
    assert entry.month == date(2025, 4, 1) and entry.hours == Decimal("35")


def test_a_percentage_out_of_range_is_explained(as_admin, world):
    response = as_admin.post(
        f"/marches/clauses/{world['clause_id']}/modifier",
        data={"kind": "execution_condition", "hours_method": "rate", "labour_share": "150", "version": "1"},
    )
    assert response.status_code == 200 and "au plus égal à 100 %." in response.get_data(as_text=True)


def _csv(header, rows) -> bytes:
    return "\r\n".join(";".join(cells) for cells in [list(header), *rows]).encode("utf-8")


CELLS = st.lists(st.lists(VALUES.map(lambda v: v.replace(";", ",").replace("\n", " ").replace("\r", " ").replace('"', "")), min_size=1, max_size=12), min_size=1, max_size=4)  # fmt: skip


@pytest.mark.parametrize("url", ["/heures/import", "/alimentation/achats/import"])
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=CELLS, as_xlsx=st.booleans())
def test_no_import_file_breaks_an_import(as_admin, world, url, rows, as_xlsx):
    import io

    from app.core.tabular import xlsx_bytes
    from app.food.services.imports import LEVIER_COLUMNS
    from app.hours.services.imports import COLUMN_NAMES

    header = (
        COLUMN_NAMES if url.startswith("/heures") else [name for name, _label, _example in LEVIER_COLUMNS]
    )
    content = xlsx_bytes(header, rows) if as_xlsx else _csv(header, rows)
    name = "import.xlsx" if as_xlsx else "import.csv"
    response = as_admin.post(
        url, data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )
    assert response.status_code < 500, rows
