"""Follow-up figures against a fixture computed by hand."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from app.core.db import utcnow
from app.core.figures import fte
from app.hours import queries
from app.hours.services.access import loggable_clause_ids
from tests import factories
from tests.hours.helpers import clause_for, employer

TODAY = date(2025, 7, 1)


@pytest.fixture
def fixture(db, facilitator):
    anna, bruno = factories.ParticipantFactory(), factories.ParticipantFactory()
    company = employer()
    # A: 1 000 h over 12 months from 1 January 2025 (365 days).
    a = clause_for(
        facilitator, notified_on=date(2025, 1, 1), duration_months=12, planned="1000", reference="A"
    )
    # B: 300 h over 24 months from 1 March 2025 (730 days).
    b = clause_for(None, notified_on=date(2025, 3, 1), duration_months=24, planned="300", reference="B")
    # C: 100 h over one month from 31 January 2024 (29 days: to 29 February excluded, a leap year).
    c = clause_for(
        facilitator, notified_on=date(2024, 1, 31), duration_months=1, planned="100", reference="C"
    )
    d = clause_for(None, notified_on=None, planned="50", reference="D")
    e = clause_for(None, planned=None, reference="E")
    archived = clause_for(None, reference="Z")
    archived.contract.archived_at = utcnow()
    for participant, clause, month, hours in (
        (anna, a, date(2025, 2, 1), "100"),
        (anna, a, date(2025, 3, 1), "50.5"),
        (bruno, a, date(2025, 3, 1), "49.5"),
        (anna, b, date(2025, 4, 1), "80"),
        (bruno, b, date(2025, 4, 1), "200"),
        (bruno, e, date(2025, 5, 1), "7"),
    ):
        factories.HourEntryFactory(
            participant=participant, clause=clause, employer=company, month=month, hours=Decimal(hours)
        )
    return {"anna": anna, "bruno": bruno, "a": a, "b": b, "c": c, "d": d, "e": e}


def by_reference(rows):
    return {row.reference: row for row in rows}


def test_realized_hours_rates_and_expected_hours_match_the_hand_computed_fixture(fixture):
    rows = by_reference(queries.followup_rows(queries.clause_followup_select(TODAY)))
    assert set(rows) == {"A", "B", "C", "D", "E"}  # archived contracts are left out

    a = rows["A"]
    assert (a.planned_hours, a.realized_hours, a.rate) == (Decimal("1000"), Decimal("200"), Decimal("20.0"))
    # 182 days elapsed (1 January to 1 July inclusive) of 365: 1 000 × 182 ÷ 365 = 498.63
    assert a.expected_hours == Decimal("498.63")
    assert a.gap == Decimal("298.63") and a.is_behind

    b = rows["B"]
    assert (b.realized_hours, b.rate) == (Decimal("280"), Decimal("93.3"))
    # 123 days of 730: 300 × 123 ÷ 730 = 50.55; ahead of schedule.
    assert b.expected_hours == Decimal("50.55")
    assert b.gap == Decimal("-229.45") and not b.is_behind

    c = rows["C"]  # period over: everything was expected
    assert (c.realized_hours, c.rate, c.expected_hours, c.gap) == (
        0,
        Decimal("0.0"),
        Decimal("100"),
        Decimal("100"),
    )
    assert c.ends_on == date(2024, 2, 28)

    d = rows["D"]  # no notification date: nothing can be expected
    assert (d.expected_hours, d.gap) == (None, None)

    e = rows["E"]  # no planned hours: no rate
    assert (e.planned_hours, e.realized_hours, e.rate) == (0, Decimal("7"), None)

    assert queries.realized_hours_by_clause() == {
        fixture["a"].id: Decimal("200"),
        fixture["b"].id: Decimal("280"),
        fixture["e"].id: Decimal("7"),
    }


def test_behind_schedule_lists_the_facilitators_clauses_by_gap(fixture, facilitator):
    scope = loggable_clause_ids(facilitator)
    assert [r.reference for r in queries.behind_schedule(scope, TODAY)] == ["A", "C"]
    assert [r.reference for r in queries.behind_schedule(None, TODAY)] == ["A", "C"]
    totals = queries.followup_totals(scope, TODAY)
    assert (totals.clause_count, totals.planned_hours, totals.realized_hours) == (
        2,
        Decimal("1100"),
        Decimal("200"),
    )
    assert totals.expected_hours == Decimal("598.63") and totals.behind_count == 2
    assert totals.rate == Decimal("18.2")


def test_totals_per_participant(db, fixture):
    rows = {r.code: r for r in db.session.execute(queries.participant_totals_select())}
    anna = rows[fixture["anna"].code]
    assert (anna.hours, anna.contract_count, anna.month_count) == (Decimal("230.5"), 2, 3)
    assert fte(anna.hours) == Decimal("0.14")  # 230.5 ÷ 1 607
    bruno = rows[fixture["bruno"].code]
    assert (bruno.hours, bruno.contract_count) == (Decimal("256.5"), 3)
    only_2025_b = queries.participant_totals_select(year=2025, scope=[fixture["b"].id])
    assert [(r.code, r.hours) for r in db.session.execute(only_2025_b)] == [
        (fixture["bruno"].code, Decimal("200")),
        (fixture["anna"].code, Decimal("80")),
    ]


def test_facilitator_follow_up_page_shows_their_clauses_only(fixture, as_facilitator):
    page = as_facilitator.get("/heures/").get_data(as_text=True)
    assert '<div class="fw-semibold">A</div>' in page and '<div class="fw-semibold">C</div>' in page
    assert '<div class="fw-semibold">B</div>' not in page


def test_officer_sees_every_clause_and_exports_the_follow_up(fixture, as_officer):
    page = as_officer.get("/heures/").get_data(as_text=True)
    assert '<div class="fw-semibold">B</div>' in page
    response = as_officer.get("/heures/?format=csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Acheteur", "Marché", "Objet"]
    b = next(r for r in rows if r[1] == "B")
    assert b[6:9] == ["300,00", "280,00", "93,3"]


def test_grid_page_is_refused_for_a_clause_of_another_facilitator(fixture, as_facilitator):
    assert as_facilitator.get(f"/heures/clauses/{fixture['b'].id}/saisie").status_code == 403
    assert as_facilitator.get(f"/heures/clauses/{fixture['a'].id}/saisie").status_code == 200


def test_follow_up_export_gives_the_gap_with_the_sign_shown_on_screen(fixture, as_officer, monkeypatch):
    """The page shows « −20,0 h » for a clause behind schedule: the export says −20 too, not +20."""
    screen = {row.reference: row for row in queries.followup_rows(queries.clause_followup_select())}
    behind = next(row for row in screen.values() if row.gap and row.gap > 0)
    rows = list(
        csv.reader(io.StringIO(as_officer.get("/heures/?format=csv").data.decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][10].startswith("Écart (réalisées − attendues")
    exported = next(r for r in rows if r[1] == behind.reference)
    assert exported[10].startswith("-") and Decimal(exported[10].replace(",", ".")) == -behind.gap


def test_hours_xlsx_writes_months_as_french_dates(fixture, as_facilitator):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(as_facilitator.get("/heures/saisies?format=xlsx").data)).active
    months = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert months and all(cell.is_date and cell.number_format == "DD/MM/YYYY" for cell in months)
    csv_rows = list(
        csv.reader(
            io.StringIO(as_facilitator.get("/heures/saisies?format=csv").data.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert csv_rows[1][0] in {"01/02/2025", "01/03/2025", "01/01/2024"}
