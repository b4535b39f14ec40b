"""Shared setup for the hours tests: a clause followed by a facilitator, participants, employers."""

from datetime import date
from decimal import Decimal

from app.core.enums import StructureKind
from app.hours.services import HourLine
from tests import factories


def clause_for(
    facilitator=None, *, notified_on=date(2025, 3, 1), duration_months=24, planned="500", **contract
):
    contract = factories.ContractFactory(notified_on=notified_on, duration_months=duration_months, **contract)
    return factories.ClauseFactory(
        contract=contract,
        planned_hours=Decimal(planned) if planned is not None else None,
        facilitators=[facilitator] if facilitator else [],
    )


def employer(kind=StructureKind.ORDINARY, **kwargs):
    return factories.CompanyFactory(kind=kind, **kwargs)


def line(
    participant, clause, company, hours="35", month=date(2025, 4, 1), modality="direct_hire", number=None
):
    return HourLine(
        participant=participant,
        clause=clause,
        employer=company,
        modality=modality,
        month=month,
        hours=Decimal(hours),
        line=number,
    )
