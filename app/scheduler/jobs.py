"""Scheduled jobs: every January, the SPASER report of the year before for every buyer with objectives;
every night, the erasure of participants' identities kept past the retention period (GDPR).

The scheduler runs as its own process (``flask scheduler run``) with a persistent job store in the app's
database (table ``apscheduler_jobs``), so that a scheduler that was down on the date catches up when it
starts again (misfire grace time, coalesced into one run) and a job never runs twice at once.
"""

import logging
from datetime import UTC, datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from app import create_app
from app.core.dates import PARIS
from app.core.enums import ReportStatus, ReportTrigger
from app.core.transaction import checkpoint, unit_of_work
from app.extensions import db
from app.objectives.models import Objective
from app.participants.services import purge_identities
from app.referential.models import Buyer
from app.reports.models import ReportVersion
from app.reports.services import fail_stale_versions, generate_report_version, scheduled_report_exists

logger = logging.getLogger(__name__)

JOB_ID = "annual_spaser_reports"
PURGE_JOB_ID = "participant_identity_purge"
PURGE_CRON = "30 3 * * *"  # every night at 03:30, Paris time
JOBS_TABLE = "apscheduler_jobs"
# A scheduler stopped on 15 January still produces the reports if it is back within 60 days.
MISFIRE_GRACE_SECONDS = 60 * 24 * 3600
SCHEDULER_ACTOR = "planificateur"

_app = None  # the application the scheduler process serves (set by build_scheduler)


def generate_annual_reports(now: datetime) -> list[ReportVersion]:
    """Generate, once, the report of the year before ``now`` for each buyer with objectives for that year.

    ``now`` is the clock (passed in so that tests control it). Idempotent: a buyer whose scheduled report
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
            now=now,
            checkpoint=checkpoint,
        )
        checkpoint()  # each report on its own: one failure does not cancel the others
        if version.status != ReportStatus.DONE:
            logger.error("Scheduled report %s of %s failed: %s", year, buyer.siret, version.error)
        produced.append(version)
    logger.info("Annual reports %s: %s generated", year, len(produced))
    return produced


def annual_reports_job() -> None:
    """Entry point stored in the job store (by reference): run the job in an application context."""
    app = _app or create_app()
    with app.app_context(), unit_of_work():
        generate_annual_reports(datetime.now(UTC))


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
    scheduler.add_job(
        annual_reports_job,
        CronTrigger.from_crontab(app.config["REPORT_CRON"], timezone=PARIS),
        id=JOB_ID,
        name="Rapports SPASER annuels",
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
