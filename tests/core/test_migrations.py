"""The schema is built by Alembic only; the migrations match the models and go back down cleanly."""

import os
import uuid

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from flask_migrate import Migrate
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from config import TestingConfig


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"levier_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(make_url(url).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_check_and_downgrade_on_an_empty_database(empty_database_url, monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", empty_database_url)

    class MigrationConfig(TestingConfig):
        SQLALCHEMY_ENGINE_OPTIONS = {}

    application = create_app(MigrationConfig)
    application.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    migrate: Migrate = application.extensions["migrate"].migrate
    with application.app_context():
        alembic_config = migrate.get_config()
        command.upgrade(alembic_config, "head")
        engine = create_engine(empty_database_url)
        tables = set(inspect(engine).get_table_names())
        assert {
            "contracts",
            "clauses",
            "hour_entries",
            "participants",
            "purchases",
            "report_versions",
        } <= tables
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM territories")).scalar() == 9
        command.check(alembic_config)  # raises when models and migrations differ
        command.downgrade(alembic_config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()
        from app.extensions import db

        db.engine.dispose()


def test_alembic_config_is_the_projects(app):
    config: AlembicConfig = app.extensions["migrate"].migrate.get_config()
    assert config.get_main_option("file_template").startswith("%(year)d")
