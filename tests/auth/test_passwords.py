"""Passwords: at least 12 characters, not common, not built from the account's own name or address."""

import pytest

from app.auth.models import User
from app.auth.passwords import password_problem


@pytest.mark.parametrize(
    "password",
    [
        "court-2026",
        "motdepasse123456",
        "qwertyuiopasdfgh",
        "jeannedupont2026",
        "Dupont-Jeanne-62",
        "1234567890123",
    ],
)
def test_weak_passwords_are_refused(password):
    assert password_problem(password, email="jeanne.dupont@ville.fr", full_name="Jeanne Dupont")


@pytest.mark.parametrize(
    "password", ["cheval-agrafe-batterie", "un-long-mot-de-passe", "Brume sur la Canche 1987"]
)
def test_strong_passwords_are_accepted(password):
    assert password_problem(password, email="jeanne.dupont@ville.fr", full_name="Jeanne Dupont") is None


def test_admin_cannot_create_an_account_with_the_name_as_password(as_admin, db):
    response = as_admin.post(
        "/admin/utilisateurs/nouveau",
        data={
            "email": "jeanne.dupont@ville.fr",
            "full_name": "Jeanne Dupont",
            "role": "reader",
            "password": "jeannedupont2026",
        },
    )
    assert response.status_code == 200
    assert "trop facile à deviner" in response.get_data(as_text=True)
    assert db.session.query(User).filter_by(email="jeanne.dupont@ville.fr").count() == 0


def test_command_refuses_a_weak_password(runner, db):
    result = runner.invoke(
        args=["users", "create", "x@levier.test", "--role", "reader", "--password", "password1234"]
    )
    assert result.exit_code != 0 and "trop facile" in result.output
