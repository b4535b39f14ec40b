"""Read side of contracts: the filtered list (SQL only, fast on 100 000 rows), the page, the history."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, and_, asc, desc, exists, func, or_, select
from sqlalchemy.orm import joinedload, raiseload, selectinload

from app.contracts.commitments import commitments
from app.contracts.models import Clause, Contract, ContractHolder
from app.core.audit import AuditEntry
from app.core.enums import ClauseKind, Nature, PurchaseCategory
from app.core.figures import ZERO
from app.core.identifiers import normalize_siret
from app.core.search import contains, search_filter, starts_with
from app.extensions import db
from app.hours.queries import realized_hours_by_clause
from app.referential.models import Buyer, Company, CpvCode

SORTS = {
    "notified_on": Contract.notified_on,
    "reference": Contract.reference,
    "amount": Contract.amount_excl_tax,
    "object": Contract.object,
    "buyer": Buyer.name,
}
DEFAULT_SORT = "notified_on"


@dataclass(frozen=True)
class ContractFilters:
    """What the list page and its exports filter on; parsed once from the query string."""

    search: str = ""
    buyer_id: int | None = None
    year: int | None = None
    territory_id: int | None = None
    nature: str = ""
    category: str = ""
    clause_kind: str = ""
    social: str = ""  # "with" | "without" | ""
    to_review: bool = False
    archived: bool = False
    sort: str = DEFAULT_SORT
    direction: str = "desc"

    @classmethod
    def from_args(cls, args) -> "ContractFilters":
        def integer(name: str) -> int | None:
            value = args.get(name, "").strip()
            return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None

        def choice(name: str, allowed) -> str:
            value = args.get(name, "").strip()
            return value if value in allowed else ""

        return cls(
            search=args.get("q", "").strip()[:200],
            buyer_id=integer("buyer"),
            year=integer("year"),
            territory_id=integer("territory"),
            nature=choice("nature", Nature.codes()),
            category=choice("category", PurchaseCategory.codes()),
            clause_kind=choice("clause_kind", ClauseKind.codes()),
            social=choice("social", ("with", "without")),
            to_review=args.get("to_review") == "1",
            archived=args.get("archived") == "1",
            sort=choice("sort", SORTS) or DEFAULT_SORT,
            direction="asc" if args.get("direction") == "asc" else "desc",
        )

    def as_args(self, **overrides) -> dict:
        """Query-string arguments reproducing these filters (for links, pager and exports)."""
        args = {
            "q": self.search,
            "buyer": self.buyer_id,
            "year": self.year,
            "territory": self.territory_id,
            "nature": self.nature,
            "category": self.category,
            "clause_kind": self.clause_kind,
            "social": self.social,
            "to_review": "1" if self.to_review else "",
            "archived": "1" if self.archived else "",
            "sort": self.sort if self.sort != DEFAULT_SORT else "",
            "direction": self.direction if self.direction != "desc" else "",
        }
        args.update(overrides)
        return {k: v for k, v in args.items() if v not in (None, "")}

    @property
    def is_filtered(self) -> bool:
        return bool(self.as_args(sort="", direction=""))


def _holder_matches(search: str):
    """Contracts one of whose holders matches: companies are few, so look them up first (indexed IN)."""
    conditions = [contains(Company.name, search)]
    digits = normalize_siret(search)
    if digits.isdigit():
        conditions.append(starts_with(Company.identifier, digits))
    companies = select(Company.id).where(or_(*conditions))
    return Contract.id.in_(select(ContractHolder.contract_id).where(ContractHolder.company_id.in_(companies)))


def _clause_conditions(filters: ContractFilters) -> list:
    """The filters on the contract's clauses: a kind, with or without any clause, clauses to review."""
    conditions = []
    if filters.clause_kind:
        conditions.append(
            exists().where(Clause.contract_id == Contract.id, Clause.kind == filters.clause_kind)
        )
    has_clause = exists().where(Clause.contract_id == Contract.id)
    if filters.social == "with":
        conditions.append(has_clause)
    elif filters.social == "without":
        conditions.append(~has_clause)
    if filters.to_review:
        conditions.append(exists().where(and_(Clause.contract_id == Contract.id, Clause.needs_review)))
    return conditions


