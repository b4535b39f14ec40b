"""The reader's and the administrator's home pages lead to the dashboard and the latest reports."""

from app.reports import services
from tests import factories as f


def test_reader_home_links_to_dashboard_and_downloads(as_reader, db, admin):
    buyer = f.BuyerFactory(name="Département du Pas-de-Calais")
    version = services.generate_report_version(admin, buyer, 2025)
    db.session.commit()
    page = as_reader.get("/").get_data(as_text=True)
    assert "/rapports/?annee=" in page
    assert f"/rapports/versions/{version.id}/telecharger" in page


def test_admin_home_counts_buyers_with_objectives(as_admin, db):
    from app.core.dates import today_paris

    f.ObjectiveFactory(year=today_paris().year)
    page = as_admin.get("/").get_data(as_text=True)
    assert "Acheteurs avec objectifs" in page and "/objectifs/?annee=" in page
