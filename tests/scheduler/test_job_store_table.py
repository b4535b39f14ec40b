"""The scheduler's job store table lives in the app's database without upsetting Alembic."""

from alembic import command
from apscheduler.schedulers.background import BackgroundScheduler

from app import create_app
from app.extensions import db
from app.scheduler.jobs import build_scheduler
from config import TestingConfig


def test_alembic_check_ignores_the_job_store_table(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{tmp_path / 'levier.db'}")

    class FileConfig(TestingConfig):
        SQLALCHEMY_ENGINE_OPTIONS = {}

    application = create_app(FileConfig)
    application.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    with application.app_context():
        alembic_config = application.extensions["migrate"].migrate.get_config()
        command.upgrade(alembic_config, "head")
        scheduler = build_scheduler(application, BackgroundScheduler)
        scheduler.start(paused=True)  # creates apscheduler_jobs and stores the job
        scheduler.shutdown(wait=False)
        command.check(alembic_config)  # raises if autogenerate wanted to drop the table
        db.engine.dispose()
