"""The scheduler keeps its promise across restarts, on a controlled clock.

Stopped before 15 January and started again after it, it produces the reports once; a run killed half-way
is resumed at the next start; past the 60-day window nothing is run; two runs never overlap.
"""

import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

import apscheduler.executors.base
import apscheduler.schedulers.base
import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler

from app.core.dates import PARIS
from app.core.db import utcnow
from app.core.enums import ReportStatus, ReportTrigger
from app.core.locks import Busy, process_lock
from app.reports.models import ReportVersion
from app.scheduler import jobs
from tests import factories as f


class Clock:
    def __init__(self):
        self.now = datetime(2026, 1, 10, 12, 0, tzinfo=PARIS)

    def move_to(self, *args):
        self.now = datetime(*args, tzinfo=PARIS)


@pytest.fixture
def clock(app, tmp_path, monkeypatch):
    """One clock for APScheduler (scheduling and misfire checks) and for the job; a job store on file."""
    clock = Clock()

    class ControlledDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return clock.now.astimezone(tz) if tz else clock.now.replace(tzinfo=None)

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", ControlledDatetime)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", ControlledDatetime)
    monkeypatch.setattr(jobs, "clock", lambda: clock.now.astimezone(UTC))
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'jobs.db'}")
    return clock


@pytest.fixture
def buyers(db):
    with_objectives = [f.BuyerFactory(name="Département"), f.BuyerFactory(name="Agglomération")]
    for buyer in with_objectives:
        f.ObjectiveFactory(buyer=buyer, year=2025, insertion_hours=Decimal("1000"))
    return with_objectives


def _start_and_stop(app, expect_runs: int) -> list[str]:
    """Start the scheduler, let it run what is due (``expect_runs`` jobs), stop it; the job ids run."""
    ran, done = [], threading.Event()

    def listen(event):
        if event.code != EVENT_JOB_MISSED:
            ran.append(event.job_id)
        if len(ran) >= expect_runs:
            done.set()

    scheduler = jobs.build_scheduler(app, BackgroundScheduler)
    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    scheduler.start()
    try:
        if expect_runs:
            assert done.wait(30), "the due job did not run"
        time.sleep(0.3)  # anything else would run now
    finally:
        scheduler.shutdown(wait=True)
    return ran


def _stored_next_run(app):
    return jobs._stored_next_run_time(app.config["SQLALCHEMY_DATABASE_URI"], jobs.JOB_ID).astimezone(PARIS)


def _versions(db):
    db.session.expire_all()
    return sorted((v.buyer.name, v.version, v.status) for v in db.session.scalars(db.select(ReportVersion)))


def test_stopped_before_the_date_and_started_after_it_the_scheduler_catches_up_once(app, db, buyers, clock):
    assert _start_and_stop(app, expect_runs=0) == []
    assert _stored_next_run(app) == datetime(2026, 1, 15, 6, 0, tzinfo=PARIS)
    clock.move_to(2026, 2, 1, 9, 0)  # down on 15 January, back on 1 February
    assert _start_and_stop(app, expect_runs=1) == [jobs.JOB_ID]
    assert _versions(db) == [("Agglomération", 1, "done"), ("Département", 1, "done")]
    assert _stored_next_run(app) == datetime(2027, 1, 15, 6, 0, tzinfo=PARIS)
    clock.move_to(2026, 2, 2, 9, 0)  # and once only
    assert _start_and_stop(app, expect_runs=0) == []
    assert len(_versions(db)) == 2


def test_a_run_killed_half_way_is_resumed_at_the_next_start(app, db, buyers, clock):
    clock.move_to(2026, 1, 15, 6, 5)
    # The process died while producing the first report (no lock held any more), the second never started.
    db.session.add(ReportVersion(buyer_id=buyers[0].id, year=2025, version=1, status=ReportStatus.RUNNING,
                                 trigger=ReportTrigger.SCHEDULER, started_at=utcnow()))  # fmt: skip
    db.session.commit()
    clock.move_to(2026, 1, 15, 6, 20)
    assert _start_and_stop(app, expect_runs=1) == [jobs.CATCH_UP_JOB_ID]
    assert _versions(db) == [
        ("Agglomération", 1, "done"),
        ("Département", 1, "failed"),
        ("Département", 2, "done"),
    ]
    clock.move_to(2026, 1, 16, 6, 0)
    assert _start_and_stop(app, expect_runs=0) == []


def test_past_the_sixty_days_nothing_is_run(app, db, buyers, clock):
    _start_and_stop(app, expect_runs=0)
    clock.move_to(2026, 3, 20, 9, 0)  # 64 days late
    _start_and_stop(app, expect_runs=0)
    assert _versions(db) == []
    assert _stored_next_run(app) == datetime(2027, 1, 15, 6, 0, tzinfo=PARIS)


def test_a_second_run_at_the_same_time_says_one_is_in_progress(app, runner, db, buyers):
    with process_lock(jobs.RUN_LOCK):
        result = runner.invoke(args=["scheduler", "annual-reports", "--date", "2026-01-15"])
    assert result.exit_code != 0 and "déjà en cours" in result.output
    assert _versions(db) == []
    assert runner.invoke(args=["scheduler", "annual-reports", "--date", "2026-01-15"]).exit_code == 0
    assert len(_versions(db)) == 2


def test_a_second_scheduler_waits_for_the_first(app):
    events = []
    with process_lock(jobs.SCHEDULER_LOCK):
        with pytest.raises(Busy), process_lock(jobs.SCHEDULER_LOCK):
            pass

        def second():
            with process_lock(
                jobs.SCHEDULER_LOCK, wait=True, poll_seconds=0.05, on_wait=lambda: events.append("attend")
            ):
                events.append("démarre")

        thread = threading.Thread(target=lambda: _in_context(app, second))
        thread.start()
        time.sleep(0.4)
        assert events == ["attend"]
    thread.join(10)
    assert events == ["attend", "démarre"]


def _in_context(app, function):
    with app.app_context():
        function()
