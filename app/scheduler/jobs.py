"""Scheduled jobs: every January, the SPASER report of the year before for every buyer with objectives;
every night, the erasure of participants' identities kept past the retention period (GDPR).

The scheduler runs as its own process (``flask scheduler run``) with a persistent job store in the app's
database (table ``apscheduler_jobs``). Its promise: a scheduler that was down on the date catches up when
it starts again, within 60 days, once; a run killed half-way is resumed at the next start; a job never
runs twice at once, even from two processes (``app.scheduler.locks``).

- At start, a job already in the store keeps its stored next run time when that time has passed (a missed
  date): APScheduler then runs it once (misfire grace time, coalesced). Re-adding it blindly, as before,
  moved it to next year and the missed reports were never produced.
- At start too, if the last yearly date is less than 60 days old and some buyer still lacks its
  scheduled report of that year (the run was killed, or failed), one catch-up run is queued.
- A run holds the "annual-reports" lock; a version left "running" by the scheduler while nobody holds
  that lock belongs to a dead run and is failed, then redone.
"""

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask_babel import gettext as _
from sqlalchemy import create_engine, exists, inspect, select

from app import create_app
from app.core.dates import PARIS
from app.core.db import utcnow
from app.core.enums import ReportStatus, ReportTrigger
from app.core.locks import Busy, process_lock
from app.core.transaction import checkpoint, unit_of_work
from app.extensions import db
from app.objectives.models import Objective
from app.participants.services import purge_identities
from app.referential.models import Buyer
from app.reports.models import ReportVersion
from app.reports.services import fail_stale_versions, generate_report_version, scheduled_report_exists

logger = logging.getLogger(__name__)

JOB_ID = "annual_spaser_reports"
CATCH_UP_JOB_ID = "annual_spaser_reports_catch_up"
RUN_LOCK = "annual-reports"
SCHEDULER_LOCK = "scheduler"
PURGE_JOB_ID = "participant_identity_purge"
PURGE_CRON = "30 3 * * *"  # every night at 03:30, Paris time
JOBS_TABLE = "apscheduler_jobs"
# A scheduler stopped on 15 January still produces the reports if it is back within 60 days.
MISFIRE_GRACE_SECONDS = 60 * 24 * 3600
SCHEDULER_ACTOR = "planificateur"

_app = None  # the application the scheduler process serves (set by build_scheduler)


def generate_annual_reports(now: datetime) -> list[ReportVersion]:
    """Generate, once, the report of the year before ``now`` for each buyer with objectives for that year.

    ``now`` is the job's date (passed in so that tests and ``--date`` control it): it picks the year, never
    the extraction date the report prints, which is the real clock at generation. Idempotent: a buyer whose scheduled report
    for that year is already done is skipped. Each report is committed on its own, so one failure does not
    cancel the others; a failed one is generated again at the next run.
    """
    year = now.astimezone(PARIS).year - 1
    if fail_stale_versions():
        checkpoint()
    buyers = db.session.scalars(
        select(Buyer)
        .join(Objective, Objective.buyer_id == Buyer.id)
        .where(Objective.year == year)
        .order_by(Buyer.name)
    ).all()
    produced = []
    for buyer in buyers:
        if scheduled_report_exists(buyer.id, year):
            continue
        version = generate_report_version(
            SCHEDULER_ACTOR,
            buyer,
            year,
            trigger=ReportTrigger.SCHEDULER,
            checkpoint=checkpoint,
        )
        checkpoint()  # each report on its own: one failure does not cancel the others
        if version.status != ReportStatus.DONE:
            logger.error("Scheduled report %s of %s failed: %s", year, buyer.siret, version.error)
        produced.append(version)
    logger.info("Annual reports %s: %s generated", year, len(produced))
    return produced


def clock() -> datetime:
    """Now (a function, so that tests move the clock)."""
    return datetime.now(UTC)


class RunInProgress(RuntimeError):
    pass


def fail_interrupted_scheduled_versions() -> int:
    """Fail the scheduled versions left "running"; only call while holding ``RUN_LOCK`` (no run is alive)."""
    running = db.session.scalars(
        select(ReportVersion).where(
            ReportVersion.status == ReportStatus.RUNNING, ReportVersion.trigger == ReportTrigger.SCHEDULER
        )
    ).all()
    for version in running:
        version.status = ReportStatus.FAILED
        version.finished_at = utcnow()
        version.error = _("Génération interrompue (processus arrêté).")
    return len(running)


