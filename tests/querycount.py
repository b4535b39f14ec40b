"""Count the SQL statements a block of code sends (SQLAlchemy ``before_cursor_execute``)."""

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db


class Statements(list):
    @property
    def count(self) -> int:
        return len(self)

    def __str__(self) -> str:
        return "\n".join(f"{i}. {statement[:200]}" for i, statement in enumerate(self, start=1))


@contextmanager
def counting_queries():
    """Every statement sent to the database inside the block, SAVEPOINTs and the like excluded."""
    statements = Statements()

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
