"""The report's figures on a hand-made data set: every expected value below was computed by hand."""

import json
from decimal import Decimal

import pytest

from app.reports.exports import indicators_as_dict
from app.reports.queries.indicators import compute_indicators
from tests.reports.handmade import YEAR, make_handmade_data

# Buyer B, 2025. Contracts notified in 2025 and not archived: M1 (100 000,00), M2 (50 000,50),
# M3 (no amount), M4 (25 000,25). M5 (2024) is still running; M6 is archived; M7 has no date; M8 ended
# in 2023. Hours in 2025 on live clauses: 100 + 80,5 (M1) + 150 (M5) + 40 (M2) = 370,5.
EXPECTED = {
    "contracts": {
        "count": 4,
        "amount": "175000.75",
        "with_social_consideration": {
            "count": 2,
            "amount": "150000.50",
            "count_share": "50.00",
            "amount_share": "85.71",  # 150 000,50 / 175 000,75
        },
    },
    "hours": {
        "planned": "1700.00",  # M1 500 + M2 200 (the reserved clause has none) + M5 1 000
        "realized": "370.50",
        "realized_to_date": "430.50",  # 180,5 (M1) + 40 (M2) + 150 + 60 (M5, 2024 included)
        "realization_rate": "25.32",  # 430,5 / 1 700
        "fte": "0.23",  # 370,5 / 1 607
        "cumulated": "550.50",  # 370,5 + 60 (2024) + 120 (2023, M8)
        "first_year": 2023,
    },
    "participants": {"count": 3, "qpv": {"count": 1, "share": "33.33"}},
    "inclusive_suppliers": {"count": 2, "amount": "75000.75", "amount_share": "42.86"},
    "food": {
        "total": "2000.00",
        "organic": "1000.00",
        "siqo": "500.00",
        "other_egalim": "300.00",
        "egalim": "1800.00",
        "short_circuit_share": "50.00",
        "local_share": "75.00",
        "organic_share": "50.00",
        "egalim_share": "90.00",
    },
    "excluded": {
        "contracts_without_notification_date": 1,  # M7
        "contracts_without_amount": 1,  # M3
        "contracts_without_category": 0,
        "contracts_without_territory": 1,  # M3
        "clauses_without_execution_period": 1,  # M7's clause
        "clauses_without_planned_hours": 1,  # M2's reserved clause
        "archived_contracts": 1,  # M6
        "hour_entries_on_archived_contracts": 1,  # 50 h on M6
        "participants_without_birth_year": 1,  # P3
        "participants_without_qualification": 1,  # P2
    },
}


def _subset(actual: dict, expected: dict, path: str = "") -> None:
    for key, value in expected.items():
        assert key in actual, f"missing {path}{key}"
        if isinstance(value, dict):
            _subset(actual[key], value, f"{path}{key}.")
        elif isinstance(value, str):
            assert Decimal(actual[key]) == Decimal(value), f"{path}{key}: {actual[key]} != {value}"
        else:
            assert actual[key] == value, f"{path}{key}: {actual[key]} != {value}"


def _breakdown(lines, field="value"):
    return {line.code: (line.count, getattr(line, field)) for line in lines}


@pytest.fixture
def data(db):
    return make_handmade_data()


def test_headline_figures_match_the_hand_computation(data):
    figures = indicators_as_dict(compute_indicators(data["buyer"].id, YEAR))
    _subset(figures, EXPECTED)


def test_contract_breakdowns_by_kind_category_territory_and_cpv(data):
    contracts = compute_indicators(data["buyer"].id, YEAR).contracts
    assert _breakdown(contracts.by_clause_kind) == {
        "execution_condition": (1, Decimal("100000.00")),
        "award_criterion": (1, Decimal("50000.50")),
        "reserved": (1, Decimal("50000.50")),
    }
    assert _breakdown(contracts.by_category) == {
        "works": (1, Decimal("100000.00")),
        "services": (1, Decimal("50000.50")),
        "supplies": (2, Decimal("25000.25")),
    }
    assert _breakdown(contracts.by_territory) == {
        "Arrageois": (2, Decimal("125000.25")),
        "Lens-Liévin": (1, Decimal("50000.50")),
        "unknown": (1, Decimal("0")),
    }
    assert _breakdown(contracts.by_cpv_division) == {
        "45": (1, Decimal("100000.00")),
        "90": (1, Decimal("50000.50")),
        "30": (2, Decimal("25000.25")),
    }
    assert contracts.by_cpv_division[0].label == "45 — Travaux de construction"


