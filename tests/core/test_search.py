"""List searches ignore case and accents and take the user's wildcards literally, on both engines."""

import pytest
from sqlalchemy import select

from app.core.search import contains, fold, search_filter
from app.referential.models import Company
from tests import factories


def test_fold_removes_accents_ligatures_and_case():
    assert fold("Médiathèque") == "mediatheque"
    assert fold("ÉCOLE Œuvre Ça") == "ecole oeuvre ca"
    assert fold(None) is None


@pytest.fixture
def companies(db):
    names = [
        "Médiathèque de Lens",
        "École Jules Ferry",
        "ECOLE DU CENTRE",
        "Œuvres sociales",
        "Bio 100% local",
        "Bio 100 local",
        "Ferme_Nord",
        "Ferme-Nord",
        "Chemin C:\\Arras",
    ]
    for name in names:
        factories.CompanyFactory(name=name)
    return names


def _names(db, condition) -> set[str]:
    return set(db.session.scalars(select(Company.name).where(condition)))


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("mediatheque", {"Médiathèque de Lens"}),
        ("MÉDIATHÈQUE", {"Médiathèque de Lens"}),
        ("ECOLE", {"École Jules Ferry", "ECOLE DU CENTRE"}),
        ("école", {"École Jules Ferry", "ECOLE DU CENTRE"}),
        ("oeuvres", {"Œuvres sociales"}),
        ("100%", {"Bio 100% local"}),
        ("ferme_", {"Ferme_Nord"}),
        ("c:\\a", {"Chemin C:\\Arras"}),
        ("%", {"Bio 100% local"}),
    ],
)
def test_search_ignores_case_and_accents_and_escapes_wildcards(db, companies, term, expected):
    assert _names(db, contains(Company.name, term)) == expected


def test_search_filter_looks_in_several_columns(db):
    factories.CompanyFactory(name="Régie de quartier", identifier="55204944776279")
    factories.CompanyFactory(name="Autre", identifier="73282932000074")
    assert _names(db, search_filter("REGIE", Company.name, Company.identifier)) == {"Régie de quartier"}
    assert _names(db, search_filter("732829", Company.name, Company.identifier)) == {"Autre"}


def test_company_list_finds_a_name_typed_without_accents(db, as_officer):
    factories.CompanyFactory(name="Médiathèque intercommunale")
    factories.CompanyFactory(name="Garage Dupont")
    page = as_officer.get("/referentiel/entreprises?q=mediatheque").get_data(as_text=True)
    assert "Médiathèque intercommunale" in page and "Garage Dupont" not in page


def test_several_words_are_looked_for_apart_in_any_order(db):
    factories.CompanyFactory(name="Gymnase Jean Jaurès", identifier="55204944776279")
    factories.CompanyFactory(name="Gymnase Léo Lagrange", identifier="73282932000074")
    columns = (Company.name, Company.identifier)
    assert _names(db, search_filter("gymnase jaures", *columns)) == {"Gymnase Jean Jaurès"}
    assert _names(db, search_filter("JAURES  gymnase", *columns)) == {"Gymnase Jean Jaurès"}
    assert _names(db, search_filter("gymnase 732829", *columns)) == {"Gymnase Léo Lagrange"}
    assert _names(db, search_filter("gymnase piscine", *columns)) == set()


def test_contract_search_takes_words_from_the_object_and_the_holder(db, as_officer):
    holder = factories.CompanyFactory(name="Colas Nord")
    contract = factories.ContractFactory(object="Réfection de la voirie communale", holders=[holder])
    other = factories.ContractFactory(object="Voirie du port")
    page = as_officer.get("/marches/?q=voirie+colas").get_data(as_text=True)
    assert contract.reference in page and other.reference not in page
