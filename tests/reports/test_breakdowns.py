"""The breakdowns facilitators and the SPASER report (issue 11, section 4), on the hand-made data set."""

from datetime import date
from decimal import Decimal

import pytest

from app.core.enums import FoodFamily
from app.core.formatting import rounded
from app.reports.queries.indicators import compute_indicators
from tests import factories as f
from tests.reports.handmade import YEAR, make_handmade_data


@pytest.fixture
def data(db):
    return make_handmade_data()


def _lines(lines):
    return {line.code: (line.count, line.value) for line in lines}


def test_environmental_considerations_in_number_and_amount(data):
    c = compute_indicators(data["buyer"].id, YEAR).contracts
    # M1 (clause, 100 000,00) and M4 (criterion and clause, 25 000,25); M2 says "none"; M3 has nothing
    assert (c.with_environmental_count, c.with_environmental_amount) == (2, Decimal("125000.25"))
    assert c.environmental_count_share == Decimal("50")  # 2 / 4
    assert rounded(c.environmental_amount_share, 2) == Decimal("71.43")  # 125 000,25 / 175 000,75


def test_hours_by_public(data):
    h = compute_indicators(data["buyer"].id, YEAR).hours
    # 2025 hours: P1 180,5 (JEUNE, QPV, woman born 2001, level 3, CDI); P2 150 (DELD, SENIOR, man born 1970,
    # level unknown, interim); P3 40 (RSA, man, birth year unknown, level 4, no contract type)
    assert _lines(h.by_criterion) == {
        "DELD": (1, Decimal("150")),
        "RSA": (1, Decimal("40")),
        "JEUNE": (1, Decimal("180.5")),
        "SENIOR": (1, Decimal("150")),
        "QPV": (1, Decimal("180.5")),
    }
    assert _lines(h.by_gender) == {"female": (1, Decimal("180.5")), "male": (2, Decimal("190"))}
    assert _lines(h.by_age_band) == {
        "under_26": (1, Decimal("180.5")),
        "50_plus": (1, Decimal("150")),
        "unknown": (1, Decimal("40")),
    }
    assert _lines(h.by_qpv) == {"qpv": (1, Decimal("180.5")), "not_qpv": (2, Decimal("190"))}
    assert _lines(h.by_qualification) == {
        "3": (1, Decimal("180.5")),
        "4": (1, Decimal("40")),
        "unknown": (1, Decimal("150")),
    }
    assert _lines(h.by_contract_type) == {
        "CDI": (1, Decimal("180.5")),
        "interim": (1, Decimal("150")),
        "unknown": (1, Decimal("40")),
    }
    assert sum(line.value for line in h.by_gender) == h.realized == Decimal("370.5")


def test_companies_engaged(data):
    h = compute_indicators(data["buyer"].id, YEAR).hours
    # contracts with 2025 hours: M1 and M5 (Bâtiments du Nord), M2 (Insertion Nord): 2 holders;
    # employers: Bâtiments du Nord, Intérim Solidaire (ETTI), Association Relais (AI): 3
    assert (h.holders_engaged, h.employers_engaged) == (2, 3)
    assert _lines(h.inclusion_structures) == {"ETTI": (1, Decimal("150")), "AI": (1, Decimal("40"))}


def test_an_outcome_before_the_last_hours_is_not_an_exit_and_positive_exits_are_rated(data):
    p = compute_indicators(data["buyer"].id, YEAR).participants
    # P1: lasting job (after her last hours, May 2025); P2: a training of 15/01/2025, before his hours of
    # February 2025, is no exit; P3: still in the pathway, not an exit known
    assert {line.code: line.count for line in p.outcomes} == {
        "lasting_job": 1,
        "still_in_pathway": 1,
        "none": 1,
    }
    assert (p.positive_exit_count, p.known_exit_count, p.positive_exit_rate) == (1, 1, Decimal("100"))