def run_annual_reports(now: datetime, *, wait: bool = False) -> list[ReportVersion]:
    """``generate_annual_reports`` under the run lock: the reports of an interrupted run are redone.

    Raises ``RunInProgress`` when another process runs the job and ``wait`` is false.
    """
    try:
        with process_lock(RUN_LOCK, wait=wait):
            if fail_interrupted_scheduled_versions():
                checkpoint()
            return generate_annual_reports(now)
    except Busy:
        raise RunInProgress(
            _("Une génération des rapports annuels est déjà en cours dans un autre processus.")
        ) from None


def annual_reports_job() -> None:
    """Entry point stored in the job store (by reference): run the job in an application context."""
    app = _app or create_app()
    with app.app_context(), unit_of_work():
        run_annual_reports(clock(), wait=True)


def last_fire_time(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The trigger's last date at or before ``now``, looking back over the catch-up window only."""
    fire = trigger.get_next_fire_time(None, now - timedelta(seconds=MISFIRE_GRACE_SECONDS))
    last = None
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return last


def reports_missing(year: int) -> bool:
    """Whether a buyer with objectives for ``year`` still lacks its scheduled report of that year."""
    done = exists().where(
        ReportVersion.buyer_id == Objective.buyer_id,
        ReportVersion.year == year,
        ReportVersion.trigger == ReportTrigger.SCHEDULER,
        ReportVersion.status == ReportStatus.DONE,
    )
    return db.session.scalar(select(exists().where(Objective.year == year, ~done)))


def _stored_next_run_time(url: str, job_id: str) -> datetime | None:
    """The next run time the job store kept for ``job_id`` (None: no store yet, no such job, paused)."""
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table(JOBS_TABLE):
            return None
        table = SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE).jobs_t
        with engine.connect() as connection:
            timestamp = connection.scalar(select(table.c.next_run_time).where(table.c.id == job_id))
    finally:
        engine.dispose()
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


def purge_identities_job() -> None:
    """Entry point stored in the job store: erase the identities kept past the retention period."""
    app = _app or create_app()
    with app.app_context(), unit_of_work():
        codes = purge_identities(SCHEDULER_ACTOR)
        logger.info("Participant identities purged: %s", len(codes))


def build_scheduler(app, scheduler_class=BlockingScheduler):
    """A scheduler with the persistent job store and the yearly report job (cron ``REPORT_CRON``, Paris)."""
    global _app
    _app = app
    scheduler = scheduler_class(
        jobstores={
            "default": SQLAlchemyJobStore(url=app.config["SQLALCHEMY_DATABASE_URI"], tablename=JOBS_TABLE)
        },
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
        timezone=PARIS,
    )
    now = clock()
    trigger = CronTrigger.from_crontab(app.config["REPORT_CRON"], timezone=PARIS)
    stored = _stored_next_run_time(app.config["SQLALCHEMY_DATABASE_URI"], JOB_ID)
    is_overdue = stored is not None and stored <= now
    scheduler.add_job(
        annual_reports_job,
        trigger,
        id=JOB_ID,
        name="Rapports SPASER annuels",
        replace_existing=True,
        # A missed date is kept, so that APScheduler runs it once at start (within the grace time).
        **({"next_run_time": stored} if is_overdue else {}),
    )
    last = last_fire_time(trigger, now)
    if not is_overdue and last is not None:
        with app.app_context():
            if reports_missing(last.astimezone(PARIS).year - 1):
                logger.info("Annual reports of %s incomplete: one catch-up run queued", last.year - 1)
                scheduler.add_job(
                    annual_reports_job,
                    "date",
                    run_date=now,
                    id=CATCH_UP_JOB_ID,
                    name="Rapports SPASER annuels (rattrapage)",
                    replace_existing=True,
                )
    scheduler.add_job(
        purge_identities_job,
        CronTrigger.from_crontab(PURGE_CRON, timezone=PARIS),
        id=PURGE_JOB_ID,
        name="Purge des identités des bénéficiaires",
        replace_existing=True,
    )
    return scheduler
