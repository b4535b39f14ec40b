"""Issue 17: the same database whatever the order, nothing reported when nothing changed, and the
values that must not pass silently (placeholders, unmapped procedure, 7-digit CPV, NaN, NUL)."""

import io
import json
import random
import time
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, select

from app.contracts.models import Clause, Contract, ContractHolder, clause_facilitators
from app.contracts.services import ContractData, HolderData, update_contract
from app.core.audit import AuditEntry
from app.core.enums import ClauseKind, Procedure
from app.decp.exports import export_decp, missing_fields
from app.decp.services import import_decp
from app.referential.models import Buyer, Company
from app.referential.services import find_buyer
from tests.decp.helpers import (
    COMMUNE,
    DEPARTEMENT,
    HOLDER_A,
    HOLDER_B,
    HOLDER_C,
    HOLDER_D,
    contract,
    import_json,
)

ACTOR = "test DECP"
NAMES = {
    HOLDER_A: "Alpha BTP",
    HOLDER_B: "Bravo Services",
    HOLDER_C: "Charlie Nettoyage",
    HOLDER_D: "Delta Cars",
}


def _record(
    reference,
    *,
    buyer=DEPARTEMENT,
    published="2025-01-15",
    amount=100000,
    holders=(HOLDER_A,),
    social="Clause sociale",
    modifications=(),
    **extra,
) -> dict:
    record = {
        "id": reference,
        "acheteur": {
            "id": buyer,
            "nom": "Département du Pas-de-Calais" if buyer == DEPARTEMENT else "Commune",
        },
        "nature": "Marché",
        "objet": f"Travaux {reference}",
        "codeCPV": "45000000",
        "procedure": "Procédure adaptée",
        "lieuExecution": {"code": "62041", "typeCode": "Code commune"},
        "dureeMois": 12,
        "dateNotification": "2024-06-01",
        "montant": amount,
        "titulaires": [
            {"titulaire": {"typeIdentifiant": "SIRET", "id": h, "denominationSociale": NAMES[h]}}
            for h in holders
        ],
        "considerationsSociales": {"considerationSociale": [social]},
    }
    if published is not None:
        record["datePublicationDonnees"] = published
    if modifications:
        record["modifications"] = [{"modification": m} for m in modifications]
    record.update(extra)
    return record


def _records() -> list[dict]:
    """Unique contracts and duplicates of every kind the national files hold."""
    return [
        # Three publications: the latest date wins.
        _record("D-DATE", published="2025-01-10", amount=1000),
        _record("D-DATE", published="2025-03-10", amount=3000, holders=(HOLDER_A, HOLDER_B)),
        _record("D-DATE", published="2025-02-10", amount=2000, social="Critère social"),
        # Same date: the one with more modifications wins.
        _record("D-MODS", amount=500),
        _record(
            "D-MODS",
            amount=500,
            modifications=[{"id": 1, "montant": 800, "dateNotificationModification": "2025-01-02"}],
        ),
        # Same date, same modifications, different content: a content key decides, the same every time.
        _record("D-TIE", amount=700, holders=(HOLDER_C,)),
        _record("D-TIE", amount=750, holders=(HOLDER_D,), social="Marché réservé"),
        # No publication date at all.
        _record("D-NODATE", published=None, amount=900),
        _record("D-NODATE", published=None, amount=950, holders=(HOLDER_B,)),
        # Same reference at another buyer: another contract.
        _record("D-TIE", buyer=COMMUNE, amount=111),
        *[
            _record(f"U-{i}", amount=10000 + i, holders=((HOLDER_A, HOLDER_B, HOLDER_C)[i % 3],))
            for i in range(8)
        ],
    ]


def _file(records) -> io.BytesIO:
    return io.BytesIO(json.dumps({"marches": {"marche": records}}).encode())


def _dump(db) -> dict:
    """Every imported row by its natural key (no surrogate id, timestamp or lock counter)."""
    contracts = db.session.execute(
        select(Contract, Buyer.siret).join(Buyer, Buyer.id == Contract.buyer_id)
    ).all()
    return {
        "buyers": sorted(db.session.execute(select(Buyer.siret, Buyer.name, Buyer.kind)).all()),
        "companies": sorted(
            db.session.execute(select(Company.identifier_type, Company.identifier, Company.name)).all()
        ),
        "contracts": sorted(
            (
                siret,
                c.reference,
                c.object,
                c.kind,
                c.nature,
                c.procedure,
                c.cpv_code,
                c.category,
                c.amount_excl_tax,
                c.notified_on,
                c.duration_months,
                c.place_code,
                c.place_type,
                tuple(c.environmental_considerations),
                c.source,
                c.decp_published_on,
                c.decp_rank,
                tuple(h.company.identifier for h in c.holders),
                tuple(sorted((k.kind, k.needs_review, k.hours_method) for k in c.clauses)),
            )
            for c, siret in contracts
        ),
    }