def test_egalim_meat_and_fish_share_against_sixty_percent(db):
    buyer = f.BuyerFactory()
    site = f.CateringSiteFactory(buyer=buyer)
    meat, fish = FoodFamily.VIANDES_VOLAILLES, FoodFamily.PRODUITS_DE_LA_MER
    f.PurchaseFactory(site=site, family=meat, amount_excl_tax=Decimal("600.00"), codes=["LABEL_ROUGE"])
    f.PurchaseFactory(site=site, family=meat, amount_excl_tax=Decimal("250.50"), codes=[])
    f.PurchaseFactory(site=site, family=fish, amount_excl_tax=Decimal("149.50"), codes=["PECHE_DURABLE"])
    f.PurchaseFactory(site=site, family=FoodFamily.CHARCUTERIE, amount_excl_tax=Decimal("500"), codes=[])
    f.PurchaseFactory(
        site=site, family=FoodFamily.FRUITS_ET_LEGUMES, amount_excl_tax=Decimal("90"), codes=["BIO"]
    )
    db.session.commit()
    mf = compute_indicators(buyer.id, 2025).meat_fish  # the factory dates purchases 12/05/2025
    # meat and fish only: (600 + 149,50) / (600 + 250,50 + 149,50) = 749,50 / 1 000 = 74,95 %
    assert (mf.total, mf.egalim, mf.share, mf.target) == (
        Decimal("1000.00"),
        Decimal("749.50"),
        Decimal("74.95"),
        Decimal("60"),
    )


def test_joint_contracts_count_only_the_inclusive_holders_share(db):
    from app.contracts.models import ContractHolder
    from app.core.enums import StructureKind

    buyer = f.BuyerFactory()
    ordinary = f.CompanyFactory(kind=StructureKind.ORDINARY)
    ei = f.CompanyFactory(kind=StructureKind.EI)
    ea = f.CompanyFactory(kind=StructureKind.EA)
    esat = f.CompanyFactory(kind=StructureKind.ESAT)
    joint = f.ContractFactory(
        buyer=buyer,
        notified_on=date(2025, 3, 1),
        amount_excl_tax=Decimal("100000.00"),
        holders=[ordinary, ei],
    )
    f.ContractFactory(
        buyer=buyer, notified_on=date(2025, 4, 1), amount_excl_tax=Decimal("10000.00"), holders=[ordinary, ea]
    )
    f.ContractFactory(
        buyer=buyer, notified_on=date(2025, 5, 1), amount_excl_tax=Decimal("5000.50"), holders=[esat]
    )
    f.ContractFactory(buyer=buyer, notified_on=date(2025, 6, 1), amount_excl_tax=Decimal("84999.50"))
    db.session.flush()
    shares = {
        h.company_id: h for h in db.session.scalars(db.select(ContractHolder).filter_by(contract_id=joint.id))
    }
    shares[ordinary.id].amount_share, shares[ei.id].amount_share = Decimal("60"), Decimal("40")
    db.session.commit()
    i = compute_indicators(buyer.id, 2025).inclusive
    # at least one inclusive holder: the three contracts, whole amounts 100 000 + 10 000 + 5 000,50
    assert (i.count, i.amount) == (3, Decimal("115000.50"))
    # awarded from the shares: 40 % of 100 000 + 100 % of 5 000,50; the EA's share of the other is unknown
    assert i.awarded_amount == Decimal("45000.50")
    assert (i.unknown_share_count, i.unknown_share_amount) == (1, Decimal("10000.00"))
    assert _lines(i.by_kind) == {"EI": (1, Decimal("40000.00")), "ESAT": (1, Decimal("5000.50"))}
    assert sum(line.value for line in i.by_kind) == i.awarded_amount
    assert i.awarded_share == Decimal("22.50025")  # 45 000,50 / 200 000,00 (exact)


def test_reserved_concessions_cite_the_concession_articles(db, officer):
    from app.contracts.services import ClauseData, add_clause
    from app.core.enums import ClauseKind, ContractKind, ReservedArticle
    from app.core.errors import ServiceError

    concession = f.ContractFactory(kind=ContractKind.CONCESSION)
    with pytest.raises(ServiceError, match="L3113-1, L3113-2"):
        add_clause(officer, concession, ClauseData(kind=ClauseKind.RESERVED, reserved_article="L2113-13"))
    clause = add_clause(officer, concession, ClauseData(kind=ClauseKind.RESERVED, reserved_article="L3113-2"))
    assert clause.reserved_article == "L3113-2"
    contract = f.ContractFactory()
    prison = add_clause(
        officer, contract, ClauseData(kind=ClauseKind.RESERVED, reserved_article="L2113-13-1")
    )
    assert prison.reserved_article == ReservedArticle.PRISON
    assert ReservedArticle.range_for(ContractKind.CONCESSION) == "L3113-1 et L3113-2"
