"""Import DECP files into contracts: identity, freshness, clauses. Flushes, never commits.

A contract is identified by (buyer SIRET, DECP ``id``) — Contract.buyer + Contract.reference. A record
whose publication date (``datePublicationDonnees``, or its latest modification's) is older than the data
already held is ignored, so within a file and across files the latest publication wins whatever the order.
The caller commits once per file: a file is imported whole or not at all.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app.contracts.models import Clause, Contract
from app.contracts.services import (
    ClauseData,
    ContractData,
    add_clause,
    clause_snapshot,
    contract_snapshot,
    create_contract,
    update_contract,
)
from app.core import audit
from app.core.enums import ClauseKind, ContractSource
from app.core.errors import ServiceError
from app.core.forms import normalize_siret
from app.decp.cleaning import REJECTION_REASONS
from app.decp.normalize import Record, Rejected, buyer_siret_of, normalize_record
from app.decp.reader import iter_records
from app.extensions import db
from app.referential.services import find_or_create_buyer

MAX_WARNING_EXAMPLES = 200  # details kept for display; the counts by reason are always complete


@dataclass
class ImportSummary:
    """What an import did; ``as_dict()`` is the ``--json`` output."""

    file: str = ""
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # other buyers' records, with ``--buyer``
    rejected: int = 0
    warnings: Counter = field(default_factory=Counter)
    rejections: list[dict] = field(default_factory=list)
    warning_examples: list[dict] = field(default_factory=list)
    error: str | None = None  # the file could not be read: nothing of it was imported
    dry_run: bool = False

    def warn(self, position: int, reason: str, detail: str) -> None:
        self.warnings[reason] += 1
        if len(self.warning_examples) < MAX_WARNING_EXAMPLES:
            self.warning_examples.append({"position": position, "reason": reason, "detail": detail})

    def reject(self, position: int, path: str, reason: str, detail: str = "") -> None:
        self.rejected += 1
        self.rejections.append(
            {
                "position": position,
                "path": path,
                "reason": reason,
                "message": str(REJECTION_REASONS.get(reason, reason)) + (f" : {detail}" if detail else ""),
            }
        )

    @property
    def warning_count(self) -> int:
        return sum(self.warnings.values())

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "warnings": dict(sorted(self.warnings.items())),
            "rejections": self.rejections,
            "warning_examples": self.warning_examples,
            "error": self.error,
            "dry_run": self.dry_run,
        }


class _Importer:
    def __init__(self, actor, summary: ImportSummary, buyer_siret: str | None, batch_size: int | None):
        self.actor = actor
        self.summary = summary
        self.buyer_filter = normalize_siret(buyer_siret) if buyer_siret else None
        self.batch_size = batch_size
        self.buyer_ids: dict[str, int] = {}

    def run(self, stream: BinaryIO, on_record: Callable[[], None] | None) -> None:
        _begin_outer_transaction()
        for raw in iter_records(stream):
            self.summary.read += 1
            if (
                self.buyer_filter
                and isinstance(raw.data, dict)
                and buyer_siret_of(raw.data) != self.buyer_filter
            ):
                self.summary.skipped += 1
            else:
                self.import_one(raw)
            if self.batch_size and self.summary.read % self.batch_size == 0:
                # Keep memory flat on large files: write what is pending, forget the objects (same transaction).
                db.session.flush()
                db.session.expunge_all()
            if on_record is not None:
                on_record()

    def import_one(self, raw) -> None:
        position = raw.position

        def warn(reason: str, detail: str) -> None:
            self.summary.warn(position, reason, detail)

        try:
            record = normalize_record(raw.data, raw.kind, warn)
        except Rejected as rejection:
            self.summary.reject(position, raw.path, rejection.reason, rejection.detail)
            return
        # The buyer is found or created outside the record's savepoint: it stays valid if the record fails.
        buyer_id = self.buyer_id(record)
        savepoint = db.session.begin_nested()
        try:
            outcome = self.save(record, buyer_id, warn)
        except (ServiceError, IntegrityError) as error:
            savepoint.rollback()
            self.summary.reject(position, raw.path, "refused", str(getattr(error, "message", error))[:200])
            return
        savepoint.commit()
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)

    def buyer_id(self, record: Record) -> int:
        if record.buyer_siret not in self.buyer_ids:
            buyer = find_or_create_buyer(self.actor, record.buyer_siret, record.buyer_name)
            db.session.flush()
            self.buyer_ids[record.buyer_siret] = buyer.id
        return self.buyer_ids[record.buyer_siret]

    def save(self, record: Record, buyer_id: int, warn) -> str:
        """Create, update or leave the contract; return which (a ImportSummary counter name)."""
        contract = db.session.scalar(
            select(Contract).where(Contract.buyer_id == buyer_id, Contract.reference == record.reference)
        )
        data = contract_data(record, buyer_id, contract)
        if contract is None:
            contract = create_contract(self.actor, data)
            set_committed_value(contract, "clauses", [])  # a new contract has none: spare the lazy load
            add_missing_clauses(self.actor, contract, record.clause_kinds)
            return "created"
        if (
            contract.decp_published_on is not None
            and record.published_on is not None
            and record.published_on < contract.decp_published_on
        ):
            warn(
                "older_than_stored",
                f"{record.reference} : {record.published_on} < {contract.decp_published_on}",
            )
            return "unchanged"
        missing = _missing_clause_kinds(contract, record.clause_kinds)
        if not missing and _same(contract, data):
            return "unchanged"
        update_contract(self.actor, contract, data)
        add_missing_clauses(self.actor, contract, missing)
        return "updated"


def _begin_outer_transaction() -> None:
    """Make each record's SAVEPOINT nest inside the file's transaction, on SQLite too.

    pysqlite only opens a transaction before a data-changing statement; a SAVEPOINT issued first would be
    the outermost one, and releasing it would commit. A no-op UPDATE opens the transaction.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE buyers SET id = id WHERE 1 = 0"))


