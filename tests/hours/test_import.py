"""Spreadsheet import: nothing is written until the whole file is valid and confirmed."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.core.enums import StructureKind
from app.hours.models import HourEntry
from app.hours.services.imports import COLUMN_NAMES
from tests import factories
from tests.hours.helpers import clause_for, employer

HEADER = ";".join(COLUMN_NAMES)


def count(db) -> int:
    return db.session.scalar(select(func.count(HourEntry.id)))


def make_setting(facilitator=None):
    clause = clause_for(facilitator, reference="2025-VOIRIE")
    return {
        "clause": clause,
        "buyer": clause.contract.buyer.siret,
        "anna": factories.ParticipantFactory().code,
        "bruno": factories.ParticipantFactory().code,
        "company": employer().identifier,
        "etti": employer(StructureKind.ETTI).identifier,
    }


def csv_bytes(lines: list[str], separator=";", bom=True) -> bytes:
    text = "\r\n".join([HEADER.replace(";", separator)] + lines) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def valid_lines(s) -> list[str]:
    return [
        f"2025-VOIRIE;{s['buyer']};{s['anna']};{s['company']};direct_hire;2025-04;35",
        f"2025-VOIRIE;{s['buyer']};{s['bruno']};{s['etti']};Intérim;2025-04;20,5",
        f"2025-VOIRIE;{s['buyer']};{s['anna']};{s['company']};direct_hire;2025-05;40",
    ]


def test_cli_import_of_a_valid_file_creates_exactly_its_rows(db, runner, tmp_path):
    s = make_setting()
    path = tmp_path / "heures.csv"
    path.write_bytes(csv_bytes(valid_lines(s)))
    result = runner.invoke(args=["hours", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 saisie(s) créée(s), 95,5\xa0h" in result.output
    rows = db.session.execute(
        select(HourEntry.month, HourEntry.hours, HourEntry.modality).order_by(HourEntry.id)
    ).all()
    assert rows == [
        (date(2025, 4, 1), Decimal("35"), "direct_hire"),
        (date(2025, 4, 1), Decimal("20.5"), "temp_work"),
        (date(2025, 5, 1), Decimal("40"), "direct_hire"),
    ]


def test_cli_import_with_one_bad_line_writes_nothing_and_names_the_line(db, runner, tmp_path):
    s = make_setting()
    lines = valid_lines(s)
    lines.insert(1, f"2025-VOIRIE;{s['buyer']};{s['bruno']};{s['company']};temp_work;2025-04;10")
    path = tmp_path / "heures.csv"
    path.write_bytes(csv_bytes(lines))
    result = runner.invoke(args=["hours", "import", str(path)])
    assert result.exit_code != 0
    assert (
        "Ligne 3 : " in result.output
        and "ne peut pas employer de bénéficiaire en « Intérim »" in result.output
    )
    assert "1 erreur(s) : rien n'a été importé." in result.output
    assert count(db) == 0


def test_cli_dry_run_checks_without_writing(db, runner, tmp_path):
    s = make_setting()
    path = tmp_path / "heures.csv"
    lines = [line.replace("20,5", "20.5").replace(";", ",") for line in valid_lines(s)]
    path.write_bytes(csv_bytes(lines, separator=",", bom=False))
    result = runner.invoke(args=["hours", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Fichier valide : 3 saisie(s)" in result.output
    assert count(db) == 0


def test_import_reports_every_error_with_its_line_number(db, runner, tmp_path):
    s = make_setting()
    lines = [
        f"INCONNU;{s['buyer']};{s['anna']};{s['company']};direct_hire;2025-04;35",
        f"2025-VOIRIE;{s['buyer']};P-NOPE;{s['company']};direct_hire;2025-04;35",
        f"2025-VOIRIE;{s['buyer']};{s['anna']};73282932000074;direct_hire;2025-04;35",
        f"2025-VOIRIE;{s['buyer']};{s['anna']};{s['company']};direct_hire;avril;35",
        f"2025-VOIRIE;{s['buyer']};{s['anna']};{s['company']};direct_hire;2025-04;0",
        f"2025-VOIRIE;{s['buyer']};{s['anna']};{s['company']};direct_hire;2030-04;35",
        f"2025-VOIRIE;{s['buyer']};{s['bruno']};{s['company']};direct_hire;2025-06;150",
        f"2025-VOIRIE;{s['buyer']};{s['bruno']};{s['company']};direct_hire;2025-06;60",
    ]
    path = tmp_path / "heures.csv"
    path.write_bytes(csv_bytes(lines))
    result = runner.invoke(args=["hours", "import", str(path)])
    assert result.exit_code != 0
    output = result.output
    assert "Ligne 2 : Marché inconnu : INCONNU" in output
    assert "Ligne 3 : Bénéficiaire inconnu : P-NOPE." in output
    assert "Ligne 4 : Employeur inconnu (SIRET" in output
    assert "Ligne 5 : Mois invalide : avril" in output
    assert "Ligne 6 : Le nombre d'heures doit être strictement positif." in output
    assert "Ligne 7 : Avril 2030 est hors de la période d'exécution" in output
    assert "Ligne 8 : " in output and "dépasserait 200" in output
    assert "Ligne 9 : Doublon : la ligne 8 porte déjà la même saisie" in output
    assert count(db) == 0


def test_missing_columns_are_reported(db, runner, tmp_path):
    path = tmp_path / "heures.csv"
    path.write_bytes(b"reference_marche;heures\r\nX;3\r\n")
    result = runner.invoke(args=["hours", "import", str(path)])
    assert result.exit_code != 0
    assert "Colonnes manquantes : siret_acheteur, code_participant" in result.output


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Référence marché",
            "SIRET acheteur",
            "Code participant",
            "SIRET employeur",
            "Modalité",
            "Mois",
            "Heures",
        ]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_web_import_previews_then_writes_only_on_confirmation(db, client, facilitator):
    from tests.conftest import login

    s = make_setting(facilitator)
    login(client, facilitator)
    data = xlsx_bytes(
        [
            ["2025-VOIRIE", s["buyer"], s["anna"], s["company"], "direct_hire", "2025-04", 35],
            ["2025-VOIRIE", s["buyer"], s["bruno"], s["etti"], "temp_work", date(2025, 4, 1), 20.5],
        ]
    )
    preview = client.post(
        "/heures/import", data={"file": (io.BytesIO(data), "heures.xlsx")}, content_type="multipart/form-data"
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Fichier valide" in page and "2 saisie(s)" in page
    assert count(db) == 0
    token = page.split('action="/heures/import/')[1].split('"')[0]
    assert client.post(f"/heures/import/{token}").status_code == 302
    assert count(db) == 2
    assert client.post(f"/heures/import/{token}").status_code == 404  # the stored file is gone


def test_web_import_with_a_bad_line_shows_it_and_offers_no_confirmation(db, client, facilitator):
    from tests.conftest import login

    s = make_setting(facilitator)
    login(client, facilitator)
    lines = valid_lines(s) + [f"2025-VOIRIE;{s['buyer']};{s['anna']};{s['company']};direct_hire;2025-04;-2"]
    preview = client.post(
        "/heures/import",
        data={"file": (io.BytesIO(csv_bytes(lines)), "heures.csv")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert "<strong>Ligne 5</strong> : Le nombre d&#39;heures doit être strictement positif." in page
    assert "Confirmer l&#39;import" not in page and "Confirmer l'import" not in page
    assert count(db) == 0


def test_web_import_refuses_lines_on_clauses_the_facilitator_does_not_follow(db, client, facilitator):
    from tests.conftest import login

    s = make_setting(None)
    login(client, facilitator)
    preview = client.post(
        "/heures/import",
        data={"file": (io.BytesIO(csv_bytes(valid_lines(s)[:1])), "heures.csv")},
        content_type="multipart/form-data",
    )
    assert "Vous ne suivez pas la clause du marché 2025-VOIRIE" in preview.get_data(as_text=True)
    assert count(db) == 0


def test_confirmation_revalidates_the_file(db, client, facilitator):
    from tests.conftest import login

    s = make_setting(facilitator)
    login(client, facilitator)
    lines = valid_lines(s)[:1]
    preview = client.post(
        "/heures/import",
        data={"file": (io.BytesIO(csv_bytes(lines)), "h.csv")},
        content_type="multipart/form-data",
    )
    token = preview.get_data(as_text=True).split('action="/heures/import/')[1].split('"')[0]
    # Meanwhile someone logs the same hours: confirming would now create a duplicate.
    factories.HourEntryFactory(
        participant=db.session.scalar(
            select(factories.Participant).where(factories.Participant.code == s["anna"])
        ),
        clause=s["clause"],
        employer=db.session.scalar(
            select(factories.Company).where(factories.Company.identifier == s["company"])
        ),
    )
    response = client.post(f"/heures/import/{token}")
    assert response.status_code == 422
    assert "Doublon" in response.get_data(as_text=True)
    assert count(db) == 1


def test_templates_document_the_columns(db, as_facilitator):
    csv_response = as_facilitator.get("/heures/import/modele.csv")
    assert csv_response.data.decode("utf-8-sig").strip() == HEADER
    xlsx_response = as_facilitator.get("/heures/import/modele.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx_response.data))
    assert [c.value for c in workbook["Heures"][1]] == list(COLUMN_NAMES)
    assert workbook["Aide"]["A2"].value == "reference_marche"
    page = as_facilitator.get("/heures/import").get_data(as_text=True)
    for name in COLUMN_NAMES:
        assert f"<code>{name}</code>" in page


def test_preview_lists_error_lines_under_errors_never_under_valid_lines(db, client, facilitator):
    from tests.conftest import login

    s = make_setting(facilitator)
    login(client, facilitator)
    lines = [
        f"2025-VOIRIE;{s['buyer']};{s['bruno']};{s['company']};direct_hire;2025-04;35",
        f"2025-VOIRIE;{s['buyer']};{s['anna']};{s['company']};direct_hire;2025-05;150",
        f"2025-VOIRIE;{s['buyer']};{s['anna']};{s['etti']};temp_work;2025-05;60",
    ]
    preview = client.post(
        "/heures/import",
        data={"file": (io.BytesIO(csv_bytes(lines).decode("utf-8-sig").encode("cp1252")), "heures.csv")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    errors, valid = page.split('<h2 class="h5">Erreurs</h2>')[1].split("Lignes valides")
    assert "<strong>Ligne 3</strong>" in errors and "dépasserait 200" in errors
    assert '<td class="text-muted">2</td>' in valid
    assert '<td class="text-muted">3</td>' not in valid and '<td class="text-muted">4</td>' in valid
    assert count(db) == 0


@pytest.mark.parametrize("typed", ["1e40", "1e309", "NaN", "Infinity"])
def test_import_refuses_non_finite_hours_with_their_line_on_the_page_and_the_command(
    db, as_admin, runner, tmp_path, typed
):
    """Issue 16, defect 2: `1e40` or `NaN` hours were a 500 on the page and a traceback in the command."""
    s = make_setting()
    lines = valid_lines(s)
    lines[1] = lines[1].rsplit(";", 1)[0] + f";{typed}"
    content = csv_bytes(lines)
    page = as_admin.post(
        "/heures/import",
        data={"file": (io.BytesIO(content), "heures.csv")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200 and "<strong>Ligne 3</strong>" in page.get_data(as_text=True)
    path = tmp_path / "heures.csv"
    path.write_bytes(content)
    result = runner.invoke(args=["hours", "import", str(path)])
    assert result.exit_code == 1 and "Ligne 3" in result.output and "Traceback" not in result.output
    assert count(db) == 0
