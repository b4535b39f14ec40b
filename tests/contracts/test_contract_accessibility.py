"""Every field of the contract pages has a label, so the forms are usable with the keyboard and a screen reader."""

from html.parser import HTMLParser

import pytest

from tests import factories


class FieldCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields, self.labels, self.wrapped = [], set(), 0
        self._in_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._in_label += 1
            if attrs.get("for"):
                self.labels.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            if attrs.get("type") in ("hidden", "submit", "button"):
                return
            if self._in_label:
                self.wrapped += 1
                return
            self.fields.append(attrs.get("id") or attrs.get("name"))

    def handle_endtag(self, tag):
        if tag == "label":
            self._in_label -= 1


def unlabelled(page: str) -> list[str]:
    collector = FieldCollector()
    collector.feed(page)
    return [field for field in collector.fields if field not in collector.labels]


@pytest.fixture
def clause(db):
    factories.UserFactory(role="facilitator")
    return factories.ClauseFactory(contract=factories.ContractFactory())


def test_every_field_of_the_contract_pages_has_a_label(as_officer, clause):
    for url in [
        "/marches/",
        "/marches/nouveau",
        f"/marches/{clause.contract_id}/modifier",
        f"/marches/{clause.contract_id}/clauses/nouvelle",
        f"/marches/clauses/{clause.id}/modifier",
        "/referentiel/entreprises/nouvelle",
        "/referentiel/cpv",
    ]:
        page = as_officer.get(url).get_data(as_text=True)
        assert unlabelled(page) == [], url


def test_every_field_of_the_admin_reference_pages_has_a_label(as_admin):
    for url in [
        "/referentiel/acheteurs/nouveau",
        "/referentiel/territoires/nouveau",
        "/referentiel/acheteurs",
    ]:
        assert unlabelled(as_admin.get(url).get_data(as_text=True)) == [], url
