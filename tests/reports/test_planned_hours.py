"""Planned hours mean one thing: one commitment per contract, allotted to calendar years by days."""

from datetime import date
from decimal import Decimal

from app.contracts.queries import planned_hours_by_contract
from app.core.enums import ClauseKind
from app.core.formatting import rounded
from app.reports.queries.indicators import compute_indicators
from tests import factories as f


def test_award_offer_replaces_the_execution_minimum_it_includes(db):
    buyer = f.BuyerFactory()
    contract = f.ContractFactory(buyer=buyer, notified_on=date(2025, 1, 1), duration_months=12)
    f.ClauseFactory(contract=contract, kind=ClauseKind.EXECUTION_CONDITION, planned_hours=Decimal("500"))
    f.ClauseFactory(
        contract=contract,
        kind=ClauseKind.AWARD_CRITERION,
        planned_hours=Decimal("700"),
        award_weight_percent=Decimal("10"),
    )
    db.session.commit()
    hours = compute_indicators(buyer.id, 2025).hours
    # max(500, 700) = 700, not 1 200; the whole period lies in 2025, so all 700 h are allotted to it
    assert (hours.commitment, hours.planned) == (Decimal("700"), Decimal("700"))
    assert planned_hours_by_contract([contract.id]) == {contract.id: Decimal("700.00")}


def test_a_multi_year_commitment_is_allotted_by_days_and_the_years_add_up(db):
    buyer = f.BuyerFactory()
    # 1 July 2025 + 18 months: 1 July 2025 → 31 December 2026, 184 + 365 = 549 days
    contract = f.ContractFactory(buyer=buyer, notified_on=date(2025, 7, 1), duration_months=18)
    clause = f.ClauseFactory(contract=contract, planned_hours=Decimal("1000"))
    participant = f.ParticipantFactory()
    f.HourEntryFactory(clause=clause, participant=participant, month=date(2025, 9, 1), hours=Decimal("100"))
    f.HourEntryFactory(clause=clause, participant=participant, month=date(2026, 3, 1), hours=Decimal("300"))
    db.session.commit()
    in_2025 = compute_indicators(buyer.id, 2025).hours
    in_2026 = compute_indicators(buyer.id, 2026).hours
    assert in_2025.planned == Decimal("335.15")  # 1 000 × 184 / 549 = 335,1548… → 335,15
    assert in_2026.planned == Decimal("664.85")  # 1 000 − 335,15
    assert in_2025.planned + in_2026.planned == Decimal("1000")
    assert compute_indicators(buyer.id, 2027).hours.planned == Decimal("0")
    assert rounded(in_2025.realization_rate, 2) == Decimal("29.84")  # 100 / 335,15
    assert rounded(in_2026.realization_rate, 2) == Decimal("45.12")  # 300 / 664,85
    assert rounded(in_2026.cumulative_rate, 2) == Decimal("40.00")  # (100 + 300) / 1 000


def test_hours_without_a_commitment_are_reported_apart(db):
    buyer = f.BuyerFactory()
    reserved = f.ContractFactory(buyer=buyer, notified_on=date(2025, 1, 1), duration_months=12)
    clause = f.ClauseFactory(contract=reserved, kind=ClauseKind.RESERVED, planned_hours=None)
    committed = f.ContractFactory(buyer=buyer, notified_on=date(2025, 1, 1), duration_months=12)
    other = f.ClauseFactory(contract=committed, planned_hours=Decimal("200"))
    participant = f.ParticipantFactory()
    f.HourEntryFactory(clause=clause, participant=participant, month=date(2025, 2, 1), hours=Decimal("90"))
    f.HourEntryFactory(clause=other, participant=participant, month=date(2025, 3, 1), hours=Decimal("50"))
    db.session.commit()
    hours = compute_indicators(buyer.id, 2025).hours
    assert (hours.realized, hours.realized_committed, hours.realized_uncommitted) == (
        Decimal("140"),
        Decimal("50"),
        Decimal("90"),
    )
    assert hours.realization_rate == Decimal("25")  # 50 / 200: the 90 h of the reserved contract are apart
    row = next(r for r in hours.by_contract if r.reference == reserved.reference)
    assert (row.commitment, row.realization_rate, row.cumulative_rate) == (None, None, None)
