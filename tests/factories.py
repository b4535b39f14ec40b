"""factory-boy factories for the domain model; rows are committed so HTTP requests see them."""

import random
from datetime import date
from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory
from stdnum import luhn

from app.auth.models import User
from app.contracts.models import Clause, Contract, ContractHolder
from app.core.enums import (
    CateringKind,
    ClauseKind,
    FoodFamily,
    Gender,
    Modality,
    Role,
    StructureKind,
)
from app.extensions import db
from app.food.models import CateringSite, Purchase, PurchaseCharacteristic, Supplier
from app.hours.models import HourEntry
from app.objectives.models import Objective
from app.participants.models import Participant, ParticipantEligibility
from app.referential.models import Buyer, Company, Territory

PASSWORD = "motdepasse-test"
_random = random.Random(62)


def make_siret(prefix: str = "") -> str:
    """A valid SIRET (SIREN and SIRET Luhn keys), random unless a 13-digit ``prefix`` is given."""
    body = (prefix or "".join(str(_random.randint(0, 9)) for _ in range(13)))[:13]
    siren = body[:8] + luhn.calc_check_digit(body[:8])
    rest = siren + body[9:13]
    return rest + luhn.calc_check_digit(rest)


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@levier.test")
    full_name = factory.Faker("name", locale="fr_FR")
    role = Role.OFFICER
    is_active = True
    password_hash = factory.LazyFunction(lambda: _password_hash())


_HASH_CACHE: dict[str, str] = {}


def _password_hash() -> str:
    # scrypt is deliberately slow: hash the shared test password once.
    if PASSWORD not in _HASH_CACHE:
        user = User()
        user.set_password(PASSWORD)
        _HASH_CACHE[PASSWORD] = user.password_hash
    return _HASH_CACHE[PASSWORD]


def territory(name: str = "Arrageois") -> Territory:
    return db.session.scalars(db.select(Territory).where(Territory.name == name)).one()


class BuyerFactory(Base):
    class Meta:
        model = Buyer

    siret = factory.LazyFunction(make_siret)
    name = factory.Sequence(lambda n: f"Acheteur {n}")
    kind = "commune"


class CompanyFactory(Base):
    class Meta:
        model = Company

    identifier = factory.LazyFunction(make_siret)
    identifier_type = "SIRET"
    name = factory.Sequence(lambda n: f"Entreprise {n}")
    kind = StructureKind.ORDINARY


class ContractFactory(Base):
    class Meta:
        model = Contract

    buyer = factory.SubFactory(BuyerFactory)
    reference = factory.Sequence(lambda n: f"2025-M{n:04d}")
    object = factory.Sequence(lambda n: f"Travaux de réhabilitation, lot {n}")
    nature = "Marché"
    procedure = "Appel d'offres ouvert"
    cpv_code = "45000000"
    category = "works"
    amount_excl_tax = Decimal("100000.00")
    notified_on = date(2025, 3, 1)
    duration_months = 24

    @factory.post_generation
    def holders(self, create, extracted, **kwargs):
        companies = extracted if extracted is not None else [CompanyFactory()]
        self.holders = [ContractHolder(company=c, position=i) for i, c in enumerate(companies)]
        if create:
            db.session.commit()


class ClauseFactory(Base):
    class Meta:
        model = Clause

    contract = factory.SubFactory(ContractFactory)
    kind = ClauseKind.EXECUTION_CONDITION
    hours_method = "manual"
    planned_hours = Decimal("500")

    @factory.post_generation
    def facilitators(self, create, extracted, **kwargs):
        if extracted:
            self.facilitators = list(extracted)
            if create:
                db.session.commit()


class ParticipantFactory(Base):
    class Meta:
        model = Participant

    code = factory.Sequence(lambda n: f"P-TEST-{n:05d}")
    gender = Gender.FEMALE
    birth_year = 1990
    qualification_level = "3"

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        self.eligibilities = [ParticipantEligibility(criterion=c) for c in (extracted or ["DELD"])]
        if create:
            db.session.commit()


class HourEntryFactory(Base):
    class Meta:
        model = HourEntry

    participant = factory.SubFactory(ParticipantFactory)
    clause = factory.SubFactory(ClauseFactory)
    employer = factory.SubFactory(CompanyFactory)
    modality = Modality.DIRECT_HIRE
    month = date(2025, 4, 1)
    hours = Decimal("35")


class CateringSiteFactory(Base):
    class Meta:
        model = CateringSite

    buyer = factory.SubFactory(BuyerFactory)
    name = factory.Sequence(lambda n: f"Restaurant {n}")
    kind = CateringKind.STAFF_RESTAURANT


class SupplierFactory(Base):
    class Meta:
        model = Supplier

    siret = factory.LazyFunction(make_siret)
    name = factory.Sequence(lambda n: f"Fournisseur {n}")


class PurchaseFactory(Base):
    class Meta:
        model = Purchase

    site = factory.SubFactory(CateringSiteFactory)
    supplier = factory.SubFactory(SupplierFactory)
    purchased_on = date(2025, 5, 12)
    family = FoodFamily.FRUITS_ET_LEGUMES
    description = "Pommes de terre"
    amount_excl_tax = Decimal("100.00")

    @factory.post_generation
    def codes(self, create, extracted, **kwargs):
        self.characteristics = [PurchaseCharacteristic(code=c) for c in (extracted or [])]
        if create:
            db.session.commit()


class ObjectiveFactory(Base):
    class Meta:
        model = Objective

    buyer = factory.SubFactory(BuyerFactory)
    year = 2025
