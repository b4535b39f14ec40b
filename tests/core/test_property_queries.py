"""Property-based: no query string breaks a page (hypothesis, bounded and derandomized).

Every GET page without a path parameter is fetched by an administrator (who passes every role check)
with query strings built from the parameter names the application reads and hostile values: NUL
bytes, digits of other scripts, numbers beyond any column, years 0 and 9999, very long text.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

PARAMETERS = [
    "q", "page", "annee", "acheteur", "format", "site", "mois", "type", "role", "acteur", "action", "kind",
    "genre", "critere", "code", "clause", "next", "famille", "caracteristique", "buyer", "year", "territory",
    "nature", "category", "clause_kind", "social", "to_review", "archived", "sort", "direction",
]  # fmt: skip
HOSTILE = st.sampled_from(
    ["\x00", "%00", "²", "١٢", "٣", "1e309", "NaN", "Infinity", "-1", "0", "9999", "0001", "99999999999999999999",
     "2025-13", "13/2025", " ", "", "csv", "xlsx", "1", "<script>", "'\"", "x" * 5000, "2025", "asc"]
)  # fmt: skip
VALUES = st.one_of(HOSTILE, st.text(max_size=30))
QUERIES = st.dictionaries(st.sampled_from(PARAMETERS), VALUES, max_size=4)


def _pages(app):
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.endpoint.endswith("static")
    )


@pytest.fixture
def some_data(db):
    buyer = factories.BuyerFactory()
    factories.ClauseFactory(contract=factories.ContractFactory(buyer=buyer))
    factories.PurchaseFactory(site=factories.CateringSiteFactory(buyer=buyer))


def test_the_walk_covers_the_list_pages(app):
    pages = _pages(app)
    assert {
        "/marches/",
        "/heures/saisies",
        "/alimentation/achats",
        "/admin/journal",
        "/participants/",
    } <= set(pages)


@pytest.mark.parametrize("page", _pages(__import__("app").create_app(__import__("config").TestingConfig)))
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=QUERIES)
def test_no_query_string_breaks_a_page(as_admin, some_data, page, query):
    response = as_admin.get(page, query_string=query)
    assert response.status_code < 500, (page, query)


@pytest.mark.parametrize("url", ["/marches/?q=%00", "/participants/?q=a%00b", "/admin/journal?acteur=%00"])
def test_a_nul_byte_is_refused_with_a_french_message(as_admin, url):
    response = as_admin.get(url)
    assert response.status_code == 400
    assert "octet nul" in response.get_data(as_text=True)


def test_a_nul_byte_in_a_form_is_refused(as_officer, db):
    response = as_officer.post("/referentiel/entreprises/nouvelle", data={"name": "Bâti\x00ments"})
    assert response.status_code == 400 and "octet nul" in response.get_data(as_text=True)


def test_integers_of_other_scripts_or_too_long_are_ignored_not_fatal(as_admin, some_data):
    for value in ("²", "١٢", "99999999999999999999"):
        assert as_admin.get("/marches/export.csv", query_string={"year": value}).status_code == 200
        assert (
            as_admin.get("/alimentation/achats", query_string={"site": value, "page": value}).status_code
            == 200
        )
