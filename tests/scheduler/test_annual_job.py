"""The yearly job: one report per buyer with objectives, never twice, and caught up after a missed date."""

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import create_engine, inspect

from app.core.dates import PARIS
from app.core.enums import ReportStatus, ReportTrigger
from app.reports import services
from app.reports.models import ReportVersion
from app.scheduler import jobs
from tests import factories as f


@pytest.fixture
def buyers(db):
    """Two buyers with 2025 objectives, one with objectives for another year only, one with none."""
    with_objectives = [f.BuyerFactory(name="Département"), f.BuyerFactory(name="Agglomération")]
    for buyer in with_objectives:
        f.ObjectiveFactory(buyer=buyer, year=2025, insertion_hours=Decimal("1000"))
        f.ClauseFactory(contract=f.ContractFactory(buyer=buyer, notified_on=datetime(2025, 5, 1).date()))
    f.ObjectiveFactory(buyer=f.BuyerFactory(name="Commune 2024"), year=2024)
    f.BuyerFactory(name="Commune sans objectif")
    return with_objectives


def _versions(db):
    return db.session.scalars(db.select(ReportVersion).order_by(ReportVersion.id)).all()


def test_january_run_generates_one_report_per_buyer_with_objectives(db, buyers):
    produced = jobs.generate_annual_reports(datetime(2026, 1, 15, 6, 0, tzinfo=PARIS))
    assert sorted(v.buyer.name for v in produced) == ["Agglomération", "Département"]
    versions = _versions(db)
    assert [(v.year, v.status, v.trigger, v.version) for v in versions] == [
        (2025, ReportStatus.DONE, ReportTrigger.SCHEDULER, 1)
    ] * 2
    assert all(services.verify_checksum(v) for v in versions)


def test_second_run_generates_nothing(db, buyers):
    jobs.generate_annual_reports(datetime(2026, 1, 15, 6, 0, tzinfo=PARIS))
    assert jobs.generate_annual_reports(datetime(2026, 1, 15, 6, 5, tzinfo=PARIS)) == []
    assert len(_versions(db)) == 2


def test_a_report_generated_by_hand_does_not_stop_the_scheduled_one(db, buyers, admin):
    services.generate_report_version(admin, buyers[0], 2025)
    db.session.commit()
    jobs.generate_annual_reports(datetime(2026, 1, 15, 6, 0, tzinfo=PARIS))
    assert sorted((v.buyer.name, v.trigger, v.version) for v in _versions(db)) == [
        ("Agglomération", "scheduler", 1),
        ("Département", "scheduler", 2),
        ("Département", "user", 1),
    ]


def test_a_missed_date_is_caught_up_when_the_scheduler_comes_back(db, buyers):
    # The scheduler was down on 15 January 2026; it runs again on 2 March: the 2025 reports are produced.
    produced = jobs.generate_annual_reports(datetime(2026, 3, 2, 9, 30, tzinfo=PARIS))
    assert {(v.year, v.status) for v in produced} == {(2025, ReportStatus.DONE)}
    assert len(produced) == 2


def test_a_failed_scheduled_report_is_retried_at_the_next_run(db, buyers, monkeypatch):
    monkeypatch.setattr(services, "render_annual_report", lambda ind: 1 / 0)
    jobs.generate_annual_reports(datetime(2026, 1, 15, 6, 0, tzinfo=PARIS))
    assert {v.status for v in _versions(db)} == {ReportStatus.FAILED}
    monkeypatch.undo()
    produced = jobs.generate_annual_reports(datetime(2026, 1, 16, 6, 0, tzinfo=PARIS))
    assert [(v.status, v.version) for v in produced] == [(ReportStatus.DONE, 2)] * 2


