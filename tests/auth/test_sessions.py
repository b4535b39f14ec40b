"""Sessions end when they should: at sign-out and password change, on every device; cookies are bounded."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie

from app.auth.models import User
from app.core.audit import AuditEntry
from tests import factories

NEW_PASSWORD = "cheval-agrafe-batterie-42"


def _sign_in(client, user, remember=False):
    data = {"email": user.email, "password": factories.PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/connexion", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def _cookie(client, name):
    return next(c for c in client._cookies.values() if c.key == name)


def test_a_copied_session_cookie_is_useless_after_sign_out(app, officer):
    client = app.test_client()
    _sign_in(client, officer)
    stolen = _cookie(client, "session")
    client.post("/deconnexion")
    thief = app.test_client()
    thief.set_cookie("session", stolen.value, domain=stolen.domain)
    assert thief.get("/").status_code == 302  # back to the sign-in page


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, db, officer):
    laptop, phone = app.test_client(), app.test_client()
    _sign_in(laptop, officer)
    _sign_in(phone, officer, remember=True)
    response = laptop.post(
        "/mon-compte/mot-de-passe",
        data={"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302  # its remember-me cookie is dead too
    entry = db.session.query(AuditEntry).filter_by(action="change_password").one()
    assert entry.object_type == "User" and entry.object_id == str(officer.id) and entry.user_id == officer.id


def test_the_session_is_renewed_at_sign_in(app, officer):
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "par un attaquant"
    _sign_in(client, officer)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_remember_me_lasts_thirty_days_and_is_http_only(app, officer):
    client = app.test_client()
    response = _sign_in(client, officer, remember=True)
    cookies = [SimpleCookie(h) for h in response.headers.getlist("Set-Cookie")]
    remember = next(c["remember_token"] for c in cookies if "remember_token" in c)
    lifetime = parsedate_to_datetime(remember["expires"]) - datetime.now(UTC)
    assert timedelta(days=29) < lifetime <= timedelta(days=30)
    assert remember["httponly"] and remember["samesite"] == "Lax"


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    from config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = ProductionConfig()
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY and config.REMEMBER_COOKIE_HTTPONLY
    assert config.SESSION_COOKIE_SAMESITE == config.REMEMBER_COOKIE_SAMESITE == "Lax"


def test_a_deactivated_user_loses_the_open_session(app, db, as_officer, officer):
    assert as_officer.get("/").status_code == 200
    db.session.get(User, officer.id).is_active = False
    db.session.commit()
    assert as_officer.get("/").status_code == 302


def test_sign_in_and_out_and_failures_are_audited(app, db, officer):
    client = app.test_client()
    client.post("/connexion", data={"email": officer.email, "password": "pas le bon mot de passe"})
    client.post("/connexion", data={"email": "personne@levier.test", "password": "pas le bon mot de passe"})
    _sign_in(client, officer)
    client.post("/deconnexion")
    entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert [(e.action, e.actor) for e in entries] == [
        ("login_failed", officer.email),
        ("login_failed", "personne@levier.test"),
        ("login", officer.email),
        ("logout", officer.email),
    ]
    assert entries[0].object_id == str(officer.id) and entries[1].object_id is None
