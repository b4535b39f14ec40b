"""The benchmark data generator writes rows that hold to the schema and to the rules the services enforce."""

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from app.contracts.models import Clause, Contract
from app.core.enums import MODALITY_EMPLOYER_KINDS, Modality
from app.core.forms import is_valid_siret
from app.food.models import CateringSite, Purchase
from app.hours.models import HourEntry
from app.hours.services.rules import contract_period_error
from app.participants.models import Outcome, Participant
from app.referential.models import Buyer, Company
from bench.generate import counts, generate


def _generated(db, scale=0.002, seed=7):
    result = generate(db.engine, scale, seed)
    db.session.expire_all()
    return result


def test_generator_writes_the_counts_of_its_scale(db):
    result = _generated(db)
    expected = counts(0.002)
    assert (
        result["rows"]["contracts"]
        == expected["contracts"]
        == db.session.scalar(select(func.count(Contract.id)))
    )
    assert result["rows"]["hour_entries"] == expected["hour_entries"]
    assert (
        result["rows"]["purchases"]
        == db.session.scalar(select(func.count(Purchase.id)))
        == expected["purchases"]
    )
    assert db.session.scalar(select(func.count(Clause.id))) == result["rows"]["clauses"] > 0


def test_generated_rows_follow_the_business_rules(app, db):
    _generated(db)
    sirets = [*db.session.scalars(select(Buyer.siret)), *db.session.scalars(select(Company.identifier))]
    sirets += [s for s in db.session.scalars(select(CateringSite.siret)) if s]
    assert sirets and all(is_valid_siret(s) for s in sirets)

    monthly = defaultdict(lambda: 0)
    last_month = {}
    entries = db.session.scalars(select(HourEntry)).all()
    assert entries
    for entry in entries:
        monthly[(entry.participant_id, entry.month)] += entry.hours
        last_month[entry.participant_id] = max(last_month.get(entry.participant_id, date.min), entry.month)
        assert entry.month.day == 1 and 0 < entry.hours <= 200
        assert contract_period_error(entry.clause, entry.month) is None
        assert entry.clause.contract.archived_at is None
        assert entry.employer.kind in MODALITY_EMPLOYER_KINDS[Modality(entry.modality)]
    assert max(monthly.values()) <= app.config["MAX_HOURS_PER_PARTICIPANT_MONTH"]
    for outcome in db.session.scalars(select(Outcome)):
        assert outcome.observed_on > last_month[outcome.participant_id]
    assert len(set(db.session.scalars(select(Participant.code)))) == db.session.scalar(
        select(func.count(Participant.id))
    )


def test_same_seed_gives_the_same_data(db):
    _generated(db, seed=11)
    first = db.session.execute(
        select(func.sum(HourEntry.hours), func.sum(Contract.amount_excl_tax).label("a"))
        .select_from(HourEntry)
        .join(Clause)
        .join(Contract)
    ).one()
    amounts = db.session.scalar(select(func.sum(Purchase.amount_excl_tax)))
    from tests.conftest import _empty_tables, _seed_reference_data

    _empty_tables()
    _seed_reference_data()
    _generated(db, seed=11)
    assert db.session.execute(
        select(func.sum(HourEntry.hours), func.sum(Contract.amount_excl_tax))
        .select_from(HourEntry)
        .join(Clause)
        .join(Contract)
    ).one() == tuple(first)
    assert db.session.scalar(select(func.sum(Purchase.amount_excl_tax))) == amounts
