import re

from sqlalchemy import func, select

from app.auth.models import User
from app.contracts.models import Clause, Contract
from app.core.enums import ClauseKind, Role
from app.food.models import CateringSite, Purchase
from app.hours.models import HourEntry
from app.main.demo_catalog import DEMO_PASSWORD, FIRST_NAMES
from app.objectives.models import Objective
from app.participants.models import Participant
from app.referential.models import Buyer, Company, Territory
from app.reports.models import ReportVersion


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_fills_an_empty_database_coherently(runner, db, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "levier-demo-2026" in result.output and "admin@demo-levier.fr" in result.output

    assert _count(db, Territory) == 9
    assert _count(db, Contract) == 60
    assert _count(db, Buyer) == 5
    assert _count(db, Participant) == 40
    assert _count(db, CateringSite) == 2
    assert _count(db, Purchase) > 300
    assert _count(db, Objective) == 15
    report = db.session.scalars(select(ReportVersion)).one()
    assert report.status == "done" and len(report.checksum) == 64
    assert _count(db, HourEntry) > 500
    kinds = set(db.session.scalars(select(Clause.kind).distinct()))
    assert kinds == set(ClauseKind.codes())
    assert db.session.scalar(select(func.count()).select_from(Company).where(Company.kind != "ordinary")) >= 5
    years = set(db.session.scalars(select(func.extract("year", Contract.notified_on)).distinct()))
    assert len(years) == 3
    # No participant works more than 200 hours in a month, and every hour lies in its contract's period.
    over = db.session.execute(
        select(HourEntry.participant_id, HourEntry.month)
        .group_by(HourEntry.participant_id, HourEntry.month)
        .having(func.sum(HourEntry.hours) > 200)
    ).all()
    assert over == []
    for entry in db.session.scalars(select(HourEntry).limit(200)):
        contract = entry.clause.contract
        assert contract.notified_on.replace(day=1) <= entry.month <= contract.ends_on

    roles = {user.role for user in db.session.scalars(select(User))}
    assert roles == set(Role.codes())
    for user in db.session.scalars(select(User)):
        response = client.post("/connexion", data={"email": user.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, user.email
        assert client.get("/").status_code == 200
        client.post("/deconnexion")


def test_demo_refuses_a_database_that_is_not_empty(runner, db, officer):
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "n'est pas vide" in result.output
    assert _count(db, Contract) == 0


def test_demo_if_empty_leaves_a_filled_database_alone(runner, db, officer):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert "déjà des données" in result.output and "acheteur@demo-levier.fr" in result.output
    assert _count(db, Contract) == 0


def test_demo_speaks_proper_french(runner, db):
    """Elided « de » (écoles d'Arras) and first names that match the gender recorded."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    objects = db.session.scalars(select(Contract.object)).all()
    assert not [o for o in objects if re.search(r"\bde [AEIOUYÉÈ]", o)]
    assert any("d'Arras" in o or "d'Avion" in o or "d'Étaples" in o or "d'Outreau" in o for o in objects)
    for participant in db.session.scalars(select(Participant)):
        if participant.identity and participant.identity.first_name:
            assert participant.identity.first_name in FIRST_NAMES[participant.gender]
