"""What a DECP import did: counts, warnings by reason, rejected records (the CLI's ``--json`` output)."""

from collections import Counter
from dataclasses import dataclass, field

from app.decp.services.cleaning import REJECTION_REASONS

MAX_WARNING_EXAMPLES = 200  # details kept for display; the counts by reason are always complete


@dataclass
class ImportSummary:
    """What an import did; ``as_dict()`` is the ``--json`` output."""

    file: str = ""
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # other buyers' records, with ``--buyer``
    rejected: int = 0
    warnings: Counter = field(default_factory=Counter)
    rejections: list[dict] = field(default_factory=list)
    warning_examples: list[dict] = field(default_factory=list)
    error: str | None = None  # the file could not be read: nothing of it was imported
    dry_run: bool = False

    def warn(self, position: int, reason: str, detail: str) -> None:
        self.warnings[reason] += 1
        if len(self.warning_examples) < MAX_WARNING_EXAMPLES:
            self.warning_examples.append({"position": position, "reason": reason, "detail": detail})

    def reject(self, position: int, path: str, reason: str, detail: str = "") -> None:
        self.rejected += 1
        self.rejections.append(
            {
                "position": position,
                "path": path,
                "reason": reason,
                "message": str(REJECTION_REASONS.get(reason, reason)) + (f" : {detail}" if detail else ""),
            }
        )

    @property
    def warning_count(self) -> int:
        return sum(self.warnings.values())

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "warnings": dict(sorted(self.warnings.items())),
            "rejections": self.rejections,
            "warning_examples": self.warning_examples,
            "error": self.error,
            "dry_run": self.dry_run,
        }
