"""Every dashboard figure that is a link leads to a list whose headline is that same figure."""

import html
import re

import pytest
from bs4 import BeautifulSoup

from tests.reports.handmade import YEAR, make_handmade_data


@pytest.fixture
def data(db):
    return make_handmade_data()


def _page(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _stat_link(dashboard: BeautifulSoup, label: str) -> tuple[str, str]:
    card = dashboard.find("div", class_="stat-label", string=label).find_parent(class_="stat-card")
    link = card.find(class_="stat-value").find("a")
    return link.get_text(strip=True), html.unescape(link["href"])


def _headline(page: BeautifulSoup) -> str:
    return page.find(class_="list-summary").get_text(" ", strip=True)


@pytest.mark.parametrize("buyer_key", ["buyer", None])
def test_realized_hours_figure_leads_to_hours_of_that_buyer_and_year_adding_up_to_it(
    as_reader, data, buyer_key
):
    query = f"acheteur={data[buyer_key].id}&" if buyer_key else ""
    dashboard = _page(as_reader, f"/rapports/?{query}annee={YEAR}")
    figure, href = _stat_link(dashboard, "Heures réalisées")
    assert f"annee={YEAR}" in href and (not buyer_key or f"acheteur={data[buyer_key].id}" in href)
    detail = _page(as_reader, href)
    assert _headline(detail).startswith(figure)
    assert detail.find("tfoot").find("td").get_text(strip=True) == figure
    if buyer_key:
        assert (
            figure == "370,5\u00a0h"
        )  # the handmade data set: 2025 hours of the buyer, other buyer excluded


@pytest.mark.parametrize(
    ("label", "count_of"),
    [("Marchés notifiés", lambda text: text), ("Avec considération sociale", None)],
)
def test_contract_figures_lead_to_a_list_whose_headline_counts_them(as_reader, data, label, count_of):
    dashboard = _page(as_reader, f"/rapports/?acheteur={data['buyer'].id}&annee={YEAR}")
    figure, href = _stat_link(dashboard, label)
    card = dashboard.find("div", class_="stat-label", string=label).find_parent(class_="stat-card")
    hint = card.get_text(" ", strip=True)
    expected_count = figure if count_of else re.search(r"(\d+) marchés", hint).group(1)
    listing = _headline(_page(as_reader, href))
    assert listing.startswith(f"{expected_count} marché")
    if label == "Marchés notifiés":
        amount = card.find(class_="small").get_text(strip=True)
        assert amount in listing


def test_breakdown_links_lead_to_lists_with_the_same_count_and_amount(as_reader, data):
    dashboard = _page(as_reader, f"/rapports/?acheteur={data['buyer'].id}&annee={YEAR}")
    links = [a for a in dashboard.select("table a[href*='/marches/']")]
    assert links
    for link in links:
        cells = [td.get_text(strip=True) for td in link.find_parent("tr").find_all("td")]
        count, amount = cells[-2], cells[-1]
        listing = _headline(_page(as_reader, html.unescape(link["href"])))
        assert listing.startswith(f"{count} marché") and amount in listing, (link.get_text(), listing)
