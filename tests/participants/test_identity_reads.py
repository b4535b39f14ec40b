"""Every display of a participant's name and contact is in the audit log (who saw whom, when)."""

from app.core.audit import AuditEntry
from tests.participants.test_personal_data import person


def _reads(db):
    return [
        (e.object_id, e.user_id, e.summary)
        for e in db.session.query(AuditEntry).filter_by(action="read_identity").order_by(AuditEntry.id)
    ]


def test_detail_edit_and_list_pages_record_the_identity_read(db, as_facilitator, facilitator):
    participant = person(facilitator)
    pseudonymous = person(facilitator, first_name="", last_name="", email="", phone="", address="")
    assert as_facilitator.get(f"/participants/{participant.id}").status_code == 200
    assert as_facilitator.get(f"/participants/{participant.id}/modifier").status_code == 200
    assert as_facilitator.get("/participants/").status_code == 200
    assert as_facilitator.get(f"/participants/{pseudonymous.id}").status_code == 200
    pid = str(participant.id)
    assert _reads(db) == [
        (pid, facilitator.id, f"Identité de {participant.code} consultée (fiche)"),
        (pid, facilitator.id, f"Identité de {participant.code} consultée (modification)"),
        (pid, facilitator.id, f"Identité de {participant.code} consultée (liste)"),
    ]
