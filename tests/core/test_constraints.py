"""The database itself refuses what the domain forbids, whatever code writes to it."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.contracts.models import Contract
from app.hours.models import HourEntry
from app.referential.models import Buyer, Company
from tests import factories


def _refused(db, obj):
    db.session.add(obj)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_negative_hours_are_refused(db):
    entry = factories.HourEntryFactory()
    _refused(
        db,
        HourEntry(
            participant_id=entry.participant_id,
            clause_id=entry.clause_id,
            employer_id=entry.employer_id,
            modality="temp_work",
            month=date(2025, 5, 1),
            hours=Decimal("-3"),
        ),
    )


def test_zero_hours_are_refused(db):
    entry = factories.HourEntryFactory()
    _refused(
        db,
        HourEntry(
            participant_id=entry.participant_id,
            clause_id=entry.clause_id,
            employer_id=entry.employer_id,
            modality="temp_work",
            month=date(2025, 5, 1),
            hours=Decimal("0"),
        ),
    )


@pytest.mark.parametrize("siret", ["12345678901234", "7328293200007", "7328293200007A", "73282932000075"])
def test_invalid_buyer_siret_is_refused(db, siret):
    _refused(db, Buyer(siret=siret, name="Acheteur"))


def test_valid_sirets_are_accepted_including_la_poste(db):
    db.session.add_all(
        [
            Buyer(siret="73282932000074", name="A"),
            Buyer(siret="35600000000048", name="La Poste"),
            Buyer(siret="35600000012341", name="Bureau de poste"),
        ]
    )
    db.session.flush()
    assert db.session.query(Buyer).count() == 3


def test_invalid_company_siret_is_refused_but_foreign_identifiers_pass(db):
    _refused(db, Company(identifier="12345678901234", identifier_type="SIRET", name="X"))
    db.session.add(Company(identifier="BE0123456789", identifier_type="TVA", name="Société belge"))
    db.session.flush()


def test_duplicate_contract_reference_for_the_same_buyer_is_refused(db):
    contract = factories.ContractFactory(reference="2025-001")
    _refused(db, Contract(buyer_id=contract.buyer_id, reference="2025-001", object="Autre objet"))


def test_same_reference_for_another_buyer_is_accepted(db):
    factories.ContractFactory(reference="2025-001")
    other = factories.BuyerFactory()
    db.session.add(Contract(buyer_id=other.id, reference="2025-001", object="Autre objet"))
    db.session.flush()


def test_non_positive_contract_amount_is_refused(db):
    buyer = factories.BuyerFactory()
    _refused(db, Contract(buyer_id=buyer.id, reference="X1", object="Objet", amount_excl_tax=Decimal("-1")))


def test_unknown_enumeration_code_is_refused(db):
    entry = factories.HourEntryFactory()
    _refused(
        db,
        HourEntry(
            participant_id=entry.participant_id,
            clause_id=entry.clause_id,
            employer_id=entry.employer_id,
            modality="telepathy",
            month=date(2025, 5, 1),
            hours=Decimal("3"),
        ),
    )


def test_optimistic_lock_detects_a_concurrent_update(db):
    from sqlalchemy.orm.exc import StaleDataError

    contract = factories.ContractFactory()
    assert contract.version == 1
    # Another user's transaction saved the contract meanwhile.
    db.session.execute(text("UPDATE contracts SET version = version + 1 WHERE id = :id"), {"id": contract.id})
    contract.object = "Objet modifié"
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()
