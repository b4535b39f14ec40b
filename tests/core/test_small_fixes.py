"""Small ones of issue 16: a page past the last one, the report generation warning."""

import html

from app.core.dates import today_paris
from tests import factories


def test_page_past_the_last_one_says_it_does_not_exist(as_officer):
    factories.ContractFactory()
    assert as_officer.get("/marches/?page=1").status_code == 200
    response = as_officer.get("/marches/?page=99")
    assert response.status_code == 404
    page = html.unescape(response.get_data(as_text=True))
    assert "n'existe pas" in page and "Aucun marché" not in page


def test_page_past_the_last_one_of_a_row_list_is_a_404_too(as_officer):
    assert as_officer.get("/heures/?page=50").status_code == 404


def test_generation_form_warns_when_the_year_is_not_finished(as_admin):
    buyer = factories.BuyerFactory()
    year = today_paris().year
    page = html.unescape(as_admin.get(f"/rapports/?acheteur={buyer.id}&annee={year}").get_data(as_text=True))
    assert f"L'année {year} n'est pas terminée" in page
    assert 'data-progress="Génération du rapport en cours' in page
    past = html.unescape(
        as_admin.get(f"/rapports/?acheteur={buyer.id}&annee={year - 1}").get_data(as_text=True)
    )
    assert f"L'année {year - 1} n'est pas terminée" not in past


def test_generating_this_years_report_flashes_the_warning(as_admin):
    buyer = factories.BuyerFactory()
    year = today_paris().year
    response = as_admin.post(
        "/rapports/generer",
        data={"buyer_id": buyer.id, "year": year, "next": "/rapports/versions"},
        follow_redirects=True,
    )
    assert f"L'année {year} n'est pas terminée" in html.unescape(response.get_data(as_text=True))
