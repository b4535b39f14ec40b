"""An invalid month in the hours grid is refused: the hours are never saved into another month."""

import html

import pytest
from sqlalchemy import func, select

from app.hours.models import HourEntry
from tests import factories
from tests.conftest import login
from tests.hours.helpers import clause_for, employer
from tests.hours.test_grid_routes import grid_form, grid_url


@pytest.mark.parametrize("month", ["2025-13", "2025-00", "13/2025", "²025-04", "2025-4", "avril"])
def test_hours_posted_for_an_unreadable_month_are_not_saved(db, client, facilitator, month):
    clause = clause_for(facilitator)
    anna, company = factories.ParticipantFactory(), employer()
    login(client, facilitator)
    response = client.post(
        grid_url(clause, month), data=grid_form((anna.code, company.identifier, "direct_hire", "35"))
    )
    assert response.status_code == 422
    assert "Mois invalide" in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count(HourEntry.id))) == 0


def test_an_unreadable_month_in_the_address_shows_the_default_month_with_a_warning(db, client, facilitator):
    clause = clause_for(facilitator)
    login(client, facilitator)
    response = client.get(grid_url(clause, "2025-13"))
    assert response.status_code == 200 and "Mois invalide" in response.get_data(as_text=True)
