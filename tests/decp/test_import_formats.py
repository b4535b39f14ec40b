"""Both DECP formats, wrapped and plain shapes, marchés and concessions become contracts."""

from datetime import date
from decimal import Decimal

from app.core.enums import ClauseKind, ContractKind, ContractSource, IdentifierType
from app.referential.services import find_buyer, find_company
from tests.decp.helpers import (
    COMMUNE,
    DEPARTEMENT,
    FORMAT_2019,
    HOLDER_A,
    HOLDER_B,
    HOLDER_C,
    HOLDER_D,
    PLAIN_2022,
    WRAPPED_2022,
    clause_kinds,
    contract,
    holder_ids,
    import_json,
)


def test_2022_wrapped_file_creates_marches_and_concessions(runner):
    code, summary = import_json(runner, WRAPPED_2022)

    assert code == 0
    assert (summary["read"], summary["created"], summary["rejected"]) == (3, 3, 0)
    marche = contract("2023-001")
    assert marche.kind == ContractKind.MARCHE
    assert marche.object == "Réhabilitation du collège Jean Jaurès à Lens"
    assert marche.cpv_code == "45000000"
    assert marche.notified_on == date(2023, 3, 15)
    assert marche.place_code == "62498" and marche.place_type == "Code commune"
    assert marche.environmental_considerations == ["Clause environnementale"]
    assert marche.source == ContractSource.DECP
    concession = contract("DSP-2022-01")
    assert concession.kind == ContractKind.CONCESSION
    assert concession.nature == "Délégation de service public"
    assert concession.amount_excl_tax == Decimal("35000000")
    assert concession.notified_on == date(2022, 9, 1)
    assert holder_ids(concession) == [HOLDER_D]


def test_modifications_apply_latest_amount_duration_and_holders(runner):
    import_json(runner, WRAPPED_2022)

    marche = contract("2023-001")
    # Modification 2 (published 2023-09-01) wins over modification 1 (2023-06-01) whatever their order.
    assert marche.amount_excl_tax == Decimal("130000.00")
    assert marche.duration_months == 30
    # Only modification 1 changes the holders.
    assert holder_ids(marche) == [HOLDER_B]
    assert marche.decp_published_on == date(2023, 9, 1)


def test_social_considerations_become_clauses_to_review(runner):
    import_json(runner, WRAPPED_2022)

    marche = contract("2023-001")
    assert clause_kinds(marche) == [ClauseKind.AWARD_CRITERION, ClauseKind.EXECUTION_CONDITION]
    assert all(c.needs_review for c in marche.clauses)
    assert clause_kinds(contract("2023-002")) == [ClauseKind.RESERVED]
    assert clause_kinds(contract("DSP-2022-01")) == [ClauseKind.EXECUTION_CONDITION, ClauseKind.RESERVED]


def test_2022_plain_shapes_and_top_level_concessions(runner):
    code, summary = import_json(runner, PLAIN_2022)

    assert code == 0 and summary["created"] == 3
    repas = contract("P-2024-01", COMMUNE)
    assert holder_ids(repas) == [HOLDER_A, HOLDER_D]
    assert repas.environmental_considerations == ["Clause environnementale", "Critère environnemental"]
    assert clause_kinds(repas) == [ClauseKind.EXECUTION_CONDITION]
    nettoyage = contract("P-2024-02", COMMUNE)
    assert clause_kinds(nettoyage) == [ClauseKind.AWARD_CRITERION]
    assert nettoyage.environmental_considerations == []
    piscine = contract("C-2024-01", COMMUNE)
    assert piscine.kind == ContractKind.CONCESSION
    assert piscine.clauses == []
    assert holder_ids(piscine) == [HOLDER_C]


def test_2019_format_with_buyer_name_holder_names_and_modification(runner):
    code, summary = import_json(runner, FORMAT_2019)

    assert code == 0 and summary["created"] == 2
    assert find_buyer(DEPARTEMENT).name == "Département du Pas-de-Calais"
    voirie = contract("2019-0042")
    assert holder_ids(voirie) == [HOLDER_A, HOLDER_B]
    assert find_company(HOLDER_A).name == "Routes du Nord SAS"
    assert voirie.cpv_code == "45233141"
    assert voirie.amount_excl_tax == Decimal("2600000.00")
    assert voirie.duration_months == 20
    transport = contract("2019-DSP1")
    assert transport.kind == ContractKind.CONCESSION
    assert transport.place_type == "Code postal"
    assert find_company(HOLDER_D, IdentifierType.SIRET).name == "Cars de l'Audomarois"


def test_unknown_buyer_is_created_and_imports_are_audited(runner, db):
    from app.core.audit import AuditEntry

    import_json(runner, PLAIN_2022)

    assert find_buyer(COMMUNE) is not None
    entries = db.session.scalars(db.select(AuditEntry)).all()
    # One entry per contract created, one for the import (which names the buyers it created).
    assert {(e.object_type, e.action) for e in entries} == {("Contract", "create"), ("DecpImport", "import")}
    imported = next(e for e in entries if e.action == "import")
    assert COMMUNE in imported.changes["buyers_created"]
