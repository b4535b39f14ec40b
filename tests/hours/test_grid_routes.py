"""The monthly grid and single entries over HTTP, with object-level access."""

import html
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.hours.models import HourEntry
from tests import factories
from tests.conftest import login
from tests.hours.helpers import clause_for, employer


def grid_url(clause, month="2025-04"):
    return f"/heures/clauses/{clause.id}/saisie?mois={month}"


def grid_form(*rows, merge=False):
    data = {"row_count": str(len(rows))}
    for index, (code, siret, modality, hours) in enumerate(rows, start=1):
        data |= {
            f"rows-{index}-participant": code,
            f"rows-{index}-employer": siret,
            f"rows-{index}-modality": modality,
            f"rows-{index}-hours": hours,
        }
    if merge:
        data["merge"] = "1"
    return data


def test_facilitator_is_refused_on_a_clause_not_assigned_to_them(db, client, facilitator):
    other = factories.UserFactory(role="facilitator")
    clause = clause_for(other)
    anna, company = factories.ParticipantFactory(), employer()
    login(client, facilitator)
    assert client.get(grid_url(clause)).status_code == 403
    response = client.post(
        grid_url(clause), data=grid_form((anna.code, company.identifier, "direct_hire", "35"))
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(HourEntry.id))) == 0


def test_facilitator_cannot_edit_or_delete_an_entry_of_a_foreign_clause(db, as_facilitator):
    entry = factories.HourEntryFactory()
    assert as_facilitator.get(f"/heures/saisies/{entry.id}").status_code == 403
    assert as_facilitator.post(f"/heures/saisies/{entry.id}/suppression").status_code == 403
    assert db.session.scalar(select(func.count(HourEntry.id))) == 1


def test_officers_and_readers_cannot_open_the_grid(db, client, officer, reader):
    clause = clause_for(None)
    for user in (officer, reader):
        login(client, user)
        assert client.get(grid_url(clause)).status_code == 403


def test_admin_logs_hours_on_any_clause(db, as_admin):
    clause = clause_for(None)
    anna, company = factories.ParticipantFactory(), employer()
    response = as_admin.post(
        grid_url(clause), data=grid_form((anna.code, company.identifier, "direct_hire", "35"))
    )
    assert response.status_code == 302
    assert db.session.scalar(select(HourEntry.hours)) == Decimal("35")


def test_grid_page_suggests_last_month_participants(db, client, facilitator):
    clause = clause_for(facilitator)
    entry = factories.HourEntryFactory(clause=clause, month=date(2025, 3, 1))
    login(client, facilitator)
    page = client.get(grid_url(clause)).get_data(as_text=True)
    assert "Heures d'avril 2025" in html.unescape(page)
    assert f'value="{entry.participant.code}"' in page
    assert f'value="{entry.employer.identifier}"' in page


def test_grid_saves_rows_and_reports_errors_without_writing(db, client, facilitator):
    clause = clause_for(facilitator)
    anna, bruno, company = factories.ParticipantFactory(), factories.ParticipantFactory(), employer()
    login(client, facilitator)

    bad = client.post(
        grid_url(clause),
        data=grid_form(
            (anna.code, company.identifier, "direct_hire", "35"),
            (bruno.code, company.identifier, "direct_hire", "250"),
        ),
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "Rien n'a été enregistré" in page
    assert "Ligne 2</a> : " in page and "dépasserait 200" in page
    assert db.session.scalar(select(func.count(HourEntry.id))) == 0

    good = client.post(
        grid_url(clause),
        data=grid_form(
            (anna.code, company.identifier, "direct_hire", "35"),
            (bruno.code, company.identifier, "direct_hire", "12,5"),
        ),
    )
    assert good.status_code == 302
    assert db.session.scalar(select(func.sum(HourEntry.hours))) == Decimal("47.5")


def test_grid_offers_to_merge_a_duplicate(db, client, facilitator):
    clause = clause_for(facilitator)
    entry = factories.HourEntryFactory(clause=clause, hours=Decimal("35"))
    login(client, facilitator)
    row = (entry.participant.code, entry.employer.identifier, "direct_hire", "5")
    refused = client.post(grid_url(clause), data=grid_form(row))
    assert refused.status_code == 422
    assert 'name="merge"' in refused.get_data(as_text=True)
    assert client.post(grid_url(clause), data=grid_form(row, merge=True)).status_code == 302
    assert db.session.scalar(select(HourEntry.hours)) == Decimal("40")


def test_entry_is_edited_and_deleted(db, client, facilitator):
    clause = clause_for(facilitator)
    entry = factories.HourEntryFactory(clause=clause, hours=Decimal("35"))
    login(client, facilitator)
    response = client.post(
        f"/heures/saisies/{entry.id}",
        data={
            "participant_code": entry.participant.code,
            "employer_siret": entry.employer.identifier,
            "modality": "direct_hire",
            "month": "2025-05",
            "hours": "28,5",
            "contract_type": "CDD",
        },
    )
    assert response.status_code == 302
    db.session.refresh(entry)
    assert (entry.month, entry.hours, entry.contract_type) == (date(2025, 5, 1), Decimal("28.5"), "CDD")

    refused = client.post(
        f"/heures/saisies/{entry.id}",
        data={
            "participant_code": entry.participant.code,
            "employer_siret": entry.employer.identifier,
            "modality": "direct_hire",
            "month": "2030-01",
            "hours": "10",
            "contract_type": "",
        },
    )
    assert refused.status_code == 200 and "hors de la période" in refused.get_data(as_text=True)

    assert client.post(f"/heures/saisies/{entry.id}/suppression").status_code == 302
    assert db.session.scalar(select(func.count(HourEntry.id))) == 0


@pytest.mark.parametrize("typed", ["1e40", "1e309", "NaN", "Infinity", "-Infinity", "²", "99999999999"])
def test_grid_refuses_non_finite_and_absurd_hours_with_a_message(db, as_admin, typed):
    """Issue 16, defect 2: a number written with an exponent (or not a number) was a 500 in the grid."""
    clause = clause_for(None)
    anna, company = factories.ParticipantFactory(), employer()
    response = as_admin.post(
        grid_url(clause), data=grid_form((anna.code, company.identifier, "direct_hire", typed))
    )
    assert response.status_code == 422
    assert "Rien n'a été enregistré" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(HourEntry.id))) == 0
