"""French where a user reads: CLI help, audit log codes, month names after « de »."""

import re
from datetime import date

import pytest

from app.core.audit import AuditEntry
from app.core.formatting import of_month_fr
from app.extensions import db

ENGLISH = {
    "the",
    "and",
    "of",
    "an",
    "to",
    "is",
    "when",
    "unless",
    "print",
    "run",
    "create",
    "list",
    "load",
    "fill",
}
FLASK_OWN = {"db", "routes", "run", "shell", "spec", "limiter"}


def _commands(group, prefix=""):
    for name, command in sorted(getattr(group, "commands", {}).items()):
        if not prefix and name in FLASK_OWN:
            continue
        yield f"{prefix}{name}", command
        yield from _commands(command, f"{prefix}{name} ")


def test_every_levier_command_has_a_french_help_line(app):
    commands = list(_commands(app.cli))
    assert len(commands) >= 15
    for name, command in commands:
        words = set(re.findall(r"[a-z]+", (command.help or "").lower()))
        assert words, f"« flask {name} --help » has no help line"
        assert not words & ENGLISH, f"« flask {name} --help » is in English: {command.help}"


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2026, 10, 1), "d'octobre 2026"),
        (date(2026, 4, 1), "d'avril 2026"),
        (date(2026, 8, 1), "d'août 2026"),
        (date(2026, 3, 1), "de mars 2026"),
    ],
)
def test_month_after_de_is_elided(month, expected):
    assert of_month_fr(month) == expected


def test_audit_log_shows_french_actions_and_objects(as_admin, admin):
    db.session.add(
        AuditEntry(
            actor=admin.email, action="remove_clause", object_type="Contract", object_id=7, summary="x"
        )
    )
    db.session.commit()
    page = as_admin.get("/admin/journal").get_data(as_text=True)
    assert "Suppression d&#39;une clause" in page and "Marché n° 7" in page
    assert "remove_clause</span>" not in page and ">Contract<" not in page
