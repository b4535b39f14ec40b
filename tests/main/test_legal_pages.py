"""The footer's pages (accessibility, legal notice, personal data) and the favicon, reachable signed out."""

import html

import pytest

from app.participants.services import set_retention_years


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/accessibilite",
            ["Déclaration d'accessibilité", "partiellement conforme", "RGAA", "Défenseur des droits"],
        ),
        ("/mentions-legales", ["Mentions légales", "Éditeur", "Hébergement"]),
        ("/donnees-personnelles", ["code pseudonyme", "Qui y accède", "CNIL", "effacés automatiquement"]),
    ],
)
def test_footer_pages_are_public_and_say_what_they_must(client, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    for text in expected:
        assert text in page


def test_every_page_links_the_three_footer_pages(as_officer):
    page = as_officer.get("/").get_data(as_text=True)
    for url in ("/accessibilite", "/mentions-legales", "/donnees-personnelles"):
        assert f'href="{url}"' in page


def test_personal_data_page_gives_the_retention_an_admin_set(client, admin, db):
    set_retention_years(admin, 3)
    db.session.commit()
    page = html.unescape(client.get("/donnees-personnelles").get_data(as_text=True))
    assert "effacés automatiquement 3 ans" in page


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.data[:4] == b"\x00\x00\x01\x00"  # ICO header
