"""Administrators set each buyer's yearly targets, copied from the year before on request."""

from decimal import Decimal

import pytest

from app.core.audit import AuditEntry
from app.objectives.models import Objective
from tests import factories as f


@pytest.fixture
def buyer(db):
    return f.BuyerFactory(name="Département du Pas-de-Calais")


def _objective(db, buyer, year):
    return db.session.scalars(
        db.select(Objective).where(Objective.buyer_id == buyer.id, Objective.year == year)
    ).one_or_none()


def test_admin_sets_targets_typed_the_french_way(as_admin, db, buyer):
    response = as_admin.post(
        f"/objectifs/{buyer.id}/2026",
        data={"social_contract_count_share": "30", "insertion_hours": "12 500,5", "participants": "40",
              "egalim_share": "50,5"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Objectifs 2026 de Département du Pas-de-Calais enregistrés" in response.get_data(as_text=True)
    objective = _objective(db, buyer, 2026)
    assert objective.insertion_hours == Decimal("12500.50") and objective.participants == 40
    assert objective.egalim_share == Decimal("50.50") and objective.organic_share is None
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.object_type == "Objective")).one()
    assert entry.action == "create" and entry.changes["insertion_hours"][0] is None
    assert Decimal(entry.changes["insertion_hours"][1]) == Decimal("12500.5")


def test_share_above_100_is_refused_with_a_message(as_admin, db, buyer):
    response = as_admin.post(f"/objectifs/{buyer.id}/2026", data={"organic_share": "120"})
    assert response.status_code == 200
    assert "Entre 0 et 100" in response.get_data(as_text=True)
    assert _objective(db, buyer, 2026) is None


def test_copy_from_previous_year(as_admin, db, buyer):
    f.ObjectiveFactory(buyer=buyer, year=2025, insertion_hours=Decimal("9000"), organic_share=Decimal("20"))
    response = as_admin.post(f"/objectifs/{buyer.id}/2026/copier", follow_redirects=True)
    assert "Objectifs 2025 recopiés pour 2026" in response.get_data(as_text=True)
    copied = _objective(db, buyer, 2026)
    assert copied.insertion_hours == Decimal("9000") and copied.organic_share == Decimal("20")
    assert _objective(db, buyer, 2025).insertion_hours == Decimal("9000")  # the source is left as it was


def test_copy_without_previous_year_says_so(as_admin, db, buyer):
    response = as_admin.post(f"/objectifs/{buyer.id}/2026/copier", follow_redirects=True)
    assert "Aucun objectif n&#39;a été fixé pour 2025" in response.get_data(as_text=True)
    assert _objective(db, buyer, 2026) is None


def test_index_lists_buyers_with_and_without_targets(as_admin, db, buyer):
    f.ObjectiveFactory(buyer=buyer, year=2026, insertion_hours=Decimal("1607"))
    f.BuyerFactory(name="Commune d'Arras")
    page = as_admin.get("/objectifs/?annee=2026").get_data(as_text=True)
    assert (
        "1\u00a0607\u00a0h" in page
        and "Commune d&#39;Arras" in page
        and "Aucun objectif fixé pour 2026" in page
    )


@pytest.mark.parametrize("user", ["officer", "reader", "facilitator"])
def test_only_admins_reach_objectives(client, request, buyer, user):
    from tests.conftest import login

    login(client, request.getfixturevalue(user))
    assert client.get("/objectifs/").status_code == 403
    assert client.post(f"/objectifs/{buyer.id}/2026", data={"participants": "3"}).status_code == 403
