"""The contract page (holders, clauses, realized hours, history), archiving and clause removal."""

import html
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.contracts import services
from app.contracts.models import Clause, Contract
from app.core.audit import AuditEntry
from app.extensions import db
from tests import factories
from tests.contracts.conftest import company


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_page_shows_holders_clauses_with_article_planned_realized_and_rate(as_reader, buyer, facilitator):
    contract = factories.ContractFactory(
        buyer=buyer,
        reference="T-1",
        cpv_code="45442100",
        amount_excl_tax=Decimal("1000000"),
        holders=[company(name="Peinture Artois"), company(name="Insertion 62", kind="EI")],
    )
    computed = factories.ClauseFactory(
        contract=contract,
        hours_method="rate",
        labour_share=Decimal("50"),
        insertion_rate=Decimal("5"),
        hourly_cost=Decimal("30"),
        planned_hours=Decimal("833"),
        facilitators=[facilitator],
    )
    factories.ClauseFactory(
        contract=contract, kind="reserved", reserved_article="L2113-13", planned_hours=None
    )
    factories.HourEntryFactory(clause=computed, hours=Decimal("100"), month=date(2025, 4, 1))
    factories.HourEntryFactory(clause=computed, hours=Decimal("66.6"), month=date(2025, 5, 1))
    page = text(as_reader.get(f"/marches/{contract.id}"))
    assert "Peinture Artois" in page and "Insertion 62" in page and "mandataire" in page
    assert "45442100-8 — Travaux de peinture" in page
    assert "L2112-2" in page and "L2113-13" in page
    assert "50\u00a0% main-d'œuvre × 5\u00a0% insertion" in page
    assert "30,00\u00a0€/h" in page  # the calculator inputs explain the 833 h
    assert "833\u00a0h" in page
    assert "166,6\u00a0h" in page
    assert "20,0\u00a0%" in page  # 166,6 ÷ 833
    assert facilitator.display_name in page


def test_page_shows_zero_realized_hours_before_any_entry(as_reader, buyer):
    clause = factories.ClauseFactory(
        contract=factories.ContractFactory(buyer=buyer), planned_hours=Decimal("500")
    )
    page = text(as_reader.get(f"/marches/{clause.contract_id}"))
    assert "0\u00a0h" in page and "0,0\u00a0%" in page


def test_history_lists_contract_and_clause_changes(as_officer, officer, buyer):
    holder = company()
    contract = services.create_contract(
        officer,
        services.ContractData(
            buyer_id=buyer.id,
            reference="H-1",
            object="Objet",
            amount_excl_tax=Decimal("10000"),
            holders=[services.HolderData(identifier=holder.identifier)],
        ),
    )
    clause = services.add_clause(
        officer, contract, services.ClauseData(kind="execution_condition", planned_hours=Decimal("70"))
    )
    services.update_clause(
        officer, clause, services.ClauseData(kind="execution_condition", planned_hours=Decimal("90"))
    )
    db.session.commit()
    page = text(as_officer.get(f"/marches/{contract.id}"))
    history = page[page.index("Historique") :]
    assert "Création" in history and "Marché H-1" in history
    assert "Modification</strong> — Clause du marché H-1" in history
    assert "70\u00a0h" in history and "90\u00a0h" in history
    assert officer.display_name in history


def test_archive_hides_the_contract_and_restore_brings_it_back(as_officer, buyer):
    contract = factories.ContractFactory(buyer=buyer, reference="A-1")
    response = as_officer.post(f"/marches/{contract.id}/archiver")
    assert response.status_code == 302
    db.session.refresh(contract)
    assert contract.archived_at is not None
    assert ">A-1</a>" not in text(as_officer.get("/marches/"))
    assert ">A-1</a>" in text(as_officer.get("/marches/?archived=1"))
    assert "Archivé le" in text(as_officer.get(f"/marches/{contract.id}"))
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "archive")) == "archive"

    as_officer.post(f"/marches/{contract.id}/restaurer")
    db.session.refresh(contract)
    assert contract.archived_at is None
    assert ">A-1</a>" in text(as_officer.get("/marches/"))
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "Contract").order_by(AuditEntry.id)
    ).all()
    assert actions == ["archive", "restore"]


def test_archive_and_restore_buttons_ask_for_confirmation(as_officer, buyer):
    contract = factories.ContractFactory(buyer=buyer)
    page = text(as_officer.get(f"/marches/{contract.id}"))
    assert "data-confirm=" in page and "Archiver le march" in page


def test_clause_with_hours_cannot_be_deleted(as_officer, buyer):
    clause = factories.ClauseFactory(contract=factories.ContractFactory(buyer=buyer))
    factories.HourEntryFactory(clause=clause)
    response = as_officer.post(f"/marches/clauses/{clause.id}/supprimer", follow_redirects=True)
    assert "Impossible de supprimer cette clause : 1 saisie(s) d'heures y sont rattachées" in text(response)
    assert db.session.get(Clause, clause.id) is not None


def test_clause_without_hours_is_deleted_and_the_history_keeps_it(as_officer, buyer):
    contract = factories.ContractFactory(buyer=buyer)
    clause = factories.ClauseFactory(contract=contract)
    response = as_officer.post(f"/marches/clauses/{clause.id}/supprimer", follow_redirects=True)
    assert "Clause supprimée." in text(response)
    assert db.session.scalar(select(func.count(Clause.id))) == 0
    assert "Suppression d'une clause" in text(as_officer.get(f"/marches/{contract.id}"))


def test_officer_edits_a_clause(as_officer, buyer):
    clause = factories.ClauseFactory(
        contract=factories.ContractFactory(buyer=buyer), planned_hours=Decimal("500")
    )
    form = text(as_officer.get(f"/marches/clauses/{clause.id}/modifier"))
    assert 'value="500,00"' in form
    response = as_officer.post(
        f"/marches/clauses/{clause.id}/modifier",
        data={
            "kind": "award_criterion",
            "hours_method": "manual",
            "planned_hours": "650",
            "award_weight_percent": "10",
            "version": str(clause.version),
        },
    )
    assert response.status_code == 302
    db.session.refresh(clause)
    assert (clause.kind, clause.planned_hours, clause.award_weight_percent) == (
        "award_criterion",
        Decimal("650"),
        Decimal("10"),
    )


def test_missing_contract_is_404(as_reader):
    assert as_reader.get("/marches/999999").status_code == 404
    assert db.session.scalar(select(func.count(Contract.id))) == 0
