"""Transaction locks that make a check-then-write rule hold under concurrent requests and processes.

A rule such as "at most 200 h per person and month over all contracts" reads a total, then writes; two
transactions doing it at once both read the old total. Taking a lock first, held until commit or
rollback, makes the second wait and read the first one's hours.
"""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import text

from app.extensions import db


def lock_participant_months(pairs: Iterable[tuple[int, date]]) -> None:
    """Lock each (participant id, month) until the end of the transaction.

    PostgreSQL: a transaction-level advisory lock per pair (two-integer key space, participant and
    YYYYMM), taken in a fixed order so that two transactions cannot deadlock. SQLite has one writer at a
    time: a no-op write takes the database's write lock now (what ``BEGIN IMMEDIATE`` would do) instead
    of at the first insert, after the totals were read.
    """
    keys = sorted({(participant_id, month.year * 100 + month.month) for participant_id, month in pairs})
    if not keys:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        for participant_id, month in keys:
            db.session.execute(
                text("SELECT pg_advisory_xact_lock(:p, :m)"), {"p": participant_id, "m": month}
            )
    else:
        db.session.execute(
            text("UPDATE participants SET id = id WHERE id = :p"), [{"p": p} for p in {p for p, _m in keys}]
        )
