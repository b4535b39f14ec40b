"""Write a batch of rows in one INSERT, on SQLite (``executemany``) and PostgreSQL (arrays + ``unnest``).

On PostgreSQL a multi-row ``VALUES`` list is slow to send: psycopg parses every placeholder of the
statement in Python, and 1 000 rows of 18 columns make 18 000 of them, which cost more than the rest of
the import. One array per column (``INSERT … SELECT … FROM unnest(:a, :b, …)``) sends the same rows with a
handful of parameters. The statement returned is the dialect's INSERT, so callers add ``ON CONFLICT`` and
``RETURNING`` the same way on both databases.
"""

import json

from sqlalchemy import JSON, Table, Text, bindparam, cast, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def bulk_insert(table: Table, rows: list[dict], constants: dict | None = None):
    """An INSERT of ``rows`` (all with the same keys) plus ``constants``, and its parameters (or None)."""
    constants = constants or {}
    if db.session.get_bind().dialect.name != "postgresql":
        return sqlite.insert(table), [dict(row, **constants) for row in rows]
    columns = list(rows[0])
    arrays = []
    for name in columns:
        values = [row[name] for row in rows]
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            values = [None if value is None else json.dumps(value) for value in values]
            column_type = Text()
        arrays.append(bindparam(None, values, type_=postgresql.ARRAY(column_type)))
    source = func.unnest(*arrays).table_valued(*columns).render_derived()
    selected = [
        cast(source.c[name], table.c[name].type) if isinstance(table.c[name].type, JSON) else source.c[name]
        for name in columns
    ]
    selected += [literal(value, table.c[name].type).label(name) for name, value in constants.items()]
    return postgresql.insert(table).from_select([*columns, *constants], select(*selected)), None


def execute(statement, parameters):
    """Run what ``bulk_insert`` built (and the clauses added to it)."""
    if parameters is None:
        return db.session.execute(statement)
    return db.session.execute(statement, parameters)
