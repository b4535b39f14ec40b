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
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, text, tuple_
from sqlalchemy.exc import DBAPIError

from app.contracts.models import Clause, Contract, ContractHolder
from app.contracts.services import HolderData, category_for_cpv
from app.core import audit
from app.core.audit import AuditEntry
from app.core.db import utcnow
from app.core.enums import ClauseKind, ContractSource, HoursMethod
from app.core.forms import normalize_siret
from app.decp.services import bulk
from app.decp.services.bulk import bulk_insert
from app.decp.services.normalize import Record, Rejected, buyer_siret_of, normalize_record
from app.decp.services.reader import RawRecord, iter_records
from app.decp.services.summary import ImportSummary
from app.extensions import db
from app.referential.models import Buyer, Company

DEFAULT_BATCH_SIZE = 1000  # records per upsert
_CHUNK = 500  # keys per IN (...) list
_MAX_CACHED_COMPANIES = 200_000  # company ids kept between batches; beyond, the cache starts again

# Contract columns a DECP publication sets, as compared and audited (``holders`` and ``clauses`` apart).
FIELDS = (
    "object",
    "kind",
    "nature",
    "procedure",
    "cpv_code",
    "amount_excl_tax",
    "notified_on",
    "duration_months",
    "place_code",
    "place_type",
    "environmental_considerations",
    "decp_published_on",
)
_CONTRACTS = Contract.__table__


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


@dataclass
class _State:
    """A contract as the import sees it: stored, or as the records read so far left it."""

    id: int | None
    fields: dict
    holders: list[tuple[str, str]]  # company keys, lead holder first
    clause_kinds: set[str]
    rank: str | None
    row: dict | None = None  # the row to write, when the contract is to be written
    created: bool = False
    holders_changed: bool = False
    new_clauses: list[str] = field(default_factory=list)


def rank_of(record: Record, row: dict) -> str:
    """The order between publications of one contract: date, number of modifications, then content."""
    content = json.dumps(
        [
            [row[name] for name in FIELDS],
            [[h.identifier_type, h.identifier, h.name] for h in record.holders],
            sorted(record.clause_kinds),
            record.buyer_name,
        ],
        default=str,
        ensure_ascii=False,
    )
    published = record.published_on.isoformat() if record.published_on else "0000-00-00"
    digest = hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()
    return f"{published}|{record.modification_count:04d}|{digest}"


def contract_row(record: Record) -> dict:
    """The contract columns a record sets (``buyer_id`` apart), as ``contracts.services._apply`` would."""
    return {
        "reference": record.reference,
        "object": (record.object or _("Objet non renseigné dans les données essentielles"))[:1000].strip(),
        "kind": record.kind,
        "nature": record.nature,
        "procedure": record.procedure or None,
        "cpv_code": record.cpv_code or None,
        "category": category_for_cpv(record.cpv_code),
        "amount_excl_tax": record.amount,
        "notified_on": record.notified_on,
        "duration_months": record.duration_months,
        "place_code": record.place_code or None,
        "place_type": record.place_type or None,
        "environmental_considerations": sorted(set(record.environmental)),
        "decp_published_on": record.published_on,
    }


def _holder_key(holder: HolderData) -> tuple[str, str]:
    return (holder.identifier_type, holder.identifier)


def _plain(value):
    """A snapshot value as the audit log stores it (JSON): Decimal and date as text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _snapshot(row: dict, holders: list[tuple[str, str]]) -> dict:
    """What is compared and audited, already as JSON values: comparing them is then cheap."""
    snapshot = {name: _plain(row[name]) for name in FIELDS}
    snapshot["environmental_considerations"] = sorted(snapshot["environmental_considerations"] or [])
    snapshot["holders"] = [identifier for _type, identifier in holders]
    return snapshot


def _diff(before: dict, after: dict) -> dict[str, list]:
    """``audit.diff`` for two snapshots made of JSON values."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def _missing_clause_kinds(present: set[str], kinds: list[str]) -> list[str]:
    present = set(present)
    if ClauseKind.INSERTION_OBJECT in present:
        present.add(ClauseKind.EXECUTION_CONDITION)  # both are "Clause sociale" in DECP
    return [k for k in kinds if k not in present]


