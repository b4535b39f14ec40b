"""Site and buyer pages: the figures on the page, in the CSV export and from food_figures are the same."""

import csv
import io
from decimal import Decimal

from sqlalchemy import select

from app.core.audit import AuditEntry
from app.core.formatting import money, number, percent
from app.food.models import CateringSite, Supplier
from app.food.queries import food_figures
from tests import factories
from tests.food.fixtures import multi_label_year, valid_siret


def _csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def _number(text: str) -> Decimal | None:
    return Decimal(text.replace(",", ".")) if text else None


def _table(page: str, table_id: str) -> str:
    start = page.index(f'id="{table_id}"')
    return page[start : page.index("</table>", start)]


def test_site_page_csv_and_query_layer_agree(as_reader, db):
    buyer, site, _other = multi_label_year()
    factories.ObjectiveFactory(
        buyer=buyer,
        year=2025,
        egalim_share=Decimal(40),
        organic_share=Decimal(10),
        short_circuit_share=Decimal(15),
        local_share=Decimal(30),
    )
    figures = food_figures(year=2025, site_id=site.id)

    page = as_reader.get(f"/alimentation/sites/{site.id}?annee=2025").get_data(as_text=True)
    rows = _csv_rows(as_reader.get(f"/alimentation/sites/{site.id}/chiffres.csv?annee=2025"))

    overall = {row["Indicateur"]: row for row in rows if row["Famille"] == "Toutes familles"}
    expected = {
        "Total des achats": (figures.overall.total, None),
        "Produits durables et de qualité (EGalim)": (figures.overall.egalim, figures.overall.egalim_share),
        "dont bio": (figures.overall.organic, figures.overall.organic_share),
        "Circuit court": (figures.overall.short_circuit, figures.overall.short_circuit_share),
        "Local / de proximité": (figures.overall.local, figures.overall.local_share),
    }
    indicators = _table(page, "indicateurs")
    for label, (amount, share) in expected.items():
        assert _number(overall[label]["Montant HT (€)"]) == amount
        assert _number(overall[label]["Part (%)"]) == share
        assert money(amount) in indicators
        if share is not None:
            assert percent(share, 2) in indicators
    assert _number(overall["dont bio"]["Objectif de l'acheteur (%)"]) == Decimal(10)
    assert _number(overall["dont bio"]["Cible légale (%)"]) == Decimal(20)
    assert (
        _number(overall["dont bio"]["Écart à la cible légale (points)"]) == figures.organic_gap == Decimal(15)
    )
    assert _number(
        overall["Produits durables et de qualité (EGalim)"]["Écart à la cible légale (points)"]
    ) == (figures.egalim_gap)
    assert number(figures.egalim_gap, 2) + " pt" in indicators
    families = {row["Famille"]: row for row in rows if row["Indicateur"] == "Total des achats"}
    assert (
        _number(families["Fruits et légumes"]["Montant HT (€)"])
        == figures.by_family["FRUITS_ET_LEGUMES"].total
    )
    assert money(figures.by_family["FRUITS_ET_LEGUMES"].total) in _table(page, "familles")
    assert "<svg" in page and "objectif 40" in page  # the chart against the buyer's objectives
    assert "non atteint" in page  # organic 5 % against an objective of 10 %


def test_buyer_page_and_csv_agree_with_the_query_layer(as_officer, db):
    buyer, site, other = multi_label_year()
    overall = food_figures(year=2025, buyer_id=buyer.id).overall

    page = as_officer.get(f"/alimentation/acheteurs/{buyer.id}?annee=2025").get_data(as_text=True)
    rows = _csv_rows(as_officer.get(f"/alimentation/acheteurs/{buyer.id}/chiffres.csv?annee=2025"))

    egalim = next(
        r
        for r in rows
        if r["Indicateur"].startswith("Produits durables") and r["Famille"] == "Toutes familles"
    )
    assert _number(egalim["Part (%)"]) == Decimal("53.33")  # 1 600 / 3 000, rounded once to the hundredth
    assert overall.egalim_share == Decimal(1600) * 100 / Decimal(3000)
    assert percent(overall.egalim_share, 2) in _table(page, "indicateurs")
    assert site.name in page and other.name in page
    assert (
        "Aucun objectif n&#39;a été fixé pour 2025" in page or "Aucun objectif n'a été fixé pour 2025" in page
    )


