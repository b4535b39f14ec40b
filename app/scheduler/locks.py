"""Locks between processes: one scheduler at a time, one run of a job at a time.

PostgreSQL: session-level advisory locks (held by a dedicated connection, released when it closes, so a
killed process frees them). SQLite: ``flock`` on a file next to the database in the instance folder
(SQLite serves one machine; the kernel releases the lock when the process dies).
"""

import fcntl
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from app.extensions import db


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
