"""Purchase entry, list, filters, exports and soft delete, through HTTP."""

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.food.models import Purchase
from tests import factories


def _form(site, **overrides):
    data = {
        "purchased_on": "12/05/2025",
        "site_id": str(site.id),
        "supplier_id": "",
        "family": "FRUITS_ET_LEGUMES",
        "description": "Pommes de terre",
        "amount_excl_tax": "1 234,56",
        "codes": ["BIO", "CIRCUIT_COURT"],
        "origin": "FRANCE",
    }
    data.update(overrides)
    return data


def _purchase_count(db):
    return db.session.scalar(select(func.count(Purchase.id)))


def test_officer_records_purchase_typed_the_french_way(as_officer, db):
    site = factories.CateringSiteFactory()

    response = as_officer.post("/alimentation/achats/nouveau", data=_form(site))

    assert response.status_code == 302
    purchase = db.session.scalars(select(Purchase)).one()
    assert purchase.amount_excl_tax == Decimal("1234.56")
    assert purchase.purchased_on == date(2025, 5, 12)
    assert purchase.codes == ["BIO", "CIRCUIT_COURT", "FRANCE"]  # origin France implies the characteristic
    assert purchase.origin == "FRANCE"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "Purchase")).one()
    assert entry.action == "create" and entry.actor == "acheteur@levier.test"


def test_negative_amount_is_refused_in_french_and_nothing_is_written(as_officer, db):
    site = factories.CateringSiteFactory()

    response = as_officer.post("/alimentation/achats/nouveau", data=_form(site, amount_excl_tax="-12,50"))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Le montant doit être strictement positif." in page
    assert 'type="text" value="-12,50"' in page  # what was typed stays, French style
    assert "L'achat n'a pas été enregistré." in page
    assert _purchase_count(db) == 0


def test_missing_amount_is_refused_in_french_and_nothing_is_written(as_officer, db):
    site = factories.CateringSiteFactory()

    response = as_officer.post("/alimentation/achats/nouveau", data=_form(site, amount_excl_tax=""))

    assert response.status_code == 422
    assert "Le montant HT est obligatoire." in response.get_data(as_text=True)
    assert _purchase_count(db) == 0


def test_bad_date_and_contradictory_origin_are_refused(as_officer, db):
    site = factories.CateringSiteFactory()

    bad_date = as_officer.post("/alimentation/achats/nouveau", data=_form(site, purchased_on="31/02/2025"))
    europe = as_officer.post(
        "/alimentation/achats/nouveau", data=_form(site, origin="EUROPE", codes=["FRANCE"])
    )

    assert "Date invalide : format jj/mm/aaaa attendu" in bad_date.get_data(as_text=True)
    assert "ne peut pas être « Origine France »" in europe.get_data(as_text=True)
    assert _purchase_count(db) == 0


def test_service_refuses_missing_or_negative_amount(db, officer):
    import pytest

    from app.core.errors import ServiceError
    from app.food.services import PurchaseData, create_purchase

    site = factories.CateringSiteFactory()
    for amount, message in ((None, "Le montant HT est obligatoire."), (Decimal("-1"), "strictement positif")):
        data = PurchaseData(site.id, date(2025, 1, 2), "AUTRES", "Sel", amount)
        with pytest.raises(ServiceError, match=message):
            create_purchase(officer, data)


def test_reader_sees_purchases_but_cannot_record_or_delete(as_reader, db):
    purchase = factories.PurchaseFactory()

    assert as_reader.get("/alimentation/achats").status_code == 200
    assert as_reader.get("/alimentation/achats/nouveau").status_code == 403
    assert as_reader.post(f"/alimentation/achats/{purchase.id}/supprimer").status_code == 403


def test_facilitator_has_no_access_to_food(as_facilitator, db):
    assert as_facilitator.get("/alimentation/achats").status_code == 403
    assert as_facilitator.get("/alimentation/").status_code == 403


def test_soft_delete_hides_purchase_keeps_row_and_is_audited(as_officer, db):
    purchase = factories.PurchaseFactory(description="Yaourts")

    response = as_officer.post(f"/alimentation/achats/{purchase.id}/supprimer")

    assert response.status_code == 302
    db.session.refresh(purchase)
    assert purchase.deleted_at is not None
    assert "<td>Yaourts</td>" not in as_officer.get("/alimentation/achats").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "Purchase")).all()
    assert actions == ["delete"]


