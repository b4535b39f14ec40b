"""Purchase import: preview then confirm, all or nothing, line-numbered French errors, CLI exit status."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import func, select

from app.food.models import Purchase, Supplier
from tests import factories


def _count(db, model=Purchase):
    return db.session.scalar(select(func.count()).select_from(model))


def _levier_csv(site_name: str, bad_amount: str | None = None) -> bytes:
    lines = [
        "date;site;fournisseur;siret_fournisseur;famille;description;montant_ht;caracteristiques;origine",
        f"12/05/2025;{site_name};Ferme du Ternois;;FRUITS_ET_LEGUMES;Pommes de terre;1 234,56;BIO, CIRCUIT_COURT;FRANCE",
        f"13/05/2025;{site_name};Laiterie Flandre;;PRODUITS_LAITIERS;Yaourts;{bad_amount or '89,90'};LABEL_ROUGE;",
        f"2025-05-14;{site_name};;;AUTRES;Sel;3.20;;",
    ]
    return "\n".join(lines).encode("utf-8")


def _upload(client, content: bytes, filename: str = "achats.csv"):
    return client.post(
        "/alimentation/achats/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_preview_writes_nothing_and_confirm_imports_every_line(as_officer, db):
    factories.CateringSiteFactory(name="Restaurant administratif")

    preview = _upload(as_officer, _levier_csv("Restaurant administratif"))

    page = preview.get_data(as_text=True)
    assert "Aperçu" in page and "3 achats" in page and "format Levier" in page
    assert "Ferme du Ternois" in page and "nouveau" in page
    assert _count(db) == 0 and _count(db, Supplier) == 0

    confirm = as_officer.post("/alimentation/achats/import/confirmer")

    assert confirm.status_code == 302
    purchases = db.session.scalars(select(Purchase).order_by(Purchase.purchased_on)).all()
    assert [p.amount_excl_tax for p in purchases] == [Decimal("1234.56"), Decimal("89.90"), Decimal("3.20")]
    assert purchases[0].codes == ["BIO", "CIRCUIT_COURT", "FRANCE"]
    assert purchases[0].supplier.name == "Ferme du Ternois"
    assert purchases[2].supplier is None
    assert _count(db, Supplier) == 2


def test_one_wrong_line_writes_nothing_and_names_the_line(as_officer, db):
    factories.CateringSiteFactory(name="Restaurant administratif")

    response = _upload(as_officer, _levier_csv("Restaurant administratif", bad_amount="-5"))
    confirm = as_officer.post("/alimentation/achats/import/confirmer")

    page = response.get_data(as_text=True)
    assert "rien n&#39;a été importé" in page or "rien n'a été importé" in page
    assert "Ligne 3 : le montant HT doit être strictement positif (-5)." in page
    assert confirm.status_code == 302  # nothing pending: sent back to the upload page
    assert _count(db) == 0 and _count(db, Supplier) == 0


def test_unknown_header_is_explained(as_officer, db):
    response = _upload(as_officer, b"foo;bar\n1;2\n")

    assert "en-tête non reconnu" in response.get_data(as_text=True)


def test_xlsx_in_levier_format_is_imported(as_officer, db):
    site = factories.CateringSiteFactory(name="Collège Pasteur", siret=factories.make_siret())
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "date",
            "site",
            "fournisseur",
            "siret_fournisseur",
            "famille",
            "description",
            "montant_ht",
            "caracteristiques",
            "origine",
        ]
    )
    sheet.append(
        [
            date(2025, 2, 3),
            int(site.siret),
            "Boulangerie Martin",
            None,
            "BOULANGERIE",
            "Pain",
            45.1,
            "FERMIER",
            None,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    _upload(as_officer, buffer.getvalue(), "achats.xlsx")
    as_officer.post("/alimentation/achats/import/confirmer")

    purchase = db.session.scalars(select(Purchase)).one()
    assert (purchase.site_id, purchase.purchased_on, purchase.amount_excl_tax) == (
        site.id,
        date(2025, 2, 3),
        Decimal("45.10"),
    )


def test_cli_import_exit_status(runner, db, tmp_path):
    factories.CateringSiteFactory(name="Restaurant administratif")
    good = tmp_path / "bons.csv"
    good.write_bytes(_levier_csv("Restaurant administratif"))
    bad = tmp_path / "mauvais.csv"
    bad.write_bytes(_levier_csv("Restaurant administratif", bad_amount="abc"))

    dry = runner.invoke(args=["food", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Rien n'a été enregistré" in dry.output
    assert _count(db) == 0

    failed = runner.invoke(args=["food", "import", str(bad)])
    assert failed.exit_code == 1
    assert "Ligne 3 : montant HT « abc » invalide" in failed.output
    assert _count(db) == 0

    done = runner.invoke(args=["food", "import", str(good)])
    assert done.exit_code == 0, done.output
    assert "3 achats" in done.output
    assert _count(db) == 3


def test_reader_cannot_import(as_reader, db):
    assert as_reader.get("/alimentation/achats/import").status_code == 403
    assert as_reader.post("/alimentation/achats/import/confirmer").status_code == 403


def test_template_downloads_are_importable_headers(as_officer, db):
    from app.food.services.imports import LEVIER, detect_format

    csv_template = as_officer.get("/alimentation/achats/import/modele.csv").get_data().decode("utf-8-sig")
    xlsx_template = as_officer.get("/alimentation/achats/import/modele.xlsx")

    assert detect_format(csv_template.splitlines()[0].split(";")) == LEVIER
    assert xlsx_template.status_code == 200


def test_preview_warns_when_the_file_was_already_imported(as_officer, db):
    factories.CateringSiteFactory(name="Restaurant administratif")
    _upload(as_officer, _levier_csv("Restaurant administratif"))
    as_officer.post("/alimentation/achats/import/confirmer")

    again = _upload(as_officer, _levier_csv("Restaurant administratif")).get_data(as_text=True)

    assert "3 lignes semblent déjà enregistrées" in again
