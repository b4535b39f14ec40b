"""Report versions: generated, stored and checksummed; a failed generation never leaves a "done" report.

The PDF is written to a temporary file in the storage folder, flushed to disk, then atomically renamed to
its final name; the version turns "done" only afterwards, with its SHA-256 checksum.
"""

import hashlib
import logging
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core import audit
from app.core.db import utcnow
from app.core.enums import ReportStatus, ReportTrigger
from app.core.errors import ServiceError
from app.extensions import db
from app.referential.models import Buyer
from app.reports.models import ReportVersion
from app.reports.pdf import render_annual_report
from app.reports.queries.indicators import compute_indicators

logger = logging.getLogger(__name__)
# A version still "running" after this long belongs to a process that died: it is marked failed.
STALE_AFTER = timedelta(hours=1)


def storage_root() -> Path:
    return Path(current_app.config["REPORT_STORAGE"])


def report_path(version: ReportVersion) -> Path:
    return storage_root() / version.file_path


def file_name(buyer: Buyer, year: int, version: int) -> str:
    return f"rapport-spaser-{buyer.siret}-{year}-v{version}.pdf"


def _write_atomically(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():  # a version already downloaded is never silently replaced
        raise FileExistsError(str(target))
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def fail_stale_versions(now: datetime | None = None) -> int:
    """Mark as failed the versions left "running" by a process that stopped (crash, restart)."""
    limit = (now or utcnow()) - STALE_AFTER
    stale = db.session.scalars(
        select(ReportVersion).where(
            ReportVersion.status == ReportStatus.RUNNING, ReportVersion.started_at < limit
        )
    ).all()
    for version in stale:
        version.status = ReportStatus.FAILED
        version.finished_at = utcnow()
        version.error = _("Génération interrompue (processus arrêté).")
    return len(stale)


def start_report_version(actor, buyer: Buyer, year: int, trigger: str) -> ReportVersion:
    """Reserve the next version number of (buyer, year), status "running"."""
    if not 2000 <= year <= 2100:
        raise ServiceError(_("Année invalide."), "year")
    fail_stale_versions()
    number = (
        db.session.scalar(
            select(func.max(ReportVersion.version)).where(
                ReportVersion.buyer_id == buyer.id, ReportVersion.year == year
            )
        )
        or 0
    ) + 1
    version = ReportVersion(
        buyer_id=buyer.id,
        year=year,
        version=number,
        status=ReportStatus.RUNNING,
        trigger=ReportTrigger(trigger),
        generated_by_id=getattr(actor, "id", None),
        started_at=utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "generate", version, summary=f"Rapport SPASER {year} v{number} — {buyer.name}")
    return version


def produce_report_file(version: ReportVersion, *, now: datetime | None = None) -> ReportVersion:
    """Compute, render and store the PDF of ``version``; on any error mark it failed (never raises)."""
    buyer = version.buyer or db.session.get(Buyer, version.buyer_id)
    relative = Path(buyer.siret) / str(version.year) / file_name(buyer, version.year, version.version)
    try:
        content = render_annual_report(compute_indicators(buyer.id, version.year, now=now))
        _write_atomically(storage_root() / relative, content)
    except Exception as error:  # noqa: BLE001 - any failure must leave a failed version, not a crash
        logger.exception("Report generation failed for %s %s", buyer.siret, version.year)
        version.status = ReportStatus.FAILED
        version.error = f"{type(error).__name__}: {error}"[:2000]
    else:
        version.file_path = relative.as_posix()
        version.size_bytes = len(content)
        version.checksum = hashlib.sha256(content).hexdigest()
        version.status = ReportStatus.DONE
    version.finished_at = utcnow()
    db.session.flush()
    return version


def generate_report_version(
    actor,
    buyer: Buyer,
    year: int,
    *,
    trigger: str = ReportTrigger.USER,
    now: datetime | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> ReportVersion:
    """Generate a new version of the report of ``buyer`` for ``year``.

    ``checkpoint`` (the caller's commit) runs once the "running" version exists, so that it is visible
    while the PDF is produced and survives as "failed" whatever happens next.
    """
    version = start_report_version(actor, buyer, year, trigger)
    if checkpoint is not None:
        checkpoint()
    return produce_report_file(version, now=now)


def scheduled_report_exists(buyer_id: int, year: int) -> bool:
    """Whether the scheduler already produced (or is producing) this buyer's report for ``year``.

    Makes the yearly job idempotent; a version still "running" belongs to another scheduler process
    unless it is stale (see ``fail_stale_versions``, called first).
    """
    return (
        db.session.scalar(
            select(func.count(ReportVersion.id)).where(
                ReportVersion.buyer_id == buyer_id,
                ReportVersion.year == year,
                ReportVersion.trigger == ReportTrigger.SCHEDULER,
                ReportVersion.status.in_([ReportStatus.DONE, ReportStatus.RUNNING]),
            )
        )
        > 0
    )


def record_download(actor, version: ReportVersion) -> None:
    version.download_count += 1
    audit.record(actor, "download", version, summary=f"Rapport SPASER {version.year} v{version.version}")


def verify_checksum(version: ReportVersion) -> bool:
    path = report_path(version)
    if not path.is_file():
        return False
    return hashlib.sha256(path.read_bytes()).hexdigest() == version.checksum
