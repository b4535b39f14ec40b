from app import create_app
from app.core.auth import public
from config import TestingConfig


def test_unknown_page_gets_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_unexpected_error_gets_a_french_500_page():
    application = create_app(TestingConfig)
    application.config["PROPAGATE_EXCEPTIONS"] = False

    @public
    def broken():
        raise RuntimeError("boom")

    application.add_url_rule("/casse", "broken", broken)
    response = application.test_client().get("/casse")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Erreur interne" in page and "boom" not in page


def test_responses_carry_security_headers(client):
    response = client.get("/connexion")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
