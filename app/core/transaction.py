"""Where a unit of work ends: one commit point per request, per CLI command and per scheduled job.

indico's ``RH.process`` model: views, commands and jobs call services that flush but never commit; the
request (or the command, or the job) commits once at its end when it succeeded and rolls back on any
error, so that nothing is ever half-written. A refused operation calls ``discard_changes``.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

import click
from flask import Flask, session
from flask.cli import AppGroup

from app.extensions import db

ROLLBACK_ONLY = "levier_rollback_only"


def discard_changes() -> None:
    """Roll back what the unit of work wrote so far and make its commit point roll back (refusal, dry run)."""
    db.session.rollback()
    db.session.info[ROLLBACK_ONLY] = True


def checkpoint() -> None:
    """Commit now, inside a long unit of work whose progress must survive (a report's "running" state)."""
    db.session.commit()


def end_unit_of_work(succeeded: bool) -> None:
    """The commit point: commit when the unit succeeded and nothing discarded it, roll back otherwise."""
    discarded = db.session.info.pop(ROLLBACK_ONLY, False)
    if succeeded and not discarded:
        db.session.commit()
    else:
        db.session.rollback()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit at the end of the block, roll back if anything (even ``SystemExit(1)``) escapes it."""
    db.session.info.pop(ROLLBACK_ONLY, None)
    try:
        yield
    except (SystemExit, click.exceptions.Exit) as stop:
        code = stop.code if isinstance(stop, SystemExit) else stop.exit_code
        end_unit_of_work(succeeded=code in (None, 0))
        raise
    except BaseException:
        end_unit_of_work(succeeded=False)
        raise
    end_unit_of_work(succeeded=True)


def transactional(function: Callable) -> Callable:
    """Run ``function`` (a CLI command, a scheduled job) as one unit of work."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return function(*args, **kwargs)

    return wrapper


class CommandGroup(AppGroup):
    """A ``flask`` command group whose every command is one unit of work (committed when it succeeds)."""

    def command(self, *args, **kwargs):
        register = super().command(*args, **kwargs)
        return lambda function: register(transactional(function))


def register_request_transaction(app: Flask) -> None:
    """Commit after a view that answered without error; roll back after an error or an exception."""

    @app.after_request
    def commit_or_roll_back(response):
        try:
            end_unit_of_work(succeeded=response.status_code < 400)
        except Exception:
            db.session.rollback()
            session.pop("_flashes", None)  # "saved" messages would lie: nothing was saved
            raise
        return response
