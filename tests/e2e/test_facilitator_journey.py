"""Facilitator: a behind-schedule clause, a month logged with the keyboard, the cap, an import fixed and confirmed."""

from datetime import date
from decimal import Decimal

from playwright.sync_api import expect
from sqlalchemy import func, select

from app.contracts.models import Clause
from app.core.dates import add_months
from app.extensions import db
from app.hours.models import HourEntry
from app.main.demo_catalog import DEMO_PASSWORD
from app.participants.models import Participant
from tests.e2e.checks import Journey, sign_in


def free_participants(month: date, count: int) -> list[str]:
    """Codes of participants with no hours at all in ``month`` (so the cap leaves them 200 h)."""
    busy = select(HourEntry.participant_id).where(HourEntry.month == month)
    codes = db.session.scalars(
        select(Participant.code).where(Participant.id.not_in(busy)).order_by(Participant.code)
    ).all()
    assert len(codes) >= count
    return list(codes[:count])


def realization_rate(page) -> str:
    return page.locator(".grid-summary div", has_text="Taux").locator("dd").inner_text()


def type_column(page, column: str, values: list[str]) -> None:
    """Type one column from the first row down, Enter moving to the next row as in a spreadsheet."""
    page.locator(f"#rows-1-{column}").focus()
    page.keyboard.press("Control+A")  # the next rows' cells are selected when Enter reaches them
    for value in values:
        page.keyboard.type(value)
        page.keyboard.press("Enter")


def test_facilitator_logs_a_month_with_the_keyboard_and_imports_a_fixed_file(page, tmp_path):
    journey = Journey(page, "facilitateur")
    sign_in(page, "facilitateur@demo-levier.fr", DEMO_PASSWORD)
    journey.check("accueil")

    page.get_by_role("button", name="Heures").click()
    page.get_by_role("link", name="Clauses en retard", exact=True).click()
    journey.check("clauses en retard")
    saisir = page.get_by_role("link", name="Saisir").first
    for width in (1280, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        box = saisir.bounding_box()
        assert box["x"] + box["width"] <= width, f"« Saisir » is off-screen at {width} px"
    page.set_viewport_size({"width": 1366, "height": 900})
    saisir.click()
    page.wait_for_url("**/heures/clauses/*/saisie*")
    journey.check("grille du mois")

    clause = db.session.get(Clause, int(page.url.split("/clauses/")[1].split("/")[0]))
    year, month_number = map(int, page.locator("#mois").input_value().split("-"))
    month = date(year, month_number, 1)
    employer = clause.contract.holders[0].company.identifier
    codes = free_participants(month, 4)
    rate_before = realization_rate(page)
    before = db.session.scalar(select(func.count(HourEntry.id)).where(HourEntry.clause_id == clause.id))

    type_column(page, "participant", codes)
    type_column(page, "employer", [employer] * 4)
    type_column(page, "modality", ["Embauche"] * 4)
    type_column(page, "hours", ["35", "70,5", "120", "230"])
    assert page.locator("#grid-total").inner_text() == "455,5\u00a0h"
    page.locator("#rows-1-hours").press("Control+Enter")
    alert = page.get_by_role("alert").filter(has_text="Rien n'a été enregistré")
    expect(alert).to_be_visible()
    assert "Ligne 4" in alert.inner_text() and "200" in alert.inner_text()
    journey.check("grille refusée (plafond)")
    assert (
        db.session.scalar(select(func.count(HourEntry.id)).where(HourEntry.clause_id == clause.id)) == before
    )

    page.locator("#rows-4-hours").fill("")
    page.locator("#rows-4-participant").fill("")
    page.locator("#rows-4-employer").fill("")
    page.locator("#rows-1-hours").press("Control+Enter")
    page.get_by_role("alert").filter(has_text="3 saisie(s) enregistrée(s)").wait_for()
    journey.check("grille enregistrée")
    db.session.expire_all()
    saved = db.session.scalars(
        select(HourEntry).where(HourEntry.clause_id == clause.id, HourEntry.month == month)
    ).all()
    assert sorted(e.hours for e in saved if e.participant.code in codes) == [
        Decimal("35"),
        Decimal("70.5"),
        Decimal("120"),
    ]
    assert realization_rate(page) != rate_before

    # An import for the month before, with one bad line: the error is numbered, the fixed file goes in.
    previous = add_months(month, -1)
    header = "reference_marche;siret_acheteur;code_participant;siret_employeur;modalite;mois;heures"
    lines = [
        f"{clause.contract.reference};{clause.contract.buyer.siret};{codes[0]};{employer};direct_hire;"
        f"{previous:%Y-%m};12",
        f"{clause.contract.reference};{clause.contract.buyer.siret};{codes[1]};{employer};direct_hire;"
        f"{previous:%Y-%m};-4",
    ]
    bad_file = tmp_path / "heures.csv"
    bad_file.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    page.get_by_role("button", name="Heures").click()
    page.get_by_role("link", name="Importer des heures", exact=True).click()
    journey.check("import")
    page.locator("input[type=file]").set_input_files(bad_file)
    page.locator("form").get_by_role("button").last.click()
    assert "rien ne sera importé" in page.get_by_role("alert").inner_text()
    assert "Ligne 3" in page.locator("ul.import-errors").inner_text()
    journey.check("aperçu avec erreur")

    lines[1] = lines[1].replace(";-4", ";4")
    fixed_file = tmp_path / "heures-corrige.csv"
    fixed_file.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    page.get_by_role("link", name="Déposer un fichier corrigé").click()
    page.locator("input[type=file]").set_input_files(fixed_file)
    page.locator("form").get_by_role("button").last.click()
    expect(page.get_by_role("status").filter(has_text="2 saisie(s)")).to_be_visible()  # waits for the page
    journey.check("aperçu valide")
    page.get_by_role("button", name="Confirmer l'import").click()
    journey.check("import confirmé")
    db.session.expire_all()
    imported = db.session.scalars(
        select(HourEntry).where(HourEntry.clause_id == clause.id, HourEntry.month == previous)
    ).all()
    assert {(e.participant.code, e.hours) for e in imported} >= {
        (codes[0], Decimal("12")),
        (codes[1], Decimal("4")),
    }
