"""Participants: pseudonymous codes, eligibility, search, outcomes due."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.participants import services
from app.participants.models import Participant
from app.participants.queries import outcomes_due_select
from tests import factories
from tests.conftest import login
from tests.hours.helpers import clause_for


def data(**changes) -> services.ParticipantData:
    values = {
        "gender": "female",
        "birth_year": 1988,
        "criteria": ["RSA"],
        "first_name": "Inès",
        "last_name": "Delattre",
    }
    values.update(changes)
    return services.ParticipantData(**values)


def test_created_participant_gets_a_non_guessable_unique_code(db, facilitator):
    first = services.create_participant(facilitator, data())
    second = services.create_participant(facilitator, data())
    db.session.commit()
    assert re.fullmatch(r"P-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}", first.code)
    assert first.code != second.code
    assert first.identity.last_name == "Delattre"


def test_audit_log_records_the_change_but_never_the_name(db, facilitator):
    participant = services.create_participant(facilitator, data())
    services.update_participant(facilitator, participant, data(last_name="Martin", birth_year=1990))
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "Participant")).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes["birth_year"] == [1988, 1990]
    assert "identity" in entries[1].changes
    dumped = repr([(e.summary, e.changes) for e in entries])
    assert "Delattre" not in dumped and "Martin" not in dumped and "Inès" not in dumped


def test_other_criterion_requires_a_reason(db, facilitator):
    with pytest.raises(ServiceError, match="motif"):
        services.create_participant(facilitator, data(criteria=["AUTRE"]))
    db.session.rollback()
    assert db.session.scalar(select(Participant.id)) is None
    participant = services.create_participant(
        facilitator, data(criteria=["AUTRE"], other_eligibility_reason="Sortie de détention")
    )
    assert participant.other_eligibility_reason == "Sortie de détention"


def test_at_least_one_criterion_is_required(db, facilitator):
    with pytest.raises(ServiceError, match="au moins un critère"):
        services.create_participant(facilitator, data(criteria=[]))


def test_participant_is_created_through_the_form_and_found_by_name(db, as_facilitator):
    response = as_facilitator.post(
        "/participants/nouveau",
        data={
            "gender": "male",
            "birth_year": "1970",
            "qualification_level": "3",
            "commune_code": "62041",
            "criteria": ["DELD", "SENIOR"],
            "first_name": "Karim",
            "last_name": "Benali",
        },
    )
    assert response.status_code == 302
    participant = db.session.scalars(select(Participant)).one()
    assert participant.criteria == ["DELD", "SENIOR"] and participant.commune_code == "62041"
    page = as_facilitator.get("/participants/?q=benali").get_data(as_text=True)
    assert participant.code in page and "Karim Benali" in page
    assert participant.code in as_facilitator.get(f"/participants/?q={participant.code[:5]}").get_data(
        as_text=True
    )
    assert participant.code not in as_facilitator.get("/participants/?q=dupont").get_data(as_text=True)


def test_officers_and_readers_never_see_participants(db, client, officer, reader):
    participant = factories.ParticipantFactory()
    for user in (officer, reader):
        login(client, user)
        assert client.get("/participants/").status_code == 403
        assert client.get(f"/participants/{participant.id}").status_code == 403


def test_outcomes_are_due_six_months_after_the_last_hours(db, facilitator):
    today = date(2025, 12, 15)
    due = factories.ParticipantFactory()
    recent = factories.ParticipantFactory()
    answered = factories.ParticipantFactory()
    old_answer = factories.ParticipantFactory()
    for participant, month in (
        (due, date(2025, 6, 1)),
        (recent, date(2025, 7, 1)),
        (answered, date(2025, 5, 1)),
        (old_answer, date(2025, 3, 1)),
    ):
        factories.HourEntryFactory(participant=participant, month=month, hours=Decimal("20"))
    factories.HourEntryFactory(participant=due, month=date(2025, 2, 1))
    services.record_outcome(facilitator, answered, "lasting_job", date(2025, 11, 20))
    # An outcome observed during the last month of hours is not "after" them.
    services.record_outcome(facilitator, old_answer, "still_in_pathway", date(2025, 3, 10))
    db.session.commit()
    rows = db.session.execute(outcomes_due_select(today)).all()
    assert [(p.code, last) for p, last in rows] == [
        (old_answer.code, date(2025, 3, 1)),
        (due.code, date(2025, 6, 1)),
    ]


def test_outcome_is_recorded_from_the_due_list_and_audited(db, as_facilitator, facilitator):
    participant = factories.ParticipantFactory()
    factories.HourEntryFactory(
        participant=participant, clause=clause_for(facilitator), month=date(2025, 3, 1)
    )
    elsewhere = factories.ParticipantFactory()  # worked only on clauses other facilitators follow
    factories.HourEntryFactory(participant=elsewhere, month=date(2025, 3, 1))
    assert f">{elsewhere.code}</a>" not in as_facilitator.get("/participants/sorties-a-renseigner").get_data(
        as_text=True
    )
    assert participant.code in as_facilitator.get("/participants/sorties-a-renseigner").get_data(as_text=True)
    response = as_facilitator.post(
        f"/participants/{participant.id}/sorties",
        data={
            "status": "transition_job",
            "observed_on": "2025-10-02",
            "next": "/participants/sorties-a-renseigner",
        },
    )
    assert response.status_code == 302
    page = as_facilitator.get("/participants/sorties-a-renseigner").get_data(as_text=True)
    assert f">{participant.code}</a>" not in page and "Aucune sortie à renseigner" in page
    assert db.session.scalar(
        select(AuditEntry.summary).where(AuditEntry.object_type == "Outcome")
    ).startswith(f"Sortie de {participant.code} : Emploi de transition")


def test_outcome_in_the_future_is_refused(db, facilitator):
    participant = factories.ParticipantFactory()
    with pytest.raises(ServiceError, match="futur"):
        services.record_outcome(facilitator, participant, "other", date(2099, 1, 1))
