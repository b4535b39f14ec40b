"""What a DECP publication writes, and the order between publications of one contract."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from app.contracts.models import Contract
from app.contracts.services import HolderData, category_for_cpv
from app.core.enums import ClauseKind
from app.decp.services.normalize import Record

# Contract columns a DECP publication sets, as compared and audited (``holders`` and ``clauses`` apart).
FIELDS = (
    "object",
    "kind",
    "nature",
    "procedure",
    "cpv_code",
    "amount_excl_tax",
    "notified_on",
    "duration_months",
    "place_code",
    "place_type",
    "environmental_considerations",
    "decp_published_on",
)
CONTRACTS = Contract.__table__
CHUNK = 500  # keys per IN (...) list


@dataclass
class ContractState:
    """A contract as the import sees it: stored, or as the records read so far left it."""

    id: int | None
    fields: dict
    holders: list[tuple[str, str]]  # company keys, lead holder first
    clause_kinds: set[str]
    rank: str | None
    row: dict | None = None  # the row to write, when the contract is to be written
    created: bool = False
    holders_changed: bool = False
    new_clauses: list[str] = field(default_factory=list)


def rank_of(record: Record, row: dict) -> str:
    """The order between publications of one contract: date, number of modifications, then content."""
    content = json.dumps(
        [
            [row[name] for name in FIELDS],
            [[h.identifier_type, h.identifier, h.name] for h in record.holders],
            sorted(record.clause_kinds),
            record.buyer_name,
        ],
        default=str,
        ensure_ascii=False,
    )
    published = record.published_on.isoformat() if record.published_on else "0000-00-00"
    digest = hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()
    return f"{published}|{record.modification_count:04d}|{digest}"


def contract_row(record: Record) -> dict:
    """The contract columns a record sets (``buyer_id`` apart), as ``contracts.services._apply`` would."""
    return {
        "reference": record.reference,
        "object": (record.object or _("Objet non renseigné dans les données essentielles"))[:1000].strip(),
        "kind": record.kind,
        "nature": record.nature,
        "procedure": record.procedure or None,
        "cpv_code": record.cpv_code or None,
        "category": category_for_cpv(record.cpv_code),
        "amount_excl_tax": record.amount,
        "notified_on": record.notified_on,
        "duration_months": record.duration_months,
        "place_code": record.place_code or None,
        "place_type": record.place_type or None,
        "environmental_considerations": sorted(set(record.environmental)),
        "decp_published_on": record.published_on,
    }


def holder_key(holder: HolderData) -> tuple[str, str]:
    return (holder.identifier_type, holder.identifier)


def plain(value):
    """A snapshot value as the audit log stores it (JSON): Decimal and date as text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def snapshot(row: dict, holders: list[tuple[str, str]]) -> dict:
    """What is compared and audited, already as JSON values: comparing them is then cheap."""
    snapshot = {name: plain(row[name]) for name in FIELDS}
    snapshot["environmental_considerations"] = sorted(snapshot["environmental_considerations"] or [])
    snapshot["holders"] = [identifier for _type, identifier in holders]
    return snapshot


def diff(before: dict, after: dict) -> dict[str, list]:
    """``audit.diff`` for two snapshots made of JSON values."""
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def missing_clause_kinds(present: set[str], kinds: list[str]) -> list[str]:
    present = set(present)
    if ClauseKind.INSERTION_OBJECT in present:
        present.add(ClauseKind.EXECUTION_CONDITION)  # both are "Clause sociale" in DECP
    return [k for k in kinds if k not in present]


def audit_row(action: str, contract_id: int, reference: str, changes: dict) -> dict:
    """The row ``audit.record`` would add (actor apart), built directly: the changes are JSON values already."""
    return {
        "action": action,
        "object_type": "Contract",
        "object_id": str(contract_id),
        "summary": f"Marché {reference} (DECP)",
        "changes": changes,
    }


def chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]
