"""Every generated version of the annual SPASER report is kept (docs/domain.md §6)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, in_check_sql, utcnow
from app.core.enums import ReportStatus, ReportTrigger


class ReportVersion(Base):
    __tablename__ = "report_versions"
    __table_args__ = (
        UniqueConstraint("buyer_id", "year", "version"),
        CheckConstraint(in_check_sql("status", ReportStatus.codes()), name="status"),
        CheckConstraint(in_check_sql("trigger", ReportTrigger.codes()), name="trigger"),
        CheckConstraint("version >= 1", name="version_positive"),
        # A report is only "done" with its file and checksum.
        CheckConstraint(
            "status <> 'done' OR (checksum IS NOT NULL AND file_path IS NOT NULL)", name="done_has_file"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    year: Mapped[int]
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=ReportStatus.RUNNING)
    trigger: Mapped[str] = mapped_column(String(10))
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    checksum: Mapped[str | None] = mapped_column(String(64))  # SHA-256, hex
    file_path: Mapped[str | None] = mapped_column(String(500))
    size_bytes: Mapped[int | None]
    error: Mapped[str] = mapped_column(Text, default="")
    download_count: Mapped[int] = mapped_column(default=0)

    buyer = relationship("Buyer")
    generated_by = relationship("User")
