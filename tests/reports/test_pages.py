"""Dashboard, versions and downloads through HTTP: readers and officers see them, facilitators do not."""

import csv
import dataclasses
import hashlib
import io
import re

import pytest

from app.core.enums import ReportStatus
from app.reports import services
from app.reports.models import ReportVersion
from tests.conftest import login
from tests.reports.handmade import YEAR, make_handmade_data


@pytest.fixture
def data(db):
    return make_handmade_data()


@pytest.fixture
def version(db, data, admin):
    version = services.generate_report_version(admin, data["buyer"], YEAR)
    db.session.commit()
    return version


def test_reader_sees_the_dashboard_figures_of_a_buyer(as_reader, data):
    response = as_reader.get(f"/rapports/?acheteur={data['buyer'].id}&annee={YEAR}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for expected in ("175\u00a0000,75\u00a0€", "370,5\u00a0h", "50,0\u00a0%", "Non atteint", "<svg"):
        assert expected in page
    assert "Générer une nouvelle version" not in page  # admins only


def test_dashboard_for_all_buyers_together(as_officer, data):
    response = as_officer.get(f"/rapports/?annee={YEAR}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tous les acheteurs" in page and "275\u00a0000,75\u00a0€" in page


def test_facilitators_see_no_dashboard_nor_versions(as_facilitator, data):
    assert as_facilitator.get("/rapports/").status_code == 403
    assert as_facilitator.get("/rapports/versions").status_code == 403
    assert as_facilitator.get(f"/rapports/indicateurs.csv?annee={YEAR}").status_code == 403


def test_reader_downloads_a_version_and_the_download_is_counted(client, reader, db, version):
    login(client, reader)
    response = client.get(f"/rapports/versions/{version.id}/telecharger")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == version.checksum
    assert "attachment" in response.headers["Content-Disposition"]
    db.session.refresh(version)
    assert version.download_count == 1


def test_facilitator_cannot_download(client, facilitator, version):
    login(client, facilitator)
    assert client.get(f"/rapports/versions/{version.id}/telecharger").status_code == 403


def test_failed_version_cannot_be_downloaded(as_officer, db, data, admin, monkeypatch):
    monkeypatch.setattr(services, "render_annual_report", lambda ind: 1 / 0)
    failed = services.generate_report_version(admin, data["buyer"], YEAR)
    db.session.commit()
    assert as_officer.get(f"/rapports/versions/{failed.id}/telecharger").status_code == 404


def test_altered_file_is_not_served(as_reader, version):
    services.report_path(version).write_bytes(b"%PDF-1.4 altered")
    response = as_reader.get(f"/rapports/versions/{version.id}/telecharger", follow_redirects=True)
    assert "introuvable ou altéré" in response.get_data(as_text=True)


def test_versions_page_lists_versions_with_download_links(as_reader, version):
    page = as_reader.get("/rapports/versions").get_data(as_text=True)
    assert f"/rapports/versions/{version.id}/telecharger" in page and "Département du Pas-de-Calais" in page


def test_admin_generates_a_new_version_on_demand(as_admin, db, data, version):
    response = as_admin.post(
        "/rapports/generer", data={"buyer_id": data["buyer"].id, "year": YEAR}, follow_redirects=True
    )
    assert "version 2" in response.get_data(as_text=True)
    versions = db.session.scalars(db.select(ReportVersion).order_by(ReportVersion.version)).all()
    assert [(v.version, v.status) for v in versions] == [(1, ReportStatus.DONE), (2, ReportStatus.DONE)]


def test_officer_cannot_generate(as_officer, db, data):
    response = as_officer.post("/rapports/generer", data={"buyer_id": data["buyer"].id, "year": YEAR})
    assert response.status_code == 403
    assert db.session.scalars(db.select(ReportVersion)).all() == []


def test_generation_with_a_bad_year_says_why(as_admin, db, data):
    response = as_admin.post(
        "/rapports/generer", data={"buyer_id": data["buyer"].id, "year": "1850"}, follow_redirects=True
    )
    assert "Année invalide" in response.get_data(as_text=True)
    assert db.session.scalars(db.select(ReportVersion)).all() == []


def test_csv_annex_holds_the_figures_for_french_excel(as_reader, data):
    response = as_reader.get(f"/rapports/indicateurs.csv?acheteur={data['buyer'].id}&annee={YEAR}")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeffSection;Indicateur;Valeur;Unité;Clé technique")
    assert "Marchés;Montant des marchés notifiés;175000,75;€ HT;contracts.amount" in text
    assert "Heures d'insertion;Heures réalisées dans l'année;370,50;h;hours.realized" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))[1:]
    assert rows and all(section and label and label != key for section, label, _, _, key in rows)
    stamp = next(value for _, _, value, _, key in rows if key == "extracted_at")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", stamp)
    assert any(
        label.startswith("Marchés par type de clause : ") and unit == "marchés"
        for _, label, _, unit, _ in rows
    )


def test_csv_annex_time_is_paris_time(as_reader, data, monkeypatch):
    from datetime import UTC, datetime

    from app.reports.queries import indicators

    real = indicators.compute_indicators

    def at_utc_evening(*args, **kwargs):
        result = real(*args, **kwargs)
        return dataclasses.replace(result, extracted_at=datetime(2026, 1, 15, 23, 30, tzinfo=UTC))

    monkeypatch.setattr("app.reports.routes.compute_indicators", at_utc_evening)
    text = as_reader.get(f"/rapports/indicateurs.csv?acheteur={data['buyer'].id}&annee={YEAR}").data.decode()
    assert "Chiffres calculés le;16/01/2026 00:30;heure de Paris;extracted_at" in text


def test_unknown_buyer_is_a_404_and_bad_year_a_400(as_reader):
    assert as_reader.get("/rapports/?acheteur=999999").status_code == 404
    assert as_reader.get("/rapports/?annee=3000").status_code == 400


def test_figures_link_to_list_pages_only_when_they_exist(app):
    from app.reports.routes import list_link

    with app.test_request_context():
        assert list_link("reports.versions", acheteur=3, annee=None) == "/rapports/versions?acheteur=3"
        assert list_link("no_such.index", buyer=3) is None


def test_dashboard_links_figures_to_the_lists_behind_them(as_reader, data, app):
    page = as_reader.get(f"/rapports/?acheteur={data['buyer'].id}&annee={YEAR}").get_data(as_text=True)
    if "contracts.index" in app.view_functions:
        assert f"/marches/?buyer={data['buyer'].id}" in page and "clause_kind=reserved" in page
    assert f"/rapports/indicateurs.csv?acheteur={data['buyer'].id}" in page
