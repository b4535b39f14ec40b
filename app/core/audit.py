"""The audit log: who changed what, when. Every service that changes data writes one entry."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, insert
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, utcnow
from app.extensions import db


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user = relationship("User", lazy="joined")


_PLAIN = (str, int, float, bool)  # exact types: str and int enumerations still become their value


def _jsonable(value: Any) -> Any:
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


# While set (bulk imports), entries are queued instead of flushing the session once per new object.
_deferred: ContextVar[list | None] = ContextVar("audit_deferred", default=None)


@contextmanager
def deferred() -> Iterator[list]:
    """Queue the entries recorded inside; after one flush, ``write_deferred`` adds them with their ids."""
    pending: list = []
    token = _deferred.set(pending)
    try:
        yield pending
    finally:
        _deferred.reset(token)


def write_deferred(pending: list) -> None:
    """Insert the queued entries in their order, in one statement (call after a flush gave objects an id).

    They are written as rows, not ORM objects: the ORM would insert them one by one on SQLite to read each
    id back, which nobody needs here.
    """
    for row, obj in pending:
        if obj is not None:
            row["object_id"] = None if obj.id is None else str(obj.id)
    if pending:
        db.session.execute(insert(AuditEntry), [row for row, _obj in pending])
    pending.clear()


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for the fields whose value changed."""
    changed = {}
    for key in sorted(set(before) | set(after)):
        old, new = _jsonable(before.get(key)), _jsonable(after.get(key))
        if old != new:
            changed[key] = [old, new]
    return changed


def record(
    actor,
    action: str,
    obj: Any = None,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry | None:
    """Add an audit entry for ``action`` on ``obj`` by ``actor`` (a User, or a label such as "planificateur").

    Inside ``deferred()`` the entry is only queued, and None is returned.
    """
    user_id = getattr(actor, "id", None)
    label = getattr(actor, "email", None) or str(actor or "système")
    pending = _deferred.get()
    id_later = None
    if obj is not None:
        object_type = object_type or type(obj).__name__
        if object_id is None:
            if getattr(obj, "id", None) is None:
                if pending is None:
                    db.session.flush()
                else:
                    id_later = obj
            object_id = getattr(obj, "id", None)
    row = {
        "user_id": user_id,
        "actor": label,
        "action": action,
        "object_type": object_type or "",
        "object_id": None if object_id is None else str(object_id),
        "summary": summary,
        "changes": _jsonable(changes) if changes else None,
    }
    if pending is not None:
        pending.append(({"occurred_at": utcnow(), **row}, id_later))
        return None
    entry = AuditEntry(**row)
    db.session.add(entry)
    return entry
