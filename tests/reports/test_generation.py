"""Report versions: the PDF says the hand-computed figures in French; failures never leave a "done" report."""

import hashlib
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.core.enums import ReportStatus, ReportTrigger
from app.reports import services
from app.reports.models import ReportVersion
from tests.reports.handmade import YEAR, make_handmade_data
from tests.reports.test_indicators import EXPECTED, _subset


@pytest.fixture
def data(db):
    return make_handmade_data()


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(
        " ".join(page.extract_text() for page in reader.pages).split()
    )  # NBSP and line breaks too


def test_generated_pdf_holds_the_headline_figures_formatted_in_french(app, db, data, admin):
    version = services.generate_report_version(admin, data["buyer"], YEAR, checkpoint=db.session.commit)
    db.session.commit()
    assert version.status == ReportStatus.DONE and version.version == 1
    path = services.report_path(version)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == version.checksum
    assert version.size_bytes == path.stat().st_size
    text = _pdf_text(path)
    for expected in (
        "Rapport annuel de suivi du SPASER",
        "Département du Pas-de-Calais",
        "Année 2025",
        "175 000,75 €",  # contracts notified in 2025
        "150 000,50 €",  # with a social consideration
        "85,7 %",
        "370,5 h",  # hours realized
        "652,21 h",  # hours planned for 2025 (commitments allotted pro rata)
        "56,8 %",  # realization rate of the year: 370,5 / 652,21
        "25,3 %",  # cumulative rate: 430,5 / 1 700
        "550,5 h",  # cumulated since 2023
        "75 000,75 €",  # inclusive suppliers
        "2 000,00 €",  # food
        "90,0 %",  # EGalim
        "Atteint",
        "Non atteint",
        "Annexe : méthode",
        "Marchés sans date de notification",
        "Page 2 sur",
    ):
        assert expected in text, expected
    assert len(PdfReader(str(path)).pages) >= 8


def test_regenerating_keeps_every_version(db, data, admin):
    first = services.generate_report_version(admin, data["buyer"], YEAR)
    second = services.generate_report_version(admin, data["buyer"], YEAR)
    db.session.commit()
    assert (first.version, second.version) == (1, 2)
    assert services.report_path(first).is_file() and services.report_path(second).is_file()
    assert services.report_path(first) != services.report_path(second)


def test_a_generation_that_raises_leaves_a_failed_version_and_no_done_one(app, db, data, admin, monkeypatch):
    def broken(indicators):
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(services, "render_annual_report", broken)
    version = services.generate_report_version(admin, data["buyer"], YEAR, checkpoint=db.session.commit)
    db.session.commit()
    versions = db.session.scalars(db.select(ReportVersion)).all()
    assert [(v.status, v.checksum, v.file_path) for v in versions] == [(ReportStatus.FAILED, None, None)]
    assert "police introuvable" in version.error
    storage = Path(app.config["REPORT_STORAGE"])
    assert not list(storage.rglob(f"*{data['buyer'].siret}-{YEAR}*"))


def test_an_interrupted_write_leaves_no_file_and_no_done_version(app, db, data, admin, monkeypatch):
    def disk_full(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services.os, "replace", disk_full)
    version = services.generate_report_version(admin, data["buyer"], YEAR)
    db.session.commit()
    assert version.status == ReportStatus.FAILED and "No space left" in version.error
    folder = Path(app.config["REPORT_STORAGE"]) / data["buyer"].siret
    assert not [p for p in folder.rglob("*") if p.is_file()]  # neither the PDF nor its temporary file


def test_cli_prints_exactly_the_hand_computed_figures_as_json(runner, data):
    result = runner.invoke(
        args=["report", "indicators", "--buyer", data["buyer"].siret, "--year", str(YEAR), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    _subset(figures, EXPECTED)
    assert figures["contracts"]["amount"] == "175000.75"  # decimals are strings, to the cent
    assert figures["contracts"]["by_category"]["supplies"] == {
        "label": "Fournitures",
        "count": 2,
        "amount": "25000.25",
    }
    assert figures["hours"]["by_modality"]["direct_hire"]["hours"] == "180.50"
    assert figures["participants"]["by_gender"]["male"]["count"] == 2
    assert figures["participants"]["by_eligibility"]["RSA"]["count"] == 1
    assert figures["participants"]["outcomes"]["lasting_job"]["count"] == 1
    assert [(o["code"], o["reached"]) for o in figures["objectives"]][:2] == [
        ("social_contract_count_share", True),
        ("social_contract_amount_share", False),
    ]
    assert figures["objectives"][0]["target"] == "30.00"
    assert figures["objectives"][0]["achieved"] == "50.00"


def test_cli_text_format_and_unknown_buyer(runner, data):
    result = runner.invoke(args=["report", "indicators", "--buyer", data["buyer"].siret, "--year", "2025",
                                 "--format", "text"])  # fmt: skip
    assert "contracts.count : 4" in result.output
    assert "hours.realized : 370.50" in result.output
    result = runner.invoke(args=["report", "indicators", "--buyer", "12345678901234", "--year", "2025"])
    assert result.exit_code != 0 and "Aucun acheteur" in result.output


def test_cli_generate_stores_a_version_and_copies_it(runner, db, data, tmp_path):
    output = tmp_path / "rapport.pdf"
    result = runner.invoke(
        args=["report", "generate", "--buyer", data["buyer"].siret, "--year", "2025", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    version = db.session.scalars(db.select(ReportVersion)).one()
    assert version.trigger == ReportTrigger.CLI and version.status == ReportStatus.DONE
    assert hashlib.sha256(output.read_bytes()).hexdigest() == version.checksum
    assert "version 1" in result.output


def test_a_buyer_without_any_record_still_gets_a_readable_report(db, admin):
    from tests import factories as f

    buyer = f.BuyerFactory(name="Commune nouvelle")
    version = services.generate_report_version(admin, buyer, 2025)
    db.session.commit()
    assert version.status == ReportStatus.DONE, version.error
    text = _pdf_text(services.report_path(version))
    assert "Aucun objectif n'a été fixé" in text and "Commune nouvelle" in text