def _audit_row(action: str, contract_id: int, reference: str, changes: dict) -> dict:
    """The row ``audit.record`` would add (actor apart), built directly: the changes are JSON values already."""
    return {
        "action": action,
        "object_type": "Contract",
        "object_id": str(contract_id),
        "summary": f"Marché {reference} (DECP)",
        "changes": changes,
    }


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Importer:
    def __init__(self, actor, summary: ImportSummary, buyer_siret: str | None, batch_size: int | None):
        self.actor = actor
        self.summary = summary
        self.buyer_filter = normalize_siret(buyer_siret) if buyer_siret else None
        self.batch_size = batch_size or DEFAULT_BATCH_SIZE
        self.buyer_ids: dict[str, int] = {}
        self.company_ids: dict[tuple[str, str], int] = {}
        self.seen: set[int] = set()  # hashes of the contracts met in this import (duplicate warnings)
        self.created_buyers: list[str] = []
        self.created_companies = 0
        self.now = utcnow()
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
        self.ensure_buyers(items)
        self.ensure_companies(items)
        mark = self.summary_mark()
        seen_before = set(self.seen)
        savepoint = db.session.begin_nested()
        try:
            self.write_batch(items)
        except DBAPIError:
            savepoint.rollback()
            self.summary_restore(mark)
            self.seen = seen_before
            for item in items:
                self.write_alone(item)
            return
        savepoint.commit()

    def write_alone(self, item: _Item) -> None:
        mark = self.summary_mark()
        seen_before = set(self.seen)
        savepoint = db.session.begin_nested()
        try:
            self.write_batch([item])
        except DBAPIError as error:
            savepoint.rollback()
            self.summary_restore(mark)
            self.seen = seen_before
            if not self.report_reading(item):
                return
            message = str(getattr(error, "orig", error)).splitlines()[0]
            self.summary.reject(item.position, item.path, "refused", message[:200])
            return
        savepoint.commit()

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
            item.row["buyer_id"] = self.buyer_ids[item.record.buyer_siret]
        states = self.load_states({(item.row["buyer_id"], item.record.reference) for item in valid})
        log: list[tuple[tuple[int, str], str, dict]] = []  # (key, action, changes), in reading order
        for item in valid:
            self.apply(item, states, log)
        written = [(key, state) for key, state in states.items() if state.row is not None]
        self.upsert(written)
        self.write_holders(written)
        self.write_clauses(states)
        entries = [
            _audit_row(action, states[key].id, key[1], changes)
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
        holders = [_holder_key(h) for h in record.holders]
        marker = hash(key)
        if marker in self.seen:
            self.summary.warn(
                item.position, "duplicate", f"{record.reference} (acheteur {record.buyer_siret})"
            )
        self.seen.add(marker)
        state = states.get(key)
        if state is None:
            states[key] = _State(
                id=None,
                fields=_snapshot(row, holders),
                holders=holders,
                clause_kinds=set(record.clause_kinds),
                rank=item.rank,
                row=row,
                created=True,
                holders_changed=True,
                new_clauses=list(record.clause_kinds),
            )
            changes = _diff({}, states[key].fields)
            if record.clause_kinds:
                changes["clauses"] = [[], sorted(record.clause_kinds)]
            log.append((key, "create", changes))
            self.count("created")
            return
        changes: dict = {}
        if state.rank is None or item.rank > state.rank:
            after = _snapshot(row, holders)
            changes = _diff(state.fields, after)
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
        missing = _missing_clause_kinds(state.clause_kinds, record.clause_kinds)
        if missing:
            changes["clauses"] = [sorted(state.clause_kinds), sorted(state.clause_kinds | set(missing))]
            state.clause_kinds |= set(missing)
            state.new_clauses.extend(missing)
        if changes:
            log.append((key, "update", changes))
        self.count("updated" if changes else "unchanged")

    def load_states(self, keys: set[tuple[int, str]]) -> dict[tuple[int, str], _State]:
        """The stored contracts of the batch, with their holders and clause kinds, in three queries a chunk."""
        states: dict[tuple[int, str], _State] = {}
        by_id: dict[int, _State] = {}
        columns = [_CONTRACTS.c.id, _CONTRACTS.c.buyer_id, _CONTRACTS.c.reference, _CONTRACTS.c.decp_rank]
        columns += [_CONTRACTS.c[name] for name in FIELDS]
        for chunk in _chunks(sorted(keys)):
            query = select(*columns).where(tuple_(_CONTRACTS.c.buyer_id, _CONTRACTS.c.reference).in_(chunk))
            for row in db.session.execute(query).mappings():
                state = _State(
                    id=row["id"], fields=dict(row), holders=[], clause_kinds=set(), rank=row["decp_rank"]
                )
                states[(row["buyer_id"], row["reference"])] = by_id[row["id"]] = state
        ids = sorted(by_id)
        for chunk in _chunks(ids):
            holders = (
                select(ContractHolder.contract_id, Company.identifier_type, Company.identifier)
                .join(Company, Company.id == ContractHolder.company_id)
                .where(ContractHolder.contract_id.in_(chunk))
                .order_by(ContractHolder.contract_id, ContractHolder.position)
            )
            for contract_id, identifier_type, identifier in db.session.execute(holders):
                by_id[contract_id].holders.append((identifier_type, identifier))
            clauses = select(Clause.contract_id, Clause.kind).where(Clause.contract_id.in_(chunk))
            for contract_id, kind in db.session.execute(clauses):
                by_id[contract_id].clause_kinds.add(kind)
        for state in by_id.values():
            state.fields = _snapshot(state.fields, state.holders)
        return states

    def upsert(self, written: list[tuple[tuple[int, str], _State]]) -> None:
        """One INSERT … ON CONFLICT DO UPDATE for the batch; the WHERE keeps the higher-ranked publication."""
        if not written:
            return
        rows = [dict(state.row, decp_rank=state.rank) for _key, state in written]
        constants = {"created_at": self.now, "updated_at": self.now, "source": ContractSource.DECP, "version": 1}
        insert, parameters = bulk_insert(_CONTRACTS, rows, constants)
        updated = {name: insert.excluded[name] for name in (*FIELDS, "category", "decp_rank", "updated_at")}
        updated["version"] = _CONTRACTS.c.version + 1  # an officer's open edit form is now stale
        statement = insert.on_conflict_do_update(
            index_elements=[_CONTRACTS.c.buyer_id, _CONTRACTS.c.reference],
            set_=updated,
            where=or_(_CONTRACTS.c.decp_rank.is_(None), insert.excluded.decp_rank > _CONTRACTS.c.decp_rank),
        ).returning(_CONTRACTS.c.id, _CONTRACTS.c.buyer_id, _CONTRACTS.c.reference)
        ids = {(r.buyer_id, r.reference): r.id for r in bulk.execute(statement, parameters)}
        for key, state in written:
            state.id = ids.get(key)

    def write_holders(self, written: list[tuple[tuple[int, str], _State]]) -> None:
        changed = [state for _key, state in written if state.holders_changed and state.id is not None]
        replaced = [state.id for state in changed if not state.created]
        for chunk in _chunks(replaced):
            db.session.execute(delete(ContractHolder).where(ContractHolder.contract_id.in_(chunk)))
        rows = [
            {"contract_id": state.id, "company_id": self.company_ids[key], "position": position}
            for state in changed
            for position, key in enumerate(state.holders)
        ]
        if rows:
            bulk.execute(*bulk_insert(ContractHolder.__table__, rows))

    def write_clauses(self, states: dict[tuple[int, str], _State]) -> None:
        """``considerationsSociales`` → clauses "to review": DECP carries neither hours, weight nor article."""
        rows = [
            {"contract_id": state.id, "kind": kind}
            for state in states.values()
            if state.id is not None
            for kind in state.new_clauses
        ]
        if rows:
            constants = {
                "hours_method": HoursMethod.MANUAL,
                "needs_review": True,
                "notes": "",
                "created_at": self.now,
                "updated_at": self.now,
            }
            bulk.execute(*bulk_insert(Clause.__table__, rows, constants))

    def ensure_buyers(self, items: list[_Item]) -> None:
        """Find or create the batch's buyers, outside its SAVEPOINT: they stay if a record fails."""
        names: dict[str, tuple[str, str]] = {}  # siret -> (rank, name) of its highest-ranked record
        for item in items:
            if item.record is not None and item.record.buyer_siret not in self.buyer_ids:
                siret, name = item.record.buyer_siret, (item.record.buyer_name or "").strip()
                if name and (siret not in names or (item.rank, name) > names[siret]):
                    names[siret] = (item.rank, name)
                names.setdefault(siret, ("", ""))
        if not names:
            return
        missing = self.load_ids(Buyer, Buyer.siret, list(names), self.buyer_ids)
        if missing:
            rows = [{"siret": siret, "name": (names[siret][1] or siret)[:255]} for siret in sorted(missing)]
            constants = {"created_at": self.now, "updated_at": self.now}
            insert, parameters = bulk_insert(Buyer.__table__, rows, constants)
            bulk.execute(insert.on_conflict_do_nothing(), parameters)
            self.created_buyers += sorted(missing)
            self.load_ids(Buyer, Buyer.siret, sorted(missing), self.buyer_ids)

    def load_ids(self, model, column, values: list, cache: dict) -> set:
        """Put the ids of the rows whose ``column`` is in ``values`` in ``cache``; return the values not found."""
        missing = set(values)
        for chunk in _chunks(sorted(values)):
            for value, row_id in db.session.execute(select(column, model.id).where(column.in_(chunk))):
                cache[value] = row_id
                missing.discard(value)
        return missing

    def ensure_companies(self, items: list[_Item]) -> None:
        """Find or create every holder of the batch (winning publication or not: the order does not matter)."""
        names: dict[tuple[str, str], tuple[bool, str, str]] = {}  # a real name, then the highest rank
        for item in items:
            if item.record is None:
                continue
            for holder in item.record.holders:
                key = _holder_key(holder)
                candidate = (holder.name != holder.identifier, item.rank, holder.name)
                if key not in self.company_ids and (key not in names or candidate > names[key]):
                    names[key] = candidate
        if not names:
            return
        if len(self.company_ids) > _MAX_CACHED_COMPANIES:
            self.company_ids = {}
        missing = self.load_companies(set(names))
        if missing:
            rows = [
                {"identifier_type": key[0], "identifier": key[1], "name": (names[key][2] or key[1])[:255]}
                for key in sorted(missing)
            ]
            constants = {"created_at": self.now, "updated_at": self.now}
            insert, parameters = bulk_insert(Company.__table__, rows, constants)
            bulk.execute(insert.on_conflict_do_nothing(), parameters)
            self.created_companies += len(missing)
            self.load_companies(missing)

    def load_companies(self, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
        missing = set(keys)
        by_type: dict[str, list[str]] = {}
        for identifier_type, identifier in keys:
            by_type.setdefault(identifier_type, []).append(identifier)
        for identifier_type, identifiers in by_type.items():
            for chunk in _chunks(sorted(identifiers)):
                query = select(Company.identifier, Company.id).where(
                    Company.identifier_type == identifier_type, Company.identifier.in_(chunk)
                )
                for identifier, company_id in db.session.execute(query):
                    self.company_ids[(identifier_type, identifier)] = company_id
                    missing.discard((identifier_type, identifier))
        return missing

    def audit_import(self) -> None:
        """One entry for the import, when it changed anything (a re-import of the same files writes none)."""
        s = self.summary
        if not (s.created or s.updated or self.created_buyers or self.created_companies):
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
                "buyers_created": self.created_buyers,
                "companies_created": self.created_companies,
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
