"""The audit log: who changed what, when. Every service that changes data writes one entry.

A model declares its audited fields once (``declare``): the services take a ``snapshot`` before and
after a change and record the ``diff``; the log pages show each stored value through the same
declaration (label, formatter, referenced model), with one query per referenced model and page.
Operations that change no audited field (a sign-in, an export, a purge) call ``record`` directly.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, insert, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import formatting
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


def changes_since(before: dict[str, Any], obj: Any) -> dict[str, list[Any]]:
    """``diff`` between a ``snapshot`` taken earlier and the object's audited fields now."""
    return diff(before, snapshot(obj))


def record_creation(actor, obj: Any, summary: str) -> AuditEntry | None:
    """The "create" entry of ``obj``, with every audited field it was created with."""
    return record(actor, "create", obj, summary=summary, changes=changes_since({}, obj))


# --- Declared audited fields ------------------------------------------------------------------------


@dataclass(frozen=True)
class Audited:
    """One audited field: its French label, how to read it, how to show a stored value.

    ``read`` defaults to the attribute of the same name; ``show`` turns a stored (JSON) value into text;
    ``ref`` is ``(model name, attribute)`` when the stored value is the id (or list of ids) of that model;
    ``logged`` False declares a label for a key a service adds itself (it is not read by ``snapshot``).
    """

    label: Any
    read: Callable[[Any], Any] | None = None
    show: Callable[[Any], str] | None = None
    ref: tuple[str, str] | None = None
    logged: bool = True


_DECLARED: dict[str, dict[str, Audited]] = {}


def declare(model: type, **fields: Audited | Any) -> None:
    """Declare the audited fields of ``model``, in order; a bare label stands for ``Audited(label)``."""
    _DECLARED[model.__name__] = {
        name: field if isinstance(field, Audited) else Audited(field) for name, field in fields.items()
    }


def snapshot(obj: Any) -> dict[str, Any]:
    """The audited fields of ``obj`` as its model declares them; ``{}`` for None (nothing before a creation)."""
    if obj is None:
        return {}
    fields = _DECLARED[type(obj).__name__]
    return {
        name: field.read(obj) if field.read else getattr(obj, name)
        for name, field in fields.items()
        if field.logged
    }


# --- Showing stored values -----------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def as_money(value) -> str:
    number = _decimal(value)
    return formatting.money(number) if number is not None else str(value)


def as_hours(value) -> str:
    number = _decimal(value)
    return formatting.hours(number) if number is not None else str(value)


def as_percent(value) -> str:
    number = _decimal(value)
    return formatting.percent(number, 2).replace(",00", "") if number is not None else str(value)


def as_date(value) -> str:
    day = _date(value)
    return formatting.date_fr(day) if day is not None else str(value)


def as_month(value) -> str:
    day = _date(value)
    return formatting.month_fr(day) if day is not None else str(value)


def as_label(enum) -> Callable[[Any], str]:
    """Show a code (or a list of codes) of a ``LabelledEnum`` by its French label."""

    def show(value) -> str:
        if isinstance(value, list):
            return ", ".join(enum.label_of(code) for code in value)
        return enum.label_of(value)

    return show


def _plain(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


ACTION_LABELS: dict[str, Any] = {
    "create": _l("Création"),
    "update": _l("Modification"),
    "delete": _l("Suppression"),
    "archive": _l("Archivage"),
    "restore": _l("Restauration"),
    "remove_clause": _l("Suppression d'une clause"),
    "merge": _l("Fusion"),
    "import": _l("Import"),
    "export": _l("Export"),
    "erase": _l("Effacement"),
    "purge": _l("Purge"),
    "activate": _l("Activation"),
    "deactivate": _l("Désactivation"),
    "change_password": _l("Changement de mot de passe"),
    "generate": _l("Génération"),
    "download": _l("Téléchargement"),
}


def register_action(action: str, label: Any) -> None:
    """Name an action in French for the log pages (e.g. ``register_action("login", _l("Connexion"))``)."""
    ACTION_LABELS[action] = label


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


class ChangeRow(NamedTuple):
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class DescribedEntry:
    entry: AuditEntry
    action: str
    rows: list[ChangeRow]


def _ids(value) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [int(v) for v in values if v is not None and str(v).isdigit()]


def _referenced_names(pairs: Iterable[tuple[str, dict | None]]) -> dict[tuple[str, str], dict[int, str]]:
    """``{(model, attribute): {id: text}}`` for every referenced id in the changes: one query per model."""
    wanted: dict[tuple[str, str], set[int]] = {}
    for object_type, changes in pairs:
        fields = _DECLARED.get(object_type, {})
        for name, values in (changes or {}).items():
            field = fields.get(name)
            if field is not None and field.ref is not None:
                for value in values:
                    wanted.setdefault(field.ref, set()).update(_ids(value))
    models = {mapper.class_.__name__: mapper.class_ for mapper in Base.registry.mappers}
    names = {}
    for (model_name, attribute), ids in wanted.items():
        model = models[model_name]
        rows = db.session.scalars(select(model).where(model.id.in_(ids))).all() if ids else []
        names[(model_name, attribute)] = {row.id: str(getattr(row, attribute)) for row in rows}
    return names


def _show(field: Audited | None, value, names) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if field is not None and field.ref is not None:
        known = names.get(field.ref, {})
        return ", ".join(known.get(i, str(i)) for i in _ids(value)) or _plain(value)
    if field is not None and field.show is not None:
        return field.show(value)
    return _plain(value)


def _rows(object_type: str, changes: dict | None, names) -> list[ChangeRow]:
    fields = _DECLARED.get(object_type, {})
    rows = []
    for name, (old, new) in (changes or {}).items():
        field = fields.get(name)
        label = str(field.label) if field is not None else name
        rows.append(ChangeRow(label, _show(field, old, names), _show(field, new, names)))
    return rows


def describe_changes(object_type: str, changes: dict | None) -> list[ChangeRow]:
    """``{field: [old, new]}`` of an ``object_type`` → rows of (label, old, new) in French."""
    return _rows(object_type, changes, _referenced_names([(object_type, changes)]))


def describe(entries: Iterable[AuditEntry]) -> list[DescribedEntry]:
    """The entries with their action and changes in French, for the log pages."""
    entries = list(entries)
    names = _referenced_names((e.object_type, e.changes) for e in entries)
    return [
        DescribedEntry(e, action_label(e.action), _rows(e.object_type, e.changes, names)) for e in entries
    ]
