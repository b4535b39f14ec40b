"""Every defect of real open data gives its warning; doubtful values are left empty."""

from datetime import date
from decimal import Decimal

import pytest

from app.core.enums import ClauseKind, IdentifierType
from app.decp.services.cleaning import clean_amount, clean_cpv, clean_date, clean_place_type, repair_text
from app.referential.services import find_buyer, find_company
from tests.decp.helpers import DEPARTEMENT, HOLDER_A, MESSY, clause_kinds, contract, holder_ids, import_json


@pytest.fixture
def messy(runner):
    code, summary = import_json(runner, MESSY)
    assert code == 0
    return summary


def test_damaged_characters_are_repaired_everywhere(messy):
    item = contract("X-MOJIBAKE")
    assert item.object == "Marché de rénovation énergétique"
    assert item.nature == "Marché" and item.procedure == "Procédure adaptée"
    assert find_buyer(DEPARTEMENT).name == "Département du Pas-de-Calais"
    assert find_company(HOLDER_A).name == "Société Générale de Bâtiment"
    assert clause_kinds(item) == [ClauseKind.EXECUTION_CONDITION]
    assert messy["warnings"]["mojibake_repaired"] == 3


def test_unrepairable_characters_are_kept_and_reported(messy):
    assert contract("X-DAMAGED").object == "R\ufffdfection des toitures"
    assert messy["warnings"]["damaged_characters"] == 1


def test_zero_and_placeholder_amounts_are_left_empty(messy):
    assert contract("X-ZERO").amount_excl_tax is None
    assert contract("X-PLACEHOLDER").amount_excl_tax is None
    assert messy["warnings"]["amount_zero"] == 1
    assert messy["warnings"]["amount_placeholder"] == 1


def test_time_zone_suffix_keeps_the_date(messy):
    item = contract("X-TIMEZONE")
    assert item.notified_on == date(2018, 12, 17)
    assert item.decp_published_on == date(2019, 1, 5)
    assert messy["warnings"]["date_timezone"] == 2


def test_impossible_years_leave_the_date_empty(messy):
    assert contract("X-OLD-YEAR").notified_on is None
    assert contract("X-FUTURE-YEAR").notified_on is None
    assert messy["warnings"]["impossible_date"] == 2


def test_place_types_spelt_differently_are_normalised(messy):
    assert contract("X-PLACE-UPPER").place_type == "Code postal"
    assert contract("X-PLACE-SNAKE").place_type == "Code postal"
    assert contract("X-PLACE-DEPT").place_type == "Code département"
    assert contract("X-PLACE-UNKNOWN").place_type is None
    assert messy["warnings"]["place_type_normalized"] == 3
    assert messy["warnings"]["unknown_place_type"] == 1


def test_cpv_codes_are_stored_on_eight_digits(messy):
    assert contract("X-CPV-CHECK").cpv_code == "45000000"
    assert contract("X-CPV-BAD").cpv_code is None
    assert messy["warnings"]["cpv_check_digit"] == 1
    assert messy["warnings"]["invalid_cpv"] == 1


def test_holders_identified_otherwise_than_by_siret(messy):
    assert holder_ids(contract("X-HOLDER-TVA")) == ["BE0123456789"]
    assert find_company("BE0123456789", IdentifierType.TVA).name == "Bouw Vlaanderen NV"
    horsue = find_company("CHE-123.456.789", IdentifierType.HORS_UE)
    assert horsue is not None and horsue.name == "Helvetia Engineering AG"
    assert messy["warnings"]["holder_other_identifier"] == 2


def test_holder_with_invalid_siret_is_left_out_with_a_warning(messy):
    assert contract("X-HOLDER-BADSIRET").holders == []
    assert messy["warnings"]["invalid_holder"] == 1


def test_missing_fields_are_imported_empty_with_warnings(messy):
    item = contract("X-MISSING")
    assert item.amount_excl_tax is None and item.holders == [] and item.place_code is None
    assert item.object == "Objet non renseigné dans les données essentielles"
    assert messy["warnings"]["missing_field"] == 3  # objet, montant, titulaires


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("MarchÃ©", "Marché"),
        ("Ã‰lagage", "Élagage"),
        ("â€™entretien", "’entretien"),
        ("MarchÃƒÂ©", "Marché"),  # damaged twice
    ],
)
def test_mojibake_round_trip_repairs(damaged, repaired):
    assert repair_text(damaged) == (repaired, True)


@pytest.mark.parametrize("text", ["Marché", "Ãle imaginaire", "Société 100 % À"])
def test_mojibake_repair_leaves_text_alone_when_not_clearly_damaged(text):
    assert repair_text(text) == (text, False)


def _collect():
    seen = []
    return seen, lambda reason, detail: seen.append(reason)


@pytest.mark.parametrize(
    ("value", "expected", "reason"),
    [
        (1234.5, Decimal("1234.50"), None),
        ("12 345,67", Decimal("12345.67"), None),
        (0, None, "amount_zero"),
        (-5, None, "amount_zero"),
        (999999999, None, "amount_placeholder"),
        (9999999999.99, None, "amount_placeholder"),
        ("n/c", None, "invalid_amount"),
        (None, None, "missing_field"),
    ],
)
def test_amount_cleaning(value, expected, reason):
    seen, warn = _collect()
    assert clean_amount(value, "montant", warn) == expected
    assert seen == ([reason] if reason else [])


@pytest.mark.parametrize(
    ("value", "expected", "reason"),
    [
        ("2023-03-15", date(2023, 3, 15), None),
        ("2018-12-17+01:00", date(2018, 12, 17), "date_timezone"),
        ("2018-12-17Z", date(2018, 12, 17), "date_timezone"),
        ("2018-12-17T10:00:00+02:00", date(2018, 12, 17), "date_timezone"),
        ("17/12/2018", date(2018, 12, 17), "date_format"),
        ("1899-12-17", None, "impossible_date"),
        ("2099-01-01", None, "impossible_date"),
        ("2023-02-30", None, "invalid_date"),
        ("demain", None, "invalid_date"),
    ],
)
def test_date_cleaning(value, expected, reason):
    seen, warn = _collect()
    assert clean_date(value, "dateNotification", warn, today=date(2026, 6, 1)) == expected
    assert seen == ([reason] if reason else [])


def test_next_year_is_still_plausible():
    seen, warn = _collect()
    assert clean_date("2027-01-10", "d", warn, today=date(2026, 6, 1)) == date(2027, 1, 10)
    assert seen == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Code postal", "Code postal"),
        ("CODE POSTAL", "Code postal"),
        ("code_postal", "Code postal"),
        ("Code commune", "Code commune"),
        ("code-departement", "Code département"),
        ("Code Région", "Code région"),
        ("Code pays", "Code pays"),
        ("Lieu-dit", None),
    ],
)
def test_place_type_spellings(value, expected):
    _seen, warn = _collect()
    assert clean_place_type(value, warn) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("45000000", "45000000"), ("45000000-7", "45000000"), ("4500000", None), ("abc", None)],
)
def test_cpv_cleaning(value, expected):
    _seen, warn = _collect()
    assert clean_cpv(value, warn) == expected
