"""Entering and editing a contract through the form: holders, validation, optimistic lock."""

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.contracts import services
from app.contracts.models import Clause, Contract
from app.core.audit import AuditEntry
from app.extensions import db
from app.referential.models import Company
from tests import factories
from tests.contracts.conftest import company, contract_payload, valid_siret


def text(response) -> str:
    """The page as a reader sees it (HTML entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_officer_creates_contract_with_two_holders_and_a_computed_clause(as_officer, buyer, facilitator):
    known = company(name="Peinture Artois")
    new_siret = valid_siret()
    response = as_officer.post(
        "/marches/nouveau",
        data=contract_payload(
            buyer,
            holders=[(known.identifier, ""), (new_siret, "Insertion Bâtiment 62")],
            territory_id=str(factories.territory("Artois").id),
        ),
    )
    assert response.status_code == 302
    contract = db.session.scalars(select(Contract)).one()
    assert contract.reference == "2026-T042"
    assert contract.amount_excl_tax == Decimal("1000000.00")
    assert contract.cpv_code == "45442100" and contract.category == "works"
    assert [h.company.name for h in contract.holders] == ["Peinture Artois", "Insertion Bâtiment 62"]
    assert contract.territory.name == "Artois"
    assert contract.environmental_considerations == ["Clause environnementale"]

    response = as_officer.post(
        f"/marches/{contract.id}/clauses/nouvelle",
        data={
            "kind": "execution_condition",
            "hours_method": "rate",
            "labour_share": "50",
            "insertion_rate": "5",
            "hourly_cost": "30",
            "facilitator_ids": [str(facilitator.id)],
        },
    )
    assert response.status_code == 302
    clause = db.session.scalars(select(Clause)).one()
    # 1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833,33… h, shown and stored as 833 h.
    assert clause.planned_hours == Decimal("833")
    assert (clause.labour_share, clause.insertion_rate, clause.hourly_cost) == (
        Decimal("50"),
        Decimal("5"),
        Decimal("30"),
    )
    assert clause.facilitators == [facilitator]
    page = as_officer.get(f"/marches/{contract.id}").get_data(as_text=True)
    assert "833\u00a0h" in page
    assert "L2112-2" in page
    assert "Travaux de peinture" in page
    assert "Clause Clause" not in text(as_officer.get(f"/marches/{contract.id}"))


def test_flat_ratio_clause_stores_one_hour_per_n_euros(as_officer, buyer):
    contract = factories.ContractFactory(buyer=buyer, amount_excl_tax=Decimal("250000"))
    as_officer.post(
        f"/marches/{contract.id}/clauses/nouvelle",
        data={"kind": "execution_condition", "hours_method": "flat", "euros_per_hour": "2 000"},
    )
    clause = db.session.scalars(select(Clause)).one()
    assert clause.planned_hours == Decimal("125")
    assert clause.euros_per_hour == Decimal("2000")


def test_calculator_preview_shows_hours_without_saving(as_officer, buyer):
    contract = factories.ContractFactory(buyer=buyer, amount_excl_tax=Decimal("1000000"))
    response = as_officer.post(
        f"/marches/{contract.id}/clauses/nouvelle",
        data={
            "kind": "execution_condition",
            "hours_method": "rate",
            "labour_share": "50",
            "insertion_rate": "5",
            "hourly_cost": "30",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    assert "833\u00a0h" in text(response)
    assert count(Clause) == 0


def test_award_criterion_requires_its_weight(as_officer, buyer):
    contract = factories.ContractFactory(buyer=buyer)
    response = as_officer.post(
        f"/marches/{contract.id}/clauses/nouvelle",
        data={"kind": "award_criterion", "hours_method": "manual", "planned_hours": "200"},
    )
    assert response.status_code == 200
    assert "pondération du critère social" in text(response)
    assert count(Clause) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"holders": [("12345678901234", "Mauvais SIRET")]}, "SIRET invalide"),
        ({"cpv_code": "45000000-3"}, "Chiffre de contrôle CPV incorrect"),
        ({"cpv_code": "99999999"}, "n'existe pas dans la nomenclature CPV 2008"),
        ({"cpv_code": "4500"}, "Code CPV invalide"),
        ({"amount_excl_tax": "-1 500,00"}, "Le montant doit être strictement positif."),
        ({"amount_excl_tax": "0"}, "Le montant doit être strictement positif."),
        (
            {"ends_on": "2026-01-31", "duration_months": ""},
            "La date de fin ne peut pas précéder la date de notification.",
        ),
        ({"duration_months": "0"}, "La durée doit être d'au moins un mois."),
        ({"holders": [(valid_siret(), "")]}, "indiquez sa raison sociale"),
        ({"holders": []}, "Indiquez au moins un titulaire"),
        ({"reference": ""}, "La référence est obligatoire."),
    ],
    ids=[
        "bad-siret",
        "bad-cpv-check-digit",
        "unknown-cpv",
        "malformed-cpv",
        "negative-amount",
        "zero-amount",
        "end-before-start",
        "zero-duration",
        "new-siret-without-name",
        "no-holder",
        "no-reference",
    ],
)
def test_invalid_contract_is_refused_with_a_french_message_and_nothing_written(
    as_officer, buyer, overrides, message
):
    companies_before = count(Company)
    response = as_officer.post("/marches/nouveau", data=contract_payload(buyer, **overrides))
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "n'a pas été enregistré" in page
    assert count(Contract) == 0
    assert count(Company) == companies_before
    assert count(AuditEntry) == 0


def test_duplicate_reference_for_the_same_buyer_is_refused(as_officer, buyer):
    factories.ContractFactory(buyer=buyer, reference="2026-T042")
    response = as_officer.post("/marches/nouveau", data=contract_payload(buyer))
    assert "a déjà un marché de référence 2026-T042" in text(response)
    assert count(Contract) == 1


def test_end_date_gives_the_duration_in_months(as_officer, buyer):
    as_officer.post(
        "/marches/nouveau", data=contract_payload(buyer, duration_months="", ends_on="2028-03-01")
    )
    contract = db.session.scalars(select(Contract)).one()
    assert contract.duration_months == 24
    assert contract.ends_on.isoformat() == "2028-03-01"


def test_add_holder_button_offers_another_row_without_saving(as_officer, buyer):
    response = as_officer.post("/marches/nouveau", data=contract_payload(buyer, add_holder="1"))
    assert response.status_code == 200
    assert 'name="holders-1-identifier"' in text(response)
    assert count(Contract) == 0


def _version_in(page: str) -> str:
    return re.search(
        r'name="version" type="hidden" value="(\d+)"|id="version" name="version" type="hidden" value="(\d+)"',
        page,
    ) and re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)


def test_edit_saves_changes_and_records_them_in_the_history(as_officer, buyer):
    contract = factories.ContractFactory(
        buyer=buyer, reference="2025-A1", amount_excl_tax=Decimal("100000"), holders=[company()]
    )
    siret = contract.holders[0].company.identifier
    page = as_officer.get(f"/marches/{contract.id}/modifier").get_data(as_text=True)
    version = _version_in(page)
    response = as_officer.post(
        f"/marches/{contract.id}/modifier",
        data=contract_payload(
            buyer, reference="2025-A1", amount_excl_tax="120 000", holders=[(siret, "")], version=version
        ),
    )
    assert response.status_code == 302
    db.session.refresh(contract)
    assert contract.amount_excl_tax == Decimal("120000.00")
    page = as_officer.get(f"/marches/{contract.id}").get_data(as_text=True)
    assert "Modification" in page
    assert "120\u00a0000,00\u00a0€" in page or "120 000,00" in page


def test_edit_conflict_shows_what_changed_and_saves_nothing(as_officer, buyer, admin):
    contract = factories.ContractFactory(
        buyer=buyer, reference="2025-A1", amount_excl_tax=Decimal("100000"), holders=[company()]
    )
    siret = contract.holders[0].company.identifier
    version = _version_in(as_officer.get(f"/marches/{contract.id}/modifier").get_data(as_text=True))

    # Meanwhile a colleague changes the object and the amount.
    data = services.ContractData(
        buyer_id=buyer.id,
        reference="2025-A1",
        object="Objet modifié par un collègue",
        cpv_code="45000000",
        amount_excl_tax=Decimal("150000"),
        holders=[services.HolderData(identifier=siret)],
    )
    services.update_contract(admin, contract, data, expected_version=contract.version)
    db.session.commit()
    audit_count = count(AuditEntry)

    response = as_officer.post(
        f"/marches/{contract.id}/modifier",
        data=contract_payload(
            buyer, reference="2025-A1", amount_excl_tax="90 000", holders=[(siret, "")], version=version
        ),
    )
    assert response.status_code == 200
    page = text(response)
    assert "modifié par quelqu'un d'autre" in page
    assert "Objet modifié par un collègue" in page  # their value, in the table of changes
    assert "Montant HT" in page and "150\u00a0000,00\u00a0€" in page and "90\u00a0000,00\u00a0€" in page
    db.session.refresh(contract)
    assert contract.amount_excl_tax == Decimal("150000.00")
    assert contract.object == "Objet modifié par un collègue"
    assert count(AuditEntry) == audit_count
    # The form now carries the current version: submitting again applies the officer's input.
    new_version = _version_in(page)
    assert new_version == str(contract.version)
    response = as_officer.post(
        f"/marches/{contract.id}/modifier",
        data=contract_payload(
            buyer, reference="2025-A1", amount_excl_tax="90 000", holders=[(siret, "")], version=new_version
        ),
    )
    assert response.status_code == 302
    db.session.refresh(contract)
    assert contract.amount_excl_tax == Decimal("90000.00")


def test_contract_of_a_deactivated_buyer_can_still_be_edited(as_officer, buyer):
    contract = factories.ContractFactory(buyer=buyer, reference="2025-A1", holders=[company()])
    buyer.is_active = False
    db.session.commit()
    assert f"{buyer.name} ({buyer.siret})" in text(as_officer.get(f"/marches/{contract.id}/modifier"))
    assert buyer.name not in text(as_officer.get("/marches/nouveau"))


def test_holder_rows_are_capped(as_officer, buyer):
    data = contract_payload(buyer, add_holder="1")
    for index in range(30):
        data[f"holders-{index}-identifier"] = ""
    response = as_officer.post("/marches/nouveau", data=data)
    assert response.status_code == 200
    assert 'name="holders-30-identifier"' not in text(response)


@pytest.mark.parametrize(
    "overrides",
    [
        {"labour_share": "150"},
        {"labour_share": "100,5"},
        {"insertion_rate": "-5"},
        {"kind": "award_criterion", "award_weight_percent": "0"},
    ],
)
def test_out_of_range_percentage_is_refused_and_what_was_typed_is_kept(as_officer, buyer, overrides):
    contract = factories.ContractFactory(buyer=buyer)
    data = {
        "kind": "execution_condition",
        "hours_method": "rate",
        "labour_share": "50",
        "insertion_rate": "5",
        "hourly_cost": "30",
        "notes": "Chantier du collège, lot 3",
        **overrides,
    }
    response = as_officer.post(f"/marches/{contract.id}/clauses/nouvelle", data=data)
    assert response.status_code == 200
    page = text(response)
    assert "pourcentage supérieur à 0 et au plus égal à 100 %" in page
    assert "Chantier du collège, lot 3" in page
    for name, value in overrides.items():
        if name != "kind":
            assert f'value="{value}"' in page
    assert count(Clause) == 0


def test_fields_of_another_clause_kind_neither_block_nor_get_saved(as_officer, buyer):
    """The form hides them without a script; what was left in them is ignored, not a hidden error."""
    contract = factories.ContractFactory(buyer=buyer, amount_excl_tax=Decimal("1000000"))
    response = as_officer.post(
        f"/marches/{contract.id}/clauses/nouvelle",
        data={
            "kind": "execution_condition",
            "hours_method": "manual",
            "planned_hours": "400",
            "labour_share": "150",
            "award_weight_percent": "0",
            "reserved_article": "L2113-13",
        },
    )
    assert response.status_code == 302
    clause = db.session.scalars(select(Clause)).one()
    assert clause.planned_hours == Decimal("400")
    assert (clause.labour_share, clause.award_weight_percent, clause.reserved_article) == (None, None, None)


def test_reserved_contract_commits_no_hours_whatever_the_calculator_holds(as_officer, buyer):
    contract = factories.ContractFactory(buyer=buyer)
    response = as_officer.post(
        f"/marches/{contract.id}/clauses/nouvelle",
        data={
            "kind": "reserved",
            "hours_method": "rate",
            "labour_share": "abc",
            "reserved_article": "L2113-13",
        },
    )
    assert response.status_code == 302
    clause = db.session.scalars(select(Clause)).one()
    assert (clause.kind, clause.planned_hours, clause.reserved_article) == ("reserved", None, "L2113-13")


def test_clause_form_marks_each_conditional_field_with_the_kinds_it_serves(as_officer, buyer):
    contract = factories.ContractFactory(buyer=buyer)
    page = as_officer.get(f"/marches/{contract.id}/clauses/nouvelle").get_data(as_text=True)
    assert re.search(
        r'kind-field for-award_criterion">\s*<div class="mb-3[^"]*">\s*<label[^>]*for="award_weight_percent"',
        page,
    )
    assert 'kind-field for-reserved"' in page
    assert "kind-field for-execution_condition for-award_criterion for-insertion_object" in page
