"""Fixtures: one application per session, an empty database (territories seeded) for every test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL points to one (.ci/run
does both). Tables are emptied after each test rather than rolled back, so that what the application
commits is really committed and "nothing was written" assertions read the database as users would.
"""

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.core.enums import Role
from app.extensions import db as _db
from app.referential.models import PAS_DE_CALAIS_TERRITORIES, Territory
from config import TestingConfig
from tests import factories


def _seed_reference_data() -> None:
    _db.session.add_all(Territory(code=code, name=name) for code, name in PAS_DE_CALAIS_TERRITORIES)
    _db.session.commit()


def _empty_tables() -> None:
    _db.session.rollback()
    tables = [t.name for t in _db.metadata.sorted_tables]
    if _db.engine.dialect.name == "postgresql":
        _db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in reversed(tables):
            _db.session.execute(text(f"DELETE FROM {name}"))
    _db.session.commit()


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own application context, as in production.

    The tests hold an application context for their own database work; without this, requests would
    share its ``g`` (Flask-Login's cached user) and its database session.
    """

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            _db.session.expire_all()  # the test's session sees what the request committed


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    config = TestingConfig()
    instance = tmp_path_factory.mktemp("instance")
    TestingConfig.REPORT_STORAGE = str(instance / "reports")
    application = create_app(TestingConfig)
    application.config["REPORT_STORAGE"] = str(instance / "reports")
    application.test_client_class = IsolatedClient
    assert application.config["SQLALCHEMY_DATABASE_URI"] == config.SQLALCHEMY_DATABASE_URI
    with application.app_context():
        _db.drop_all()
        _db.create_all()  # the tests' own setup; migrations are tested in tests/core/test_migrations.py
        _seed_reference_data()
        yield application
        _db.session.remove()
        _db.drop_all()


@pytest.fixture(autouse=True)
def db(app):
    from app.extensions import limiter

    limiter.reset()  # sign-in throttling counters belong to one test
    yield _db
    _empty_tables()
    _seed_reference_data()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def login(client, user):
    """Sign ``user`` in on ``client`` through Flask-Login's session keys."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def admin(db):
    return factories.UserFactory(role=Role.ADMIN, email="admin@levier.test")


@pytest.fixture
def officer(db):
    return factories.UserFactory(role=Role.OFFICER, email="acheteur@levier.test")


@pytest.fixture
def facilitator(db):
    return factories.UserFactory(role=Role.FACILITATOR, email="facilitateur@levier.test")


@pytest.fixture
def reader(db):
    return factories.UserFactory(role=Role.READER, email="lecteur@levier.test")


@pytest.fixture
def as_admin(client, admin):
    return login(client, admin)


@pytest.fixture
def as_officer(client, officer):
    return login(client, officer)


@pytest.fixture
def as_facilitator(client, facilitator):
    return login(client, facilitator)


@pytest.fixture
def as_reader(client, reader):
    return login(client, reader)
