"""Import DECP files into contracts: identity, freshness, clauses. Flushes, never commits.

A contract is identified by (buyer SIRET, DECP ``id``) — Contract.buyer + Contract.reference. A record
whose publication date (``datePublicationDonnees``, or its latest modification's) is older than the data
already held is ignored, so within a file and across files the latest publication wins whatever the order.
The caller commits once per file: a file is imported whole or not at all.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.contracts.models import Clause, Contract
from app.contracts.services import (
    ClauseData,
    ContractData,
    add_clause,
    create_contract,
    update_contract,
)
from app.core import audit
from app.core.db import utcnow
from app.core.enums import ClauseKind, ContractSource, HoursMethod
from app.core.errors import ServiceError
from app.core.identifiers import normalize_siret
from app.decp.services.normalize import Record, Rejected, buyer_siret_of, normalize_record
from app.decp.services.reader import iter_records
from app.decp.services.summary import ImportSummary
from app.extensions import db
from app.referential.models import Company
from app.referential.services import company_key, find_or_create_buyer, load_companies

DEFAULT_BATCH_SIZE = 1000  # records per SAVEPOINT and flush


@dataclass
class _Item:
    """A record read and normalised, waiting for its batch; its warnings are replayed into the summary in order."""

    position: int
    path: str
    warnings: list[tuple[str, str]]
    record: Record | None = None
    buyer_id: int | None = None
    rejection: tuple[str, str] | None = None


class _Importer:
    """Import records by batches: one SAVEPOINT, two flushes and a few SELECTs per batch instead of per record.

    A batch that fails (a record refused, a constraint broken at flush) is rolled back and redone: the records
    before the failing one as a batch again, the failing one alone in its own SAVEPOINT, exactly as the
    record-by-record path (``import_alone``) always did, so the outcome does not depend on the batching.
    """

    def __init__(self, actor, summary: ImportSummary, buyer_siret: str | None, batch_size: int | None):
        self.actor = actor
        self.summary = summary
        self.buyer_filter = normalize_siret(buyer_siret) if buyer_siret else None
        self.batch_size = batch_size or DEFAULT_BATCH_SIZE
        self.expunge = batch_size is not None  # None (web upload): objects kept, as before
        self.buyer_ids: dict[str, int] = {}
        self.contracts: dict[tuple[int, str], Contract] = {}
        self.companies: dict = {}
        self.number_rows = db.session.get_bind().dialect.name == "sqlite"

    def run(self, stream: BinaryIO, on_record: Callable[[], None] | None) -> None:
        _begin_outer_transaction()
        batch: list[_Item] = []
        for raw in iter_records(stream):
            self.summary.read += 1
            if (
                self.buyer_filter
                and isinstance(raw.data, dict)
                and buyer_siret_of(raw.data) != self.buyer_filter
            ):
                self.summary.skipped += 1
            else:
                batch.append(self.prepare(raw))
            if len(batch) >= self.batch_size:
                self.import_batch(batch)
                batch = []
            if on_record is not None:
                on_record()
        self.import_batch(batch)

    def prepare(self, raw) -> _Item:
        item = _Item(raw.position, raw.path, [])
        try:
            item.record = normalize_record(raw.data, raw.kind, lambda *warning: item.warnings.append(warning))
        except Rejected as rejection:
            item.rejection = (rejection.reason, rejection.detail)
            return item
        # The buyer is found or created outside any SAVEPOINT: it stays valid if the record fails.
        item.buyer_id = self.buyer_id(item.record)
        return item

    def buyer_id(self, record: Record) -> int:
        if record.buyer_siret not in self.buyer_ids:
            buyer = find_or_create_buyer(self.actor, record.buyer_siret, record.buyer_name)
            db.session.flush()
            self.buyer_ids[record.buyer_siret] = buyer.id
        return self.buyer_ids[record.buyer_siret]

    def import_batch(self, items: list[_Item]) -> None:
        size = len(items)  # after a failure, smaller tries: less to redo when refusals come close together
        while items:
            chunk, items = items[:size], items[size:]
            failed = self.try_batch(chunk)
            if failed is None:
                size = min(2 * size, self.batch_size)
                continue
            if failed == len(chunk):  # the flush failed: the culprit is unknown
                for item in chunk:
                    self.import_alone(item)
                continue
            if failed and self.try_batch(chunk[:failed]) is not None:
                for item in chunk[:failed]:
                    self.import_alone(item)
            self.import_alone(chunk[failed])
            items = chunk[failed + 1 :] + items
            size = max(8, 2 * failed)
        if self.expunge:
            # Keep memory flat on large files: forget the written objects (same transaction).
            db.session.flush()
            db.session.expunge_all()

    def try_batch(self, items: list[_Item]) -> int | None:
        """Import the items in one SAVEPOINT; on failure roll it back and return the failing item's index."""
        mark = self.summary_mark()
        self.preload(items)
        savepoint = db.session.begin_nested()
        done = 0
        try:
            with db.session.no_autoflush, audit.deferred() as pending:
                for item in items:
                    self.import_in_batch(item)
                    done += 1
                self.flush()
                audit.write_deferred(pending)
            db.session.flush()
        except Exception:  # noqa: BLE001 — redone record by record, which reports or raises it as before
            savepoint.rollback()
            self.summary_restore(mark)
            return done
        finally:
            self.contracts, self.companies = {}, {}
        savepoint.commit()
        return None

    def flush(self) -> None:
        if self.number_rows:
            _number_new_rows()
        db.session.flush()

    def preload(self, items: list[_Item]) -> None:
        """Load the batch's existing contracts (with holders and clauses) and holder companies in a few queries."""
        references: dict[int, set[str]] = {}
        company_keys = set()
        for item in items:
            if item.record is not None:
                references.setdefault(item.buyer_id, set()).add(item.record.reference)
                for holder in item.record.holders:
                    key = company_key(holder.identifier, holder.identifier_type)
                    if key is not None:
                        company_keys.add(key)
        for buyer_id, refs in references.items():
            refs = sorted(refs)
            for start in range(0, len(refs), 500):
                query = (
                    select(Contract)
                    .where(Contract.buyer_id == buyer_id, Contract.reference.in_(refs[start : start + 500]))
                    .options(selectinload(Contract.holders), selectinload(Contract.clauses))
                )
                for contract in db.session.scalars(query):
                    self.contracts[(buyer_id, contract.reference)] = contract
        self.companies = load_companies(company_keys)

    def summary_mark(self) -> tuple:
        s = self.summary
        return (
            s.created,
            s.updated,
            s.unchanged,
            s.rejected,
            Counter(s.warnings),
            len(s.rejections),
            len(s.warning_examples),
        )

    def summary_restore(self, mark: tuple) -> None:
        s = self.summary
        s.created, s.updated, s.unchanged, s.rejected, s.warnings, rejections, examples = mark
        del s.rejections[rejections:]
        del s.warning_examples[examples:]

    def report_reading(self, item: _Item) -> bool:
        """Report the record's normalisation warnings and rejection; return whether it is to be saved."""
        for reason, detail in item.warnings:
            self.summary.warn(item.position, reason, detail)
        if item.rejection is not None:
            self.summary.reject(item.position, item.path, *item.rejection)
            return False
        return True

    def count(self, outcome: str) -> None:
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)

    def import_in_batch(self, item: _Item) -> None:
        """``save`` without queries nor flushes: contracts and companies come from the batch's preload."""
        if not self.report_reading(item):
            return
        record = item.record
        key = (item.buyer_id, record.reference)
        contract = self.contracts.get(key)
        # Normalised references are stripped: absent from the preload means no duplicate in the database.
        options = {"check_duplicate": False, "companies": self.companies, "flush": False}
        data = contract_data(record, item.buyer_id, contract)
        if contract is None:
            contract = create_contract(self.actor, data, **options)
            set_committed_value(contract, "clauses", [])  # a new contract has none: spare the lazy load
            add_missing_clauses(self.actor, contract, record.clause_kinds, flush=False)
            self.contracts[key] = contract
            self.count("created")
            return
        outcome = self.compare(item, contract, data)
        if outcome != "updated":
            self.count(outcome)
            return
        if contract.id is None or any(h.company_id is None for h in contract.holders):
            self.flush()  # written twice in one batch: holders are matched by company id
        update_contract(self.actor, contract, data, **options)
        add_missing_clauses(
            self.actor, contract, _missing_clause_kinds(contract, record.clause_kinds), flush=False
        )
        self.count("updated")

    def compare(self, item: _Item, contract: Contract, data: ContractData) -> str:
        """ "unchanged" when the record is older than the stored data or brings nothing new, else "updated"."""
        record = item.record
        if (
            contract.decp_published_on is not None
            and record.published_on is not None
            and record.published_on < contract.decp_published_on
        ):
            self.summary.warn(
                item.position,
                "older_than_stored",
                f"{record.reference} : {record.published_on} < {contract.decp_published_on}",
            )
            return "unchanged"
        missing = _missing_clause_kinds(contract, record.clause_kinds)
        if not missing and _same(contract, data):
            return "unchanged"
        return "updated"

    def import_alone(self, item: _Item) -> None:
        """One record in its own SAVEPOINT: refused records are reported, the others kept."""
        if not self.report_reading(item):
            return
        savepoint = db.session.begin_nested()
        try:
            outcome = self.save(item)
        except (ServiceError, IntegrityError) as error:
            savepoint.rollback()
            self.summary.reject(
                item.position, item.path, "refused", str(getattr(error, "message", error))[:200]
            )
            return
        savepoint.commit()
        self.count(outcome)

    def save(self, item: _Item) -> str:
        """Create, update or leave the contract; return which (a ImportSummary counter name)."""
        record, buyer_id = item.record, item.buyer_id
        contract = db.session.scalar(
            select(Contract).where(Contract.buyer_id == buyer_id, Contract.reference == record.reference)
        )
        data = contract_data(record, buyer_id, contract)
        if contract is None:
            contract = create_contract(self.actor, data)
            set_committed_value(contract, "clauses", [])  # a new contract has none: spare the lazy load
            add_missing_clauses(self.actor, contract, record.clause_kinds)
            return "created"
        outcome = self.compare(item, contract, data)
        if outcome == "updated":
            missing = _missing_clause_kinds(contract, record.clause_kinds)
            update_contract(self.actor, contract, data)
            add_missing_clauses(self.actor, contract, missing)
        return outcome


