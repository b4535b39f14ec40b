"""``flask scheduler run``: the scheduler process, to run next to gunicorn (one instance only)."""

from datetime import datetime

import click
from apscheduler.events import EVENT_SCHEDULER_STARTED
from flask import current_app

from app.core.dates import PARIS
from app.core.formatting import datetime_fr
from app.core.locks import process_lock
from app.core.transaction import CommandGroup
from app.scheduler.jobs import JOB_ID, SCHEDULER_LOCK, RunInProgress, build_scheduler, run_annual_reports

scheduler_cli = CommandGroup("scheduler", help="Planificateur des tâches (rapport annuel).")


@scheduler_cli.command("run", help="Lancer le planificateur au premier plan, jusqu'à son arrêt.")
def run_command():
    """Run the scheduler in the foreground until stopped (Ctrl+C, SIGTERM)."""
    with process_lock(
        SCHEDULER_LOCK,
        wait=True,
        poll_seconds=10,
        on_wait=lambda: click.echo("Un autre planificateur est déjà actif : celui-ci attend qu'il s'arrête."),
    ):
        _run_scheduler(build_scheduler(current_app._get_current_object()), JOB_ID)


def _run_scheduler(scheduler, job_id: str) -> None:
    cron = current_app.config["REPORT_CRON"]
    click.echo(f"Planificateur démarré (rapports annuels : « {cron} », heure de Paris).")
    scheduler.add_listener(
        lambda event: click.echo(
            f"Prochain rapport annuel : {datetime_fr(scheduler.get_job(job_id).next_run_time)}"
        ),
        mask=EVENT_SCHEDULER_STARTED,
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Planificateur arrêté.")


@scheduler_cli.command(
    "annual-reports", help="Lancer maintenant la tâche annuelle : rapports de l'année écoulée (rattrapage)."
)
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="Date simulée (AAAA-MM-JJ).")
def annual_reports_command(on):
    """Run the yearly job now (catch up by hand): reports of the year before, for buyers with objectives."""
    now = on.replace(hour=12, tzinfo=PARIS) if on else datetime.now(PARIS)
    try:
        versions = run_annual_reports(now)
    except RunInProgress as error:
        raise click.ClickException(f"{error} Réessayez quand elle sera terminée.") from None
    for version in versions:
        click.echo(f"{version.buyer.name} {version.year} : version {version.version} ({version.status})")
    click.echo(f"{len(versions)} rapport(s) généré(s).")
