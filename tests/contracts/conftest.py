"""Shared set-up for the contract tests: a few CPV codes and a form payload builder."""

import random

import pytest
from stdnum import luhn

from app.extensions import db as _db
from app.referential.models import CpvCode
from tests import factories

CPV_ROWS = [
    ("45000000", "7", "Travaux de construction"),
    ("45442100", "8", "Travaux de peinture"),
    ("77310000", "6", "Services de plantation et d'entretien des espaces verts"),
    ("30192000", "1", "Fournitures de bureau"),
]


_random = random.Random(3)


def valid_siret() -> str:
    """A SIRET python-stdnum accepts: Luhn-valid SIREN (9 digits) and Luhn-valid SIRET (14).

    ``tests.factories.make_siret`` only checks the 14-digit key, which the form's validator refuses.
    """
    body = "".join(str(_random.randint(0, 9)) for _ in range(8))
    siren = body + luhn.calc_check_digit(body)
    nic = "".join(str(_random.randint(0, 9)) for _ in range(4))
    return siren + nic + luhn.calc_check_digit(siren + nic)


def company(**kwargs):
    return factories.CompanyFactory(identifier=valid_siret(), **kwargs)


@pytest.fixture(autouse=True)
def cpv_codes(db):
    _db.session.add_all(CpvCode(code=c, check_digit=d, label=label) for c, d, label in CPV_ROWS)
    _db.session.commit()


@pytest.fixture
def buyer(db):
    return factories.BuyerFactory(name="Département du Pas-de-Calais")


def contract_payload(buyer, **overrides) -> dict:
    """A valid contract form submission; ``holders`` is a list of (siret, name)."""
    holders = overrides.pop("holders", [(valid_siret(), "Bâtiments du Nord")])
    data = {
        "buyer_id": str(buyer.id),
        "reference": "2026-T042",
        "object": "Réhabilitation du collège Jean Jaurès",
        "kind": "marche",
        "nature": "Marché",
        "procedure": "Appel d'offres ouvert",
        "cpv_code": "45442100-8",
        "amount_excl_tax": "1 000 000,00",
        "notified_on": "2026-03-02",
        "duration_months": "18",
        "ends_on": "",
        "place_type": "Code commune",
        "place_code": "62041",
        "territory_id": "",
        "environmental_considerations": ["Clause environnementale"],
    }
    for index, (siret, name) in enumerate(holders):
        data[f"holders-{index}-identifier"] = siret
        data[f"holders-{index}-company_name"] = name
    data.update(overrides)
    return data