def contracts_select(filters: ContractFilters) -> Select:
    """The contracts matching ``filters``, sorted; EXISTS sub-queries keep one row per contract."""
    statement = select(Contract)
    if filters.sort == "buyer":
        statement = statement.join(Contract.buyer)
    if filters.archived:
        statement = statement.where(Contract.archived_at.is_not(None))
    else:
        statement = statement.where(Contract.archived_at.is_(None))
    if filters.search:
        # Every word in the reference, the object or a holder's name ("voirie colas"); a SIRET typed with
        # spaces is also looked for whole.
        words = filters.search.split() or [filters.search]
        statement = statement.where(
            or_(
                and_(
                    *(
                        or_(search_filter(word, Contract.reference, Contract.object), _holder_matches(word))
                        for word in words
                    )
                ),
                _holder_matches(filters.search),
            )
        )
    if filters.buyer_id:
        statement = statement.where(Contract.buyer_id == filters.buyer_id)
    if filters.year:
        statement = statement.where(
            Contract.notified_on >= date(filters.year, 1, 1),
            Contract.notified_on <= date(filters.year, 12, 31),
        )
    if filters.territory_id:
        statement = statement.where(Contract.territory_id == filters.territory_id)
    if filters.nature:
        statement = statement.where(Contract.nature == filters.nature)
    if filters.category:
        statement = statement.where(Contract.category == filters.category)
    statement = statement.where(*_clause_conditions(filters))
    column = SORTS[filters.sort]
    order = asc if filters.direction == "asc" else desc
    # No NULLS FIRST/LAST: the database's natural order lets PostgreSQL walk the notified_on index
    # backwards and stop after one page instead of sorting 100 000 rows.
    return statement.order_by(order(column), order(Contract.id))


def _list_relations() -> tuple:
    return (
        selectinload(Contract.holders).joinedload(ContractHolder.company),
        selectinload(Contract.clauses),
        selectinload(Contract.territory),
        joinedload(Contract.buyer),
    )


def with_list_relations(statement: Select) -> Select:
    """Load holders and clauses in two extra queries per page, never one per row; anything else the
    rows would load one by one raises instead (tests/test_query_counts.py)."""
    return statement.options(*_list_relations(), raiseload("*"))


def planned_hours_by_contract(contract_ids: list[int]) -> dict[int, Decimal | None]:
    """Each contract's commitment (``app.contracts.commitments``); None where no hours are planned."""
    if not contract_ids:
        return {}
    rows = commitments().subquery()
    statement = select(rows.c.contract_id, rows.c.commitment).where(rows.c.contract_id.in_(contract_ids))
    return {
        contract_id: None if hours is None else Decimal(str(hours)).quantize(Decimal("0.01"))
        for contract_id, hours in db.session.execute(statement)
    }


def notification_years() -> list[int]:
    """Years from the first to the last notification, newest first (MIN/MAX read the index, no scan)."""
    # Two queries: SQLite only reads MIN or MAX from the index when it is alone in the select.
    first = db.session.scalar(select(func.min(Contract.notified_on)))
    last = db.session.scalar(select(func.max(Contract.notified_on)))
    if first is None:
        return []
    if isinstance(first, str):  # SQLite returns aggregates of dates as text
        first, last = date.fromisoformat(first), date.fromisoformat(last)
    return list(range(last.year, first.year - 1, -1))


def load_contract(contract_id: int) -> Contract | None:
    return db.session.scalars(
        select(Contract)
        .where(Contract.id == contract_id)
        .options(*_list_relations(), selectinload(Contract.clauses).selectinload(Clause.facilitators))
    ).one_or_none()


@dataclass(frozen=True)
class ClauseProgress:
    clause: Clause
    realized_hours: Decimal
    rate: Decimal | None  # realized ÷ planned, in %; None when nothing is planned


def clause_progress(contract: Contract) -> list[ClauseProgress]:
    """Each clause with its realized hours (hour entries) and realization rate."""
    realized = realized_hours_by_clause([c.id for c in contract.clauses])
    rows = []
    for clause in contract.clauses:
        done = realized.get(clause.id, ZERO)
        rate = done * 100 / clause.planned_hours if clause.planned_hours else None
        rows.append(ClauseProgress(clause, done, rate))
    return rows


def contract_history(contract: Contract, limit: int = 200) -> list[AuditEntry]:
    """Audit entries of the contract and of its clauses, newest first."""
    clause_ids = [str(c.id) for c in contract.clauses]
    condition = and_(AuditEntry.object_type == "Contract", AuditEntry.object_id == str(contract.id))
    if clause_ids:
        condition = or_(
            condition, and_(AuditEntry.object_type == "Clause", AuditEntry.object_id.in_(clause_ids))
        )
    return db.session.scalars(
        select(AuditEntry)
        .where(condition)
        .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()


def cpv_label(code: str | None) -> str:
    if not code:
        return ""
    row = db.session.get(CpvCode, code[:8])
    return row.label if row else ""


def cpv_full_code(code: str | None) -> str:
    """``45000000-7``: the code with its check digit, as buyers read it in their documents."""
    row = db.session.get(CpvCode, code[:8]) if code else None
    return row.full_code if row else (code or "")


@dataclass(frozen=True)
class ListSummary:
    count: int
    amount: Decimal


def contracts_summary(filters: ContractFilters) -> ListSummary:
    """Count and amount of every contract the filters match (all pages), in SQL: the list's headline."""
    matching = contracts_select(filters).order_by(None).subquery()
    count, amount = db.session.execute(
        select(func.count(matching.c.id), func.coalesce(func.sum(matching.c.amount_excl_tax), 0))
    ).one()
    return ListSummary(int(count), Decimal(str(amount)))
