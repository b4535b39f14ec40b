"""One commit point per request, per CLI command and per scheduled job; nothing half-written on error."""

import click
import pytest
from flask import abort, flash, redirect
from sqlalchemy import func, select

from app import create_app
from app.core.auth import public
from app.core.errors import ServiceError
from app.core.forms import flash_service_error
from app.core.transaction import CommandGroup, checkpoint, discard_changes, unit_of_work
from app.extensions import db
from app.referential.models import Territory
from config import TestingConfig
from tests.conftest import IsolatedClient


def _write(code: str) -> None:
    db.session.add(Territory(code=code, name=f"Territoire {code}"))
    db.session.flush()


def _refuse() -> None:
    raise ServiceError("Refusé par le service.")


@pytest.fixture(scope="module")
def probe_app():
    """An application with probe views and commands (routes cannot be added to the shared one)."""
    application = create_app(TestingConfig)
    application.test_client_class = IsolatedClient
    application.config["PROPAGATE_EXCEPTIONS"] = False  # exercise the 500 page, as in production
    _add_probe_views(application)
    _add_probe_commands(application)
    with application.app_context():
        db.create_all()  # its own in-memory SQLite; on PostgreSQL the suite's tables already exist
    return application


def _add_probe_views(application):
    @application.route("/probe/ok", methods=["POST"])
    @public
    def ok():
        _write("OK")
        flash("Enregistré.")
        return "fait"

    @application.route("/probe/crash", methods=["POST"])
    @public
    def crash():
        _write("CRASH")
        raise RuntimeError("boom")

    @application.route("/probe/not-found", methods=["POST"])
    @public
    def not_found():
        _write("ABORT")
        abort(404)

    @application.route("/probe/refused", methods=["POST"])
    @public
    def refused():
        _write("REFUSED")
        try:
            _refuse()
        except ServiceError as error:
            flash_service_error(error)
        return redirect("/")

    @application.route("/probe/duplicate", methods=["POST"])
    @public
    def duplicate():
        db.session.add(Territory(code="TWICE", name="Arrageois bis"))
        db.session.add(Territory(code="TWICE", name="Arrageois ter"))  # the commit fails: unique code
        flash("Enregistré.")
        return redirect("/")


def _add_probe_commands(application):
    group = CommandGroup("probe")

    @group.command("write")
    @click.option("--fail", is_flag=True)
    @click.option("--exit-code", type=int, default=None)
    @click.option("--dry-run", is_flag=True)
    def write_command(fail, exit_code, dry_run):
        _write("CLI")
        if dry_run:
            discard_changes()
        if fail:
            raise click.ClickException("refusé")
        if exit_code is not None:
            raise SystemExit(exit_code)

    application.cli.add_command(group)


def _codes(application) -> set[str]:
    with application.app_context():
        return set(db.session.scalars(select(Territory.code)))


def test_a_view_that_answers_is_committed_once_it_returns(probe_app):
    response = probe_app.test_client().post("/probe/ok")
    assert response.status_code == 200
    assert "OK" in _codes(probe_app)


def test_an_exception_in_a_view_rolls_back_what_it_wrote(probe_app):
    response = probe_app.test_client().post("/probe/crash")
    assert response.status_code == 500
    assert "CRASH" not in _codes(probe_app)


def test_an_error_response_rolls_back_what_the_view_wrote(probe_app):
    assert probe_app.test_client().post("/probe/not-found").status_code == 404
    assert "ABORT" not in _codes(probe_app)


def test_a_service_refusal_shown_as_a_flash_discards_the_request_writes(probe_app):
    client = probe_app.test_client()
    response = client.post("/probe/refused")
    assert response.status_code == 302
    assert "REFUSED" not in _codes(probe_app)
    with client.session_transaction() as session:
        assert [message for _category, message in session["_flashes"]] == ["Refusé par le service."]


def test_a_failed_commit_is_a_500_and_its_success_message_is_dropped(probe_app):
    client = probe_app.test_client()
    response = client.post("/probe/duplicate")
    assert response.status_code == 500
    assert "Arrageois bis" not in _names(probe_app)
    with client.session_transaction() as session:
        assert "_flashes" not in session


def _names(application) -> set[str]:
    with application.app_context():
        return set(db.session.scalars(select(Territory.name)))


@pytest.mark.parametrize(
    ("arguments", "kept"),
    [
        ([], True),
        (["--fail"], False),
        (["--exit-code", "1"], False),
        (["--exit-code", "0"], True),
        (["--dry-run"], False),
    ],
)
def test_a_command_is_one_transaction_committed_only_when_it_succeeds(probe_app, arguments, kept):
    with probe_app.app_context():
        db.session.execute(db.delete(Territory).where(Territory.code == "CLI"))
        db.session.commit()
        result = probe_app.test_cli_runner().invoke(args=["probe", "write", *arguments])
    assert result.exit_code == (
        1 if arguments[:1] in (["--fail"], ["--exit-code"]) and arguments != ["--exit-code", "0"] else 0
    )
    assert ("CLI" in _codes(probe_app)) is kept


def test_a_job_unit_of_work_rolls_back_on_error_but_keeps_its_checkpoints(app):
    with pytest.raises(RuntimeError), unit_of_work():
        _write("KEPT")
        checkpoint()
        _write("LOST")
        raise RuntimeError("the job failed")
    codes = set(db.session.scalars(select(Territory.code)))
    assert "KEPT" in codes and "LOST" not in codes
    with unit_of_work():
        _write("DONE")
    assert db.session.scalar(select(func.count()).where(Territory.code == "DONE")) == 1


def test_no_view_commits():
    """Only the commit points in ``app.core.transaction`` commit (views, commands and jobs do not)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "app"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "transaction.py"
        and (
            "session.commit" in (text := path.read_text(encoding="utf-8"))
            or ("session.rollback" in text and "routes" in path.name)
        )
    ]
    assert offenders == []
