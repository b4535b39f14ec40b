"""Every check of issue 4 refuses bad input with a French message and writes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.core.enums import StructureKind
from app.hours.models import HourEntry
from app.hours.services import (
    EntryChanges,
    GridRow,
    HoursRejected,
    delete_hour_entry,
    log_hours,
    save_month_grid,
    update_hour_entry,
)
from tests import factories
from tests.hours.helpers import clause_for, employer, line


def entry_count(db) -> int:
    return db.session.scalar(select(func.count(HourEntry.id)))


@pytest.fixture
def setting(facilitator):
    return {
        "clause": clause_for(facilitator),
        "company": employer(),
        "anna": factories.ParticipantFactory(),
        "bruno": factories.ParticipantFactory(),
    }


def test_grid_saves_several_rows_in_one_go(db, facilitator, setting):
    rows = [
        GridRow(1, setting["anna"].code, setting["company"].identifier, "direct_hire", "35"),
        GridRow(2, setting["bruno"].code, setting["company"].identifier, "direct_hire", "20,5"),
        GridRow(3),  # blank rows are skipped
    ]
    entries = save_month_grid(facilitator, setting["clause"], date(2025, 4, 1), rows)
    db.session.commit()
    assert len(entries) == 2
    assert sorted(e.hours for e in db.session.scalars(select(HourEntry))) == [Decimal("20.5"), Decimal("35")]
    assert (
        db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.object_type == "HourEntry")) == 2
    )


def test_grid_with_one_bad_row_writes_none_and_names_the_row(db, facilitator, setting):
    rows = [
        GridRow(1, setting["anna"].code, setting["company"].identifier, "direct_hire", "35"),
        GridRow(2, "P-INCONNU", setting["company"].identifier, "direct_hire", "10"),
    ]
    with pytest.raises(HoursRejected) as caught:
        save_month_grid(facilitator, setting["clause"], date(2025, 4, 1), rows)
    db.session.rollback()
    assert [(e.line, e.message) for e in caught.value.errors] == [(2, "Bénéficiaire inconnu : P-INCONNU.")]
    assert entry_count(db) == 0


@pytest.mark.parametrize("hours", ["0", "-3"])
def test_hours_must_be_positive(db, facilitator, setting, hours):
    with pytest.raises(HoursRejected) as caught:
        log_hours(facilitator, [line(setting["anna"], setting["clause"], setting["company"], hours)])
    db.session.rollback()
    assert "strictement positif" in str(caught.value)
    assert entry_count(db) == 0


def test_monthly_cap_counts_every_entry_on_every_clause(db, facilitator, setting):
    other_clause = clause_for(facilitator)
    third_clause = clause_for(facilitator)
    anna, company = setting["anna"], setting["company"]
    factories.HourEntryFactory(
        participant=anna, clause=setting["clause"], employer=company, hours=Decimal("120")
    )
    factories.HourEntryFactory(participant=anna, clause=other_clause, employer=company, hours=Decimal("60"))
    factories.HourEntryFactory(
        participant=anna,
        clause=other_clause,
        employer=employer(StructureKind.ETTI),
        modality="temp_work",
        hours=10,
    )
    # Another month does not count.
    factories.HourEntryFactory(
        participant=anna, clause=third_clause, employer=company, month=date(2025, 5, 1)
    )

    with pytest.raises(HoursRejected) as caught:
        log_hours(facilitator, [line(anna, third_clause, company, "10.5")])
    db.session.rollback()
    assert str(caught.value) == (
        "P-TEST-00000 dépasserait 200\xa0h en avril 2025 : 190\xa0h déjà saisies (tous marchés confondus) "
        "+ 10,5\xa0h = 200,5\xa0h.".replace("P-TEST-00000", anna.code)
    )
    assert entry_count(db) == 4

    log_hours(facilitator, [line(anna, third_clause, company, "10")])  # exactly 200 h is allowed
    db.session.commit()
    assert entry_count(db) == 5


def test_monthly_cap_adds_the_lines_of_the_same_batch(db, facilitator, setting):
    other = clause_for(facilitator)
    lines = [
        line(setting["anna"], setting["clause"], setting["company"], "150", number=1),
        line(setting["anna"], other, setting["company"], "60", number=2),
    ]
    with pytest.raises(HoursRejected) as caught:
        log_hours(facilitator, lines)
    db.session.rollback()
    assert "dépasserait 200\xa0h" in caught.value.errors[0].message
    assert entry_count(db) == 0


def test_monthly_cap_is_configurable(app, db, facilitator, setting):
    app.config["MAX_HOURS_PER_PARTICIPANT_MONTH"] = 100
    try:
        with pytest.raises(HoursRejected, match="dépasserait 100"):
            log_hours(facilitator, [line(setting["anna"], setting["clause"], setting["company"], "101")])
    finally:
        app.config["MAX_HOURS_PER_PARTICIPANT_MONTH"] = 200
    db.session.rollback()
    assert entry_count(db) == 0


@pytest.mark.parametrize("month", [date(2025, 2, 1), date(2027, 3, 1)])
def test_month_outside_execution_period_is_refused(db, facilitator, setting, month):
    with pytest.raises(HoursRejected) as caught:
        log_hours(facilitator, [line(setting["anna"], setting["clause"], setting["company"], month=month)])
    db.session.rollback()
    assert "hors de la période d'exécution" in str(caught.value)
    assert "du 01/03/2025 au 28/02/2027" in str(caught.value)
    assert entry_count(db) == 0


def test_first_and_last_month_of_the_period_are_accepted(db, facilitator, setting, monkeypatch):
    monkeypatch.setattr(
        "app.hours.services.rules.today_paris", lambda: date(2027, 2, 1)
    )  # the last month has begun
    log_hours(
        facilitator,
        [
            line(setting["anna"], setting["clause"], setting["company"], month=date(2025, 3, 1)),
            line(setting["anna"], setting["clause"], setting["company"], month=date(2027, 2, 1)),
        ],
    )
    db.session.commit()
    assert entry_count(db) == 2


def test_contract_without_notification_date_is_refused(db, facilitator, setting):
    clause = clause_for(facilitator, notified_on=None)
    with pytest.raises(HoursRejected) as caught:
        log_hours(facilitator, [line(setting["anna"], clause, setting["company"])])
    db.session.rollback()
    assert "n'a pas de date de notification ou de durée" in str(caught.value)
    assert entry_count(db) == 0


def test_employer_kind_must_fit_the_modality(db, facilitator, setting):
    with pytest.raises(HoursRejected) as caught:
        log_hours(
            facilitator, [line(setting["anna"], setting["clause"], setting["company"], modality="temp_work")]
        )
    db.session.rollback()
    message = str(caught.value)
    assert "ne peut pas employer de bénéficiaire en « Intérim »" in message
    assert "Entreprise de travail temporaire d'insertion (ETTI)" in message
    assert entry_count(db) == 0

    etti = employer(StructureKind.ETTI)
    log_hours(facilitator, [line(setting["anna"], setting["clause"], etti, modality="temp_work")])
    db.session.commit()
    assert entry_count(db) == 1


def test_exact_duplicate_is_refused_then_merged_on_confirmation(db, facilitator, setting):
    anna, clause, company = setting["anna"], setting["clause"], setting["company"]
    log_hours(facilitator, [line(anna, clause, company, "35")])
    db.session.commit()

    with pytest.raises(HoursRejected) as caught:
        log_hours(facilitator, [line(anna, clause, company, "10")])
    db.session.rollback()
    assert caught.value.has_duplicates
    assert "Doublon : une saisie existe déjà (35\xa0h)" in str(caught.value)
    assert "Confirmez la fusion" in str(caught.value)
    assert db.session.scalar(select(HourEntry.hours)) == Decimal("35")

    log_hours(facilitator, [line(anna, clause, company, "10")], merge=True)
    db.session.commit()
    assert entry_count(db) == 1
    assert db.session.scalar(select(HourEntry.hours)) == Decimal("45")
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "merge")) == 1


def test_same_participant_with_another_modality_is_not_a_duplicate(db, facilitator, setting):
    anna, clause = setting["anna"], setting["clause"]
    ai = employer(StructureKind.AI)
    log_hours(facilitator, [line(anna, clause, ai, "35")])
    log_hours(facilitator, [line(anna, clause, ai, "10", modality="secondment")])
    db.session.commit()
    assert entry_count(db) == 2


def test_facilitator_cannot_log_on_a_clause_they_do_not_follow(db, facilitator, setting):
    foreign = clause_for(None)
    with pytest.raises(HoursRejected, match="Vous ne suivez pas la clause"):
        log_hours(facilitator, [line(setting["anna"], foreign, setting["company"])])
    db.session.rollback()
    assert entry_count(db) == 0


def test_update_does_not_count_the_entry_twice_against_the_cap(db, facilitator, setting):
    entry = factories.HourEntryFactory(
        participant=setting["anna"],
        clause=setting["clause"],
        employer=setting["company"],
        hours=Decimal("190"),
    )
    update_hour_entry(
        facilitator,
        entry,
        EntryChanges(
            employer=setting["company"], modality="direct_hire", month=date(2025, 4, 1), hours=Decimal("200")
        ),
    )
    db.session.commit()
    assert db.session.scalar(select(HourEntry.hours)) == Decimal("200")
    with pytest.raises(HoursRejected, match="dépasserait"):
        update_hour_entry(
            facilitator,
            entry,
            EntryChanges(
                employer=setting["company"],
                modality="direct_hire",
                month=date(2025, 4, 1),
                hours=Decimal("201"),
            ),
        )
    db.session.rollback()
    assert db.session.scalar(select(HourEntry.hours)) == Decimal("200")
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert audit.changes == {"hours": ["190.00", "200"]}


def test_delete_is_audited(db, facilitator, setting):
    entry = factories.HourEntryFactory(
        participant=setting["anna"], clause=setting["clause"], employer=setting["company"]
    )
    delete_hour_entry(facilitator, entry)
    db.session.commit()
    assert entry_count(db) == 0
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).one()
    assert audit.object_type == "HourEntry" and audit.changes["hours"] == ["35.00", None]
