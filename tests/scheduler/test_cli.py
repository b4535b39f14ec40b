"""The scheduler's commands: the foreground process and a run of the yearly job by hand."""

from apscheduler.schedulers.blocking import BlockingScheduler

from app.reports.models import ReportVersion
from tests import factories as f


def test_scheduler_run_starts_the_blocking_scheduler_with_the_yearly_job(runner, monkeypatch):
    started = []

    def fake_start(self, *args, **kwargs):
        started.append({job.id for job in self.get_jobs()})
        raise KeyboardInterrupt  # what Ctrl+C does to the real one

    monkeypatch.setattr(BlockingScheduler, "start", fake_start)
    result = runner.invoke(args=["scheduler", "run"])
    assert result.exit_code == 0, result.output
    assert started == [{"annual_spaser_reports", "participant_identity_purge"}]
    assert "Planificateur démarré" in result.output and "0 6 15 1 *" in result.output
    assert "Planificateur arrêté" in result.output


def test_annual_reports_command_catches_up_by_hand(runner, db):
    f.ObjectiveFactory(buyer=f.BuyerFactory(name="Département"), year=2025, participants=10)
    result = runner.invoke(args=["scheduler", "annual-reports", "--date", "2026-02-20"])
    assert result.exit_code == 0, result.output
    assert "Département 2025 : version 1 (done)" in result.output
    assert db.session.scalars(db.select(ReportVersion)).one().trigger == "scheduler"
    again = runner.invoke(args=["scheduler", "annual-reports", "--date", "2026-02-21"])
    assert "0 rapport(s) généré(s)" in again.output