def _begin_outer_transaction() -> None:
    """Make each record's SAVEPOINT nest inside the file's transaction, on SQLite too.

    pysqlite only opens a transaction before a data-changing statement; a SAVEPOINT issued first would be
    the outermost one, and releasing it would commit. A no-op UPDATE opens the transaction.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE buyers SET id = id WHERE 1 = 0"))


def _number_new_rows() -> None:
    """Give new rows the id SQLite would (max + 1, in insertion order) and their timestamps before the flush.

    With nothing to read back, SQLAlchemy inserts a batch's rows in one statement per table; on SQLite it
    otherwise inserts them one by one with RETURNING. The file's transaction holds the write lock.
    """
    now = utcnow()
    new: dict[type, list] = {}
    for obj in db.session.new:
        if isinstance(obj, Contract | Company | Clause) and obj.id is None:
            new.setdefault(type(obj), []).append(obj)
            obj.created_at = obj.created_at or now
            obj.updated_at = obj.updated_at or now
    for model, objects in new.items():
        next_id = (db.session.scalar(select(func.max(model.id))) or 0) + 1
        for offset, obj in enumerate(sorted(objects, key=lambda o: inspect(o).insert_order)):
            obj.id = next_id + offset


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
    stored = audit.snapshot(contract)
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


def add_missing_clauses(actor, contract: Contract, kinds: list[str], *, flush: bool = True) -> None:
    """``considerationsSociales`` → clauses "to review": DECP carries neither hours, weight nor article."""
    for kind in _missing_clause_kinds(contract, kinds):
        if kind == ClauseKind.AWARD_CRITERION:
            # add_clause requires the criterion's weight, which DECP does not publish: the officer adds it.
            clause = Clause(
                contract=contract, kind=kind, hours_method=HoursMethod.MANUAL, needs_review=True, notes=""
            )
            db.session.add(clause)
            if flush:
                db.session.flush()
            audit.record(
                actor,
                "create",
                clause,
                summary=f"Clause {ClauseKind.label_of(kind)} — marché {contract.reference} (DECP)",
                changes=audit.changes_since({}, clause),
            )
        else:
            add_clause(actor, contract, ClauseData(kind=kind, needs_review=True), flush=flush)


def import_decp(
    actor,
    stream: BinaryIO,
    *,
    name: str = "",
    buyer_siret: str | None = None,
    batch_size: int | None = DEFAULT_BATCH_SIZE,
    on_record: Callable[[], None] | None = None,
) -> ImportSummary:
    """Import one DECP file; raise reader.UnreadableFile when the file itself cannot be read."""
    summary = ImportSummary(file=name)
    _Importer(actor, summary, buyer_siret, batch_size).run(stream, on_record)
    db.session.flush()
    return summary
