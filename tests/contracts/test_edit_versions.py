"""Every edit form of a shared object carries its version: a lost update is refused, never skipped."""

import html
from decimal import Decimal

import pytest

from app.contracts import services
from app.contracts.models import Clause, Contract
from app.extensions import db
from tests import factories
from tests.contracts.conftest import contract_payload, valid_siret


def _clause_post(client, clause, **extra):
    data = {"kind": "execution_condition", "hours_method": "manual", "planned_hours": "650", **extra}
    return client.post(f"/marches/clauses/{clause.id}/modifier", data=data)


@pytest.fixture
def clause(buyer):
    return factories.ClauseFactory(
        contract=factories.ContractFactory(buyer=buyer), planned_hours=Decimal("500")
    )


def test_the_clause_form_carries_the_version(as_officer, clause):
    page = as_officer.get(f"/marches/clauses/{clause.id}/modifier").get_data(as_text=True)
    assert (
        'name="version" type="hidden" value="1"' in page
        or 'value="1"' in page.split('name="version"')[1][:40]
    )


def test_a_clause_changed_meanwhile_is_not_overwritten(as_officer, clause, admin):
    services.update_clause(
        admin, clause, services.ClauseData(kind="execution_condition", planned_hours=Decimal("800"))
    )
    db.session.commit()
    assert clause.version == 2
    response = _clause_post(as_officer, clause, version="1")
    assert response.status_code == 200
    assert "modifiée par quelqu'un d'autre" in html.unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Clause, clause.id).planned_hours == Decimal("800")


@pytest.mark.parametrize("version", [None, "", "abc", "²", "1e3", "-1"])
def test_a_clause_edit_without_a_readable_version_is_refused(as_officer, clause, version):
    extra = {} if version is None else {"version": version}
    response = _clause_post(as_officer, clause, **extra)
    assert response.status_code == 200
    assert "version de l'objet modifié manque" in html.unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Clause, clause.id).planned_hours == Decimal("500")


def test_a_clause_edit_with_the_current_version_is_saved(as_officer, clause):
    assert _clause_post(as_officer, clause, version="1").status_code == 302
    db.session.expire_all()
    saved = db.session.get(Clause, clause.id)
    assert saved.planned_hours == Decimal("650") and saved.version == 2


@pytest.mark.parametrize("version", [None, "abc", "٣"])
def test_a_contract_edit_without_a_readable_version_is_refused(as_officer, buyer, version):
    siret = valid_siret()
    contract = factories.ContractFactory(buyer=buyer, reference="2025-V1")
    payload = contract_payload(buyer, reference="2025-V1", amount_excl_tax="90 000", holders=[(siret, "")])
    payload.pop("version", None)
    if version is not None:
        payload["version"] = version
    response = as_officer.post(f"/marches/{contract.id}/modifier", data=payload)
    assert response.status_code == 200
    assert "version de l'objet modifié manque" in html.unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).amount_excl_tax == Decimal("100000.00")


@pytest.mark.parametrize("cpv", [" ", "   ", "\t"])
def test_a_cpv_code_of_spaces_is_no_code(as_officer, buyer, cpv):
    from tests.contracts.conftest import contract_payload

    response = as_officer.post("/marches/nouveau", data=contract_payload(buyer, cpv_code=cpv))
    assert response.status_code == 302
    assert db.session.scalars(db.select(Contract.cpv_code)).one() is None
