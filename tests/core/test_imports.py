"""The import pipeline shared by every file import (app/core/imports.py), seen through the hours and food
imports: streamed reading in French Excel's encodings, rules spanning batches, set-based checks."""

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core.imports import ImportFileError
from app.food.models import Purchase
from app.food.services.imports import PurchaseImporter
from app.food.services.imports import import_file as import_purchases
from app.hours.models import HourEntry
from app.hours.services.imports import COLUMN_NAMES, HoursImporter
from app.hours.services.imports import import_file as import_hours
from tests import factories
from tests.hours.helpers import clause_for, employer
from tests.querycount import counting_queries

HEADER = ";".join(COLUMN_NAMES)


def _hours_file(lines: list[str], encoding="utf-8") -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding)


def _setting(people: int = 2):
    clause = clause_for(None, reference="2025-VOIRIE")
    company = employer()
    codes = [factories.ParticipantFactory().code for _ in range(people)]
    return clause, company, codes


def _line(clause, company, code, month="2025-04", hours="35"):
    return (
        f"2025-VOIRIE;{clause.contract.buyer.siret};{code};{company.identifier};direct_hire;{month};{hours}"
    )


def _hour_count(db):
    return db.session.scalar(select(func.count(HourEntry.id)))


def test_a_windows_1252_file_with_accented_labels_is_read(db):
    clause, company, (code, _other) = _setting()
    line = _line(clause, company, code).replace("direct_hire", "Embauche directe")

    report = import_hours(None, "heures.csv", _hours_file([line], encoding="cp1252"))

    assert report.is_valid, report.error_messages()
    assert report.valid == 1 and report.importer.total_hours == Decimal(35)


def test_monthly_cap_spans_batches_and_the_hours_already_logged(db, monkeypatch):
    monkeypatch.setattr(HoursImporter, "batch_size", 2)
    clause, company, (anna, bruno) = _setting()
    factories.HourEntryFactory(
        participant=db.session.scalar(
            select(factories.Participant).where(factories.Participant.code == anna)
        ),
        clause=clause,
        employer=company,
        month=date(2025, 4, 1),
        hours=Decimal(100),
    )
    second_employer = employer()
    lines = [
        _line(clause, company, bruno, "2025-05", "10"),
        _line(clause, company, bruno, "2025-06", "10"),
        _line(clause, second_employer, anna, "2025-04", "60"),  # line 4: 100 + 60 + 41 > 200
        _line(clause, company, bruno, "2025-07", "10"),
        _line(clause, company, bruno, "2025-08", "10"),
        _line(clause, employer(), anna, "2025-04", "41"),
    ]

    report = import_hours(None, "h.csv", _hours_file(lines))

    messages = report.error_messages()
    assert any(
        m.startswith("Ligne 4 : ") and "dépasserait 200" in m and "100\xa0h déjà saisies" in m
        for m in messages
    )
    assert len(messages) == 1 and "60\xa0h + 41\xa0h" not in messages[0]
    assert "+ 101\xa0h = 201\xa0h" in messages[0]


def test_duplicates_are_found_across_batches(db, monkeypatch):
    monkeypatch.setattr(HoursImporter, "batch_size", 2)
    clause, company, (anna, bruno) = _setting()
    lines = [
        _line(clause, company, anna, "2025-04", "5"),
        _line(clause, company, bruno, "2025-04", "5"),
        _line(clause, company, bruno, "2025-05", "5"),
        _line(clause, company, anna, "2025-04", "7"),
    ]

    report = import_hours(None, "h.csv", _hours_file(lines))

    assert [str(e) for e in report.errors if e.is_duplicate] == [
        next(m for m in report.error_messages() if m.startswith("Ligne 5 : Doublon : la ligne 2 porte déjà"))
    ]


def test_an_error_in_a_late_batch_leaves_nothing_written(db, runner, tmp_path, monkeypatch):
    monkeypatch.setattr(HoursImporter, "batch_size", 2)
    clause, company, codes = _setting(people=5)
    lines = [_line(clause, company, code) for code in codes] + [_line(clause, company, "P-INCONNU")]
    path = tmp_path / "heures.csv"
    path.write_bytes(_hours_file(lines))

    result = runner.invoke(args=["hours", "import", str(path)])

    assert result.exit_code != 0
    assert "Ligne 7 : Bénéficiaire inconnu : P-INCONNU." in result.output
    assert _hour_count(db) == 0


