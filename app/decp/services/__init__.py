"""Import DECP files into contracts: identity, one order between publications, clauses. Never commits.

A contract is identified by (buyer SIRET, DECP ``id``) — Contract.buyer + Contract.reference. When it is
published several times (in one file, in several files, in successive imports), the publication kept is
the greatest by (publication date — ``datePublicationDonnees`` or its latest modification's —, number of
modifications, a hash of the normalised content): a total order, whose key is stored in
``Contract.decp_rank``, so that whatever the order of the records and of the files the database ends the
same. Social considerations only ever add clauses, from every publication (an import never removes a
clause: hours may be logged on it), so they do not depend on the order either.

Records are written by batches: one upsert of the contracts (``INSERT … ON CONFLICT … DO UPDATE … WHERE``
the incoming publication ranks higher), one insert each for holders, clauses and audit entries. The audit
log gets one entry per contract created or changed, with what changed, and one for the import; an
unchanged contract is not written at all. Counts and warnings are those of reading the records one by one
in the file's order. The caller commits once per file: a file is imported whole or not at all.
"""

import gc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.core import audit
from app.core.audit import AuditEntry
from app.core.db import utcnow
from app.core.identifiers import normalize_siret
from app.decp.services import bulk
from app.decp.services.bulk import bulk_insert
from app.decp.services.normalize import Record, Rejected, buyer_siret_of, normalize_record
from app.decp.services.publications import (
    ContractState,
    audit_row,
    contract_row,
    diff,
    holder_key,
    missing_clause_kinds,
    rank_of,
    snapshot,
)
from app.decp.services.reader import RawRecord, iter_records
from app.decp.services.seen import SeenKeys
from app.decp.services.store import Store
from app.decp.services.summary import ImportSummary
from app.extensions import db

DEFAULT_BATCH_SIZE = 1000  # records per upsert
DECP_IMPORT_LOCK = "decp-import"  # app.core.locks.process_lock: one import at a time


@dataclass
class _Item:
    """A record read and normalised, waiting for its batch; its warnings are replayed into the summary in order."""

    position: int
    path: str
    warnings: list[tuple[str, str]]
    record: Record | None = None
    rejection: tuple[str, str] | None = None
    row: dict | None = None  # the contract row it would write (buyer_id added with its batch)
    rank: str = ""


