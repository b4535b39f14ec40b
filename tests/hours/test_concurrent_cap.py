"""The 200 h monthly cap holds when two processes save hours for the same person and month at once.

Each process reads the month's total, waits (a widened race window), then writes: without a lock both
read 0 h and both write 120 h. Real processes, real database (SQLite file, and PostgreSQL when the suite
runs on it).
"""

import multiprocessing
import time
from datetime import date
from decimal import Decimal

import pytest

from app.extensions import db
from tests import factories
from tests.migrated import app_for, dispose, empty_database, engines


def _save(url, folder, ids, barrier, results):
    from app.contracts.models import Clause
    from app.hours.models import HourEntry  # noqa: F401
    from app.hours.services import HoursRejected, log_hours
    from app.hours.services import rules as checks
    from app.hours.services.rules import HourLine
    from app.participants.models import Participant
    from app.referential.models import Company

    app = app_for(url, folder, upgrade=False)
    totals = checks._month_totals

    def slow_totals(*args, **kwargs):
        found = totals(*args, **kwargs)
        time.sleep(0.6)  # the other process reads meanwhile, unless it waits on the lock
        return found

    checks._month_totals = slow_totals
    with app.app_context():
        line = HourLine(
            participant=db.session.get(Participant, ids["participant"]),
            clause=db.session.get(Clause, ids["clause"]),
            employer=db.session.get(Company, ids["employer"]),
            modality="direct_hire",
            month=date(2025, 4, 1),
            hours=Decimal("120"),
        )
        barrier.wait(30)
        try:
            log_hours("processus de test", [line])
            db.session.commit()
            results.put("saved")
        except HoursRejected as rejected:
            db.session.rollback()
            results.put(" ".join(e.message for e in rejected.errors))
        db.engine.dispose()


@pytest.mark.parametrize("engine", engines())
def test_two_processes_cannot_beat_the_monthly_cap(engine, tmp_path):
    from app.hours.models import HourEntry

    with empty_database(engine, tmp_path) as url:
        app = app_for(url, tmp_path)
        try:
            with app.app_context():
                participant = factories.ParticipantFactory()
                employer = factories.CompanyFactory()
                clauses = [factories.ClauseFactory(), factories.ClauseFactory()]
                ids = [
                    {"participant": participant.id, "clause": clause.id, "employer": employer.id}
                    for clause in clauses
                ]
            context = multiprocessing.get_context("spawn")
            barrier, results = context.Barrier(2), context.Queue()
            processes = [
                context.Process(target=_save, args=(url, tmp_path, one, barrier, results)) for one in ids
            ]
            for process in processes:
                process.start()
            outcomes = sorted(results.get(timeout=120) for _ in processes)
            for process in processes:
                process.join(30)
            assert outcomes[1] == "saved", outcomes
            assert "dépasserait 200" in outcomes[0] and "120" in outcomes[0], outcomes
            with app.app_context():
                hours = db.session.scalars(db.select(HourEntry.hours)).all()
                assert hours == [Decimal("120")]
        finally:
            dispose(app)