def test_site_page_without_purchases_shows_an_empty_state(as_reader, db):
    site = factories.CateringSiteFactory()

    page = as_reader.get(f"/alimentation/sites/{site.id}?annee=2025").get_data(as_text=True)

    assert "Aucun achat enregistré pour 2025." in page


def test_sites_list_shows_yearly_totals(as_reader, db):
    _buyer, site, _other = multi_label_year()

    page = as_reader.get("/alimentation/?annee=2025").get_data(as_text=True)

    assert site.name in page and money(Decimal("2000")) in page


def test_officer_creates_site_and_duplicate_siret_is_refused(as_officer, db):
    buyer = factories.BuyerFactory()
    siret = valid_siret(7)
    data = {
        "name": "Collège Voltaire",
        "buyer_id": str(buyer.id),
        "kind": "middle_school",
        "siret": siret,
        "commune_code": "62041",
        "meals_per_year": "45000",
        "is_active": "y",
    }

    created = as_officer.post("/alimentation/sites/nouveau", data=data)
    duplicate = as_officer.post("/alimentation/sites/nouveau", data={**data, "name": "Autre"})

    assert created.status_code == 302
    site = db.session.scalars(select(CateringSite)).one()
    assert (site.name, site.siret, site.meals_per_year) == ("Collège Voltaire", siret, 45000)
    assert "a déjà ce SIRET" in duplicate.get_data(as_text=True)


def test_officer_creates_and_edits_supplier(as_officer, db):
    as_officer.post(
        "/alimentation/fournisseurs/nouveau", data={"name": "Ferme Dupont", "is_direct_producer": "y"}
    )
    supplier = db.session.scalars(select(Supplier)).one()

    as_officer.post(
        f"/alimentation/fournisseurs/{supplier.id}/modifier",
        data={"name": "Ferme Dupont SARL", "siret": valid_siret(3), "is_direct_producer": "y"},
    )
    bad = as_officer.post(
        f"/alimentation/fournisseurs/{supplier.id}/modifier", data={"name": "Ferme Dupont", "siret": "123"}
    )

    db.session.refresh(supplier)
    assert (supplier.name, supplier.siret, supplier.is_direct_producer) == (
        "Ferme Dupont SARL",
        valid_siret(3),
        True,
    )
    assert "SIRET invalide" in bad.get_data(as_text=True)
    assert "Ferme Dupont SARL" in as_officer.get("/alimentation/fournisseurs").get_data(as_text=True)


def test_admin_sets_local_definition_audited_and_officer_cannot(client, admin, officer, db):
    from tests.conftest import login

    buyer = factories.BuyerFactory()
    login(client, officer)
    assert (
        client.post(
            f"/alimentation/acheteurs/{buyer.id}/definition-local",
            data={"local_definition": "KM", "local_radius_km": "80"},
        ).status_code
        == 403
    )

    login(client, admin)
    missing = client.post(
        f"/alimentation/acheteurs/{buyer.id}/definition-local",
        data={"local_definition": "KM"},
        follow_redirects=True,
    )
    assert "Indiquez un rayon en kilomètres" in missing.get_data(as_text=True)
    client.post(
        f"/alimentation/acheteurs/{buyer.id}/definition-local",
        data={"local_definition": "KM", "local_radius_km": "80"},
    )

    db.session.refresh(buyer)
    assert (buyer.local_definition, buyer.local_radius_km) == ("KM", 80)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "Buyer")).one()
    assert entry.changes == {"local_definition": ["DEPARTEMENT", "KM"], "local_radius_km": [None, 80]}


def test_food_menu_is_shown_to_officers_and_readers(as_reader, db):
    page = as_reader.get("/alimentation/").get_data(as_text=True)

    assert "Alimentation" in page and "/alimentation/achats" in page
    assert "Importer des achats" not in page.split("</nav>")[0]
