"""A ``next`` URL sent by the client is followed only when it is a path of this site."""

import pytest

from app.core.redirects import local_path
from tests import factories

HOSTILE = [
    "https://evil.example/",
    "http:evil.example",
    "//evil.example",
    "//evil.example/participants/",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "evil.example",
    "participants/",
    "",
    None,
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_next_values_are_refused(target):
    assert local_path(target) is None


@pytest.mark.parametrize(
    "target", ["/", "/participants/sorties-a-renseigner", "/marches/?page=2&q=%C3%A9cole"]
)
def test_local_paths_are_kept(target):
    assert local_path(target) == target


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "https://evil.example/"])
def test_outcome_form_does_not_redirect_to_another_site(db, as_facilitator, target):
    participant = factories.ParticipantFactory()
    response = as_facilitator.post(f"/participants/{participant.id}/sorties", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/participants/{participant.id}"


def test_outcome_form_follows_a_local_next(db, as_facilitator):
    participant = factories.ParticipantFactory()
    response = as_facilitator.post(
        f"/participants/{participant.id}/sorties", data={"next": "/participants/sorties-a-renseigner"}
    )
    assert response.headers["Location"] == "/participants/sorties-a-renseigner"


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "/\t/evil.example"])
def test_report_generation_does_not_redirect_to_another_site(db, as_admin, target):
    response = as_admin.post("/rapports/generer", data={"next": target, "year": "1850"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/rapports/versions"


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "https://evil.example/"])
def test_login_does_not_redirect_to_another_site(client, officer, target):
    response = client.post(
        "/connexion",
        query_string={"next": target},
        data={"email": officer.email, "password": factories.PASSWORD},
    )
    assert response.headers["Location"] == "/"
