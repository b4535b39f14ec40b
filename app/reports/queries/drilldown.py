"""The records behind a dashboard figure, selected with the very conditions that computed it."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import distinct, func, select

from app.contracts.models import Clause, Contract
from app.core.figures import as_decimal
from app.extensions import db
from app.hours.models import HourEntry
from app.referential.models import Buyer
from app.reports.queries.filters import hours_in_year


@dataclass(frozen=True)
class ContractRealizedHours:
    contract_id: int
    reference: str
    buyer_name: str
    object: str
    participants: int
    hours: Decimal


def realized_hours_by_contract(buyer_id: int | None, year: int) -> list[ContractRealizedHours]:
    """Hours realized in ``year`` per contract: they add up to the dashboard's « Heures réalisées »."""
    hours = func.sum(HourEntry.hours)
    statement = (
        select(
            Contract.id,
            Contract.reference,
            Buyer.name,
            Contract.object,
            func.count(distinct(HourEntry.participant_id)),
            hours,
        )
        .select_from(HourEntry)
        .join(Clause, HourEntry.clause_id == Clause.id)
        .join(Contract, Clause.contract_id == Contract.id)
        .join(Buyer, Contract.buyer_id == Buyer.id)
        .where(*hours_in_year(buyer_id, year))
        .group_by(Contract.id, Contract.reference, Buyer.name, Contract.object)
        .order_by(hours.desc(), Contract.reference)
    )
    return [
        ContractRealizedHours(id_, reference, buyer, object_, int(count), as_decimal(total))
        for id_, reference, buyer, object_, count, total in db.session.execute(statement)
    ]


def realized_hours_total(buyer_id: int | None, year: int) -> Decimal:
    return as_decimal(
        db.session.scalar(
            select(func.coalesce(func.sum(HourEntry.hours), 0)).where(*hours_in_year(buyer_id, year))
        )
    )
