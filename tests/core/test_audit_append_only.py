"""The audit log cannot be rewritten: the migration installs a trigger refusing UPDATE and DELETE."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from tests.migrated import app_for, dispose, empty_database, engines


@pytest.mark.parametrize("engine", engines())
def test_audit_entries_cannot_be_updated_or_deleted(engine, tmp_path):
    from app.extensions import db

    with empty_database(engine, tmp_path) as url:
        application = app_for(url, tmp_path)
        try:
            with application.app_context():
                db.session.execute(
                    text(
                        "INSERT INTO audit_entries (occurred_at, actor, action, object_type, summary) "
                        "VALUES (CURRENT_TIMESTAMP, 'x', 'create', 'User', 'témoin')"
                    )
                )
                db.session.commit()
                statements = ["UPDATE audit_entries SET summary = 'réécrit'", "DELETE FROM audit_entries"]
                if engine == "postgresql":
                    statements.append("TRUNCATE audit_entries")
                for statement in statements:
                    with pytest.raises(DatabaseError, match="append-only"):
                        db.session.execute(text(statement))
                    db.session.rollback()
                assert db.session.execute(text("SELECT summary FROM audit_entries")).scalars().all() == [
                    "témoin"
                ]
        finally:
            dispose(application)
