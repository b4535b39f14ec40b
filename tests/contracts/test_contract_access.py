"""Who may read and who may write contracts: officers and admins write, readers and facilitators read."""

import pytest

from tests import factories


@pytest.fixture
def clause(buyer):
    return factories.ClauseFactory(contract=factories.ContractFactory(buyer=buyer))


def write_requests(clause):
    contract_id = clause.contract_id
    return [
        ("get", "/marches/nouveau"),
        ("post", "/marches/nouveau"),
        ("get", f"/marches/{contract_id}/modifier"),
        ("post", f"/marches/{contract_id}/modifier"),
        ("post", f"/marches/{contract_id}/archiver"),
        ("post", f"/marches/{contract_id}/restaurer"),
        ("get", f"/marches/{contract_id}/clauses/nouvelle"),
        ("post", f"/marches/{contract_id}/clauses/nouvelle"),
        ("post", f"/marches/clauses/{clause.id}/modifier"),
        ("post", f"/marches/clauses/{clause.id}/supprimer"),
    ]


def read_requests(clause):
    return ["/marches/", f"/marches/{clause.contract_id}", "/marches/export.csv", "/marches/export.xlsx"]


@pytest.mark.parametrize("user_fixture", ["as_reader", "as_facilitator"])
def test_reader_and_facilitator_are_refused_every_write(request, clause, user_fixture):
    client = request.getfixturevalue(user_fixture)
    for method, url in write_requests(clause):
        assert getattr(client, method)(url).status_code == 403, url
    assert clause.contract.archived_at is None


@pytest.mark.parametrize("user_fixture", ["as_reader", "as_facilitator", "as_officer", "as_admin"])
def test_every_role_reads_list_page_and_exports(request, clause, user_fixture):
    client = request.getfixturevalue(user_fixture)
    for url in read_requests(clause):
        assert client.get(url).status_code == 200, url


def test_reader_sees_no_write_buttons(as_reader, clause):
    page = as_reader.get(f"/marches/{clause.contract_id}").get_data(as_text=True)
    assert "Modifier" not in page and "Archiver" not in page and "Ajouter une clause" not in page
    assert "Saisir un marché" not in as_reader.get("/marches/").get_data(as_text=True)


def test_admin_can_write(as_admin, clause):
    assert as_admin.get("/marches/nouveau").status_code == 200
    assert as_admin.post(f"/marches/{clause.contract_id}/archiver").status_code == 302


def test_anonymous_visitor_is_sent_to_login(client, clause):
    response = client.get("/marches/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_officer_home_links_to_the_contract_worklists(as_officer, clause):
    page = as_officer.get("/").get_data(as_text=True)
    assert 'href="/marches/nouveau"' in page
    assert "/marches/?social=without" in page and "/marches/?to_review=1" in page
