"""Records are written by batches: refusals, database errors and repeated contracts inside a batch."""

import io
import json

from sqlalchemy import func, select

from app.contracts.models import Clause, Contract
from app.core.audit import AuditEntry
from app.core.enums import ClauseKind
from app.decp import services
from app.decp.services import import_decp
from tests.decp.helpers import DEPARTEMENT, HOLDER_A, HOLDER_B, HOLDER_C, holder_ids

ACTOR = "test DECP"


def _record(index: int, *, holders=(HOLDER_A,), published="2025-01-15", social="Clause sociale") -> dict:
    return {
        "id": f"R{index:04d}",
        "acheteur": {"id": DEPARTEMENT, "nom": "Département"},
        "nature": "Marché",
        "objet": f"Travaux n° {index}",
        "codeCPV": "45000000",
        "procedure": "Procédure adaptée",
        "dureeMois": 12,
        "dateNotification": "2024-06-01",
        "datePublicationDonnees": published,
        "montant": 100000 + index,
        "titulaires": [
            {"titulaire": {"typeIdentifiant": "SIRET", "id": h, "denominationSociale": f"Entreprise {h}"}}
            for h in holders
        ],
        "considerationsSociales": {"considerationSociale": [social]},
    }


def _import(records: list[dict], batch_size: int = 10):
    stream = io.BytesIO(json.dumps({"marches": {"marche": records}}).encode())
    return import_decp(ACTOR, stream, name="lot.json", batch_size=batch_size)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_record_the_database_refuses_is_rejected_alone_and_the_batch_kept(db, monkeypatch):
    real_row = services.contract_row

    def broken_cpv_for_r0007(record):
        row = real_row(record)
        if record.reference == "R0007":
            row["cpv_code"] = "4500"  # breaks the cpv_format CHECK constraint, seen only when written
        return row

    monkeypatch.setattr(services, "contract_row", broken_cpv_for_r0007)

    summary = _import([_record(i) for i in range(20)] + [_record(3)])
    db.session.commit()

    assert (summary.created, summary.unchanged, summary.rejected) == (19, 1, 1)
    assert summary.rejections[0]["position"] == 7 and summary.rejections[0]["reason"] == "refused"
    # The batch redone record by record reports the duplicate once, as a first pass would.
    assert summary.warnings["duplicate"] == 1
    references = set(db.session.scalars(select(Contract.reference)))
    assert len(references) == 19 and "R0007" not in references
    # One clause to review per contract, none left behind by the refused record.
    assert _count(db, Clause) == 19


def test_one_audit_entry_per_created_contract_and_one_for_the_import(db):
    summary = _import([_record(i, social="Critère social" if i % 2 else "Clause sociale") for i in range(23)])
    db.session.commit()

    assert summary.created == 23
    contract_ids = set(db.session.scalars(select(Contract.id)))
    entries = db.session.scalars(select(AuditEntry)).all()
    creations = [e for e in entries if e.action == "create"]
    assert {e.object_type for e in creations} == {"Contract"}
    assert sorted(int(e.object_id) for e in creations) == sorted(contract_ids)
    first = next(e for e in creations if e.summary.startswith("Marché R0001"))
    assert first.changes["clauses"] == [[], [ClauseKind.AWARD_CRITERION]]
    assert first.changes["holders"] == [None, [HOLDER_A]]
    imports = [e for e in entries if e.action == "import"]
    assert len(imports) == 1 and imports[0].changes["created"] == 23
    assert len(entries) == 24 and all(e.actor == ACTOR for e in entries)


def test_a_contract_published_twice_in_one_batch_gets_the_latest_holders(db):
    records = [
        _record(1, holders=(HOLDER_A,), published="2025-01-10"),
        _record(2),
        _record(1, holders=(HOLDER_A, HOLDER_B), published="2025-02-10", social="Critère social"),
        _record(1, holders=(HOLDER_C,), published="2025-01-20"),  # older than the stored data: ignored
    ]

    summary = _import(records)
    db.session.commit()

    assert (summary.created, summary.updated, summary.unchanged) == (2, 1, 1)
    assert summary.warnings["older_than_stored"] == 1
    item = db.session.scalar(select(Contract).where(Contract.reference == "R0001"))
    assert holder_ids(item) == [HOLDER_A, HOLDER_B]
    assert sorted(c.kind for c in item.clauses) == sorted(
        [ClauseKind.EXECUTION_CONDITION, ClauseKind.AWARD_CRITERION]
    )
    updates = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "update", AuditEntry.object_id == str(item.id))
    ).all()
    assert len(updates) == 1 and "holders" in updates[0].changes


def test_the_result_does_not_depend_on_the_batch_size(db):
    records = [
        _record(i % 7, holders=(HOLDER_A, HOLDER_B)[: 1 + i % 2], published=f"2025-01-{10 + i}")
        for i in range(15)
    ]

    small = _import(records, batch_size=2).as_dict()
    db.session.rollback()
    whole = _import(records, batch_size=None).as_dict()

    assert small == whole