def _empty(db) -> None:
    db.session.rollback()
    for table in (clause_facilitators, Clause.__table__, ContractHolder.__table__, Contract.__table__):
        db.session.execute(delete(table))
    for model in (Company, Buyer, AuditEntry):
        db.session.execute(delete(model))
    db.session.commit()


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_same_records_in_three_orders_give_the_same_database(db):
    records = _records()
    shuffled = list(records)
    random.Random(17).shuffle(shuffled)
    dumps = []
    for order in (records, list(reversed(records)), shuffled):
        for batch_size in (1000, 3):  # one batch, and duplicates spread over several batches
            _empty(db)
            summary = import_decp(ACTOR, _file(order), name="ordre.json", batch_size=batch_size)
            db.session.commit()
            assert summary.rejected == 0
            dumps.append(_dump(db))

    assert all(dump == dumps[0] for dump in dumps[1:])
    winners = {row[1]: row for row in dumps[0]["contracts"] if row[0] == DEPARTEMENT}
    assert winners["D-DATE"][8] == Decimal("3000.00") and winners["D-DATE"][17] == (HOLDER_A, HOLDER_B)
    assert winners["D-MODS"][8] == Decimal("800.00")
    # Clauses come from every publication: an import never removes one.
    assert winners["D-DATE"][18] == (
        (ClauseKind.AWARD_CRITERION, True, "manual"),
        (ClauseKind.EXECUTION_CONDITION, True, "manual"),
    )


def test_files_imported_in_swapped_order_give_the_same_database(runner, db, tmp_path):
    records = _records()
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps({"marches": {"marche": records[0::2]}}), encoding="utf-8")
    second.write_text(json.dumps({"marches": {"marche": records[1::2]}}), encoding="utf-8")

    assert import_json(runner, first, second)[0] == 0
    forward = _dump(db)
    _empty(db)
    assert import_json(runner, second, first)[0] == 0

    assert _dump(db) == forward


def test_duplicates_are_reported_with_their_count(db):
    summary = import_decp(ACTOR, _file(_records()), name="doublons.json")

    # D-DATE thrice, D-MODS, D-TIE and D-NODATE twice: 2 + 1 + 1 + 1 records beyond the first.
    assert summary.warnings["duplicate"] == 5
    assert summary.read == summary.created + summary.updated + summary.unchanged + summary.rejected


def test_a_reimport_in_any_order_creates_updates_and_audits_nothing(runner, db, tmp_path):
    records = _records()
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": {"marche": records}}), encoding="utf-8")
    reversed_path = tmp_path / "inverse.json"
    reversed_path.write_text(json.dumps({"marches": {"marche": records[::-1]}}), encoding="utf-8")
    import_json(runner, path)
    audit_before, clauses_before = _count(db, AuditEntry), _count(db, Clause)
    before = _dump(db)

    for again in (path, reversed_path):
        code, summary = import_json(runner, again)
        assert code == 0
        assert (summary["created"], summary["updated"]) == (0, 0)
        assert summary["unchanged"] == summary["read"] == len(records)
    assert _count(db, AuditEntry) == audit_before
    assert _count(db, Clause) == clauses_before
    assert _dump(db) == before


def test_one_audit_entry_per_changed_contract_says_what_changed(db):
    import_decp(ACTOR, _file([_record("A-1"), _record("A-2")]), name="a.json")
    db.session.commit()
    newer = _record("A-1", published="2025-06-01", amount=123456, social="Marché réservé")

    summary = import_decp(ACTOR, _file([newer, _record("A-2")]), name="b.json")
    db.session.commit()

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    updates = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).all()
    assert len(updates) == 1
    assert updates[0].changes == {
        "amount_excl_tax": ["100000.00", "123456.00"],
        "decp_published_on": ["2025-01-15", "2025-06-01"],
        "clauses": [[ClauseKind.EXECUTION_CONDITION], [ClauseKind.EXECUTION_CONDITION, ClauseKind.RESERVED]],
    }
    assert _count(db, AuditEntry) == 2 + 1 + 1 + 1  # 2 creations, first import, 1 update, second import


