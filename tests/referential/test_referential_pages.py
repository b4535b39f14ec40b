"""Reference data pages: buyers (with the "local food" definition), territories, companies, CPV lookup."""

import html

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.referential.models import Buyer, Company, CpvCode, Territory
from tests import factories
from tests.contracts.conftest import valid_siret


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def buyer_form(**overrides) -> dict:
    data = {
        "siret": valid_siret(),
        "name": "Communauté urbaine d'Arras",
        "kind": "epci",
        "territory_id": "",
        "local_definition": "DEPARTEMENT",
        "local_radius_km": "",
        "is_active": "y",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_buyer_with_a_radius_definition_of_local(as_admin):
    response = as_admin.post(
        "/referentiel/acheteurs/nouveau", data=buyer_form(local_definition="KM", local_radius_km="80")
    )
    assert response.status_code == 302
    buyer = db.session.scalars(select(Buyer)).one()
    assert (buyer.local_definition, buyer.local_radius_km, buyer.kind) == ("KM", 80, "epci")
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "Buyer")) == "create"
    assert "Rayon de 80 km" in text(as_admin.get("/referentiel/acheteurs"))


def test_radius_is_required_when_local_is_a_radius(as_admin):
    response = as_admin.post("/referentiel/acheteurs/nouveau", data=buyer_form(local_definition="KM"))
    assert "Indiquez le rayon (en km)" in text(response)
    assert count(Buyer) == 0


def test_buyer_with_bad_siret_is_refused(as_admin):
    response = as_admin.post("/referentiel/acheteurs/nouveau", data=buyer_form(siret="12345678901234"))
    assert "SIRET invalide" in text(response)
    assert count(Buyer) == 0


def test_admin_edits_a_buyer_and_the_change_is_audited(as_admin):
    buyer = factories.BuyerFactory(siret=valid_siret(), name="Ancien nom")
    response = as_admin.post(
        f"/referentiel/acheteurs/{buyer.id}",
        data=buyer_form(siret=buyer.siret, name="Nouveau nom", local_definition="REGION"),
    )
    assert response.status_code == 302
    db.session.refresh(buyer)
    assert (buyer.name, buyer.local_definition, buyer.local_radius_km) == ("Nouveau nom", "REGION", None)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.changes["name"] == ["Ancien nom", "Nouveau nom"]


def test_admin_adds_and_renames_a_territory(as_admin):
    response = as_admin.post(
        "/referentiel/territoires/nouveau", data={"code": "littoral", "name": "Littoral", "is_active": "y"}
    )
    assert response.status_code == 302
    territory = db.session.scalars(select(Territory).where(Territory.code == "littoral")).one()
    as_admin.post(
        f"/referentiel/territoires/{territory.id}", data={"code": "littoral", "name": "Côte d'Opale"}
    )
    db.session.refresh(territory)
    assert territory.name == "Côte d'Opale" and territory.is_active is False


def test_duplicate_territory_name_is_refused(as_admin):
    response = as_admin.post(
        "/referentiel/territoires/nouveau", data={"code": "autre", "name": "Artois", "is_active": "y"}
    )
    assert "Un autre territoire porte déjà ce nom" in text(response)
    assert count(Territory) == 9


def test_officer_creates_and_requalifies_a_company(as_officer):
    siret = valid_siret()
    response = as_officer.post(
        "/referentiel/entreprises/nouvelle",
        data={"identifier_type": "SIRET", "identifier": siret, "name": "Chantier École", "kind": "ordinary"},
    )
    assert response.status_code == 302
    company = db.session.scalars(select(Company)).one()
    as_officer.post(
        f"/referentiel/entreprises/{company.id}",
        data={
            "identifier_type": "SIRET",
            "identifier": siret,
            "name": "Chantier École",
            "kind": "ACI",
            "commune_code": "62041",
        },
    )
    db.session.refresh(company)
    assert (company.kind, company.commune_code) == ("ACI", "62041")
    assert "Atelier et chantier d'insertion" in text(as_officer.get("/referentiel/entreprises?kind=ACI"))


def test_company_with_existing_siret_is_refused(as_officer):
    existing = factories.CompanyFactory(identifier=valid_siret(), name="Déjà là")
    response = as_officer.post(
        "/referentiel/entreprises/nouvelle",
        data={
            "identifier_type": "SIRET",
            "identifier": existing.identifier,
            "name": "Doublon",
            "kind": "ordinary",
        },
    )
    assert "Une entreprise a déjà cet identifiant : Déjà là" in text(response)
    assert count(Company) == 1


@pytest.mark.parametrize("user_fixture", ["as_officer", "as_reader", "as_facilitator"])
def test_only_admins_manage_buyers_and_territories(request, user_fixture):
    client = request.getfixturevalue(user_fixture)
    assert client.get("/referentiel/acheteurs").status_code == 403
    assert client.post("/referentiel/acheteurs/nouveau", data=buyer_form()).status_code == 403
    assert client.post("/referentiel/territoires/nouveau", data={"code": "x", "name": "X"}).status_code == 403
    assert count(Buyer) == 0


def test_reader_cannot_manage_companies(as_reader):
    assert as_reader.get("/referentiel/entreprises").status_code == 403
    assert as_reader.post("/referentiel/entreprises/nouvelle", data={}).status_code == 403


@pytest.fixture
def cpv(db):
    db.session.add_all(
        [
            CpvCode(code="45000000", check_digit="7", label="Travaux de construction"),
            CpvCode(code="45442100", check_digit="8", label="Travaux de peinture"),
            CpvCode(
                code="77310000",
                check_digit="6",
                label="Services de plantation et d'entretien des espaces verts",
            ),
        ]
    )
    db.session.commit()


def test_cpv_lookup_finds_codes_by_prefix_and_label(as_reader, cpv):
    by_code = as_reader.get("/referentiel/cpv.json?q=4544").get_json()
    assert by_code == {"results": [{"code": "45442100-8", "label": "Travaux de peinture"}]}
    by_label = as_reader.get("/referentiel/cpv.json?q=espaces verts").get_json()
    assert [r["code"] for r in by_label["results"]] == ["77310000-6"]
    assert as_reader.get("/referentiel/cpv.json?q=4").get_json() == {"results": []}


def test_cpv_search_page_works_without_javascript(as_reader, cpv):
    page = text(as_reader.get("/referentiel/cpv?q=peinture"))
    assert "45442100-8" in page and "Travaux de peinture" in page and "45000000-7" not in page


def test_load_cpv_command_loads_the_shipped_list(runner):
    result = runner.invoke(args=["ref", "load-cpv"])
    assert result.exit_code == 0, result.output
    assert count(CpvCode) > 9000
    assert db.session.get(CpvCode, "45000000").check_digit == "7"


def test_load_cpv_command_refuses_a_bad_line_and_keeps_the_list(runner, cpv, tmp_path):
    before = count(CpvCode)
    path = tmp_path / "cpv.csv"
    path.write_text("code,libelle_fr\n45000000-7,Travaux\n4500,Trop court\n", encoding="utf-8")
    result = runner.invoke(args=["ref", "load-cpv", str(path)])
    assert result.exit_code == 1
    assert "Ligne 3 : code CPV ou libellé invalide" in result.output
    assert count(CpvCode) == before