def test_scheduler_configuration_catches_up_once_and_never_overlaps(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'jobs.db'}")
    scheduler = jobs.build_scheduler(app, BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        stored = scheduler.get_job(jobs.JOB_ID)
        assert stored.coalesce is True  # several missed dates run once
        assert stored.max_instances == 1  # never twice at once
        assert stored.misfire_grace_time >= 30 * 24 * 3600  # back within weeks: still run
        assert stored.func_ref == "app.scheduler.jobs:annual_reports_job"
        assert isinstance(stored.trigger, CronTrigger) and str(stored.trigger.timezone) == "Europe/Paris"
        assert stored.next_run_time.astimezone(PARIS).strftime("%d/%m %H:%M") == "15/01 06:00"
    finally:
        scheduler.shutdown(wait=False)
    engine = create_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    assert "apscheduler_jobs" in inspect(engine).get_table_names()  # persistent job store
    engine.dispose()


def test_report_cron_is_configurable(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'jobs.db'}")
    monkeypatch.setitem(app.config, "REPORT_CRON", "30 7 20 2 *")
    scheduler = jobs.build_scheduler(app, BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        next_run = scheduler.get_job(jobs.JOB_ID).next_run_time.astimezone(PARIS)
        assert next_run.strftime("%d/%m %H:%M") == "20/02 07:30"
    finally:
        scheduler.shutdown(wait=False)


def test_a_stored_job_whose_date_passed_runs_once_when_the_scheduler_starts(app, db, tmp_path, monkeypatch):
    """Real APScheduler: the stored next run time is 10 days old; on start the job runs once (coalesced)."""
    calls = []
    monkeypatch.setattr(jobs, "generate_annual_reports", lambda now: calls.append(now) or [])
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'jobs.db'}")
    scheduler = jobs.build_scheduler(app, BackgroundScheduler)
    scheduler.start(paused=True)
    scheduler.modify_job(jobs.JOB_ID, next_run_time=datetime.now(UTC) - timedelta(days=10))
    scheduler.resume()
    try:
        deadline = time.monotonic() + 10
        while not calls and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        scheduler.shutdown(wait=True)
    assert len(calls) == 1


def test_a_report_being_produced_by_another_process_is_not_started_twice(db, buyers):
    from app.core.db import utcnow

    running = ReportVersion(buyer_id=buyers[0].id, year=2025, version=1, status=ReportStatus.RUNNING,
                            trigger=ReportTrigger.SCHEDULER, started_at=utcnow())  # fmt: skip
    db.session.add(running)
    db.session.commit()
    produced = jobs.generate_annual_reports(datetime(2026, 1, 15, 6, 0, tzinfo=PARIS))
    assert [v.buyer.name for v in produced] == ["Agglomération"]


def test_a_generation_left_running_by_a_dead_process_is_failed_and_redone(db, buyers):
    from app.core.db import utcnow

    stale = ReportVersion(buyer_id=buyers[0].id, year=2025, version=1, status=ReportStatus.RUNNING,
                          trigger=ReportTrigger.SCHEDULER, started_at=utcnow() - timedelta(hours=3))  # fmt: skip
    db.session.add(stale)
    db.session.commit()
    produced = jobs.generate_annual_reports(datetime(2026, 1, 15, 6, 0, tzinfo=PARIS))
    assert sorted((v.buyer.name, v.version) for v in produced) == [("Agglomération", 1), ("Département", 2)]
    db.session.refresh(stale)
    assert stale.status == ReportStatus.FAILED and "interrompue" in stale.error


def test_the_nightly_job_purges_identities_past_the_retention_period(app, db):
    from datetime import date

    from app.participants.models import Participant, ParticipantIdentity
    from app.participants.services import purge_cutoff

    participant = f.ParticipantFactory()
    participant.identity = ParticipantIdentity(first_name="Karim", last_name="Benali", phone="06 00 00 00 00")
    db.session.commit()
    old = purge_cutoff(date.today()).replace(day=1)
    old = old.replace(year=old.year - 1)
    f.HourEntryFactory(participant=participant, month=old)
    long_ago = datetime(old.year, old.month, 1, tzinfo=UTC)
    db.session.execute(db.update(ParticipantIdentity).values(updated_at=long_ago))
    db.session.execute(db.update(Participant).values(updated_at=long_ago))
    db.session.commit()
    jobs.build_scheduler(app, BackgroundScheduler)  # binds the job to this application
    jobs.purge_identities_job()
    db.session.expire_all()
    identity = db.session.get(ParticipantIdentity, participant.id)
    assert identity.last_name == "" and identity.phone == "" and identity.erased_at is not None
