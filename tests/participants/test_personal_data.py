"""Personal data: kept apart, never exported, purged after the retention period, erased on request."""

import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select, update

from app.core.audit import AuditEntry
from app.core.settings import get_setting
from app.extensions import db as database
from app.hours.models import HourEntry
from app.hours.queries import participant_totals_select
from app.participants import services
from app.participants.models import Participant, ParticipantIdentity
from tests import factories
from tests.conftest import login
from tests.hours.helpers import clause_for

NAME = "Zéphirine Vandercasteele"
CONTACTS = ("zephirine@exemple.fr", "06 11 22 33 44", "12 rue des Corons")


def person(actor, **changes):
    first, last = NAME.split()
    values = dict(
        gender="female",
        birth_year=1985,
        criteria=["RSA", "QPV"],
        first_name=first,
        last_name=last,
        email=CONTACTS[0],
        phone=CONTACTS[1],
        address=CONTACTS[2],
    )
    values.update(changes)
    participant = services.create_participant(actor, services.ParticipantData(**values))
    database.session.commit()
    return participant


def age(participant, when: datetime):
    """Pretend the record was last touched at ``when``."""
    database.session.execute(
        update(Participant).where(Participant.id == participant.id).values(updated_at=when)
    )
    database.session.execute(
        update(ParticipantIdentity)
        .where(ParticipantIdentity.participant_id == participant.id)
        .values(updated_at=when)
    )
    database.session.commit()


def test_personal_fields_never_appear_in_csv_or_xlsx_exports(db, client, facilitator):
    clause = clause_for(facilitator)
    participant = person(facilitator)
    factories.HourEntryFactory(participant=participant, clause=clause, hours=Decimal("35"))
    login(client, facilitator)
    exports = [
        "/participants/?format=csv",
        "/participants/?format=xlsx",
        "/heures/saisies?format=csv",
        "/heures/saisies?format=xlsx",
        "/heures/beneficiaires?format=csv",
        "/heures/beneficiaires?format=xlsx",
        "/heures/?format=csv",
        "/heures/?format=xlsx",
    ]
    for url in exports:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith("xlsx"):
            workbook = load_workbook(io.BytesIO(response.data))
            text = " ".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row)
        else:
            text = response.data.decode("utf-8-sig")
        for secret in (*NAME.split(), *CONTACTS):
            assert secret not in text, (url, secret)
        if "participants" in url or "saisies" in url or "beneficiaires" in url:
            assert participant.code in text, url  # the export is not simply empty


def test_purge_erases_names_past_retention_and_keeps_hours_and_statistics(db, runner, facilitator):
    old = person(facilitator)
    factories.HourEntryFactory(participant=old, month=date(2019, 5, 1), hours=Decimal("120"))
    recent = person(facilitator)
    factories.HourEntryFactory(participant=recent, month=date(2024, 1, 1), hours=Decimal("30"))
    long_ago = datetime(2019, 6, 1, tzinfo=UTC)
    age(old, long_ago)
    age(recent, long_ago)
    totals_before = db.session.execute(participant_totals_select()).all()

    dry = runner.invoke(args=["participants", "purge", "--dry-run"])
    assert dry.exit_code == 0 and old.code in dry.output and recent.code not in dry.output
    assert db.session.get(ParticipantIdentity, old.id).last_name == "Vandercasteele"

    result = runner.invoke(args=["participants", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 identité(s) effacée(s)" in result.output
    erased = db.session.get(ParticipantIdentity, old.id)
    assert (erased.first_name, erased.last_name, erased.email, erased.phone, erased.address) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert erased.erased_at is not None
    assert db.session.get(ParticipantIdentity, recent.id).last_name == "Vandercasteele"
    # Code, profile, hours and statistics are untouched.
    kept = db.session.get(Participant, old.id)
    assert (kept.code, kept.birth_year, kept.criteria) == (old.code, 1985, ["QPV", "RSA"])
    assert (
        db.session.scalar(select(func.sum(HourEntry.hours)).where(HourEntry.participant_id == old.id)) == 120
    )
    assert db.session.execute(participant_totals_select()).all() == totals_before
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
    assert audit.object_id == str(old.id) and "Vandercasteele" not in audit.summary

    # Nothing left to purge the second time.
    assert "0 identité(s)" in runner.invoke(args=["participants", "purge"]).output


def test_retention_setting_changes_what_is_purged(db, client, admin, facilitator):
    participant = person(facilitator)
    factories.HourEntryFactory(participant=participant, month=date(2023, 1, 1))
    age(participant, datetime(2023, 2, 1, tzinfo=UTC))
    assert services.purge_identities("test", dry_run=True) == []  # within 5 years

    login(client, admin)
    page = client.get("/participants/parametres").get_data(as_text=True)
    assert 'value="5"' in page
    assert client.post("/participants/parametres", data={"years": "0"}).status_code == 200
    assert get_setting("participant_identity_retention_years") == "5"
    assert client.post("/participants/parametres", data={"years": "2"}).status_code == 302
    assert get_setting("participant_identity_retention_years") == "2"
    assert services.purge_identities("test", dry_run=True) == [participant.code]
    assert db.session.scalar(select(AuditEntry.summary).where(AuditEntry.object_type == "AppSetting")) == (
        "Durée de conservation des identités : 2 ans"
    )


def test_only_admins_change_the_retention(db, as_facilitator):
    assert as_facilitator.get("/participants/parametres").status_code == 403


def test_right_of_access_export_contains_everything_and_is_audited(db, as_facilitator, facilitator):
    participant = person(facilitator)
    factories.HourEntryFactory(participant=participant, hours=Decimal("12.5"))
    response = as_facilitator.post(f"/participants/{participant.id}/export.json")
    data = json.loads(response.data)
    assert data["code"] == participant.code
    assert data["identite"]["last_name"] == "Vandercasteele"
    assert data["heures"][0]["heures"] == "12.50"
    csv_response = as_facilitator.post(f"/participants/{participant.id}/export.csv")
    assert "identite;last_name;Vandercasteele" in csv_response.data.decode("utf-8-sig")
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "export")) == 2


def test_identity_is_erased_on_request(db, as_facilitator, facilitator):
    participant = person(facilitator)
    factories.HourEntryFactory(participant=participant)
    response = as_facilitator.post(
        f"/participants/{participant.id}/effacement", data={"reason": "Demande écrite"}
    )
    assert response.status_code == 302
    identity = db.session.get(ParticipantIdentity, participant.id)
    assert identity.last_name == "" and identity.erased_at is not None
    assert db.session.scalar(select(func.count(HourEntry.id))) == 1
    page = as_facilitator.get(f"/participants/{participant.id}").get_data(as_text=True)
    assert "Identité effacée le" in page and "Vandercasteele" not in page
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
    assert audit.summary == f"Identité de {participant.code} effacée sur demande : Demande écrite"
