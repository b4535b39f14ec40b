"""The database side of a DECP batch: stored contracts read, then everything written in one statement
per table (contracts upserted, holders, clauses; buyers and companies found or created)."""

from sqlalchemy import delete, or_, select, tuple_

from app.contracts.models import Clause, ContractHolder
from app.core.enums import ContractSource, HoursMethod
from app.decp.services import bulk
from app.decp.services.bulk import bulk_insert
from app.decp.services.publications import (
    CONTRACTS,
    FIELDS,
    ContractState,
    chunks,
    holder_key,
    snapshot,
)
from app.extensions import db
from app.referential.models import Buyer, Company

MAX_CACHED_COMPANIES = 200_000  # company ids kept between batches; beyond, the cache starts again


class Store:
    """Ids of the buyers and companies met so far, and the batch writes."""

    def __init__(self, now):
        self.now = now
        self.buyer_ids: dict[str, int] = {}
        self.company_ids: dict[tuple[str, str], int] = {}
        self.created_buyers: list[str] = []
        self.created_companies = 0

    def load_states(self, keys: set[tuple[int, str]]) -> dict[tuple[int, str], ContractState]:
        """The stored contracts of the batch, with their holders and clause kinds, in three queries a chunk."""
        states: dict[tuple[int, str], ContractState] = {}
        by_id: dict[int, ContractState] = {}
        columns = [CONTRACTS.c.id, CONTRACTS.c.buyer_id, CONTRACTS.c.reference, CONTRACTS.c.decp_rank]
        columns += [CONTRACTS.c[name] for name in FIELDS]
        for chunk in chunks(sorted(keys)):
            query = select(*columns).where(tuple_(CONTRACTS.c.buyer_id, CONTRACTS.c.reference).in_(chunk))
            for row in db.session.execute(query).mappings():
                state = ContractState(
                    id=row["id"], fields=dict(row), holders=[], clause_kinds=set(), rank=row["decp_rank"]
                )
                states[(row["buyer_id"], row["reference"])] = by_id[row["id"]] = state
        ids = sorted(by_id)
        for chunk in chunks(ids):
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
            state.fields = snapshot(state.fields, state.holders)
        return states

    def upsert(self, written: list[tuple[tuple[int, str], ContractState]]) -> None:
        """One INSERT … ON CONFLICT DO UPDATE for the batch; the WHERE keeps the higher-ranked publication."""
        if not written:
            return
        rows = [dict(state.row, decp_rank=state.rank) for _key, state in written]
        constants = {
            "created_at": self.now,
            "updated_at": self.now,
            "source": ContractSource.DECP,
            "version": 1,
        }
        insert, parameters = bulk_insert(CONTRACTS, rows, constants)
        updated = {name: insert.excluded[name] for name in (*FIELDS, "category", "decp_rank", "updated_at")}
        updated["version"] = CONTRACTS.c.version + 1  # an officer's open edit form is now stale
        statement = insert.on_conflict_do_update(
            index_elements=[CONTRACTS.c.buyer_id, CONTRACTS.c.reference],
            set_=updated,
            where=or_(CONTRACTS.c.decp_rank.is_(None), insert.excluded.decp_rank > CONTRACTS.c.decp_rank),
        ).returning(CONTRACTS.c.id, CONTRACTS.c.buyer_id, CONTRACTS.c.reference)
        ids = {(r.buyer_id, r.reference): r.id for r in bulk.execute(statement, parameters)}
        for key, state in written:
            state.id = ids.get(key)

    def write_holders(self, written: list[tuple[tuple[int, str], ContractState]]) -> None:
        changed = [state for _key, state in written if state.holders_changed and state.id is not None]
        replaced = [state.id for state in changed if not state.created]
        for chunk in chunks(replaced):
            db.session.execute(delete(ContractHolder).where(ContractHolder.contract_id.in_(chunk)))
        rows = [
            {"contract_id": state.id, "company_id": self.company_ids[key], "position": position}
            for state in changed
            for position, key in enumerate(state.holders)
        ]
        if rows:
            bulk.execute(*bulk_insert(ContractHolder.__table__, rows))

    def write_clauses(self, states: dict[tuple[int, str], ContractState]) -> None:
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

    def ensure_buyers(self, items: list) -> None:
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
        for chunk in chunks(sorted(values)):
            for value, row_id in db.session.execute(select(column, model.id).where(column.in_(chunk))):
                cache[value] = row_id
                missing.discard(value)
        return missing

    def ensure_companies(self, items: list) -> None:
        """Find or create every holder of the batch (winning publication or not: the order does not matter)."""
        names: dict[tuple[str, str], tuple[bool, str, str]] = {}  # a real name, then the highest rank
        for item in items:
            if item.record is None:
                continue
            for holder in item.record.holders:
                key = holder_key(holder)
                candidate = (holder.name != holder.identifier, item.rank, holder.name)
                if key not in self.company_ids and (key not in names or candidate > names[key]):
                    names[key] = candidate
        if not names:
            return
        if len(self.company_ids) > MAX_CACHED_COMPANIES:
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
            for chunk in chunks(sorted(identifiers)):
                query = select(Company.identifier, Company.id).where(
                    Company.identifier_type == identifier_type, Company.identifier.in_(chunk)
                )
                for identifier, company_id in db.session.execute(query):
                    self.company_ids[(identifier_type, identifier)] = company_id
                    missing.discard((identifier_type, identifier))
        return missing
