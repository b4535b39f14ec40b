"""A small data set whose every report figure was computed by hand (see EXPECTED in test_indicators)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from app.core.enums import ClauseKind, FoodFamily, Gender, Modality, StructureKind
from app.extensions import db
from app.participants.models import Outcome
from app.referential.models import CpvCode
from tests import factories as f

YEAR = 2025


def make_handmade_data() -> dict:
    """Buyer B (Département) and another buyer whose records must not leak into B's figures."""
    db.session.add(CpvCode(code="45000000", check_digit="7", label="Travaux de construction"))
    buyer = f.BuyerFactory(siret=f.make_siret("2162004160001"), name="Département du Pas-de-Calais")
    other = f.BuyerFactory(name="Commune voisine")
    arras, lens = f.territory("Arrageois"), f.territory("Lens-Liévin")
    holder = f.CompanyFactory(name="Bâtiments du Nord")
    ei = f.CompanyFactory(name="Insertion Nord", kind=StructureKind.EI)
    esat = f.CompanyFactory(name="ESAT des Deux Caps", kind=StructureKind.ESAT)
    etti = f.CompanyFactory(name="Intérim Solidaire", kind=StructureKind.ETTI)
    ai = f.CompanyFactory(name="Association Relais", kind=StructureKind.AI)

    def contract(reference, **fields):
        fields.setdefault("holders", [holder])
        return f.ContractFactory(buyer=buyer, reference=reference, **fields)

    c1 = contract(
        "M1",
        notified_on=date(2025, 3, 1),
        duration_months=24,
        amount_excl_tax=Decimal("100000.00"),
        cpv_code="45000000",
        category="works",
        territory=arras,
        environmental_considerations=["Clause environnementale"],
    )
    c2 = contract(
        "M2",
        notified_on=date(2025, 6, 15),
        duration_months=12,
        amount_excl_tax=Decimal("50000.50"),
        cpv_code="90000000",
        category="services",
        territory=lens,
        holders=[ei],
        environmental_considerations=["Pas de considération environnementale"],
    )
    contract(
        "M3",
        notified_on=date(2025, 9, 1),
        duration_months=6,
        amount_excl_tax=None,
        cpv_code="30000000",
        category="supplies",
        territory=None,
    )
    contract(
        "M4",
        notified_on=date(2025, 11, 20),
        duration_months=12,
        amount_excl_tax=Decimal("25000.25"),
        cpv_code="30190000",
        category="supplies",
        territory=arras,
        holders=[esat],
        environmental_considerations=["Critère environnemental", "Clause environnementale"],
    )
    c5 = contract(
        "M5",
        notified_on=date(2024, 1, 10),
        duration_months=36,
        amount_excl_tax=Decimal("300000.00"),
        territory=arras,
    )
    c6 = contract(
        "M6",
        notified_on=date(2025, 2, 1),
        amount_excl_tax=Decimal("80000.00"),
        territory=arras,
        archived_at=datetime(2025, 12, 1, tzinfo=UTC),
    )
    c7 = contract("M7", notified_on=None, amount_excl_tax=Decimal("10000.00"))
    c8 = contract("M8", notified_on=date(2023, 1, 1), duration_months=12, territory=arras)
    foreign = f.ContractFactory(buyer=other, reference="X1", notified_on=date(2025, 4, 1))

    k1 = f.ClauseFactory(contract=c1, planned_hours=Decimal("500"))
    f.ClauseFactory(contract=c2, kind=ClauseKind.RESERVED, planned_hours=None)
    k2 = f.ClauseFactory(
        contract=c2,
        kind=ClauseKind.AWARD_CRITERION,
        planned_hours=Decimal("200"),
        award_weight_percent=Decimal("10"),
    )
    k5 = f.ClauseFactory(contract=c5, planned_hours=Decimal("1000"))
    k6 = f.ClauseFactory(contract=c6, planned_hours=Decimal("300"))
    f.ClauseFactory(contract=c7, planned_hours=Decimal("100"))
    k8 = f.ClauseFactory(contract=c8, planned_hours=Decimal("400"))
    kx = f.ClauseFactory(contract=foreign, planned_hours=Decimal("90"))

    p1 = f.ParticipantFactory(
        gender=Gender.FEMALE,
        birth_year=2001,
        qualification_level="3",
        is_qpv_resident=True,
        criteria=["JEUNE", "QPV"],
    )
    p2 = f.ParticipantFactory(
        gender=Gender.MALE, birth_year=1970, qualification_level=None, criteria=["DELD", "SENIOR"]
    )
    p3 = f.ParticipantFactory(gender=Gender.MALE, birth_year=None, qualification_level="4", criteria=["RSA"])
    p4 = f.ParticipantFactory(gender=Gender.FEMALE, birth_year=1985, criteria=["TH"])
    p5 = f.ParticipantFactory()

    def hours(participant, clause, employer, modality, month, amount, contract_type=None):
        f.HourEntryFactory(
            participant=participant,
            clause=clause,
            employer=employer,
            modality=modality,
            month=month,
            hours=Decimal(amount),
            contract_type=contract_type,
        )

    hours(p1, k1, holder, Modality.DIRECT_HIRE, date(2025, 4, 1), "100", "CDI")
    hours(p1, k1, holder, Modality.DIRECT_HIRE, date(2025, 5, 1), "80.5", "CDI")
    hours(p2, k5, etti, Modality.TEMP_WORK, date(2025, 2, 1), "150", "interim")
    hours(p2, k5, etti, Modality.TEMP_WORK, date(2024, 11, 1), "60", "interim")
    hours(p3, k2, ai, Modality.SECONDMENT, date(2025, 7, 1), "40")
    hours(p4, k6, holder, Modality.DIRECT_HIRE, date(2025, 3, 1), "50")
    hours(p4, k8, holder, Modality.DIRECT_HIRE, date(2023, 6, 1), "120")
    hours(p5, kx, holder, Modality.DIRECT_HIRE, date(2025, 4, 1), "77")

    db.session.add_all(
        [
            Outcome(participant=p1, status="transition_job", observed_on=date(2025, 12, 1)),
            Outcome(participant=p1, status="lasting_job", observed_on=date(2026, 1, 10)),
            Outcome(participant=p3, status="still_in_pathway", observed_on=date(2025, 12, 15)),
            # observed before P2's last hours (February 2025): not an exit
            Outcome(participant=p2, status="training", observed_on=date(2025, 1, 15)),
        ]
    )
    db.session.commit()

    site = f.CateringSiteFactory(buyer=buyer, name="Restaurant administratif d'Arras")
    f.PurchaseFactory(site=site, amount_excl_tax=Decimal("1000.00"), codes=["BIO", "CIRCUIT_COURT", "LOCAL"])
    f.PurchaseFactory(
        site=site,
        amount_excl_tax=Decimal("500.00"),
        family=FoodFamily.VIANDES_VOLAILLES,
        codes=["LABEL_ROUGE", "LOCAL"],
    )
    f.PurchaseFactory(
        site=site, amount_excl_tax=Decimal("300.00"), family=FoodFamily.PRODUITS_LAITIERS, codes=["HVE"]
    )
    f.PurchaseFactory(site=site, amount_excl_tax=Decimal("200.00"), family=FoodFamily.AUTRES)
    f.PurchaseFactory(
        site=site, amount_excl_tax=Decimal("400.00"), purchased_on=date(2024, 6, 1), codes=["BIO"]
    )
    f.PurchaseFactory(
        site=site,
        amount_excl_tax=Decimal("999.00"),
        codes=["BIO"],
        deleted_at=datetime(2025, 6, 1, tzinfo=UTC),
    )
    f.PurchaseFactory(site=f.CateringSiteFactory(buyer=other), amount_excl_tax=Decimal("5000.00"))

    f.ObjectiveFactory(
        buyer=buyer,
        year=YEAR,
        social_contract_count_share=Decimal("30"),
        social_contract_amount_share=Decimal("90"),
        insertion_hours=Decimal("400"),
        participants=3,
        short_circuit_share=Decimal("40"),
        organic_share=Decimal("60"),
        egalim_share=Decimal("50"),
    )
    return {"buyer": buyer, "other": other}
