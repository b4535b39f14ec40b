"""Identity, idempotence, the latest-publication rule, transactions, filters and rejected records."""

import json
from decimal import Decimal

from sqlalchemy import func, select

from app.contracts.models import Clause, Contract
from app.core.audit import AuditEntry
from app.core.enums import ClauseKind
from tests import factories
from tests.decp.helpers import (
    COMMUNE,
    DEPARTEMENT,
    FORMAT_2019,
    MESSY,
    PLAIN_2022,
    WRAPPED_2022,
    clause_kinds,
    contract,
    import_json,
)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _write(tmp_path, name, document) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_importing_the_same_file_twice_changes_nothing(runner, db):
    import_json(runner, WRAPPED_2022, PLAIN_2022, FORMAT_2019, MESSY)
    audit_before = _count(db, AuditEntry)
    clauses_before = _count(db, Clause)

    code, summary = import_json(runner, WRAPPED_2022, PLAIN_2022, FORMAT_2019, MESSY)

    assert code == 0
    assert summary["created"] == 0 and summary["updated"] == 0
    assert summary["unchanged"] == summary["read"] - summary["rejected"]
    assert _count(db, AuditEntry) == audit_before
    assert _count(db, Clause) == clauses_before


def test_newer_publication_updates_the_contract_and_is_audited(runner, db, tmp_path):
    import_json(runner, WRAPPED_2022)
    document = json.loads(WRAPPED_2022.read_text(encoding="utf-8"))
    record = document["marches"]["marche"][1]
    record["objet"] = "Entretien des espaces verts et des bords de route"
    record["datePublicationDonnees"] = "2024-01-15"
    record["considerationsSociales"] = {"considerationSociale": ["Marché réservé", "Clause sociale"]}

    code, summary = import_json(runner, _write(tmp_path, "newer.json", document))

    assert code == 0 and summary["updated"] == 1 and summary["unchanged"] == 2
    item = contract("2023-002")
    assert item.object == "Entretien des espaces verts et des bords de route"
    # The new consideration is added, the existing reserved clause is not duplicated.
    assert clause_kinds(item) == [ClauseKind.EXECUTION_CONDITION, ClauseKind.RESERVED]
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_type == "Contract",
            AuditEntry.object_id == str(item.id),
            AuditEntry.action == "update",
        )
    )
    assert entry.changes["object"] == [
        "Entretien des espaces verts des sites départementaux",
        "Entretien des espaces verts et des bords de route",
    ]


def test_older_publication_does_not_overwrite_newer_data(runner, tmp_path):
    import_json(runner, WRAPPED_2022)
    document = json.loads(WRAPPED_2022.read_text(encoding="utf-8"))
    document["marches"]["marche"][1]["datePublicationDonnees"] = "2021-01-01"
    document["marches"]["marche"][1]["montant"] = 1000

    code, summary = import_json(runner, _write(tmp_path, "older.json", document))

    assert summary["updated"] == 0 and summary["warnings"]["older_than_stored"] == 1
    assert contract("2023-002").amount_excl_tax == Decimal("45000.50")


def test_within_a_file_the_latest_publication_wins_whatever_the_order(runner):
    code, summary = import_json(runner, MESSY)

    # DUP-1: newest first, then an older copy; DUP-2: older first, then the newest.
    assert contract("DUP-1").amount_excl_tax == Decimal("50000.00")
    assert contract("DUP-1").object == "Doublon, version la plus récente en premier"
    assert contract("DUP-2").amount_excl_tax == Decimal("20000.00")
    assert contract("DUP-2").object == "Doublon, version récente en second"


def test_records_without_buyer_or_id_are_rejected_with_their_position(runner):
    code, summary = import_json(runner, MESSY)

    assert code == 0  # rejected records do not fail the command
    assert summary["read"] == 24
    assert summary["rejected"] == 3
    assert [(r["position"], r["reason"]) for r in summary["rejections"]] == [
        (16, "missing_buyer"),
        (17, "missing_id"),
        (18, "invalid_buyer"),
    ]
    assert summary["rejections"][0]["path"] == "marches[16]"
    assert (
        summary["read"]
        == summary["created"] + summary["updated"] + summary["unchanged"] + summary["rejected"]
    )


def test_dry_run_writes_nothing_but_reports_everything(runner, db):
    code, summary = import_json(runner, WRAPPED_2022, extra=["--dry-run"])

    assert code == 0 and summary["created"] == 3
    assert _count(db, Contract) == 0
    assert _count(db, AuditEntry) == 0


def test_buyer_option_restricts_the_import_to_that_buyer(runner, db):
    code, summary = import_json(runner, PLAIN_2022, WRAPPED_2022, extra=["--buyer", COMMUNE])

    assert summary["read"] == 6 and summary["created"] == 3 and summary["skipped"] == 3
    assert contract("2023-001") is None
    assert contract("P-2024-01", COMMUNE) is not None


def test_unreadable_file_fails_and_imports_nothing_of_it(runner, db, tmp_path):
    truncated = tmp_path / "tronque.json"
    text = WRAPPED_2022.read_text(encoding="utf-8")
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")

    code, summary = import_json(runner, PLAIN_2022, truncated)

    assert code == 1
    assert summary["files"][1]["error"].startswith("JSON illisible")
    # The readable file is committed on its own; nothing of the broken one (its first records were read).
    assert _count(db, Contract) == 3
    assert contract("2023-001") is None


def test_file_without_decp_container_or_missing_file_fails(runner, tmp_path):
    other = _write(tmp_path, "autre.json", {"data": [1, 2]})

    assert import_json(runner, other)[0] == 1
    assert import_json(runner, tmp_path / "absent.json")[0] == 1


def test_import_updates_a_contract_typed_by_hand_with_the_same_reference(runner, db):
    buyer = factories.BuyerFactory(siret=DEPARTEMENT)
    typed = factories.ContractFactory(buyer=buyer, reference="2023-002", object="Saisi à la main")
    factories.ClauseFactory(contract=typed, kind=ClauseKind.RESERVED)

    code, summary = import_json(runner, WRAPPED_2022)

    assert summary["updated"] == 1 and summary["created"] == 2
    item = contract("2023-002")
    assert item.id == typed.id and item.object.startswith("Entretien des espaces verts")
    assert clause_kinds(item) == [ClauseKind.RESERVED]


def test_human_readable_summary_lists_warnings_and_rejections(runner):
    result = runner.invoke(args=["decp", "import", str(MESSY)])

    assert result.exit_code == 0
    assert "lus 24" in result.output and "rejetés 3" in result.output
    assert "Montant fictif" in result.output
    assert "Rejeté n° 16 (marches[16]) : Acheteur absent" in result.output


def test_a_record_refused_by_the_database_is_rejected_alone(runner, db, monkeypatch):
    from app.decp import services

    real_row = services.contract_row

    def negative_duration(record):
        row = real_row(record)
        if record.reference == "2023-002":
            row["duration_months"] = -1  # breaks the duration_positive CHECK constraint
        return row

    monkeypatch.setattr(services, "contract_row", negative_duration)

    code, summary = import_json(runner, WRAPPED_2022)

    assert code == 0
    assert summary["created"] == 2 and summary["rejected"] == 1
    assert summary["rejections"][0]["path"] == "marches.marche[1]"
    assert summary["rejections"][0]["reason"] == "refused"
    assert contract("2023-002") is None
    assert contract("2023-001") is not None and contract("DSP-2022-01") is not None
    assert _count(db, Contract) == 2
