"""A hand-made year of purchases where products carry several labels (EGalim counted once)."""

from datetime import date
from decimal import Decimal

from app.core.db import utcnow
from app.extensions import db
from tests import factories


def multi_label_year():
    """Two sites of one buyer, 2025: totals 2 000 €, organic 100, SIQO 200, other EGalim 300, etc."""
    buyer = factories.BuyerFactory(name="Département du Pas-de-Calais")
    site = factories.CateringSiteFactory(
        buyer=buyer, name="Restaurant administratif", siret=factories.make_siret()
    )
    other_site = factories.CateringSiteFactory(buyer=buyer, name="Collège Jean Jaurès", kind="middle_school")
    stranger = factories.CateringSiteFactory(name="Cantine d'un autre acheteur")
    purchase = factories.PurchaseFactory
    purchase(
        site=site,
        family="VIANDES_VOLAILLES",
        amount_excl_tax=Decimal("100"),
        codes=["BIO", "LABEL_ROUGE", "CIRCUIT_COURT", "LOCAL"],
        description="Poulet bio label rouge",
    )
    purchase(
        site=site,
        family="VIANDES_VOLAILLES",
        amount_excl_tax=Decimal("200"),
        codes=["LABEL_ROUGE", "IGP", "HVE"],
        description="Agneau IGP",
    )
    purchase(
        site=site,
        family="FRUITS_ET_LEGUMES",
        amount_excl_tax=Decimal("300"),
        codes=["HVE", "FERMIER", "CIRCUIT_COURT"],
        description="Pommes HVE",
    )
    purchase(
        site=site,
        family="FRUITS_ET_LEGUMES",
        amount_excl_tax=Decimal("400"),
        codes=["LOCAL"],
        description="Carottes du coin",
    )
    purchase(site=site, family="AUTRES", amount_excl_tax=Decimal("1000"), codes=[], description="Épicerie")
    deleted = purchase(site=site, family="AUTRES", amount_excl_tax=Decimal("500"), codes=["BIO"])
    deleted.deleted_at = utcnow()
    db.session.commit()
    purchase(site=site, purchased_on=date(2024, 12, 31), amount_excl_tax=Decimal("700"), codes=["BIO"])
    purchase(
        site=other_site,
        family="PRODUITS_LAITIERS",
        amount_excl_tax=Decimal("1000"),
        codes=["BIO", "AOCAOP"],
        description="Comté bio AOP",
    )
    purchase(site=stranger, amount_excl_tax=Decimal("999"), codes=["BIO"])
    return buyer, site, other_site


def valid_siret(seed: int = 1) -> str:
    """A SIRET that python-stdnum accepts: its SIREN (9 digits) and the whole 14 digits pass Luhn."""
    from stdnum import luhn

    siren_body = f"{62000000 + seed:08d}"
    siren = siren_body + luhn.calc_check_digit(siren_body)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)
