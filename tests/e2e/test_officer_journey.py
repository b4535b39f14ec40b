"""Officer: a contract with two holders (one created from its SIRET), a computed clause, the list, the exports."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from app.contracts.models import Contract
from app.extensions import db
from app.main.demo_catalog import DEMO_PASSWORD
from app.referential.models import Company
from tests.contracts.conftest import valid_siret
from tests.e2e.checks import Journey, sign_in

REFERENCE = "2026-E2E-01"


def test_officer_enters_a_contract_with_a_computed_clause_and_exports_the_list(page):
    journey = Journey(page, "acheteur")
    known = db.session.scalars(select(Company).order_by(Company.id)).first()
    new_siret = valid_siret()

    sign_in(page, "acheteur@demo-levier.fr", DEMO_PASSWORD)
    journey.check("accueil")
    page.get_by_role("link", name="Marchés", exact=True).first.click()
    journey.check("liste des marchés")

    page.get_by_role("link", name="Saisir un marché").click()
    journey.check("formulaire vide")
    page.get_by_label("Acheteur").select_option(index=1)
    page.get_by_label("Référence").fill(REFERENCE)
    page.get_by_label("Objet").fill("Réhabilitation du gymnase du collège Jean Jaurès")
    page.locator("#cpv_code").fill("45442100-8")
    page.get_by_label("Montant (€ HT)", exact=True).fill("1 000 000,00")
    page.locator("#notified_on").fill("2026-03-02")
    page.locator("#duration_months").fill("18")
    page.locator("#holders-0-identifier").fill(known.identifier)
    page.get_by_role("button", name="Ajouter une ligne de titulaire").click()
    page.locator("#holders-1-identifier").fill(new_siret)
    page.locator("#holders-1-company_name").fill("Insertion Bâtiment Artois")
    page.get_by_role("button", name="Enregistrer").last.click()
    page.wait_for_url("**/marches/*")
    journey.check("fiche du marché")
    contract = db.session.scalars(select(Contract).where(Contract.reference == REFERENCE)).one()
    assert [h.company.identifier for h in contract.holders] == [known.identifier, new_siret]
    expect(page.get_by_text("Insertion Bâtiment Artois")).to_be_visible()

    page.get_by_role("link", name="Ajouter une clause").first.click()
    page.locator("#kind").select_option("award_criterion")
    expect(page.locator("#award_weight_percent")).to_be_visible()
    expect(page.locator("#reserved_article")).not_to_be_visible()
    page.locator("#kind").select_option("reserved")
    expect(page.locator("#labour_share")).not_to_be_visible()  # a reserved contract commits no hours
    page.locator("#kind").select_option("execution_condition")
    expect(page.locator("#award_weight_percent")).not_to_be_visible()
    page.get_by_label("Calcul : montant", exact=False).check()
    page.get_by_label("Part de main-d'œuvre (%)").fill("50")
    page.get_by_label("Taux d'insertion (%)").fill("5")
    page.get_by_label("Coût horaire chargé (€ HT)").fill("30")
    page.get_by_role("button", name="Calculer sans enregistrer").click()
    expect(page.get_by_role("status").filter(has_text="833\u00a0h")).to_be_visible()
    journey.check("clause calculée")
    page.get_by_role("button", name="Enregistrer", exact=True).last.click()
    page.wait_for_url("**/marches/*#clauses")
    journey.check("fiche avec clause")
    db.session.expire_all()
    assert contract.clauses[0].planned_hours == Decimal("833")

    page.get_by_role("link", name="Marchés", exact=True).first.click()
    page.get_by_label("Rechercher").fill("gymnase")
    page.get_by_role("combobox", name="Type de clause").select_option("execution_condition")
    page.get_by_role("button", name="Filtrer").click()
    journey.check("liste filtrée")
    assert page.locator("table tbody tr").count() == 1
    expect(page.locator("table tbody").get_by_text(REFERENCE)).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter en CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and REFERENCE in rows[1]
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter en Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert len(values) == 2 and REFERENCE in values[1]