def test_placeholder_identifiers_are_refused_and_placeholder_names_flagged(db):
    placeholder_buyer = _record("P-1", acheteur={"id": "00000000000000", "nom": "Inconnu"})
    no_candidate = _record("P-2")
    no_candidate["titulaires"] = [
        {
            "titulaire": {
                "typeIdentifiant": "SIRET",
                "id": "00000000000000",
                "denominationSociale": "PAS DE CANDIDAT",
            }
        }
    ]
    test_holder = _record("P-3")
    test_holder["titulaires"][0]["titulaire"]["denominationSociale"] = "test"

    summary = import_decp(ACTOR, _file([placeholder_buyer, no_candidate, test_holder]), name="p.json")
    db.session.commit()

    assert [(r["position"], r["reason"]) for r in summary.rejections] == [(0, "placeholder_buyer")]
    assert find_buyer("00000000000000") is None
    assert contract("P-2").holders == [] and summary.warnings["placeholder_holder"] == 1
    assert db.session.scalar(select(Company).where(Company.identifier == "00000000000000")) is None
    assert [h.company.identifier for h in contract("P-3").holders] == [HOLDER_A]
    assert summary.warnings["placeholder_holder_name"] == 1


def test_negotiated_procedure_without_publicity_is_mapped_and_exportable(db):
    record = _record("N-1", procedure="Marché public négocié sans publicité ni mise en concurrence préalable")

    import_decp(ACTOR, _file([record]), name="n.json")
    db.session.commit()

    assert contract("N-1").procedure == Procedure.SANS_PUBLICITE
    assert missing_fields(contract("N-1")) == []


def test_a_cpv_code_that_lost_its_leading_zero_is_padded_in_front(db):
    summary = import_decp(ACTOR, _file([_record("C-1", codeCPV=9132100)]), name="c.json")
    db.session.commit()

    assert contract("C-1").cpv_code == "09132100"
    assert summary.warnings["cpv_padded"] == 1


def test_nan_and_infinity_are_read_as_missing_with_a_warning_per_record(runner, db, tmp_path):
    text = json.dumps({"marches": {"marche": [_record("F-1"), _record("F-2"), _record("F-3")]}})
    text = text.replace('"montant": 100000', '"montant": NaN', 1).replace(
        '"dureeMois": 12', '"dureeMois": Infinity', 2
    )
    path = tmp_path / "nan.json"
    path.write_text(text, encoding="utf-8")

    code, summary = import_json(runner, path)

    assert code == 0 and summary["created"] == 3
    assert summary["warnings"]["non_finite_number"] == 2
    assert contract("F-1").amount_excl_tax is None and contract("F-1").duration_months is None
    assert contract("F-2").duration_months is None and contract("F-3").duration_months == 12


def test_a_record_with_a_nul_character_is_refused_and_the_others_kept(runner, db, tmp_path):
    records = [_record(f"Z-{i}") for i in range(11)]
    records[4]["objet"] = "Travaux\u0000"
    path = tmp_path / "nul.json"
    path.write_text(json.dumps({"marches": {"marche": records}}), encoding="utf-8")
    raw = tmp_path / "nul_brut.json"
    raw.write_bytes(path.read_bytes().replace(b"Z-7", b"Z-\x007"))

    code, summary = import_json(runner, path, raw)

    assert code == 0
    first, second = summary["files"]
    assert (first["created"], first["rejected"]) == (10, 1)
    assert (
        first["rejections"][0]["position"] == 4 and first["rejections"][0]["reason"] == "invalid_characters"
    )
    assert (second["unchanged"], second["rejected"]) == (9, 2)
    assert [r["position"] for r in second["rejections"]] == [4, 7]
    assert _count(db, Contract) == 10


def test_a_deeply_nested_file_is_refused_quickly(runner, db, tmp_path):
    path = tmp_path / "profond.json"
    path.write_bytes(b'{"marches": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}")

    started = time.perf_counter()
    code, summary = import_json(runner, path)

    assert code == 1 and "imbrication" in summary["files"][0]["error"]
    assert time.perf_counter() - started < 5
    assert _count(db, Contract) == 0


def test_export_keeps_the_publication_date_after_an_edit_and_counts_the_undated(db):
    import_decp(
        ACTOR, _file([_record("E-1", published="2024-03-01"), _record("E-2", published=None)]), name="e"
    )
    db.session.commit()
    item = contract("E-1")
    data = ContractData(
        buyer_id=item.buyer_id,
        reference=item.reference,
        object="Objet corrigé par l'agent",
        procedure=item.procedure,
        cpv_code=item.cpv_code,
        amount_excl_tax=item.amount_excl_tax,
        notified_on=item.notified_on,
        duration_months=item.duration_months,
        place_code=item.place_code,
        place_type=item.place_type,
        holders=[HolderData(identifier=HOLDER_A)],
    )
    update_contract("agent", item, data)  # as the edit form does: it knows nothing of DECP
    db.session.commit()

    result = export_decp(find_buyer(DEPARTEMENT), 2024, today=date(2026, 1, 5))

    published = {r["id"]: r["datePublicationDonnees"] for r in result.document["marches"]["marche"]}
    assert published == {"E-1": "2024-03-01", "E-2": "2026-01-05"}
    assert result.undated == 1
