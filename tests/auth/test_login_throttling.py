"""Password guessing is slowed per account and per address, and does not reveal which accounts exist."""

import time

from tests import factories


def _attempt(client, email, password, address="203.0.113.7"):
    return client.post(
        "/connexion", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_after_five_wrong_passwords_even_the_right_one_waits(client, officer):
    for _ in range(5):
        assert _attempt(client, officer.email, "mauvais mot de passe").status_code == 200
    response = _attempt(client, officer.email, factories.PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in


def test_the_account_is_protected_whatever_the_address(client, officer):
    for index in range(5):
        _attempt(client, officer.email, "mauvais mot de passe", address=f"198.51.100.{index}")
    assert _attempt(client, officer.email, factories.PASSWORD, address="192.0.2.1").status_code == 429


def test_one_address_cannot_try_many_accounts(client, db):
    for index in range(20):
        _attempt(client, f"inconnu{index}@levier.test", "mauvais mot de passe")
    response = _attempt(client, "encore@levier.test", "mauvais mot de passe")
    assert response.status_code == 429


def test_successful_sign_ins_do_not_count(client, officer):
    for _ in range(8):
        assert _attempt(client, officer.email, factories.PASSWORD).status_code == 302
        client.post("/deconnexion")


def test_unknown_and_existing_accounts_answer_in_comparable_time(client, officer):
    def timed(email):
        start = time.perf_counter()
        _attempt(client, email, "mauvais mot de passe", address=email)
        return time.perf_counter() - start

    known = min(timed(officer.email) for _ in range(3))
    unknown = min(timed("personne@levier.test") for _ in range(3))
    # Before: 509 ms against 37 ms. Both now compute one scrypt hash.
    assert unknown > known * 0.4, (known, unknown)
