from app.auth.models import User
from app.core.audit import AuditEntry
from tests import factories
from tests.conftest import login


def _post_login(client, email, password):
    return client.post("/connexion", data={"email": email, "password": password}, follow_redirects=False)


def test_login_page_is_served_in_french(client):
    response = client.get("/connexion")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'lang="fr"' in page and "Mot de passe" in page and "Se connecter" in page
    assert "cdn.jsdelivr.net" not in page  # Bootstrap is served locally


def test_user_logs_in_and_out(client, officer):
    response = _post_login(client, officer.email, factories.PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    home = client.get("/")
    assert home.status_code == 200 and "Bonjour" in home.get_data(as_text=True)
    assert client.post("/deconnexion").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_french_message(client, officer):
    response = _post_login(client, officer.email, "mauvais mot de passe")
    assert response.status_code == 200
    assert "Adresse ou mot de passe incorrect" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivated_account_cannot_log_in(client, db):
    user = factories.UserFactory(is_active=False)
    _post_login(client, user.email, factories.PASSWORD)
    assert client.get("/").status_code == 302


def test_login_ignores_an_external_next_url(client, officer):
    response = client.post(
        "/connexion?next=https://example.org/", data={"email": officer.email, "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_each_role_sees_its_own_home_page(client, db):
    expectations = {
        "admin": "Gérez les comptes",
        "officer": "Saisissez vos marchés",
        "facilitator": "Saisissez chaque mois les heures",
        "reader": "Consultez les tableaux de bord",
    }
    for role, text in expectations.items():
        user = factories.UserFactory(role=role)
        page = login(client, user).get("/").get_data(as_text=True)
        assert text in page, role


def test_facilitator_cannot_reach_user_admin(as_facilitator):
    response = as_facilitator.get("/admin/utilisateurs")
    assert response.status_code == 403
    assert "Accès refusé" in response.get_data(as_text=True)


def test_reader_cannot_create_accounts(as_reader, db):
    response = as_reader.post(
        "/admin/utilisateurs/nouveau", data={"email": "x@y.fr", "role": "admin", "password": "0123456789ab"}
    )
    assert response.status_code == 403
    assert db.session.query(User).filter_by(email="x@y.fr").count() == 0


def test_admin_creates_changes_role_and_deactivates_a_user(as_admin, db):
    response = as_admin.post(
        "/admin/utilisateurs/nouveau",
        data={
            "email": "Nouvelle@Levier.fr",
            "full_name": "Nouvelle Personne",
            "role": "reader",
            "password": "un-long-mot-de-passe",
        },
    )
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="nouvelle@levier.fr").one()
    assert user.role == "reader" and user.check_password("un-long-mot-de-passe")
    as_admin.post(f"/admin/utilisateurs/{user.id}", data={"full_name": "N. Personne", "role": "facilitator"})
    as_admin.post(f"/admin/utilisateurs/{user.id}/activation", data={"active": "0"})
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.role == "facilitator" and not user.is_active
    actions = [
        e.action for e in db.session.query(AuditEntry).filter_by(object_type="User", object_id=str(user.id))
    ]
    assert actions == ["create", "update", "deactivate"]


def test_admin_create_form_shows_french_errors_and_writes_nothing(as_admin, db):
    response = as_admin.post(
        "/admin/utilisateurs/nouveau",
        data={"email": "pas-une-adresse", "role": "reader", "password": "court"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Adresse électronique invalide" in page and "Au moins 12 caractères" in page
    assert db.session.query(User).count() == 1


def test_admin_cannot_deactivate_own_account(as_admin, admin, db):
    as_admin.post(f"/admin/utilisateurs/{admin.id}/activation", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_active


def test_form_posted_without_csrf_token_is_rejected(app, officer):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        response = client.post("/connexion", data={"email": officer.email, "password": factories.PASSWORD})
        assert response.status_code == 400
        assert client.get("/").status_code == 302  # not signed in
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_users_create_command(runner, db):
    result = runner.invoke(
        args=["users", "create", "cli@levier.test", "--role", "officer", "--password", "mot-de-passe-cli"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="cli@levier.test").one()
    assert user.role == "officer" and user.check_password("mot-de-passe-cli")
    again = runner.invoke(
        args=["users", "create", "cli@levier.test", "--role", "officer", "--password", "mot-de-passe-cli"]
    )
    assert again.exit_code != 0 and "existe déjà" in again.output


def test_users_create_command_asks_for_the_password(runner, db):
    result = runner.invoke(
        args=["users", "create", "prompt@levier.test", "--role", "reader"],
        input="mot-de-passe-saisi\nmot-de-passe-saisi\n",
    )
    assert result.exit_code == 0, result.output
    assert (
        db.session.query(User)
        .filter_by(email="prompt@levier.test")
        .one()
        .check_password("mot-de-passe-saisi")
    )
