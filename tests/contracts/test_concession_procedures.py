"""Concession contracts have their own procedures (DECP 2022, contrat-concession/procedure)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from app.contracts.models import Contract
from tests import factories


def test_database_accepts_a_concession_procedure(db):
    buyer = factories.BuyerFactory()
    db.session.add(
        Contract(
            buyer_id=buyer.id,
            reference="DSP-1",
            object="Transport public",
            kind="concession",
            nature="Délégation de service public",
            procedure="Procédure négociée ouverte",
            amount_excl_tax=Decimal("1000000"),
            notified_on=date(2025, 1, 1),
            duration_months=60,
        )
    )
    db.session.commit()
    assert (
        db.session.query(Contract).filter_by(reference="DSP-1").one().procedure
        == "Procédure négociée ouverte"
    )


def test_database_still_refuses_an_unknown_procedure(db):
    buyer = factories.BuyerFactory()
    db.session.add(
        Contract(buyer_id=buyer.id, reference="X-1", object="Objet", procedure="Procédure imaginaire")
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_contract_form_refuses_a_concession_procedure_for_a_marche(app):
    from werkzeug.datastructures import MultiDict

    from app.contracts.forms import ContractForm

    with app.test_request_context():
        form = ContractForm(MultiDict({"kind": "marche", "procedure": "Procédure négociée ouverte"}))
        form.validate()
        assert form.procedure.errors == ["Cette procédure ne s'applique pas à un marché public."]
        form = ContractForm(MultiDict({"kind": "concession", "procedure": "Procédure négociée ouverte"}))
        form.validate()
        assert form.procedure.errors == []