def test_checking_a_file_costs_the_same_queries_for_10_or_200_lines(db):
    clause, company, codes = _setting(people=200)
    small = _hours_file([_line(clause, company, code) for code in codes[:10]])
    large = _hours_file([_line(clause, company, code) for code in codes])

    with counting_queries() as for_small:
        assert import_hours(None, "h.csv", small).is_valid
    db.session.expire_all()
    with counting_queries() as for_large:
        assert import_hours(None, "h.csv", large).is_valid

    assert for_small.count == for_large.count, str(for_large)


def test_writing_a_file_costs_a_constant_number_of_queries_per_batch(db):
    clause, company, codes = _setting(people=200)

    with counting_queries() as for_small:
        report = import_hours(
            None, "h.csv", _hours_file([_line(clause, company, c) for c in codes[:10]]), write=True
        )
    db.session.rollback()
    db.session.expire_all()
    with counting_queries() as for_large:
        import_hours(None, "h.csv", _hours_file([_line(clause, company, c) for c in codes]), write=True)

    assert report.written == 10
    assert for_small.count == for_large.count, str(for_large)


def _purchases_file(site_name: str, count: int) -> bytes:
    lines = [
        "date;site;fournisseur;siret_fournisseur;famille;description;montant_ht;caracteristiques;origine"
    ]
    lines += [
        f"12/05/2025;{site_name};Fournisseur {i % 3};;FRUITS_ET_LEGUMES;Produit {i};{i + 1},50;BIO;FRANCE"
        for i in range(count)
    ]
    return ("\n".join(lines) + "\n").encode("cp1252")


def test_purchase_import_queries_do_not_grow_with_the_lines(db):
    factories.CateringSiteFactory(name="Cantine")

    with counting_queries() as for_small:
        small = import_purchases(None, "a.csv", _purchases_file("Cantine", 5), write=True)
    db.session.rollback()
    db.session.expire_all()
    with counting_queries() as for_large:
        large = import_purchases(None, "a.csv", _purchases_file("Cantine", 150), write=True)

    assert (small.written, large.written) == (5, 150)
    assert for_small.count == for_large.count, str(for_large)
    db.session.commit()
    assert db.session.scalar(select(func.count(Purchase.id))) == 150


def test_purchase_batches_write_every_line_once(db, monkeypatch):
    monkeypatch.setattr(PurchaseImporter, "batch_size", 4)
    factories.CateringSiteFactory(name="Cantine")

    report = import_purchases(None, "a.csv", _purchases_file("Cantine", 10), write=True)
    db.session.commit()

    assert report.written == 10
    amounts = db.session.scalars(select(Purchase.amount_excl_tax).order_by(Purchase.amount_excl_tax)).all()
    assert amounts == [Decimal(i) + Decimal("0.5") for i in range(1, 11)]


def test_an_unreadable_file_is_refused_as_a_whole(db):
    with pytest.raises(ImportFileError, match="Colonnes manquantes"):
        import_hours(None, "h.csv", b"foo;bar\n1;2\n")
    with pytest.raises(ImportFileError, match="vide"):
        import_hours(None, "h.csv", b"")
    with pytest.raises(ImportFileError, match="XLSX est illisible"):
        import_hours(None, "h.xlsx", io.BytesIO(b"PK\x03\x04 broken").read())


def test_imported_entries_are_audited_like_entries_logged_one_by_one(db):
    from app.core import audit
    from app.core.audit import AuditEntry

    clause, company, (code, _other) = _setting()
    report = import_hours(None, "h.csv", _hours_file([_line(clause, company, code)]), write=True)
    db.session.commit()

    entry = db.session.scalars(select(HourEntry)).one()
    logged = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "HourEntry")).one()
    assert report.written == 1 and logged.object_id == str(entry.id) and logged.action == "create"
    expected = audit.changes_since({}, entry)  # the fields HourEntry declares, as log_hours records them
    assert logged.changes.keys() == expected.keys()
    assert Decimal(logged.changes.pop("hours")[1]) == Decimal(expected.pop("hours")[1])
    assert logged.changes == expected
    assert logged.summary == f"Heures {code}, marché 2025-VOIRIE, avril 2025 : 35\xa0h"
