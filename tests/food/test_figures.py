"""food_figures on a hand-made fixture: EGalim groups counted once, short circuit and local may overlap."""

from decimal import Decimal

from app.food.queries import figures_by_site, food_figures
from tests.food.fixtures import multi_label_year


def test_product_with_several_labels_counts_once_in_egalim(db):
    _buyer, site, _other = multi_label_year()

    figures = food_figures(year=2025, site_id=site.id)
    overall = figures.overall

    assert overall.total == Decimal("2000.00")
    assert overall.count == 5  # the deleted line and the 2024 line are left out
    assert overall.organic == Decimal("100.00")  # bio + label rouge: counted as organic only
    assert overall.siqo == Decimal("200.00")  # label rouge + IGP + HVE: SIQO only
    assert overall.other_egalim == Decimal("300.00")
    assert overall.egalim == Decimal("600.00")
    assert overall.egalim_share == Decimal("30.00")
    assert overall.organic_share == Decimal("5.00")
    assert overall.siqo_share == Decimal("10.00")
    assert overall.other_egalim_share == Decimal("15.00")


def test_short_circuit_and_local_overlap_each_other_and_egalim(db):
    _buyer, site, _other = multi_label_year()

    overall = food_figures(year=2025, site_id=site.id).overall

    assert overall.short_circuit == Decimal("400.00")  # the organic chicken and the HVE apples
    assert overall.local == Decimal("500.00")  # the chicken again, and the carrots
    assert overall.short_circuit_share == Decimal("20.00")
    assert overall.local_share == Decimal("25.00")
    # Lines with either flag total 800 €: the chicken's 100 € is in both, and in organic too.
    assert overall.short_circuit + overall.local == Decimal("900.00")
    assert overall.organic == Decimal("100.00")


def test_gaps_to_legal_targets_and_families(db):
    _buyer, site, _other = multi_label_year()

    figures = food_figures(year=2025, site_id=site.id)

    assert figures.egalim_gap == Decimal("20.00")
    assert figures.organic_gap == Decimal("15.00")
    meat = figures.by_family["VIANDES_VOLAILLES"]
    assert (meat.total, meat.organic, meat.siqo, meat.other_egalim) == (
        Decimal(300),
        Decimal(100),
        Decimal(200),
        0,
    )
    fruit = figures.by_family["FRUITS_ET_LEGUMES"]
    assert (fruit.total, fruit.other_egalim, fruit.short_circuit, fruit.local) == (700, 300, 300, 400)
    assert set(figures.by_family) == {"VIANDES_VOLAILLES", "FRUITS_ET_LEGUMES", "AUTRES"}


def test_buyer_figures_sum_its_sites_only(db):
    buyer, site, other = multi_label_year()

    overall = food_figures(year=2025, buyer_id=buyer.id).overall
    per_site = figures_by_site(year=2025, buyer_id=buyer.id)

    assert overall.total == Decimal("3000.00")
    assert overall.organic == Decimal("1100.00")  # the AOP organic comté counts as organic once
    assert overall.siqo == Decimal("200.00")
    assert overall.egalim_share == Decimal(1600) * 100 / Decimal(3000)  # exact: 53,333… %
    assert food_figures(year=2025, buyer_id=buyer.id).egalim_gap == 0
    assert set(per_site) == {site.id, other.id}
    assert per_site[other.id].organic == Decimal("1000.00")


def test_year_without_purchases_has_no_share(db):
    multi_label_year()

    figures = food_figures(year=2019)

    assert figures.overall.total == 0
    assert figures.overall.egalim_share is None
    assert figures.egalim_gap is None


def test_sums_are_exact_to_the_cent(db):
    from tests import factories

    site = factories.CateringSiteFactory()
    for amount in ("0.10", "0.20", "33.33", "33.33", "33.33"):
        factories.PurchaseFactory(site=site, amount_excl_tax=Decimal(amount), codes=["BIO"])

    overall = food_figures(year=2025, site_id=site.id).overall

    assert overall.total == overall.organic == Decimal("100.29")
    assert overall.organic_share == Decimal("100.00")