def test_edit_updates_characteristics_and_audits_the_change(as_officer, db):
    purchase = factories.PurchaseFactory(codes=["BIO"])

    response = as_officer.post(
        f"/alimentation/achats/{purchase.id}/modifier",
        data=_form(purchase.site, codes=["LABEL_ROUGE"], origin="", amount_excl_tax="80"),
    )

    assert response.status_code == 302
    db.session.refresh(purchase)
    assert purchase.codes == ["LABEL_ROUGE"]
    assert purchase.amount_excl_tax == Decimal("80.00")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.changes["codes"] == [["BIO"], ["LABEL_ROUGE"]]


def _three_purchases():
    site = factories.CateringSiteFactory(name="Self du Département")
    other = factories.CateringSiteFactory(name="Collège Pasteur")
    supplier = factories.SupplierFactory(name="Ferme Leclercq")
    factories.PurchaseFactory(
        site=site,
        supplier=supplier,
        description="Poireaux bio",
        codes=["BIO"],
        amount_excl_tax=Decimal("10.50"),
    )
    factories.PurchaseFactory(site=site, description="Riz", family="AUTRES", amount_excl_tax=Decimal("20"))
    factories.PurchaseFactory(
        site=other, description="Carottes bio", codes=["BIO"], purchased_on=date(2024, 3, 1)
    )
    return site, supplier


def test_list_filters_by_site_year_family_characteristic_and_supplier(as_reader, db):
    site, supplier = _three_purchases()

    def descriptions(query):
        page = as_reader.get("/alimentation/achats?" + query).get_data(as_text=True)
        return {d for d in ("Poireaux bio", "Riz", "Carottes bio") if d in page}

    assert descriptions(f"site={site.id}") == {"Poireaux bio", "Riz"}
    assert descriptions("annee=2024") == {"Carottes bio"}
    assert descriptions("famille=AUTRES") == {"Riz"}
    assert descriptions("caracteristique=BIO") == {"Poireaux bio", "Carottes bio"}
    assert descriptions(f"fournisseur={supplier.id}") == {"Poireaux bio"}
    assert descriptions("caracteristique=BIO&annee=2025") == {"Poireaux bio"}


def test_exports_contain_exactly_the_filtered_list(as_reader, db):
    site, _supplier = _three_purchases()

    response = as_reader.get(f"/alimentation/achats/export.csv?site={site.id}&caracteristique=BIO")
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    xlsx = as_reader.get(f"/alimentation/achats/export.xlsx?site={site.id}&caracteristique=BIO")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    xlsx_rows = list(sheet.iter_rows(values_only=True))

    assert response.headers["Content-Type"].startswith("text/csv")
    assert [row[6] for row in rows[1:]] == ["Poireaux bio"]
    assert rows[1][7] == "10,50"
    assert [row[6] for row in xlsx_rows[1:]] == ["Poireaux bio"]
    assert xlsx_rows[1][7] == 10.5  # a number, not text


def test_list_paginates(as_reader, db, app):
    site = factories.CateringSiteFactory()
    for index in range(app.config["PER_PAGE"] + 3):
        factories.PurchaseFactory(site=site, description=f"Article {index:03d}")

    second = as_reader.get("/alimentation/achats?page=2").get_data(as_text=True)

    assert "page 2 sur 2" in second
    assert second.count("Article ") == 3


def test_delete_returns_to_the_list_but_never_to_another_site(as_officer, db):
    first, second = factories.PurchaseFactory(), factories.PurchaseFactory()

    back = as_officer.post(
        f"/alimentation/achats/{first.id}/supprimer", data={"next": "/alimentation/achats?annee=2025"}
    )
    outside = as_officer.post(
        f"/alimentation/achats/{second.id}/supprimer", data={"next": "//evil.example/x"}
    )

    assert back.headers["Location"].endswith("/alimentation/achats?annee=2025")
    assert "evil.example" not in outside.headers["Location"]


def test_deleted_purchase_cannot_be_edited(as_officer, db):
    purchase = factories.PurchaseFactory()
    as_officer.post(f"/alimentation/achats/{purchase.id}/supprimer")

    assert as_officer.get(f"/alimentation/achats/{purchase.id}/modifier").status_code == 404
