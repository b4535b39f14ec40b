"""Reader: the dashboard of a buyer and year, a figure followed to its records, the same figure in the PDF."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from app.core.dates import today_paris
from app.core.enums import ReportTrigger
from app.extensions import db
from app.main.demo_catalog import DEMO_PASSWORD
from app.referential.models import Buyer
from app.reports import services as report_services
from tests.e2e.checks import Journey, sign_in


def plain(text: str) -> str:
    """Figures as a reader compares them: every kind of space the same."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def test_reader_follows_a_figure_to_its_records_and_finds_it_in_the_pdf(page):
    year = today_paris().year - 1
    buyer = db.session.scalars(select(Buyer).order_by(Buyer.id)).first()
    # The January job's report, on the data as it is now (the other journeys may have added hours).
    report_services.generate_report_version("planificateur", buyer, year, trigger=ReportTrigger.SCHEDULER)
    db.session.commit()

    journey = Journey(page, "lecteur")
    sign_in(page, "lecteur@demo-levier.fr", DEMO_PASSWORD)
    journey.check("accueil")
    page.get_by_role("link", name="Tableau de bord", exact=True).click()
    page.get_by_label("Acheteur", exact=True).select_option(label=buyer.name)
    page.get_by_label("Année", exact=True).select_option(str(year))
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(f"**annee={year}**")
    journey.check("tableau de bord")
    realized = page.locator(".stat-card", has_text="Heures réalisées").locator(".stat-value a")
    figure = plain(realized.inner_text())
    assert figure.endswith(" h") and figure != "0 h"
    page.get_by_role("img", name=re.compile("Heures par modalité")).wait_for()
    page.get_by_text("Données du graphique").first.click()  # the chart's text alternative
    expect(page.locator("details.chart-data table").first).to_be_visible()

    realized.click()
    journey.check("heures réalisées")
    assert plain(page.get_by_role("status").inner_text()).startswith(figure)
    assert plain(page.locator("tfoot td").inner_text()) == figure
    rows = [plain(c) for c in page.locator("tbody tr td:last-child").all_inner_texts()]
    assert rows and all(r.endswith(" h") for r in rows)

    page.get_by_role("link", name=f"Tableau de bord {year}").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^PDF")).first.click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = plain(" ".join(p.extract_text() for p in pdf.pages))
    assert buyer.name in text
    assert figure in text, f"{figure} not in the PDF"
