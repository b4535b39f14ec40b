"""Throw-away databases built by the Alembic migrations (triggers and all), on SQLite or PostgreSQL."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from config import TestingConfig


def engines() -> list[str]:
    """The engines a test can use: SQLite always, PostgreSQL when the suite runs on it."""
    return ["sqlite", "postgresql"] if _postgres_url() else ["sqlite"]


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@contextmanager
def empty_database(engine: str, tmp_path) -> Iterator[str]:
    """The URL of a new, empty database of ``engine``, dropped afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
        return
    base = make_url(_postgres_url())
    name = f"levier_tmp_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_for(url: str, tmp_path, *, upgrade: bool = True):
    """An application on ``url`` (its own report folder), the schema built by ``db upgrade``."""

    class Config(TestingConfig):
        SQLALCHEMY_ENGINE_OPTIONS = {}

        def __init__(self) -> None:
            super().__init__()
            self.SQLALCHEMY_DATABASE_URI = url
            self.SQLALCHEMY_ENGINE_OPTIONS = {}

    application = create_app(Config)
    application.config["REPORT_STORAGE"] = str(tmp_path / f"reports-{uuid.uuid4().hex[:6]}")
    if upgrade:
        with application.app_context():
            command.upgrade(application.extensions["migrate"].migrate.get_config(), "head")
    return application


def dispose(application) -> None:
    from app.extensions import db

    with application.app_context():
        db.session.remove()
        db.engine.dispose()