def test_hours_by_modality_employer_territory_and_contract(data):
    hours = compute_indicators(data["buyer"].id, YEAR).hours
    assert _breakdown(hours.by_modality) == {
        "direct_hire": (1, Decimal("180.5")),
        "temp_work": (1, Decimal("150")),
        "secondment": (1, Decimal("40")),
    }
    assert _breakdown(hours.by_employer_kind) == {
        "ordinary": (1, Decimal("180.5")),
        "ETTI": (1, Decimal("150")),
        "AI": (1, Decimal("40")),
    }
    assert _breakdown(hours.by_territory) == {
        "Arrageois": (2, Decimal("330.5")),
        "Lens-Liévin": (1, Decimal("40")),
    }
    assert [
        (row.reference, row.planned, row.realized, row.realized_to_date, row.realization_rate)
        for row in hours.by_contract
    ] == [
        ("M1", Decimal("500"), Decimal("180.5"), Decimal("180.5"), Decimal("36.10")),
        ("M2", Decimal("200"), Decimal("40"), Decimal("40"), Decimal("20.00")),
        ("M5", Decimal("1000"), Decimal("150"), Decimal("210"), Decimal("21.00")),
    ]


def test_participants_count_once_with_their_latest_outcome(data):
    people = compute_indicators(data["buyer"].id, YEAR).participants
    assert _breakdown(people.by_gender, "count") == {"female": (1, 1), "male": (2, 2)}
    assert _breakdown(people.by_age_band, "count") == {
        "under_26": (1, 1),
        "50_plus": (1, 1),
        "unknown": (1, 1),
    }
    assert {line.code: line.count for line in people.by_eligibility} == {
        "DELD": 1, "RSA": 1, "JEUNE": 1, "SENIOR": 1, "QPV": 1
    }  # fmt: skip
    assert {line.code: line.count for line in people.by_qualification} == {"3": 1, "4": 1, "unknown": 1}
    assert {line.code: line.count for line in people.outcomes} == {
        "lasting_job": 1, "still_in_pathway": 1, "none": 1
    }  # fmt: skip


def test_inclusive_suppliers_by_kind(data):
    inclusive = compute_indicators(data["buyer"].id, YEAR).inclusive
    assert _breakdown(inclusive.by_kind) == {"EI": (1, Decimal("50000.50")), "ESAT": (1, Decimal("25000.25"))}


def test_objectives_reached_or_not(data):
    objectives = compute_indicators(data["buyer"].id, YEAR).objectives
    assert [(o.code, o.target, o.achieved, o.reached) for o in objectives] == [
        ("social_contract_count_share", Decimal("30"), Decimal("50.00"), True),
        ("social_contract_amount_share", Decimal("90"), Decimal("85.71"), False),
        ("insertion_hours", Decimal("400"), Decimal("370.5"), False),
        ("participants", Decimal("3"), Decimal("3"), True),
        ("short_circuit_share", Decimal("40"), Decimal("50.00"), True),
        ("organic_share", Decimal("60"), Decimal("50.00"), False),
        ("egalim_share", Decimal("50"), Decimal("90.00"), True),
    ]  # local_share has no target: not reported


def test_trend_starts_with_the_first_year_recorded(data):
    trend = compute_indicators(data["buyer"].id, YEAR).trend
    assert [(t.year, t.contract_count, t.realized_hours, t.participants, t.egalim_share) for t in trend] == [
        (2023, 1, Decimal("120"), 1, None),
        (2024, 1, Decimal("60"), 1, Decimal("100.00")),
        (2025, 4, Decimal("370.5"), 3, Decimal("90.00")),
    ]


def test_all_buyers_together_add_the_other_buyer(data):
    figures = compute_indicators(None, YEAR)
    assert figures.contracts.count == 5  # X1 of the other buyer, notified in 2025
    assert figures.contracts.amount == Decimal("275000.75")
    assert figures.hours.realized == Decimal("447.5")  # + 77 h
    assert figures.participants.count == 4
    assert figures.food.overall.total == Decimal("7000.00")
    assert figures.objectives == ()


def test_figures_serialise_to_json(data):
    text = json.dumps(indicators_as_dict(compute_indicators(data["buyer"].id, YEAR)))
    assert '"amount": "175000.75"' in text


def test_trend_lines_leave_gaps_for_years_without_value():
    from app.core import charts

    drawing = charts.trend_chart_with_gaps(
        [2023, 2024, 2025], {"EGalim (%)": [None, Decimal("40"), Decimal("52")]}
    )
    line_chart = next(c for c in drawing.contents if hasattr(c, "joinedLines"))
    assert line_chart.data == [[None, 40.0, 52.0]]
    assert "<svg" in charts.to_svg(drawing)


def test_trend_line_with_a_single_known_value_still_draws():
    from reportlab.graphics import renderPDF

    from app.core import charts

    drawing = charts.trend_chart_with_gaps(
        [2024, 2025], {"Bio (%)": [None, Decimal("20")], "Rien": [None, None]}
    )
    assert renderPDF.drawToString(drawing).startswith(b"%PDF")
