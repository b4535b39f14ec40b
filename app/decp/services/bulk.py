"""Write a batch of rows in one INSERT, on SQLite (``executemany``) and PostgreSQL (one JSON parameter).

On PostgreSQL a multi-row ``VALUES`` list is slow to send: psycopg parses every placeholder of the
statement in Python, and 1 000 rows of 18 columns make 18 000 of them, which cost more than the rest of
the import (arrays per column are not much better: psycopg escapes their items one by one). The batch is
sent as one JSON document instead, serialised in C, and PostgreSQL unpacks it
(``INSERT … SELECT … FROM json_to_recordset(:rows)``). The statement returned is the dialect's INSERT, so
callers add ``ON CONFLICT`` and ``RETURNING`` the same way on both databases.
"""

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Table, Text, cast, column, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def bulk_insert(table: Table, rows: list[dict], constants: dict | None = None):
    """An INSERT of ``rows`` (all with the same keys) plus ``constants``, and its parameters (or None)."""
    constants = constants or {}
    if db.session.get_bind().dialect.name != "postgresql":
        return sqlite.insert(table), [dict(row, **constants) for row in rows]
    columns = list(rows[0])
    payload = json.dumps(rows, default=_json_value, ensure_ascii=False)
    source = (
        func.json_to_recordset(cast(literal(payload, Text()), postgresql.JSON))
        .table_valued(*[column(name, table.c[name].type) for name in columns])
        .render_derived(with_types=True)
    )
    selected = [source.c[name] for name in columns]
    selected += [literal(value, table.c[name].type).label(name) for name, value in constants.items()]
    return postgresql.insert(table).from_select([*columns, *constants], select(*selected)), None


def execute(statement, parameters):
    """Run what ``bulk_insert`` built (and the clauses added to it)."""
    if parameters is None:
        return db.session.execute(statement)
    return db.session.execute(statement, parameters)


__all__ = ["bulk_insert", "execute"]
