"""The audit log: fields declared once per model, snapshots compared, values shown in French."""

import html
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import event, select

from app.core import audit
from app.core.audit import AuditEntry
from app.extensions import db
from app.referential.models import Buyer
from tests import factories


@contextmanager
def counted_statements():
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_snapshot_reads_the_declared_fields_and_diff_keeps_only_the_changes(db):
    contract = factories.ContractFactory(
        amount_excl_tax=Decimal("1000.00"), environmental_considerations=["b", "a"]
    )
    before = audit.snapshot(contract)
    assert before["environmental_considerations"] == ["a", "b"]
    assert before["holders"] == [h.company.identifier for h in contract.holders]
    contract.amount_excl_tax = Decimal("2500")
    assert audit.changes_since(before, contract) == {"amount_excl_tax": ["1000.00", "2500"]}
    assert audit.snapshot(None) == {}


def test_a_field_declared_for_display_only_is_not_snapshotted(db):
    participant = factories.ParticipantFactory()
    assert "identity" not in audit.snapshot(participant)
    assert audit.describe_changes("Participant", {"identity": [None, "modifiée"]})[0].label == "Identité"


def test_stored_values_are_shown_with_their_label_and_french_format(db):
    buyer = factories.BuyerFactory(name="Ville de Liévin")
    rows = audit.describe_changes(
        "Contract",
        {
            "buyer_id": [None, buyer.id],
            "amount_excl_tax": ["1000.00", "2500"],
            "notified_on": [None, "2025-03-12"],
            "kind": ["marche", "concession"],
        },
    )
    assert rows[0] == ("Acheteur", "—", "Ville de Liévin")
    assert rows[1].old.startswith("1\u00a0000,00") and rows[1].new.startswith("2\u00a0500,00")
    assert rows[2].new == "12/03/2025"
    assert rows[3].new == "Contrat de concession"
    assert audit.describe_changes("Unknown", {"x": [True, None]}) == [("x", "oui", "—")]


def test_describing_a_page_of_entries_reads_each_referenced_model_once(db, admin):
    buyers = [factories.BuyerFactory() for _ in range(6)]
    for buyer in buyers:
        site = factories.CateringSiteFactory(buyer=buyer)
        audit.record(admin, "update", site, changes={"buyer_id": [buyers[0].id, buyer.id]})
    db.session.flush()
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "CateringSite")).all()
    with counted_statements() as statements:
        described = audit.describe(entries)
    assert len(statements) == 1
    names = {b.id: b.name for b in db.session.scalars(select(Buyer))}
    assert [d.rows[0].new for d in described] == [names[b.id] for b in buyers]


def test_a_feature_can_name_its_own_actions(db):
    audit.register_action("test_only_action", "Action de test")
    assert audit.action_label("test_only_action") == "Action de test"
    assert audit.action_label("never_declared") == "never_declared"


def test_the_audit_log_page_shows_labels_and_formatted_values(as_admin, admin, db):
    objective = factories.ObjectiveFactory(organic_share=Decimal("20"))
    before = audit.snapshot(objective)
    objective.organic_share = Decimal("25.5")
    audit.record(
        admin, "update", objective, summary="Objectifs", changes=audit.changes_since(before, objective)
    )
    db.session.commit()
    page = html.unescape(as_admin.get("/admin/journal?type=Objective").get_data(as_text=True))
    assert "Achats biologiques : 20\u00a0% → 25,50\u00a0%" in page
    assert ">Modification</span>" in page
