"""The ma-cantine purchase file (schema app/data/schema_import_achats_macantine.json): import, export, import."""

import csv
import io
from decimal import Decimal

from sqlalchemy import delete, select

from app.core.enums import LocalDefinition
from app.extensions import db as _db
from app.food.models import Purchase, PurchaseCharacteristic
from tests import factories

SIRET = "21620041000019"

# Written by hand from the schema: padded enums, multi-valued categories, OUI/oui/x booleans, comma file.
MA_CANTINE_FILE = f"""siret,description,fournisseur,date,prix_ht,famille_produits,categories_egalim,origine,est_circuit_court,est_local,definition_local,definition_local_km
{SIRET},Pommes de terre,Ferme du Ternois,2025-01-30,1234.99, FRUITS_ET_LEGUMES ,"BIO, HVE ",FRANCE,OUI,x,KM,50
{SIRET},Poulet fermier,Volailles d'Artois,2025-02-03,560.5,VIANDES_VOLAILLES,"LABEL_ROUGE,FERMIER , IGP", FRANCE ,oui,non,,
{SIRET},Saumon,Marée du Nord,2025-03-15,320,PRODUITS_DE_LA_MER , PECHE_DURABLE,EUROPE,,NON,,
{SIRET},Sel,,2025-04-01,2.10,AUTRES,,,non,,,
{SIRET},Comté,Fromagerie,2025-05-20,99.99,PRODUITS_LAITIERS,AOCAOP,,x,oui, DEPARTEMENT ,
"""


def _snapshot():
    purchases = _db.session.scalars(select(Purchase).where(Purchase.deleted_at.is_(None))).all()
    return sorted(
        (
            p.site_id,
            p.purchased_on,
            p.description,
            p.supplier.name if p.supplier else None,
            p.amount_excl_tax,
            p.family,
            tuple(p.codes),
            p.origin,
        )
        for p in purchases
    )


def _import(client, content: bytes, filename: str):
    client.post(
        "/alimentation/achats/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    return client.post("/alimentation/achats/import/confirmer")


def test_ma_cantine_file_is_read_with_its_value_conventions(as_officer, db):
    buyer = factories.BuyerFactory(local_definition=LocalDefinition.KM, local_radius_km=50)
    site = factories.CateringSiteFactory(buyer=buyer, siret=SIRET)

    preview = as_officer.post(
        "/alimentation/achats/import",
        data={"file": (io.BytesIO(MA_CANTINE_FILE.encode()), "achats_macantine.csv")},
        content_type="multipart/form-data",
    )
    assert "ma-cantine" in preview.get_data(as_text=True)
    as_officer.post("/alimentation/achats/import/confirmer")

    rows = {row[2]: row for row in _snapshot()}
    assert rows["Pommes de terre"][4:] == (
        Decimal("1234.99"),
        "FRUITS_ET_LEGUMES",
        ("BIO", "CIRCUIT_COURT", "FRANCE", "HVE", "LOCAL"),
        "FRANCE",
    )
    assert rows["Poulet fermier"][6:] == (
        ("CIRCUIT_COURT", "FERMIER", "FRANCE", "IGP", "LABEL_ROUGE"),
        "FRANCE",
    )
    assert rows["Saumon"][5:] == ("PRODUITS_DE_LA_MER", ("PECHE_DURABLE",), "EUROPE")
    assert rows["Sel"][3] is None and rows["Sel"][6] == ()
    assert rows["Comté"][6] == ("AOCAOP", "CIRCUIT_COURT", "LOCAL")
    assert all(row[0] == site.id for row in rows.values())


def test_ma_cantine_import_export_import_gives_the_same_purchases(as_officer, db):
    buyer = factories.BuyerFactory(local_definition=LocalDefinition.KM, local_radius_km=50)
    site = factories.CateringSiteFactory(buyer=buyer, siret=SIRET)
    _import(as_officer, MA_CANTINE_FILE.encode(), "achats_macantine.csv")
    first = _snapshot()
    assert len(first) == 5

    exported = as_officer.get(f"/alimentation/sites/{site.id}/ma-cantine.csv?annee=2025")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0]["date"] == "2025-01-30" and rows[0]["prix_ht"] == "1234.99"
    assert rows[0]["categories_egalim"] == "BIO,HVE"
    assert (rows[0]["est_circuit_court"], rows[0]["est_local"]) == ("OUI", "OUI")
    assert (rows[0]["definition_local"], rows[0]["definition_local_km"]) == ("KM", "50")

    db.session.execute(delete(PurchaseCharacteristic))
    db.session.execute(delete(Purchase))
    db.session.commit()
    _import(as_officer, exported.data, "export.csv")

    assert _snapshot() == first


def test_unknown_site_siret_and_bad_values_are_reported_by_line(as_officer, db):
    factories.CateringSiteFactory(siret=SIRET)
    other_siret = factories.make_siret()
    content = (
        "siret,description,fournisseur,date,prix_ht,famille_produits,categories_egalim,origine,"
        "est_circuit_court,est_local,definition_local,definition_local_km\n"
        f"{other_siret},Pain,,2025-01-02,10,BOULANGERIE,,,,,,\n"
        f'{SIRET},Pain,,2025-01-02,10,BOULANGERIE,"BIO, CIRCUIT_COURT",,peut-être,,,\n'
        f"{SIRET},Pain,,2025-13-02,10,PAINS,,,,,,\n"
    )

    response = as_officer.post(
        "/alimentation/achats/import",
        data={"file": (io.BytesIO(content.encode()), "achats.csv")},
        content_type="multipart/form-data",
    )

    page = response.get_data(as_text=True)
    assert f"Ligne 2 : aucun site de restauration n&#39;a le SIRET {other_siret}." in page
    assert "Ligne 3 : categories_egalim : valeur inconnue « CIRCUIT_COURT »." in page
    assert "Ligne 4 : date « 2025-13-02 » invalide" in page  # every problem of the line is listed
    assert "Ligne 4 : famille_produits : valeur inconnue « PAINS »." in page
    assert _snapshot() == []


def test_export_requires_the_site_siret(as_officer, db):
    site = factories.CateringSiteFactory(siret=None)

    response = as_officer.get(f"/alimentation/sites/{site.id}/ma-cantine.csv?annee=2025")

    assert response.status_code == 302


def test_ma_cantine_file_without_header_and_in_windows_encoding_is_read(runner, db, tmp_path):
    factories.CateringSiteFactory(siret=SIRET)
    path = tmp_path / "sans_entete.csv"
    path.write_bytes(
        f"{SIRET};Crème fraîche;Laiterie;2025-06-01;12.5;PRODUITS_LAITIERS;BIO;FRANCE;x;;;\n".encode("cp1252")
    )

    result = runner.invoke(args=["food", "import", str(path)])

    assert result.exit_code == 0, result.output
    (row,) = _snapshot()
    assert row[2:] == (
        "Crème fraîche",
        "Laiterie",
        Decimal("12.50"),
        "PRODUITS_LAITIERS",
        ("BIO", "CIRCUIT_COURT", "FRANCE"),
        "FRANCE",
    )
