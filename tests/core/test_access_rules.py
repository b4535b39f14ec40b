"""Access is denied by default: every endpoint must declare who reaches it."""

from app import create_app
from app.core.auth import PUBLIC, access_rule
from config import TestingConfig


def test_every_endpoint_declares_an_access_rule(app):
    missing = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if access_rule(app.view_functions[rule.endpoint]) is None
    )
    assert missing == [], f"endpoints without access rule: {missing}"


def test_only_login_health_static_files_and_footer_pages_are_public(app):
    public = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if access_rule(app.view_functions[rule.endpoint]) == PUBLIC
    )
    assert public == [
        "auth.login",
        "bootstrap.static",
        "main.accessibility",
        "main.favicon",
        "main.health",
        "main.legal_notice",
        "main.personal_data",
        "static",
    ]


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/admin/utilisateurs")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_endpoint_without_rule_is_refused():
    # A fresh application: routes cannot be added to one that has served requests.
    application = create_app(TestingConfig)
    application.add_url_rule("/sans-regle-test", "undeclared_test", lambda: "secret")
    response = application.test_client().get("/sans-regle-test")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)
