"""DECP 2022 export: valid against the official schema, derived from clauses, and round-tripping."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from sqlalchemy import delete

from app.contracts.models import Clause, Contract, ContractHolder, clause_facilitators
from app.contracts.services import category_for_cpv
from app.core.audit import AuditEntry
from app.core.db import utcnow
from app.core.enums import ClauseKind, ContractKind, IdentifierType, Nature
from app.decp.exports import export_decp
from app.referential.models import Buyer, Company
from app.referential.services import find_buyer
from tests import factories
from tests.decp.helpers import DEPARTEMENT, HOLDER_A, HOLDER_B, HOLDER_C, WRAPPED_2022, import_json

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "app" / "data" / "schema_decp_v2.0.3.json").read_text(
        encoding="utf-8"
    )
)


def assert_valid(document: dict) -> None:
    errors = sorted(Draft7Validator(SCHEMA).iter_errors(document), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]


def _departement():
    return factories.BuyerFactory(siret=DEPARTEMENT, name="Département du Pas-de-Calais")


def _company(siret, name, identifier_type="SIRET"):
    return factories.CompanyFactory(identifier=siret, name=name, identifier_type=identifier_type)


def _contract(buyer, reference, holders, **fields):
    values = {
        "procedure": "Appel d'offres ouvert",
        "cpv_code": "45000000",
        "amount_excl_tax": Decimal("250000.00"),
        "notified_on": date(2024, 4, 2),
        "duration_months": 18,
        "place_code": "62041",
        "place_type": "Code commune",
    }
    values.update(fields)
    values["category"] = category_for_cpv(values["cpv_code"])  # as the contract services set it
    return factories.ContractFactory(buyer=buyer, reference=reference, holders=holders, **values)


@pytest.fixture
def portfolio(db):
    """Contracts of 2024 covering every clause kind, several holders and a foreign holder."""
    buyer = _departement()
    a = _company(HOLDER_A, "Routes du Nord SAS")
    b = _company(HOLDER_B, "Artois Enrobés")
    foreign = _company("BE0123456789", "Bouw Vlaanderen NV", IdentifierType.TVA)
    works = _contract(buyer, "2024-T01", [a, b], environmental_considerations=["Clause environnementale"])
    factories.ClauseFactory(contract=works, kind=ClauseKind.EXECUTION_CONDITION, planned_hours=Decimal("833"))
    factories.ClauseFactory(
        contract=works, kind=ClauseKind.AWARD_CRITERION, award_weight_percent=Decimal("10")
    )
    reserved = _contract(
        buyer,
        "2024-S02",
        [foreign],
        cpv_code="77310000",
        procedure="Procédure adaptée",
        amount_excl_tax=Decimal("45000.50"),
    )
    factories.ClauseFactory(contract=reserved, kind=ClauseKind.RESERVED, reserved_article="L2113-13")
    _contract(buyer, "2024-F03", [a], cpv_code="30192000", place_code="62", place_type="Code département")
    db.session.commit()
    return buyer


def _by_id(document):
    return {record["id"]: record for record in document["marches"]["marche"]}


def test_export_is_valid_against_the_official_schema(portfolio):
    result = export_decp(portfolio, 2024)

    assert result.exported == 3 and result.left_out == []
    assert_valid(result.document)


def test_social_considerations_are_derived_from_the_clauses(portfolio):
    records = _by_id(export_decp(portfolio, 2024).document)

    assert records["2024-T01"]["considerationsSociales"] == {
        "considerationSociale": ["Clause sociale", "Critère social"]
    }
    assert records["2024-S02"]["considerationsSociales"] == {"considerationSociale": ["Marché réservé"]}
    assert records["2024-F03"]["considerationsSociales"] == {
        "considerationSociale": ["Pas de considération sociale"]
    }
    assert records["2024-T01"]["considerationsEnvironnementales"] == {
        "considerationEnvironnementale": ["Clause environnementale"]
    }
    assert records["2024-F03"]["considerationsEnvironnementales"] == {
        "considerationEnvironnementale": ["Pas de considération environnementale"]
    }
    assert records["2024-S02"]["titulaires"] == [
        {
            "titulaire": {
                "typeIdentifiant": "TVA",
                "id": "BE0123456789",
                "denominationSociale": "Bouw Vlaanderen NV",
            }
        }
    ]
    assert records["2024-S02"]["montant"] == 45000.5


def test_insertion_object_clause_is_published_as_clause_sociale(portfolio, db):
    contract = _contract(portfolio, "2024-I04", [_company(HOLDER_C, "ACI du Ternois")])
    factories.ClauseFactory(contract=contract, kind=ClauseKind.INSERTION_OBJECT)

    records = _by_id(export_decp(portfolio, 2024).document)

    assert records["2024-I04"]["considerationsSociales"] == {"considerationSociale": ["Clause sociale"]}


def test_archived_other_years_and_incomplete_contracts_are_not_exported(portfolio, db):
    holder = _company(HOLDER_C, "Entreprise C")
    archived = _contract(portfolio, "2024-ARCH", [holder])
    archived.archived_at = utcnow()
    _contract(portfolio, "2023-OLD", [holder], notified_on=date(2023, 12, 31))
    _contract(portfolio, "2024-NOCPV", [holder], cpv_code=None, procedure=None)
    _contract(portfolio, "2024-PLACE", [holder], place_type="commune")
    _contract(
        portfolio,
        "2024-DSP",
        [holder],
        kind=ContractKind.CONCESSION,
        nature=Nature.DSP,
        procedure=None,
        cpv_code=None,
    )
    db.session.commit()

    result = export_decp(portfolio, 2024)

    assert set(_by_id(result.document)) == {"2024-T01", "2024-S02", "2024-F03"}
    left_out = dict(result.left_out)
    assert set(left_out) == {"2024-NOCPV", "2024-DSP", "2024-PLACE"}
    assert "lieu d'exécution" in left_out["2024-PLACE"]
    assert "code CPV" in left_out["2024-NOCPV"] and "procédure" in left_out["2024-NOCPV"]
    assert_valid(result.document)


def test_imported_file_exports_valid_with_its_modifications_applied(runner):
    import_json(runner, WRAPPED_2022)

    document = export_decp(find_buyer(DEPARTEMENT), 2023).document

    assert_valid(document)
    records = _by_id(document)
    assert records["2023-001"]["montant"] == 130000 and records["2023-001"]["dureeMois"] == 30
    assert records["2023-001"]["titulaires"][0]["titulaire"]["id"] == HOLDER_B
    assert records["2023-002"]["considerationsSociales"] == {"considerationSociale": ["Marché réservé"]}


def _contracts_as_seen(db) -> dict:
    """Every contract in business terms, without database ids."""
    seen = {}
    for contract in db.session.scalars(db.select(Contract)):
        seen[(contract.buyer.siret, contract.reference)] = {
            "buyer": contract.buyer.name,
            "object": contract.object,
            "kind": contract.kind,
            "nature": contract.nature,
            "procedure": contract.procedure,
            "cpv": contract.cpv_code,
            "category": contract.category,
            "amount": contract.amount_excl_tax,
            "notified_on": contract.notified_on,
            "duration": contract.duration_months,
            "place": (contract.place_code, contract.place_type),
            "environmental": contract.environmental_considerations,
            "holders": [
                (h.company.identifier_type, h.company.identifier, h.company.name) for h in contract.holders
            ],
            "clauses": sorted(c.kind for c in contract.clauses),
        }
    return seen


def _empty_database(db) -> None:
    for table in (clause_facilitators, Clause.__table__, ContractHolder.__table__, Contract.__table__):
        db.session.execute(delete(table))
    for model in (Company, Buyer, AuditEntry):
        db.session.execute(delete(model))
    db.session.commit()


def test_export_then_import_into_an_empty_database_gives_the_same_contracts(portfolio, runner, db, tmp_path):
    before = _contracts_as_seen(db)
    output = tmp_path / "decp.json"
    result = runner.invoke(
        args=["decp", "export", "--buyer", DEPARTEMENT, "--year", "2024", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    _empty_database(db)
    assert _contracts_as_seen(db) == {}

    code, summary = import_json(runner, output)

    assert code == 0 and summary["created"] == 3 and summary["warnings"] == {"holder_other_identifier": 1}
    assert _contracts_as_seen(db) == before


def test_export_command_prints_json_and_refuses_an_unknown_buyer(portfolio, runner):
    result = runner.invoke(args=["decp", "export", "--buyer", DEPARTEMENT, "--year", "2024"])
    assert result.exit_code == 0
    assert_valid(json.loads(result.stdout))

    unknown = runner.invoke(args=["decp", "export", "--buyer", HOLDER_C, "--year", "2024"])
    assert unknown.exit_code != 0 and "Acheteur inconnu" in unknown.output
