"""Locks that make a rule hold under concurrent requests and processes.

- Transaction locks (``lock_participant_months``): a rule such as "at most 200 h per person and month
  over all contracts" reads a total, then writes; two transactions doing it at once both read the old
  total. Taking a lock first, held until commit or rollback, makes the second wait and read the first
  one's hours.
- Process locks (``process_lock``): one scheduler at a time, one yearly run or one DECP import at a time.
  PostgreSQL: session-level advisory locks (held by a dedicated connection, released when it closes, so
  a killed process frees them). SQLite: ``flock`` on a file in the instance folder (SQLite serves one
  machine; the kernel releases the lock when the process dies).
"""

import fcntl
import hashlib
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from flask import current_app
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
        # One statement for the whole batch; the sorted subquery fixes the order the locks are taken in.
        db.session.execute(
            text(
                "SELECT count(pg_advisory_xact_lock(p, m)) FROM "
                "(SELECT p, m FROM unnest(CAST(:ps AS integer[]), CAST(:ms AS integer[])) AS t(p, m) "
                "ORDER BY p, m) AS ordered"
            ),
            {"ps": [p for p, _m in keys], "ms": [m for _p, m in keys]},
        )
    else:
        db.session.execute(
            text("UPDATE participants SET id = id WHERE id = :p"), [{"p": p} for p in {p for p, _m in keys}]
        )


class Busy(RuntimeError):
    """Another process holds the lock."""


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"levier:{name}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def process_lock(name: str, *, wait: bool = False, poll_seconds: float = 1.0, on_wait=None) -> Iterator[None]:
    """Hold the lock ``name`` for the block; raise ``Busy`` at once, or with ``wait`` poll until free."""
    if db.engine.dialect.name == "postgresql":
        connection = db.engine.connect()
        try:
            key = _key(name)
            warned = False
            while not connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                connection.rollback()
                if not wait:
                    raise Busy(name)
                if on_wait and not warned:
                    on_wait()
                    warned = True
                time.sleep(poll_seconds)
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()
        finally:
            connection.close()
        return
    path = Path(current_app.instance_path) / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        warned = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    raise Busy(name) from None
                if on_wait and not warned:
                    on_wait()
                    warned = True
                time.sleep(poll_seconds)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
