"""Levier: social clauses, insertion hours, sustainable food purchasing and the annual SPASER report."""

import logging
from pathlib import Path

from flask import Flask, render_template

from config import Config, config_from_environment


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, commands, error pages."""
    from config import _instance_path

    app = Flask(
        __name__,
        instance_path=str(_instance_path()),
        template_folder=str(Path(__file__).resolve().parent.parent / "templates"),
    )
    app.config.from_object((config_class or config_from_environment())())
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("REPORT_STORAGE"):
        app.config["REPORT_STORAGE"] = str(Path(app.instance_path) / "reports")

    register_extensions(app)
    register_blueprints(app)
    register_access_control(app)
    register_transactions(app)
    register_commands(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every model must be known to Alembic)
    from app.core.dates import PARIS
    from app.extensions import babel, bootstrap, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=lambda: "fr", timezone_selector=lambda: PARIS.key)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Veuillez vous connecter pour accéder à cette page."
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_user(user_id: str):
        from app.auth.models import User

        user = db.session.get(User, int(user_id))
        return user if user and user.is_active else None

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        from app.core.search import register_sqlite_fold

        @event.listens_for(Engine, "connect")
        def _sqlite_foreign_keys(dbapi_connection, connection_record):
            if type(dbapi_connection).__module__.startswith("sqlite3"):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()
                register_sqlite_fold(dbapi_connection)


BLUEPRINTS = (
    ("main", ""),
    ("auth", ""),
    ("admin", "/admin"),
    ("referential", "/referentiel"),
    ("contracts", "/marches"),
    ("participants", "/participants"),
    ("hours", "/heures"),
    ("food", "/alimentation"),
    ("objectives", "/objectifs"),
    ("reports", "/rapports"),
    ("decp", "/decp"),
)


def register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for package, url_prefix in BLUEPRINTS:
        app.register_blueprint(import_module(f"app.{package}").bp, url_prefix=url_prefix or None)


def register_access_control(app: Flask) -> None:
    from app.core.auth import enforce_access, make_public

    for endpoint in ("static", "bootstrap.static"):
        if endpoint in app.view_functions:
            make_public(app, endpoint)
    app.before_request(enforce_access)


def register_transactions(app: Flask) -> None:
    from app.core.transaction import register_request_transaction

    register_request_transaction(app)


def register_commands(app: Flask) -> None:
    from app.auth.cli import users_cli
    from app.decp.cli import decp_cli
    from app.food.cli import food_cli
    from app.hours.cli import hours_cli
    from app.main.cli import demo_command
    from app.participants.cli import participants_cli
    from app.referential.cli import ref_cli
    from app.reports.cli import report_cli
    from app.scheduler.cli import scheduler_cli

    for command in (
        users_cli,
        ref_cli,
        demo_command,
        hours_cli,
        participants_cli,
        food_cli,
        report_cli,
        decp_cli,
        scheduler_cli,
    ):
        app.cli.add_command(command)


def register_errorhandlers(app: Flask) -> None:
    from app.extensions import db

    def render_error(error):
        code = getattr(error, "code", 500)
        if code == 500:
            db.session.rollback()
        return render_template(f"errors/{code}.html"), code

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, render_error)


def register_security_headers(app: Flask) -> None:
    """Headers every response carries: no framing, no MIME sniffing, no referrer leaking to other sites."""

    @app.after_request
    def add_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def register_template_helpers(app: Flask) -> None:
    from app.core import enums
    from app.core.formatting import register_filters
    from app.core.navigation import navigation_for

    register_filters(app)

    @app.context_processor
    def inject_helpers():
        from flask_login import current_user

        return {"enums": enums, "Role": enums.Role, "navigation": navigation_for(current_user)}
