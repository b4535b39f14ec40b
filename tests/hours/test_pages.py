"""Every page of the feature answers for the roles that use it, and refuses the others."""

from datetime import date
from decimal import Decimal

import pytest

from tests import factories
from tests.conftest import login
from tests.hours.helpers import clause_for


@pytest.fixture
def data(db, facilitator):
    clause = clause_for(facilitator, notified_on=date(2024, 1, 1), duration_months=12, planned="800")
    participant = factories.ParticipantFactory()
    entry = factories.HourEntryFactory(
        participant=participant, clause=clause, month=date(2024, 2, 1), hours=Decimal(30)
    )
    return {"clause": clause, "participant": participant, "entry": entry}


def pages(data):
    p, c, e = data["participant"].id, data["clause"].id, data["entry"].id
    return [
        "/",
        "/heures/",
        "/heures/retards",
        "/heures/saisies",
        "/heures/beneficiaires",
        "/heures/import",
        f"/heures/clauses/{c}/saisie",
        f"/heures/clauses/{c}/saisie?mois=2024-02",
        f"/heures/saisies/{e}",
        "/participants/",
        "/participants/nouveau",
        f"/participants/{p}",
        f"/participants/{p}/modifier",
        "/participants/sorties-a-renseigner",
    ]


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_every_page_renders(data, client, role, request):
    login(client, request.getfixturevalue(role))
    for url in pages(data):
        assert client.get(url).status_code == 200, url


def test_facilitator_home_lists_their_late_clauses(data, as_facilitator):
    page = as_facilitator.get("/").get_data(as_text=True)
    assert "Clauses en retard" in page and data["clause"].contract.reference in page
    assert "Sorties à renseigner" in page


@pytest.mark.parametrize("role", ["officer", "reader"])
def test_buyers_and_readers_see_the_follow_up_only(data, client, role, request):
    login(client, request.getfixturevalue(role))
    assert client.get("/heures/").status_code == 200
    assert client.get("/heures/retards").status_code == 200
    for url in pages(data)[3:]:
        assert client.get(url).status_code == 403, url