class _Importer:
    """Read, normalise and write a file by batches, counting what each record does in reading order."""

    def __init__(self, actor, summary: ImportSummary, buyer_siret: str | None, batch_size: int | None):
        self.actor = actor
        self.summary = summary
        self.buyer_filter = normalize_siret(buyer_siret) if buyer_siret else None
        self.batch_size = batch_size or DEFAULT_BATCH_SIZE
        self.seen = SeenKeys()  # the contracts met in this import, for the duplicate warnings
        self.now = utcnow()
        self.store = Store(self.now)
        self.actor_id = getattr(actor, "id", None)  # as audit.record files the actor
        self.actor_label = getattr(actor, "email", None) or str(actor or "système")

    # Reading -------------------------------------------------------------------------------------

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
                self.write(batch)
                batch = []
            if on_record is not None:
                on_record()
        self.write(batch)
        self.audit_import()

    def prepare(self, raw: RawRecord) -> _Item:
        item = _Item(raw.position, raw.path, [])
        unreadable = [detail for problem, detail in raw.problems if problem == "nul_character"]
        if unreadable:
            item.rejection = ("invalid_characters", ", ".join(unreadable)[:200])
            return item
        non_finite = [detail for problem, detail in raw.problems if problem == "non_finite"]
        if non_finite:
            item.warnings.append(("non_finite_number", " ; ".join(non_finite)[:200]))
        try:
            item.record = normalize_record(raw.data, raw.kind, lambda *warning: item.warnings.append(warning))
        except Rejected as rejection:
            item.rejection = (rejection.reason, rejection.detail)
            return item
        except (TypeError, ValueError, AttributeError, ArithmeticError) as error:
            # A shape no rule foresaw: this record is refused with its position, the file goes on.
            item.rejection = ("unreadable_record", f"{type(error).__name__} : {error}"[:200])
            return item
        item.row = contract_row(item.record)
        item.rank = rank_of(item.record, item.row)
        return item

    # Writing -------------------------------------------------------------------------------------

    def write(self, items: list[_Item]) -> None:
        """Write a batch in one SAVEPOINT; when the database refuses a row, redo it record by record."""
        if not items:
            return
        self.store.ensure_buyers(items)
        self.store.ensure_companies(items)
        mark = self.summary_mark()
        savepoint = db.session.begin_nested()
        try:
            self.write_batch(items)
        except DBAPIError:
            savepoint.rollback()
            self.summary_restore(mark)
            for item in items:
                self.write_alone(item)
            return
        savepoint.commit()
        self.seen.keep()

    def write_alone(self, item: _Item) -> None:
        mark = self.summary_mark()
        savepoint = db.session.begin_nested()
        try:
            self.write_batch([item])
        except DBAPIError as error:
            savepoint.rollback()
            self.summary_restore(mark)
            if not self.report_reading(item):
                return
            message = str(getattr(error, "orig", error)).splitlines()[0]
            self.summary.reject(item.position, item.path, "refused", message[:200])
            return
        savepoint.commit()
        self.seen.keep()

    def report_reading(self, item: _Item) -> bool:
        """Report the record's normalisation warnings and rejection; return whether it is to be saved."""
        for reason, detail in item.warnings:
            self.summary.warn(item.position, reason, detail)
        if item.rejection is not None:
            self.summary.reject(item.position, item.path, *item.rejection)
            return False
        return True

    def write_batch(self, items: list[_Item]) -> None:
        valid = [item for item in items if self.report_reading(item)]
        if not valid:
            return
        for item in valid:
            item.row["buyer_id"] = self.store.buyer_ids[item.record.buyer_siret]
        states = self.store.load_states({(item.row["buyer_id"], item.record.reference) for item in valid})
        log: list[tuple[tuple[int, str], str, dict]] = []  # (key, action, changes), in reading order
        for item in valid:
            self.apply(item, states, log)
        written = [(key, state) for key, state in states.items() if state.row is not None]
        self.store.upsert(written)
        self.store.write_holders(written)
        self.store.write_clauses(states)
        entries = [
            audit_row(action, states[key].id, key[1], changes)
            for key, action, changes in log
            if states[key].id is not None  # else refused by the upsert's WHERE: another import ranked higher
        ]
        if entries:
            actor = {"occurred_at": self.now, "user_id": self.actor_id, "actor": self.actor_label}
            bulk.execute(*bulk_insert(AuditEntry.__table__, entries, actor))

    def apply(self, item: _Item, states: dict, log: list) -> None:
        """What this record does to its contract, given the records before it: counted and logged."""
        record, row = item.record, item.row
        key = (row["buyer_id"], record.reference)
        holders = [holder_key(h) for h in record.holders]
        if key in self.seen:
            self.summary.warn(
                item.position, "duplicate", f"{record.reference} (acheteur {record.buyer_siret})"
            )
        else:
            self.seen.stage(key)
        state = states.get(key)
        if state is None:
            states[key] = ContractState(
                id=None,
                fields=snapshot(row, holders),
                holders=holders,
                clause_kinds=set(record.clause_kinds),
                rank=item.rank,
                row=row,
                created=True,
                holders_changed=True,
                new_clauses=list(record.clause_kinds),
            )
            changes = diff({}, states[key].fields)
            if record.clause_kinds:
                changes["clauses"] = [[], sorted(record.clause_kinds)]
            log.append((key, "create", changes))
            self.count("created")
            return
        changes: dict = {}
        if state.rank is None or item.rank > state.rank:
            after = snapshot(row, holders)
            changes = diff(state.fields, after)
            state.fields, state.rank, state.row = after, item.rank, row
            if holders != state.holders:
                state.holders, state.holders_changed = holders, True
        elif (
            record.published_on is not None
            and state.fields["decp_published_on"] is not None
            and record.published_on.isoformat() < state.fields["decp_published_on"]
        ):
            self.summary.warn(
                item.position,
                "older_than_stored",
                f"{record.reference} : {record.published_on} < {state.fields['decp_published_on']}",
            )
        missing = missing_clause_kinds(state.clause_kinds, record.clause_kinds)
        if missing:
            changes["clauses"] = [sorted(state.clause_kinds), sorted(state.clause_kinds | set(missing))]
            state.clause_kinds |= set(missing)
            state.new_clauses.extend(missing)
        if changes:
            log.append((key, "update", changes))
        self.count("updated" if changes else "unchanged")

    def audit_import(self) -> None:
        """One entry for the import, when it changed anything (a re-import of the same files writes none)."""
        s = self.summary
        if not (s.created or s.updated or self.store.created_buyers or self.store.created_companies):
            return
        audit.record(
            self.actor,
            "import",
            object_type="DecpImport",
            summary=f"Import DECP {s.file} : {s.created} créé(s), {s.updated} mis à jour",
            changes={
                "file": s.file,
                "read": s.read,
                "created": s.created,
                "updated": s.updated,
                "unchanged": s.unchanged,
                "rejected": s.rejected,
                "buyers_created": self.store.created_buyers,
                "companies_created": self.store.created_companies,
            },
        )

    # Summary -------------------------------------------------------------------------------------

    def count(self, outcome: str) -> None:
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)

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
        self.seen.forget()
        s = self.summary
        s.created, s.updated, s.unchanged, s.rejected, s.warnings, rejections, examples = mark
        del s.rejections[rejections:]
        del s.warning_examples[examples:]


def _begin_outer_transaction() -> None:
    """Make each batch's SAVEPOINT nest inside the file's transaction, on SQLite too.

    pysqlite only opens a transaction before a data-changing statement; a SAVEPOINT issued first would be
    the outermost one, and releasing it would commit. A no-op UPDATE opens the transaction.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE buyers SET id = id WHERE 1 = 0"))


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Spare the import the garbage collector's rescans of the application's long-lived objects.

    A record creates a few hundred short-lived objects and no cycle to speak of; with the default
    thresholds the collector scans everything the application holds again and again, a third of the
    import's CPU time. Objects alive before the import are frozen out of the scans (``gc.freeze``) and the
    youngest generation is collected less often; both are restored afterwards.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


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
    with _fewer_collections():
        _Importer(actor, summary, buyer_siret, batch_size).run(stream, on_record)
    db.session.flush()
    db.session.expire_all()  # rows were written without the ORM: loaded objects must be read again
    return summary


__all__ = ["ImportSummary", "import_decp"]