def contract_data(record: Record, buyer_id: int, contract: Contract | None) -> ContractData:
    return ContractData(
        buyer_id=buyer_id,
        reference=record.reference,
        object=(record.object or _("Objet non renseigné dans les données essentielles"))[:1000],
        nature=record.nature,
        kind=record.kind,
        procedure=record.procedure,
        cpv_code=record.cpv_code,
        amount_excl_tax=record.amount,
        notified_on=record.notified_on,
        duration_months=record.duration_months,
        place_code=record.place_code,
        place_type=record.place_type,
        territory_id=contract.territory_id if contract is not None else None,
        environmental_considerations=record.environmental,
        holders=record.holders,
        source=contract.source if contract is not None else ContractSource.DECP,
        decp_published_on=record.published_on,
    )


def _same(contract: Contract, data: ContractData) -> bool:
    """Compare what the record would write with what is stored (DECP fields only)."""
    stored = contract_snapshot(contract)
    wanted = {key: getattr(data, key) for key in stored if key != "holders"}
    wanted["environmental_considerations"] = sorted(data.environmental_considerations)
    wanted["object"] = data.object.strip()
    wanted["holders"] = [h.identifier for h in data.holders]
    return audit.diff(stored, wanted) == {} and contract.decp_published_on == data.decp_published_on


def _missing_clause_kinds(contract: Contract, kinds: list[str]) -> list[str]:
    present = {c.kind for c in contract.clauses}
    if ClauseKind.INSERTION_OBJECT in present:
        present.add(ClauseKind.EXECUTION_CONDITION)  # both are "Clause sociale" in DECP
    return [k for k in kinds if k not in present]


def add_missing_clauses(actor, contract: Contract, kinds: list[str]) -> None:
    """``considerationsSociales`` → clauses "to review": DECP carries neither hours, weight nor article."""
    for kind in _missing_clause_kinds(contract, kinds):
        if kind == ClauseKind.AWARD_CRITERION:
            # add_clause requires the criterion's weight, which DECP does not publish: the officer adds it.
            clause = Clause(contract=contract, kind=kind, needs_review=True, notes="")
            db.session.add(clause)
            db.session.flush()
            audit.record(
                actor,
                "create",
                clause,
                summary=f"Clause {ClauseKind.label_of(kind)} — marché {contract.reference} (DECP)",
                changes=audit.diff({}, clause_snapshot(clause)),
            )
        else:
            add_clause(actor, contract, ClauseData(kind=kind, needs_review=True))


def import_decp(
    actor,
    stream: BinaryIO,
    *,
    name: str = "",
    buyer_siret: str | None = None,
    batch_size: int | None = 500,
    on_record: Callable[[], None] | None = None,
) -> ImportSummary:
    """Import one DECP file; raise reader.UnreadableFile when the file itself cannot be read."""
    summary = ImportSummary(file=name)
    _Importer(actor, summary, buyer_siret, batch_size).run(stream, on_record)
    db.session.flush()
    return summary
