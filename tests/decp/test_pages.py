"""The upload page (officers, admins) and the export page and download (also readers)."""

import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.contracts.models import Contract
from tests import factories
from tests.decp.helpers import DEPARTEMENT, MESSY, WRAPPED_2022, contract
from tests.decp.test_export import assert_valid


def _upload(client, path, name=None, **fields):
    data = {
        "file": (io.BytesIO(path.read_bytes() if hasattr(path, "read_bytes") else path), name or path.name)
    }
    data.update(fields)
    return client.post("/decp/import", data=data, content_type="multipart/form-data")


def _contract_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Contract))


def test_officer_sees_the_upload_form_with_its_size_limit(as_officer):
    page = as_officer.get("/decp/import").get_data(as_text=True)
    assert "Fichier DECP (JSON)" in page and "2 Mo au plus" in page


@pytest.mark.parametrize("user_fixture", ["as_facilitator", "as_reader"])
def test_facilitators_and_readers_cannot_import(request, user_fixture):
    client = request.getfixturevalue(user_fixture)
    assert client.get("/decp/import").status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    assert client.get("/decp/import").status_code == 302


def test_upload_imports_and_shows_the_summary(as_officer, db):
    response = _upload(as_officer, MESSY)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bilan de l&#39;import" in page or "Bilan de l'import" in page
    assert "Enregistrements lus" in page and "Montant fictif" in page
    assert "marches[16]" in page and "Acheteur absent" in page
    assert contract("X-MOJIBAKE").object == "Marché de rénovation énergétique"
    assert contract("X-MOJIBAKE").clauses[0].needs_review


def test_admin_upload_in_simulation_writes_nothing(as_admin, db):
    page = _upload(as_admin, WRAPPED_2022, dry_run="y").get_data(as_text=True)

    assert (
        "Simulation : rien n&#39;a été enregistré" in page or "Simulation : rien n'a été enregistré" in page
    )
    assert _contract_count(db) == 0


def test_upload_can_be_restricted_to_one_buyer(as_officer, db):
    _upload(as_officer, WRAPPED_2022, buyer="21590000200019")
    assert _contract_count(db) == 0


def test_unreadable_upload_is_reported_and_nothing_is_imported(as_officer, db):
    response = _upload(
        as_officer,
        b'{"marches": {"marche": [{"id": "A", "acheteur": {"id": "22620001200012"}}, ',
        "casse.json",
    )

    assert response.status_code == 200
    assert "Fichier illisible, rien n" in response.get_data(as_text=True)
    assert _contract_count(db) == 0


def test_upload_refuses_other_file_types(as_officer, db):
    response = _upload(as_officer, b"a;b\n1;2\n", "marches.csv")
    assert "Fichier JSON attendu." in response.get_data(as_text=True)


def test_upload_beyond_the_page_limit_points_to_the_command(as_officer, db, monkeypatch):
    monkeypatch.setattr("app.decp.routes.UPLOAD_MAX_MEGABYTES", 0)
    response = _upload(as_officer, WRAPPED_2022)

    assert response.status_code == 413
    assert "flask decp import" in response.get_data(as_text=True)
    assert _contract_count(db) == 0


@pytest.fixture
def published(db):
    buyer = factories.BuyerFactory(siret=DEPARTEMENT, name="Département du Pas-de-Calais")
    factories.ContractFactory(
        buyer=buyer,
        reference="2024-T01",
        notified_on=date(2024, 5, 2),
        place_code="62041",
        place_type="Code commune",
        holders=[factories.CompanyFactory(identifier="44123456400017")],
    )
    factories.ContractFactory(buyer=buyer, reference="2024-T02", cpv_code=None, notified_on=date(2024, 6, 1))
    return buyer


def test_reader_previews_and_downloads_the_export(as_reader, published):
    page = as_reader.get(f"/decp/export?buyer_id={published.id}&year=2024").get_data(as_text=True)
    assert "1 marché(s) à publier" in page
    assert "2024-T02" in page and "code CPV" in page  # left out, with the reason

    response = as_reader.get(f"/decp/export/telecharger?buyer_id={published.id}&year=2024")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="decp_{DEPARTEMENT}_2024.json"'
    document = json.loads(response.get_data(as_text=True))
    assert_valid(document)
    assert [r["id"] for r in document["marches"]["marche"]] == ["2024-T01"]


def test_export_page_without_choice_shows_the_form_only(as_officer, published):
    page = as_officer.get("/decp/export").get_data(as_text=True)
    assert "Acheteur" in page and "Télécharger" not in page


def test_facilitator_cannot_export(as_facilitator, published):
    assert (
        as_facilitator.get(f"/decp/export/telecharger?buyer_id={published.id}&year=2024").status_code == 403
    )


def test_download_with_bad_parameters_is_a_clear_400(as_officer, published):
    assert as_officer.get("/decp/export/telecharger?buyer_id=x&year=2024").status_code == 400


def _chunked_upload(client, content: bytes):
    """POST the file as a chunked upload: no Content-Length, the server reads until the end."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), filename="gros.json")})
    return client.post(
        "/decp/import",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_upload_is_held_to_the_page_limit_on_the_bytes_read(app, as_officer, db, monkeypatch):
    monkeypatch.setitem(app.config["UPLOAD_LIMITS"], "decp.import_page", 1024 * 1024)
    document = json.loads(WRAPPED_2022.read_text(encoding="utf-8"))
    small = json.dumps(document).encode()
    document["marches"]["marche"][0]["objet"] = "x" * (1024 * 1024)  # the body is now beyond 1 Mo
    large = json.dumps(document).encode()

    refused = _chunked_upload(as_officer, large)

    assert refused.status_code == 413
    assert "flask decp import" in refused.get_data(as_text=True)
    assert _contract_count(db) == 0
    # The same way of sending, under the limit, is read and imported.
    accepted = _chunked_upload(as_officer, small)
    assert accepted.status_code == 200 and _contract_count(db) == 3


def test_the_limit_holds_before_the_csrf_check_reads_the_body(app, client, monkeypatch):
    monkeypatch.setitem(app.config["UPLOAD_LIMITS"], "decp.import_page", 8)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # CSRFProtect parses the form first

    response = _chunked_upload(client, b'{"marches": []}')

    assert response.status_code == 413 and "Fichier trop volumineux" in response.get_data(as_text=True)
    assert "Fichier DECP (JSON)" not in response.get_data(as_text=True)
